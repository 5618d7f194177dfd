"""What a review shows, decided once for every front end: the terminal, Telegram and Word read a
`Report` built from the typed `Review`, never the review itself or its JSON.

The presenter decides what comes first (grade, the three fixes, counts), how each finding is
labelled and quoted, and that nothing is said twice: a near-copy lying inside a finding's span
(a 套话 sentence that is also a corpus copy) is shown with that finding, not listed again.
"""

from __future__ import annotations

from dataclasses import dataclass

from core import labels
from core.models import Finding, Match, Progress, Review, Severity

TOP_FIXES = 3
COPY_KINDS = {"sentence": "整句", "clause": "分句", "fragment": "片段", "rewrite": "改写"}


@dataclass(frozen=True, slots=True)
class CopyItem:
    """A near-copy of a corpus sentence: where, how close, and the source."""

    number: int  # 1-based, in text order, as marked in the text ([n])
    start: int
    end: int
    quote: str
    score: float
    kind: str  # 整句 / 分句
    source: str
    source_text: str
    source_part: str  # for a fragment: the stretch of the source sentence it was lifted from

    @property
    def source_words(self) -> str:
        """What to quote of the source: a fragment's stretch, else the sentence."""
        return self.source_part or self.source_text


@dataclass(frozen=True, slots=True)
class FindingItem:
    """One finding as every front end shows it."""

    number: int
    start: int
    end: int
    severity: Severity
    label: str  # 重要·套话
    quote: str  # the words it is about, on one line
    message: str
    suggestion: str
    copies: tuple[CopyItem, ...]  # near-copies inside its span, shown with it


@dataclass(frozen=True, slots=True)
class ChangeItem:
    """A finding resolved or added since the previous version."""

    label: str
    quote: str
    message: str


@dataclass(frozen=True, slots=True)
class ProgressView:
    previous_grade: float | None
    grade: float | None
    resolved: tuple[ChangeItem, ...]
    new: tuple[ChangeItem, ...]
    kept: int


@dataclass(frozen=True, slots=True)
class TopFix:
    """One of the three things most worth fixing: the verdict's advice, or a finding's (with
    the words it is about, which a group share leaves out)."""

    advice: str
    quote: str | None = None
    source: str | None = None  # where a copied sentence among those words comes from
    finding: int | None = None  # the number of the finding it comes from

    def shown(self, *, quoted: bool = True) -> str:
        source = f"（来源：{self.source}）" if self.source else ""
        if self.quote is None or not quoted:
            return self.advice + source
        kind, _, advice = self.advice.partition("：")
        return f"{kind}：「{_short(self.quote)}」——{advice}{source}"


@dataclass(frozen=True, slots=True)
class Bar:
    name: str
    score: float
    evidence: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Report:
    """A review, presented."""

    text: str
    whole: bool  # a whole draft (graded) rather than a paragraph or an excerpt
    scheme_reason: str | None
    scheme_unsure: bool  # the scheme was a default or a remembered choice, not seen in the draft
    top_dimension: str | None
    notes: tuple[str, ...]
    grade: float | None
    breakdown: tuple[tuple[str, float], ...]  # (Chinese label, 0–100)
    top_fixes: tuple[TopFix, ...]
    top_findings: frozenset[int]  # numbers of the findings the top fixes already quote
    missing_aspects: tuple[str, ...]
    coverage: tuple[tuple[str, int, int, float], ...]  # (aspect, problems, measures, score)
    bars_title: str
    bars: tuple[Bar, ...]
    findings: tuple[FindingItem, ...]
    copies: tuple[CopyItem, ...]  # every near-copy, in text order
    loose_copies: tuple[CopyItem, ...]  # those not shown with a finding
    duplicate_ratio: float
    heading_hints: tuple[str, ...]
    progress: ProgressView | None

    @property
    def severities(self) -> dict[str, int]:
        counts = dict.fromkeys(labels.SEVERITIES.values(), 0)
        for finding in self.findings:
            counts[labels.SEVERITIES[finding.severity]] += 1
        return counts

    @property
    def fixes_title(self) -> str:
        if not self.whole:
            return "主要问题"
        return "最需要改的三件事" if len(self.top_fixes) == TOP_FIXES else "最需要改的"

    @property
    def counts_line(self) -> str:
        """意见 12 条（重要 3）· 近似 5 处（占全文 8.1%）"""
        important = self.severities[labels.SEVERITIES["high"]]
        opinions = f"意见 {len(self.findings)} 条" + (f"（重要 {important}）" if important else "")
        if not self.copies:
            return f"{opinions} · 未发现与语料库近似的文字"
        return (
            f"{opinions} · 近似 {len(self.copies)} 处（占全文 {self.duplicate_ratio * 100:.1f}%）"
        )


def present(review: Review) -> Report:
    copies = tuple(_copy(review.text, n, m) for n, m in enumerate(review.matches, 1))
    findings = _findings(review, copies)
    fixes, quoted = _top_fixes(review, findings)
    verdict = review.verdict
    scheme = review.scheme
    fields = scheme.to_dict() if scheme is not None else {}
    confidence = fields.get("confidence", 1)
    return Report(
        text=review.text,
        whole=verdict is not None,
        scheme_reason=None if scheme is None else scheme.reason,
        scheme_unsure=scheme is not None
        and scheme.source in ("default", "chosen")
        and isinstance(confidence, int | float)
        and confidence < 1,
        top_dimension=review.dimension,
        notes=review.notes,
        grade=None if verdict is None else verdict.grade,
        breakdown=()
        if verdict is None
        else tuple((labels.BREAKDOWN.get(k, k), v) for k, v in verdict.breakdown),
        top_fixes=fixes,
        top_findings=frozenset(quoted),
        missing_aspects=()
        if verdict is None
        else tuple(c.dimension for c in verdict.coverage if not c.problems),
        coverage=()
        if verdict is None
        else tuple((c.dimension, c.problems, c.measures, c.score) for c in verdict.coverage),
        bars_title="各方面覆盖（按查摆的问题条数：1 条 50，2 条 75，3 条 88…）"
        if verdict is not None
        else "各方面得分",
        bars=tuple(Bar(s.dimension, s.score, s.evidence) for s in review.scores),
        findings=findings,
        copies=copies,
        # A copy shown with a finding, or with the top fix that quotes the finding, is not
        # listed again (a top fix names only its finding's first copy's source).
        loose_copies=tuple(c for c in copies if not _shown_with(c, findings, quoted)),
        duplicate_ratio=review.duplicate_ratio,
        heading_hints=_heading_hints(review),
        progress=None if review.progress is None else present_progress(review.progress),
    )


def one_line(text: str) -> str:
    return " ".join(text.split())


def _copy(text: str, number: int, match: Match) -> CopyItem:
    return CopyItem(
        number=number,
        start=match.start,
        end=match.end,
        quote=one_line(text[match.start : match.end]),
        score=match.score,
        kind=COPY_KINDS[match.kind],
        source=match.source,
        source_text=match.source_text,
        source_part=match.source_part,
    )


def _shown_with(copy: CopyItem, findings: tuple[FindingItem, ...], top: list[int]) -> bool:
    for f in findings:
        if copy in f.copies:
            return f.number not in top or copy == f.copies[0]
    return False


def _label(finding: Finding) -> str:
    return f"{labels.SEVERITIES[finding.severity]}·{labels.CHECKS[finding.check]}"


def _findings(review: Review, copies: tuple[CopyItem, ...]) -> tuple[FindingItem, ...]:
    """Findings in the engine's order; each near-copy inside a finding's span goes with the
    first such finding, so it is shown once."""
    shown: set[int] = set()
    items = []
    for n, f in enumerate(review.findings, 1):
        inside = tuple(
            c
            for c in copies
            if c.number not in shown and f.start <= c.start and c.end <= f.end and f.end > f.start
        )
        shown.update(c.number for c in inside)
        items.append(
            FindingItem(
                number=n,
                start=f.start,
                end=f.end,
                severity=f.severity,
                label=_label(f),
                quote=one_line(review.text[f.start : f.end]),
                message=f.message,
                suggestion=f.suggestion,
                copies=inside,
            )
        )
    return tuple(items)


def _top_fixes(
    review: Review, findings: tuple[FindingItem, ...]
) -> tuple[tuple[TopFix, ...], list[int]]:
    """The verdict's fixes first (a whole draft's), then the first findings, up to three; and
    the numbers of the findings used there."""
    verdict = review.verdict
    fixes = [TopFix(fix) for fix in verdict.fixes[:TOP_FIXES]] if verdict is not None else []
    used = []
    for f in findings[: TOP_FIXES - len(fixes)]:
        source = f"{f.copies[0].source}，相似度 {f.copies[0].score:.0f}" if f.copies else None
        fixes.append(TopFix(f"{f.label.split('·')[1]}：{f.suggestion}", f.quote, source, f.number))
        used.append(f.number)
    return tuple(fixes), used


def _short(quote: str, limit: int = 20) -> str:
    return quote if len(quote) <= limit else quote[: limit - 1] + "…"


def _heading_hints(review: Review) -> tuple[str, ...]:
    hints = []
    for block in review.blocks:
        said, found = block.heading_dimension, block.dimension
        if said and found and said != found:
            opening = review.text[block.start : block.end].split("\n")[0]
            hints.append(f"{opening}：标题为“{said}”，内容更接近“{found}”，请核对归类。")
    return tuple(hints)


def present_progress(progress: Progress) -> ProgressView:
    return ProgressView(
        previous_grade=progress.previous_grade,
        grade=progress.grade,
        resolved=tuple(_change(f, quote) for f, quote in progress.resolved),
        new=tuple(_change(f, quote) for f, quote in progress.new),
        kept=progress.kept,
    )


def _change(finding: Finding, quote: str) -> ChangeItem:
    return ChangeItem(_label(finding), one_line(quote), finding.message)


def progress_line(progress: ProgressView) -> str:
    """与上一版相比：总评 78 → 85，解决 4 条，新增 1 条，仍有 6 条"""
    parts = []
    if progress.previous_grade is not None and progress.grade is not None:
        parts.append(f"总评 {progress.previous_grade:.0f} → {progress.grade:.0f} 分")
    parts.append(f"已解决 {len(progress.resolved)} 条")
    parts.append(f"新增 {len(progress.new)} 条")
    parts.append(f"仍有 {progress.kept} 条")
    return "，".join(parts)
