"""Frozen value types shared by the engine: what goes in and what comes out of `review`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal, Protocol

SectionKind = Literal["problem", "cause", "measure"]
Severity = Literal["high", "medium", "low"]
CheckName = Literal[
    "stock_phrases",
    "no_example",
    "merit_as_problem",
    "soft_criticism",
    "cause_restates_problem",
    "vague_measure",
    "structure",
    "typo",
]
SEVERITY_ORDER: dict[str, int] = {"high": 0, "medium": 1, "low": 2}


class SchemeInfo(Protocol):
    """What a review says of the scheme it used (core/detection.py's SchemeChoice)."""

    @property
    def source(self) -> str: ...

    @property
    def reason(self) -> str: ...

    def to_dict(self) -> dict[str, object]: ...


@dataclass(frozen=True, slots=True)
class Span:
    """A half-open character range [start, end) in a normalised text."""

    start: int
    end: int

    def __len__(self) -> int:
        return self.end - self.start


@dataclass(frozen=True, slots=True)
class Sentence:
    """A sentence with its clauses (split at ，；： and similar)."""

    start: int
    end: int
    clauses: tuple[Span, ...]


@dataclass(frozen=True, slots=True)
class Item:
    """One enumerated point of a block (一是…, 二是…)."""

    start: int
    end: int
    label: str


@dataclass(frozen=True, slots=True)
class Block:
    """A dimension block, a section's lead-in, or a bare pasted paragraph."""

    start: int
    end: int
    section: SectionKind | None
    heading: Span | None
    heading_text: str | None
    heading_dimension: str | None
    body: Span
    items: tuple[Item, ...]


@dataclass(frozen=True, slots=True)
class Document:
    """A normalised text and its structure; every offset refers to `text`."""

    text: str
    blocks: tuple[Block, ...]
    sentences: tuple[Sentence, ...]
    headings: tuple[Span, ...]


@dataclass(frozen=True, slots=True)
class Passage:
    """A labelled piece of a corpus document: an item, or a block body without items."""

    document: str
    section: SectionKind | None
    dimension: str | None
    text: str
    scheme: str | None = None  # the frame the document is written to: dimension is one of its


@dataclass(frozen=True, slots=True)
class DimensionScore:
    """How strongly a text addresses one dimension (0–100) and the phrases that drove it."""

    dimension: str
    score: float
    evidence: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Match:
    """A span of the draft that nearly duplicates a corpus passage."""

    start: int
    end: int
    score: float
    source: str
    source_text: str
    # fragment: part of a longer source; rewrite: its content in order with synonyms swapped
    kind: Literal["sentence", "clause", "fragment", "rewrite"]
    source_part: str = ""  # a fragment's stretch of source_text

    def to_dict(self) -> dict[str, Any]:
        return {
            "start": self.start,
            "end": self.end,
            "score": self.score,
            "source": self.source,
            "source_text": self.source_text,
            "kind": self.kind,
        } | ({"source_part": self.source_part} if self.source_part else {})


@dataclass(frozen=True, slots=True)
class Finding:
    """Something a seasoned reviewer would ask the author to change, with how to change it."""

    start: int
    end: int
    check: CheckName
    severity: Severity
    message: str
    suggestion: str
    # What the verdict and other programs read (never the message text): a machine code such as
    # "vague_measure.unanswered" and the figures behind the finding.
    code: str = ""
    figures: tuple[tuple[str, float], ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "start": self.start,
            "end": self.end,
            "check": self.check,
            "code": self.code,
            "severity": self.severity,
            "message": self.message,
            "suggestion": self.suggestion,
            "figures": dict(self.figures),
        }


@dataclass(frozen=True, slots=True)
class DimensionCoverage:
    """How a whole draft treats one dimension: problems found, measures answering them."""

    dimension: str
    problems: int
    measures: int
    score: float

    def to_dict(self) -> dict[str, Any]:
        return {"problems": self.problems, "measures": self.measures, "score": self.score}


@dataclass(frozen=True, slots=True)
class Verdict:
    """A whole draft's grade, what it is made of, and the three things most worth fixing."""

    grade: float
    breakdown: tuple[tuple[str, float], ...]
    fixes: tuple[str, ...]
    coverage: tuple[DimensionCoverage, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "grade": self.grade,
            "breakdown": dict(self.breakdown),
            "fixes": list(self.fixes),
            "coverage": {c.dimension: c.to_dict() for c in self.coverage},
        }


@dataclass(frozen=True, slots=True)
class BlockReview:
    """Scores for one block of the draft."""

    start: int
    end: int
    section: SectionKind | None
    heading_dimension: str | None
    dimension: str | None
    scores: tuple[DimensionScore, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "start": self.start,
            "end": self.end,
            "section": self.section,
            "heading_dimension": self.heading_dimension,
            "dimension": self.dimension,
            "scores": {s.dimension: s.score for s in self.scores},
            "evidence": {s.dimension: list(s.evidence) for s in self.scores},
        }


@dataclass(frozen=True, slots=True)
class Progress:
    """What changed from the previous version's review to this one's."""

    previous_grade: float | None
    grade: float | None
    resolved: tuple[tuple[Finding, str], ...]  # (finding, the text it quoted) of the old version
    new: tuple[tuple[Finding, str], ...]
    kept: int

    def to_dict(self) -> dict[str, Any]:
        return {
            "previous_grade": self.previous_grade,
            "grade": self.grade,
            "resolved": [_quoted(f, quote) for f, quote in self.resolved],
            "new": [_quoted(f, quote) for f, quote in self.new],
            "kept": self.kept,
        }


def _quoted(finding: Finding, quote: str) -> dict[str, Any]:
    return {**finding.to_dict(), "quote": quote}


@dataclass(frozen=True, slots=True)
class Review:
    """The result of reviewing one draft. `to_dict()` is the JSON contract."""

    text: str
    scores: tuple[DimensionScore, ...]
    dimension: str | None
    blocks: tuple[BlockReview, ...]
    matches: tuple[Match, ...]
    duplicate_ratio: float
    findings: tuple[Finding, ...] = ()
    verdict: Verdict | None = None
    scheme: SchemeInfo | None = None
    notes: tuple[str, ...] = ()
    progress: Progress | None = None  # when the draft is a new version of one reviewed before

    def to_dict(self) -> dict[str, Any]:
        return {
            "text": self.text,
            "scheme": None if self.scheme is None else self.scheme.to_dict(),
            "notes": list(self.notes),
            "scores": {s.dimension: s.score for s in self.scores},
            "evidence": {s.dimension: list(s.evidence) for s in self.scores},
            "dimension": self.dimension,
            "blocks": [b.to_dict() for b in self.blocks],
            "matches": [m.to_dict() for m in self.matches],
            "duplicate_ratio": self.duplicate_ratio,
            "findings": [f.to_dict() for f in self.findings],
            "verdict": None if self.verdict is None else self.verdict.to_dict(),
        } | ({} if self.progress is None else {"progress": self.progress.to_dict()})


@dataclass(frozen=True, slots=True)
class StoredScheme:
    """The scheme a stored review names (its JSON form), read back for presenting it again."""

    source: str
    reason: str
    fields: tuple[tuple[str, object], ...] = ()

    def to_dict(self) -> dict[str, object]:
        return dict(self.fields)

    def get(self, key: str, default: object = None) -> object:
        return dict(self.fields).get(key, default)


def review_from_dict(data: dict[str, Any]) -> Review:
    """A review from its JSON form (`Review.to_dict()`), as the history stores it. Keys added
    since a row was written take their empty value, so old rows present like new ones."""
    text = str(data.get("text", ""))
    evidence = data.get("evidence", {})
    scheme = data.get("scheme")
    verdict = data.get("verdict")
    return Review(
        text=text,
        scores=_scores(data.get("scores", {}), evidence),
        dimension=data.get("dimension"),
        blocks=tuple(_block(b) for b in data.get("blocks", [])),
        matches=tuple(_match(m) for m in data.get("matches", [])),
        duplicate_ratio=float(data.get("duplicate_ratio", 0.0)),
        findings=tuple(finding_from_dict(f) for f in data.get("findings", [])),
        verdict=None if not verdict else _verdict(verdict),
        scheme=None if not scheme else _scheme(scheme),
        notes=tuple(str(n) for n in data.get("notes", [])),
        progress=None if not data.get("progress") else _progress(data["progress"]),
    )


def _progress(data: dict[str, Any]) -> Progress:
    return Progress(
        previous_grade=data.get("previous_grade"),
        grade=data.get("grade"),
        resolved=tuple((finding_from_dict(f), str(f.get("quote", ""))) for f in data["resolved"]),
        new=tuple((finding_from_dict(f), str(f.get("quote", ""))) for f in data["new"]),
        kept=int(data.get("kept", 0)),
    )


def finding_from_dict(data: dict[str, Any]) -> Finding:
    return Finding(
        start=int(data["start"]),
        end=int(data["end"]),
        check=data["check"],
        severity=data["severity"],
        message=str(data["message"]),
        suggestion=str(data["suggestion"]),
        code=str(data.get("code", "")),
        figures=tuple((str(k), float(v)) for k, v in data.get("figures", {}).items()),
    )


def _scores(scores: dict[str, float], evidence: dict[str, list[str]]) -> tuple[DimensionScore, ...]:
    return tuple(
        DimensionScore(name, float(value), tuple(evidence.get(name, ())))
        for name, value in scores.items()
    )


def _block(data: dict[str, Any]) -> BlockReview:
    return BlockReview(
        start=int(data["start"]),
        end=int(data["end"]),
        section=data.get("section"),
        heading_dimension=data.get("heading_dimension"),
        dimension=data.get("dimension"),
        scores=_scores(data.get("scores", {}), data.get("evidence", {})),
    )


def _match(data: dict[str, Any]) -> Match:
    return Match(
        start=int(data["start"]),
        end=int(data["end"]),
        score=float(data["score"]),
        source=str(data["source"]),
        source_text=str(data["source_text"]),
        kind=data.get("kind", "sentence"),
        source_part=str(data.get("source_part", "")),
    )


def _verdict(data: dict[str, Any]) -> Verdict:
    return Verdict(
        grade=float(data["grade"]),
        breakdown=tuple((str(k), float(v)) for k, v in data.get("breakdown", {}).items()),
        fixes=tuple(str(f) for f in data.get("fixes", [])),
        coverage=tuple(
            DimensionCoverage(
                name, int(c.get("problems", 0)), int(c.get("measures", 0)), float(c["score"])
            )
            for name, c in data.get("coverage", {}).items()
        ),
    )


def _scheme(data: dict[str, Any]) -> StoredScheme:
    return StoredScheme(
        source=str(data.get("source", "")),
        reason=str(data.get("reason", data.get("title", ""))),
        fields=tuple(data.items()),
    )
