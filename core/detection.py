"""Which frame a draft is written to: chosen by the user, declared by its own aspect headings,
detected from its title, year words and headings, or the fallback (the user's choice, else the
newest shipped scheme). Every choice carries a confidence and a reason the reply can show."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Literal

from core.models import Document
from core.schemes import Catalogue, Scheme, aspect_name
from core.structure import parse

SchemeSource = Literal["detected", "chosen", "declared", "default"]
OPENING_CHARS = 200  # the title and first lines: where a draft names its meeting and year
ELSEWHERE_SHARE = 0.25  # a clue in the body (a previous year's 整改 cited) counts much less
HEADING_WEIGHT = 10.0  # all aspect headings matching a scheme outweighs any title clue
DETECTED_AT = 4.0  # total evidence from which a scheme is called detected
DECLARED_FIT = 0.75  # below this share of its headings named by the best scheme, a draft declares
# The year a title says the meeting is for (2024年度…, 2024年…民主生活会), not a date (2024年春节).
_YEAR = re.compile(
    r"(20\d\d)年(?:度|[^。，\n]{0,16}?(?:民主生活会|组织生活会|主题教育|党纪学习教育))"
)
_ASPECT_LIKE = re.compile(
    r"方面[。：:，；]?$|^[（(]?[一二三四五六七八九十\d]+[）)、.．]?(?:在)?带头"
)


@dataclass(frozen=True, slots=True)
class SchemeChoice:
    """The scheme a review used, how it was chosen, how sure that is (0–1) and why."""

    scheme: Scheme
    source: SchemeSource
    confidence: float
    reason: str

    def to_dict(self) -> dict[str, object]:
        return {
            "id": self.scheme.name,
            "title": self.scheme.title,
            "dimensions": list(self.scheme.names),
            "source": self.source,
            "confidence": round(self.confidence, 2),
            "reason": self.reason,
        }


class AnyAspect:
    """Heading matcher for the first parse, before the scheme is known: a heading names an aspect
    if any shipped scheme knows it or it is worded as one (…方面, 带头…)."""

    def __init__(self, catalogue: Catalogue) -> None:
        self._schemes = catalogue.schemes

    def in_heading(self, heading: str) -> str | None:
        for scheme in self._schemes:
            if (found := scheme.in_heading(heading)) is not None:
                return found
        stripped = heading.strip()
        return aspect_name(stripped) if _ASPECT_LIKE.search(stripped) else None


def aspect_headings(doc: Document) -> tuple[str, ...]:
    """The texts of the problem part's aspect headings (all numbered headings naming an aspect
    when the draft has no sections)."""
    sections = {b.section for b in doc.blocks}
    wanted = "problem" if "problem" in sections else None
    return tuple(
        b.heading_text
        for b in doc.blocks
        if b.section == wanted and b.heading_text and b.heading_dimension is not None
    )


def choose(
    doc: Document,
    catalogue: Catalogue,
    *,
    chosen: str | None = None,
    preferred: str | None = None,
    declared: Scheme | None = None,
) -> SchemeChoice:
    """The scheme to review `doc` under. `chosen` forces one; `preferred` (a user's remembered
    choice or a deployment default) is used when the draft gives no clear clue; `declared` is the
    scheme made of the draft's own headings, used when no shipped scheme fits them."""
    if chosen is not None:
        scheme = catalogue.get(chosen)
        return SchemeChoice(scheme, "chosen", 1.0, f"按您指定的方案“{scheme.title}”审阅")
    headings = aspect_headings(doc)
    ranked = sorted(
        (_evidence(doc.text, headings, s) for s in catalogue.schemes),
        key=lambda e: (-e[0], -(e[1].year or 0)),
    )
    total, best, fit, why = ranked[0]
    worded_as_aspects = all(_ASPECT_LIKE.search(h.strip()) for h in headings)
    if declared is not None and len(headings) >= 2 and fit < DECLARED_FIT and worded_as_aspects:
        names = "、".join(f"“{d}”" for d in declared.names)
        why = f"材料的方面标题（{names}）与已有方案都不对应，按材料自拟的方面审阅"
        return SchemeChoice(declared, "declared", 0.8, why)
    if total >= DETECTED_AT:
        runner_up = ranked[1][0] if len(ranked) > 1 else 0.0
        confidence = min(0.99, total / (total + runner_up + 1.0))
        return SchemeChoice(best, "detected", confidence, f"识别为“{best.title}”：{why}")
    if preferred is not None:
        scheme = catalogue.get(preferred)
        return SchemeChoice(
            scheme,
            "chosen",
            0.5,
            f"材料中没有识别出年度和方面标题，按您设定的方案“{scheme.title}”审阅",
        )
    scheme = catalogue.newest
    return SchemeChoice(
        scheme, "default", 0.3, f"材料中没有识别出年度和方面标题，按最新方案“{scheme.title}”审阅"
    )


def _evidence(
    text: str, headings: tuple[str, ...], scheme: Scheme
) -> tuple[float, Scheme, float, str]:
    """(total evidence, scheme, share of aspect headings it names, reason in words)."""
    opening, rest = text[:OPENING_CHARS], text[OPENING_CHARS:]
    seen: list[str] = []
    total = 0.0
    for clue, weight in scheme.clues:
        if clue in opening:
            total += weight
            seen.append(clue)
        elif clue in rest:
            total += weight * ELSEWHERE_SHARE
    year = _YEAR.search(opening)
    if year is not None and scheme.year is not None and int(year.group(1)) != scheme.year:
        total -= 3.0  # a title naming another year speaks against this scheme
    named = {scheme.in_heading(h) for h in headings} - {None}
    fit = len(named) / len(headings) if headings else 0.0
    total += HEADING_WEIGHT * fit * min(1.0, len(headings) / 2)
    parts = []
    if seen:
        parts.append("标题和开头写有" + "、".join(f"“{c}”" for c in seen[:3]))
    if named:
        parts.append(f"{len(named)} 个方面标题与之对应")
    return total, scheme, fit, "；".join(parts) or "正文中有相关表述"


def structure_of(text: str, catalogue: Catalogue) -> tuple[Document, SchemeChoice]:
    """Parse a normalised text and label its headings under the scheme it shows (for corpus
    documents: no scoring, no declared frames)."""
    first = parse(text, AnyAspect(catalogue))
    choice = choose(first, catalogue)
    return relabel(first, choice.scheme), choice


def relabel(doc: Document, scheme: Scheme) -> Document:
    """The same structure with each heading's dimension named under `scheme`."""
    blocks = tuple(
        replace(b, heading_dimension=scheme.in_heading(b.heading_text)) if b.heading_text else b
        for b in doc.blocks
    )
    return replace(doc, blocks=blocks)
