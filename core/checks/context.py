"""What every check reads: the parsed draft, its block reviews, matches and the vocabulary."""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar, cast

from core.analysis import Analysis, Unit
from core.checks.vocabulary import Vocabulary, vocabulary
from core.models import (
    Block,
    BlockReview,
    CheckName,
    Document,
    Finding,
    Match,
    SectionKind,
    Sentence,
    Severity,
    Span,
)
from core.schemes import Scheme
from core.text import counted_chars
from core.tokens import Tokenizer

T = TypeVar("T")
_PERSONAL_MIN_I = 3  # "我" (not 我们) this often in the problems makes it a personal material
_OPENING_CHARS = 300
_CAUSE_WORDS = ("原因", "根源", "究其", "根子", "归根到底")
_MATERIAL_TITLES = ("对照检查", "发言提纲", "检视剖析", "剖析材料", "检查材料", "个人剖析")
_OUTLINE_CHARS = 30
_HEADING_CHARS = 16  # 强化理论武装，筑牢政治忠诚 (12): a heading of two short phrases
_FINISHED = ("。", "！", "？", "”", "；", "…", "）", ")", ".", "!", "?")
_SIGNATURE_CHARS = 20


def _is_sentence(line: str) -> bool:
    return any(ch in line for ch in "。；！？，")


_PERSONAL_TITLES = ("个人对照检查", "个人发言提纲", "个人检视", "本人")
_TEAM_WORDS = (
    "领导班子",
    "班子成员",
    "党组",
    "党委班子",
    "区委班子",
    "县委班子",
    "市委班子",
    "班子",
)


@dataclass(frozen=True, slots=True, eq=False)
class CheckContext:
    """A reviewed draft as the checks see it: the one analysis, and lookups over it."""

    analysis: Analysis
    tokenizer: Tokenizer
    vocab: Vocabulary = field(default_factory=vocabulary)
    sections: tuple[SectionKind | None, ...] = ()
    # Where each sentence starts, and its block: lookups by position must not scan the draft
    # (a 1 MB draft has tens of thousands of sentences and thousands of findings).
    _starts: tuple[int, ...] = field(default=(), init=False)
    _block_of: tuple[int, ...] = field(default=(), init=False)
    match_ends: tuple[int, ...] = field(default=(), init=False)
    units_by_block: tuple[tuple[Unit, ...], ...] = field(default=(), init=False)
    _once: dict[str, Any] = field(default_factory=dict, init=False)

    def once(self, name: str, compute: Callable[[], T]) -> T:
        """`compute()` the first time `name` is asked for, the same value after: what several
        checks and the verdict read is worked out once per draft."""
        if name not in self._once:
            self._once[name] = compute()
        return cast(T, self._once[name])

    @property
    def doc(self) -> Document:
        return self.analysis.doc

    @property
    def blocks(self) -> tuple[BlockReview, ...]:
        return self.analysis.blocks

    @property
    def matches(self) -> tuple[Match, ...]:
        return self.analysis.matches

    def __post_init__(self) -> None:
        if not self.sections:
            object.__setattr__(self, "sections", self._effective_sections())
        starts = tuple(s.start for s in self.doc.sentences)
        bodies = [b.body.start for b in self.doc.blocks]
        object.__setattr__(self, "_starts", starts)
        object.__setattr__(self, "_block_of", tuple(bisect_right(bodies, p) - 1 for p in starts))
        object.__setattr__(self, "match_ends", tuple(m.end for m in self.matches))
        grouped: list[list[Unit]] = [[] for _ in self.doc.blocks]
        for unit in self.analysis.units:  # by block once: a 1 MB draft has thousands of each
            grouped[unit.block].append(unit)
        object.__setattr__(self, "units_by_block", tuple(tuple(g) for g in grouped))

    def _effective_sections(self) -> tuple[SectionKind | None, ...]:
        """Each block's section; a pasted paragraph without the frame is read as what it looks
        like (most often a problem item), so its checks still run."""
        if self.is_whole_draft:
            return tuple(b.section for b in self.doc.blocks)
        # The heading counts: （三）……的原因在于：一是…… is a block of causes.
        return tuple(
            _guess_section(self.text[b.start : b.end], self.vocab) for b in self.doc.blocks
        )

    @property
    def scheme(self) -> Scheme:
        return self.analysis.scheme

    @property
    def frame_known(self) -> bool:
        """Whether the draft's frame is known (detected, chosen or declared), not a fallback
        for a draft that shows none: only then are claims about its aspects worth making."""
        return self.analysis.choice.source != "default"

    @property
    def text(self) -> str:
        return self.doc.text

    @property
    def is_whole_draft(self) -> bool:
        """A draft with the frame's sections, as opposed to a pasted paragraph."""
        return any(b.section is not None for b in self.doc.blocks)

    @property
    def personal(self) -> bool:
        """A personal material (我…) rather than a leadership team's (班子…): the title or
        opening says which; failing that, the problems are written in the first person."""
        opening = self.text[:_OPENING_CHARS]
        if any(word in opening for word in _PERSONAL_TITLES):
            return True
        if any(word in opening for word in _TEAM_WORDS):
            return False
        problems = "".join(self.text[s.start : s.end] for s in self.sentences("problem"))
        return len(self.vocab.first_person.findall(problems)) >= _PERSONAL_MIN_I

    @property
    def complete(self) -> bool:
        """A whole material rather than one section pasted on its own: two of the frame's parts,
        or a title naming the material (……对照检查材料). Only a whole material can lack a part
        or an aspect, or be graded."""
        if not self.is_whole_draft:
            return False
        if len({b.section for b in self.doc.blocks} - {None}) >= 2:
            return True
        title = self.text.lstrip().split("\n", 1)[0]
        return any(word in title for word in _MATERIAL_TITLES)

    @property
    def declared_personal(self) -> bool:
        """The title or opening says this is one person's material (个人对照检查, 本人…)."""
        return any(word in self.text[:_OPENING_CHARS] for word in _PERSONAL_TITLES)

    def without_signature(self, span: Span) -> Span:
        """`span` without the signature and date lines that close a draft (张三 / 2024年1月10日),
        which would otherwise read as part of the last measure (a date as its deadline)."""
        end = min(span.end, len(self.text.rstrip()))
        while end > span.start:
            line_start = self.text.rfind("\n", span.start, end) + 1
            line = self.text[line_start:end].strip()
            if line_start <= span.start or len(line) > _SIGNATURE_CHARS or _is_sentence(line):
                break
            end = line_start - 1
        return Span(span.start, max(span.start, end))

    def unfinished(self, span: Span) -> bool:
        """`span` runs to the end of a text that stops mid-sentence (a paste cut short): what
        it would have gone on to say is unknown, so it is not judged."""
        body = self.text.rstrip()
        reach = len(body.rstrip("，、：,:-—"))  # a unit stops before a dangling comma
        last_line = body.rsplit("\n", 1)[-1]
        if len(last_line) <= _SIGNATURE_CHARS:
            return False  # a signature or a date (张三 / 2024年1月10日) ends a whole draft
        return span.end >= reach and not body.endswith(_FINISHED)

    def outline_line(self, span: Span) -> bool:
        """A unit that is only a heading with no full stop (（二）提高问题处理效率): an outline
        or a list of headings, whose content is elsewhere or not given."""
        text = self.text[span.start : span.end].strip()
        return len(text) <= _OUTLINE_CHARS and not any(ch in text for ch in "。！？；")

    def heading_pair(self, span: Span) -> bool:
        """A measure written as a heading: a short pair of phrases with none of a sentence's
        adverbs (强化理论武装，筑牢政治忠诚。), as in a 发言提纲 whose content follows or is
        cut off; 进一步加强理论学习，不断提高政治素质。 is a sentence, and a vague one."""
        body = self.text[span.start : span.end].strip().rstrip("。")
        return (
            counted_chars(body) <= _HEADING_CHARS
            and not any(ch in body for ch in "。！？；")
            and body.count("，") <= 1
            and not self.vocab.heading_adverbs.search(body)
        )

    def reads_as_measure(self, span: Span) -> bool:
        """An item that starts like a measure (加强……、进一步……) and names no fault: a measure
        written among the problems, not a problem to judge."""
        text = self.text[span.start : span.end]
        return bool(self.vocab.measure_start.match(text)) and not self.vocab.faults.search(text)

    def units(self, section: SectionKind | None) -> list[tuple[int, Span]]:
        """(block index, span) of each item, or of each headed block body without items.
        A section's lead-in (text between 一、存在的问题 and its first （一）) is not a unit."""
        out: list[tuple[int, Span]] = []
        for i, block in enumerate(self.doc.blocks):
            if self.sections[i] != section:
                continue
            if self.is_whole_draft and not (block.items or _numbered(self.text, block)):
                continue
            spans = [Span(it.start, it.end) for it in block.items] or [block.body]
            out.extend((i, s) for s in spans)
        return out

    def sentences(
        self, section: SectionKind | None = None, *, everywhere: bool = False
    ) -> list[Sentence]:
        """Sentences of one section (or all body sentences with `everywhere`)."""
        if everywhere:
            return list(self.doc.sentences)
        return [
            s for s, b in zip(self.doc.sentences, self._block_of, strict=True)
            if b >= 0 and self.sections[b] == section
        ]  # fmt: skip

    def sentences_in(self, span: Span) -> list[Sentence]:
        lo = bisect_left(self._starts, span.start)
        hi = bisect_left(self._starts, span.end)
        return list(self.doc.sentences[lo:hi])

    def first_sentence(self, span: Span) -> Span:
        inside = self.sentences_in(span)
        return Span(inside[0].start, inside[0].end) if inside else span

    def sentence_index(self, position: int) -> int | None:
        i = bisect_right(self._starts, position) - 1
        if i >= 0 and position < self.doc.sentences[i].end:
            return i
        return None


def _guess_section(text: str, vocab: Vocabulary) -> SectionKind:
    if any(word in text for word in _CAUSE_WORDS):
        return "cause"
    if vocab.diagnosis.search(text) and vocab.root_causes.search(text):
        return "cause"  # ……，暴露出我的政绩观出现偏差
    if vocab.measure_start.match(text) and not vocab.faults.search(text):
        return "measure"  # 规范意识不强… starts like a measure and names a fault: a problem
    return "problem"


def _numbered(text: str, block: Block) -> bool:
    return block.heading is not None and text.startswith("（", block.heading.start)


def finding(
    span: Span | Sentence,
    check: CheckName,
    severity: Severity,
    message: str,
    suggestion: str,
    *,
    code: str,
    figures: Mapping[str, float] | None = None,
) -> Finding:
    """A finding with its machine code (check.kind) and the figures behind it."""
    return Finding(
        span.start,
        span.end,
        check,
        severity,
        message,
        suggestion,
        code=f"{check}.{code}",
        figures=tuple((figures or {}).items()),
    )


def quote(text: str, limit: int = 24) -> str:
    """A short quotation of draft text for a message."""
    text = text.strip()
    return text if len(text) <= limit else text[: limit - 1] + "…"
