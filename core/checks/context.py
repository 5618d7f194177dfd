"""What every check reads: the parsed draft, its block reviews, matches and the vocabulary."""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass, field

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
from core.scoring import DimensionModel
from core.tokens import Tokenizer

_PERSONAL_MIN_I = 3  # "我" (not 我们) this often in the problems makes it a personal material
_OPENING_CHARS = 300
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
    """A reviewed draft as the checks see it."""

    doc: Document
    blocks: tuple[BlockReview, ...]
    matches: tuple[Match, ...]
    model: DimensionModel
    vocab: Vocabulary = field(default_factory=vocabulary)

    @property
    def scheme(self) -> Scheme:
        return self.model.scheme

    @property
    def tokenizer(self) -> Tokenizer:
        return self.model.tokenizer

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

    def units(self, section: SectionKind | None) -> list[tuple[int, Span]]:
        """(block index, span) of each item, or of each headed block body without items.
        A section's lead-in (text between 一、存在的问题 and its first （一）) is not a unit."""
        out: list[tuple[int, Span]] = []
        for i, block in enumerate(self.doc.blocks):
            if block.section != section or not (block.items or _numbered(self.text, block)):
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
        spans = [b.body for b in self.doc.blocks if b.section == section]
        return [s for s in self.doc.sentences if any(b.start <= s.start < b.end for b in spans)]

    def sentences_in(self, span: Span) -> list[Sentence]:
        return [s for s in self.doc.sentences if span.start <= s.start < span.end]

    def first_sentence(self, span: Span) -> Span:
        inside = self.sentences_in(span)
        return Span(inside[0].start, inside[0].end) if inside else span

    def sentence_index(self, position: int) -> int | None:
        starts = [s.start for s in self.doc.sentences]
        i = bisect_right(starts, position) - 1
        if i >= 0 and position < self.doc.sentences[i].end:
            return i
        return None


def _numbered(text: str, block: Block) -> bool:
    return block.heading is not None and text.startswith("（", block.heading.start)


def finding(
    span: Span | Sentence, check: CheckName, severity: Severity, message: str, suggestion: str
) -> Finding:
    return Finding(span.start, span.end, check, severity, message, suggestion)


def quote(text: str, limit: int = 24) -> str:
    """A short quotation of draft text for a message."""
    text = text.strip()
    return text if len(text) <= limit else text[: limit - 1] + "…"
