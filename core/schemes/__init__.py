"""Frames as data: the concerns every year's aspects are made of, and one JSON file per scheme.

A concern (理论武装, 廉洁自律, 管党治党 …) is modelled once, with a lexicon (concerns.json). A
scheme — the aspects one year's notice sets — defines each aspect over concerns plus its own
heading words, so a new year is one data file that works without labelled documents. A draft
whose own aspect headings match no shipped scheme is read under those headings
(`declared_scheme`).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

from rapidfuzz import fuzz, process

DEFAULT_SCHEME = "2023"  # the scheme a corpus labels passages with when a document shows none
DECLARED = "declared"
_STRIP_HEADING = re.compile(r"^[（(]?[一二三四五六七八九十\d]{1,3}[）)、.．]?|[。：:；;，,！!\s]+$")
_ASPECT_WORDS = re.compile(r"^(?:在|关于)?(?:带头)?|方面(?:的问题|存在的问题|存在的不足)?$")
_HEADING_FILLER = frozenset({"带头", "方面", "坚持", "进一步", "不断", "始终", "切实", "更加"})


class UnknownDimensionError(ValueError):
    """A dimension name the scheme does not know; carries the closest known name."""

    def __init__(self, name: str, suggestion: str | None, choices: tuple[str, ...] = ()) -> None:
        self.name = name
        self.suggestion = suggestion
        self.choices = choices
        if choices:
            listed = "、".join(f"“{c}”" for c in choices)
            super().__init__(f"“{name}”可能指 {listed}，请写出完整名称")
            return
        hint = f"，您是否想找“{suggestion}”？" if suggestion else ""
        super().__init__(f"没有名为“{name}”的维度{hint}")


class UnknownSchemeError(ValueError):
    """A scheme id that is not shipped; lists the ones that are."""

    def __init__(self, name: str, known: tuple[str, ...]) -> None:
        self.name = name
        super().__init__(f"没有名为“{name}”的方案，可选：{'、'.join(known)}")


@dataclass(frozen=True, slots=True)
class Concern:
    """An underlying concern of the genre and the phrases that name it."""

    id: str
    description: str
    lexicon: tuple[tuple[str, float], ...]


@dataclass(frozen=True, slots=True)
class Dimension:
    """One aspect of a scheme: its short name, the official wording, heading aliases, the
    concerns it is made of (with weights) and heading words of its own."""

    name: str
    aliases: tuple[str, ...]
    description: str
    lexicon: tuple[tuple[str, float], ...] = ()
    concerns: tuple[tuple[str, float], ...] = ()

    @property
    def primary_concern(self) -> str | None:
        return max(self.concerns, key=lambda c: c[1])[0] if self.concerns else None


@dataclass(frozen=True, slots=True)
class Scheme:
    """An ordered set of dimensions, with where its wording comes from and how to recognise it."""

    name: str
    title: str
    dimensions: tuple[Dimension, ...]
    year: int | None = None
    source: str = ""
    clues: tuple[tuple[str, float], ...] = ()
    declared: bool = False

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(d.name for d in self.dimensions)

    def in_heading(self, heading: str) -> str | None:
        """The dimension a heading names (its name or an alias, earliest in the heading)."""
        best: tuple[int, int, str] | None = None
        for dim in self.dimensions:
            for alias in (dim.name, *dim.aliases):
                pos = heading.find(alias)
                if pos >= 0 and (best is None or (pos, -len(alias)) < best[:2]):
                    best = (pos, -len(alias), dim.name)
        return None if best is None else best[2]

    def resolve(self, name: str) -> Dimension:
        """The dimension called `name` (or an alias); UnknownDimensionError with a suggestion."""
        wanted = name.strip().strip("“”\"'《》")
        for dim in self.dimensions:
            if wanted == dim.name or wanted in dim.aliases:
                return dim
        closest = self._closest(wanted)
        unique = [d for d in self.dimensions if d.name == closest]
        if closest is not None and len(unique) == 1 and _is_fragment(wanted, unique[0]):
            return unique[0]  # 廉洁 → 廉洁自律: an unambiguous fragment is what was meant
        raise UnknownDimensionError(name, closest)

    def _closest(self, wanted: str) -> str | None:
        if not wanted:
            return None
        fragments = [d.name for d in self.dimensions if _is_fragment(wanted, d)]
        if len(fragments) == 1:
            return fragments[0]
        best = process.extractOne(wanted, self.names, scorer=fuzz.ratio, score_cutoff=40)
        return None if best is None else str(best[0])


def _is_fragment(wanted: str, dim: Dimension) -> bool:
    return len(wanted) >= 2 and (wanted in dim.name or any(wanted in a for a in dim.aliases))


@dataclass(frozen=True, slots=True)
class Catalogue:
    """Every shipped scheme (oldest first) and the concerns they are defined over."""

    schemes: tuple[Scheme, ...]
    concerns: tuple[Concern, ...]
    neutral: tuple[str, ...] = ()  # the genre's setting (组织生活会 …): matched, never evidence

    @property
    def ids(self) -> tuple[str, ...]:
        return tuple(s.name for s in self.schemes)

    @property
    def newest(self) -> Scheme:
        """The newest 年度 scheme: a draft with no clue is most likely written for it."""
        dated = [s for s in self.schemes if s.year is not None and "年度" in s.title]
        return max(dated or list(self.schemes), key=lambda s: (s.year or 0, s.name))

    def find_dimension(self, name: str, scheme: str | None = None) -> tuple[Scheme, Dimension]:
        """The aspect called `name` in `scheme`, or (no scheme given) in the newest scheme that
        names it exactly, or the one aspect of any scheme whose name contains it (廉洁自律 for
        自律). Several candidates or none: UnknownDimensionError naming them."""
        if scheme is not None:
            chosen = self.get(scheme)
            return chosen, chosen.resolve(name)
        newest_first = sorted(self.schemes, key=lambda s: -(s.year or 0))
        wanted = name.strip().strip("“”\"'《》")
        for candidate in newest_first:
            for dim in candidate.dimensions:
                if wanted in (dim.name, *dim.aliases):
                    return candidate, dim
        partial = [
            (candidate, dim)
            for candidate in newest_first
            for dim in candidate.dimensions
            if len(wanted) >= 2 and wanted in dim.name
        ]
        names = list(dict.fromkeys(dim.name for _, dim in partial))
        if len(names) == 1:
            return partial[0]
        if names:
            raise UnknownDimensionError(name, None, tuple(names))
        every = [n for s in self.schemes for n in s.names]
        best = process.extractOne(wanted, every, scorer=fuzz.ratio, score_cutoff=40)
        raise UnknownDimensionError(name, None if best is None else str(best[0]))

    def get(self, name: str) -> Scheme:
        wanted = name.strip()
        for scheme in self.schemes:
            if scheme.name == wanted:
                return scheme
        raise UnknownSchemeError(name, self.ids)


def load_scheme(name_or_path: str | Path = DEFAULT_SCHEME) -> Scheme:
    """Load a shipped scheme by id (e.g. "2024") or any scheme JSON file by path."""
    path = Path(name_or_path)
    if path.suffix == ".json":
        return _scheme(json.loads(path.read_text(encoding="utf-8")))
    ref = resources.files(__name__).joinpath(f"{name_or_path}.json")
    if not ref.is_file() or str(name_or_path) == "concerns":
        raise UnknownSchemeError(str(name_or_path), catalogue().ids)
    return _scheme(json.loads(ref.read_text(encoding="utf-8")))


@lru_cache(maxsize=1)
def catalogue() -> Catalogue:
    """Every shipped scheme file in this package, and the concerns file."""
    folder = resources.files(__name__)
    schemes = [
        _scheme(json.loads(f.read_text(encoding="utf-8")))
        for f in folder.iterdir()
        if f.name.endswith(".json") and f.name != "concerns.json"
    ]
    schemes.sort(key=lambda s: (s.year or 0, s.name))
    raw = json.loads(folder.joinpath("concerns.json").read_text(encoding="utf-8"))
    concerns = tuple(
        Concern(c["id"], c.get("description", ""), _weights(c.get("lexicon", {})))
        for c in raw["concerns"]
    )
    return Catalogue(tuple(schemes), concerns, tuple(raw.get("neutral", ())))


def _weights(raw: Mapping[str, Any]) -> tuple[tuple[str, float], ...]:
    return tuple((str(t), float(w)) for t, w in raw.items())


def _scheme(raw: Mapping[str, Any]) -> Scheme:
    dims = tuple(
        Dimension(
            name=d["name"],
            aliases=tuple(d.get("aliases", ())),
            description=d.get("official") or d.get("description", ""),
            lexicon=_weights(d.get("lexicon", {})),
            concerns=_weights(d.get("concerns", {})),
        )
        for d in raw["dimensions"]
    )
    source = raw.get("source", "")
    if isinstance(source, Mapping):
        source = "；".join(str(v) for v in source.values() if v)
    return Scheme(
        name=str(raw["name"]),
        title=str(raw.get("title", raw["name"])),
        dimensions=dims,
        year=raw.get("year"),
        source=str(source),
        clues=_weights(raw.get("clues", {})),
    )


def aspect_name(heading: str) -> str:
    """The aspect a heading names, stripped of its number, 在…方面 and punctuation, for use as a
    dimension name: （一）在带头践行正确政绩观方面。 → 践行正确政绩观."""
    core = _STRIP_HEADING.sub("", heading.strip())
    core = _STRIP_HEADING.sub("", core)
    core = _ASPECT_WORDS.sub("", core).strip("，、。 ")
    return core or heading.strip()


def declared_scheme(
    headings: tuple[str, ...],
    concern_weights: Mapping[str, Mapping[str, float]],
    words: Mapping[str, tuple[str, ...]],
) -> Scheme:
    """A scheme made of a draft's own aspect headings: each becomes a dimension, defined over the
    concerns its words name (`concern_weights`) and its own content words (`words`)."""
    dims: list[Dimension] = []
    for heading in headings:
        name = aspect_name(heading)
        if name in (d.name for d in dims):
            continue
        own = tuple((w, 2.0) for w in words.get(heading, ()) if w not in _HEADING_FILLER)
        dims.append(
            Dimension(
                name=name,
                aliases=(),
                description=heading.strip(),
                lexicon=own,
                concerns=tuple(concern_weights.get(heading, {}).items()),
            )
        )
    return Scheme(
        name=DECLARED,
        title="材料自拟的方面（" + "、".join(d.name for d in dims) + "）",
        dimensions=tuple(dims),
        source="材料中的方面标题",
        declared=True,
    )
