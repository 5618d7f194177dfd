"""Dimension schemes as data: one JSON file per set of dimensions (the 2023 six aspects first).

Adding another year's set is a new JSON file here, not new code.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from rapidfuzz import fuzz, process

DEFAULT_SCHEME = "2023"


class UnknownDimensionError(ValueError):
    """A dimension name the scheme does not know; carries the closest known name."""

    def __init__(self, name: str, suggestion: str | None) -> None:
        self.name = name
        self.suggestion = suggestion
        hint = f"，您是否想找“{suggestion}”？" if suggestion else ""
        super().__init__(f"没有名为“{name}”的维度{hint}")


@dataclass(frozen=True, slots=True)
class Dimension:
    """One dimension: its name, heading aliases, a one-line description and its lexicon."""

    name: str
    aliases: tuple[str, ...]
    description: str
    lexicon: tuple[tuple[str, float], ...]


@dataclass(frozen=True, slots=True)
class Scheme:
    """An ordered set of dimensions."""

    name: str
    title: str
    dimensions: tuple[Dimension, ...]

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(d.name for d in self.dimensions)

    def in_heading(self, heading: str) -> str | None:
        """The dimension a heading names (its name or an alias, earliest in the heading)."""
        best: tuple[int, str] | None = None
        for dim in self.dimensions:
            for alias in (dim.name, *dim.aliases):
                pos = heading.find(alias)
                if pos >= 0 and (best is None or pos < best[0]):
                    best = (pos, dim.name)
        return None if best is None else best[1]

    def resolve(self, name: str) -> Dimension:
        """The dimension called `name` (or an alias); UnknownDimensionError with a suggestion."""
        wanted = name.strip().strip("“”\"'《》")
        for dim in self.dimensions:
            if wanted == dim.name or wanted in dim.aliases:
                return dim
        raise UnknownDimensionError(name, self._closest(wanted))

    def _closest(self, wanted: str) -> str | None:
        if not wanted:
            return None
        for dim in self.dimensions:  # a fragment such as 廉洁 → 廉洁自律
            if wanted in dim.name or any(wanted in a for a in dim.aliases):
                return dim.name
        best = process.extractOne(wanted, self.names, scorer=fuzz.ratio, score_cutoff=40)
        return None if best is None else str(best[0])


def load_scheme(name_or_path: str | Path = DEFAULT_SCHEME) -> Scheme:
    """Load a shipped scheme by name (e.g. "2023") or any scheme JSON file by path."""
    path = Path(name_or_path)
    if path.suffix == ".json":
        raw = json.loads(path.read_text(encoding="utf-8"))
    else:
        ref = resources.files(__name__).joinpath(f"{name_or_path}.json")
        raw = json.loads(ref.read_text(encoding="utf-8"))
    dims = tuple(
        Dimension(
            name=d["name"],
            aliases=tuple(d.get("aliases", ())),
            description=d.get("description", ""),
            lexicon=tuple((str(t), float(w)) for t, w in d.get("lexicon", {}).items()),
        )
        for d in raw["dimensions"]
    )
    return Scheme(name=str(raw["name"]), title=str(raw.get("title", raw["name"])), dimensions=dims)
