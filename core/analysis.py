"""One analysis per draft: normalise, parse, choose the scheme, segment once, score every block
and unit once, and match once. Checks, verdict and rendering all read this; nothing downstream
parses, segments or scores again."""

from __future__ import annotations

import math
import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, replace

from core.corpus import Corpus
from core.detection import AnyAspect, SchemeChoice, aspect_headings, choose, relabel
from core.matching import THRESHOLD, SentenceLookup, find_matches
from core.models import Block, BlockReview, DimensionScore, Document, Match, Span
from core.schemes import Catalogue, Dimension, Scheme, declared_scheme
from core.scoring import STOPWORDS, Scorer
from core.structure import parse
from core.text import is_traditional, normalize, to_simplified

_WORDLIKE = re.compile(r"[\u3400-\u9fff]{2,}")
COVERAGE_STEP = 0.5  # each further problem item under an aspect closes half the remaining gap
_CONCERN_SHARE = 0.3  # a concern named this weakly by a declared heading is left out


@dataclass(frozen=True, slots=True)
class Unit:
    """One problem, cause or measure unit (an item, or a headed block body without items)."""

    block: int
    span: Span
    dimension: str | None
    scores: tuple[DimensionScore, ...]


@dataclass(frozen=True, slots=True, eq=False)
class Analysis:
    """Everything computed from one draft. `plain` is what is analysed (traditional characters
    converted one for one); `text` is what the user sees. Offsets refer to both."""

    text: str
    plain: str
    traditional: bool
    doc: Document
    choice: SchemeChoice
    tokens: tuple[str, ...]
    tags: tuple[str, ...]  # each token's part of speech, for checks that need the grammar
    token_starts: tuple[int, ...]
    blocks: tuple[BlockReview, ...]
    heading_topics: tuple[str | None, ...]  # per block: the aspect its heading's words name
    units: tuple[Unit, ...]
    scores: tuple[DimensionScore, ...]
    dimension: str | None
    matches: tuple[Match, ...]

    @property
    def scheme(self) -> Scheme:
        return self.choice.scheme

    def words_in(self, span: Span) -> list[str]:
        """The Chinese words of two or more characters that start inside `span`."""
        return _words_in(self.tokens, self.token_starts, span)


def analyse(
    text: str,
    corpus: Corpus,
    *,
    scheme: str | None = None,
    preferred: str | None = None,
    threshold: float = THRESHOLD,
    lookup: SentenceLookup | None = None,
) -> Analysis:
    """Analyse a draft: `scheme` forces a scheme id; `preferred` is used when the draft shows
    no clue of its frame (a user's remembered choice, a deployment default)."""
    shown = normalize(text)
    traditional = is_traditional(shown)
    plain = to_simplified(shown) if traditional else shown
    catalogue = corpus.catalogue
    tagged = corpus.model.tokenizer.tagged(plain)  # the one segmentation of this draft
    tokens = tuple(word for word, _ in tagged)
    starts = tuple(_starts(tokens))
    first = parse(plain, AnyAspect(catalogue))
    declared = _declared(first, corpus, tokens, starts)
    choice = choose(first, catalogue, chosen=scheme, preferred=preferred, declared=declared)
    doc = relabel(first, choice.scheme)
    reader = _Reader(corpus.model.scorer(choice.scheme), plain, tokens, starts)
    blocks = tuple(_block_review(b, reader) for b in doc.blocks)
    units = tuple(_units(doc, reader))
    heading_topics = tuple(
        reader.score(b.heading)[1] if b.heading is not None else None for b in doc.blocks
    )
    whole = any(b.section is not None for b in doc.blocks)
    if whole:
        scores, top = _coverage_scores(doc, units, choice.scheme)
    elif len(blocks) == 1 and doc.blocks[0].heading is None:  # a bare paragraph: same text
        scores, top = blocks[0].scores, blocks[0].dimension
    else:
        scores, top = reader.score_all([b.body for b in doc.blocks])
    return Analysis(
        text=shown,
        plain=plain,
        traditional=traditional,
        doc=doc,
        choice=choice,
        tokens=tokens,
        tags=tuple(tag for _, tag in tagged),
        token_starts=starts,
        blocks=blocks,
        heading_topics=heading_topics,
        units=units,
        scores=scores,
        dimension=top,
        matches=find_matches(doc, corpus.index, threshold=threshold, lookup=lookup),
    )


class _Reader:
    """Scores spans of one draft: a phrase must begin where a word begins (新思想 is not read in
    创新｜思想). What a writer says they did right before turning to the problem (能够……但,
    虽然……但) still tells the aspect, but is never shown as evidence of the problem."""

    def __init__(
        self, scorer: Scorer, plain: str, tokens: tuple[str, ...], starts: tuple[int, ...]
    ) -> None:
        self.scorer, self.tokens, self.starts = scorer, tokens, starts
        self.text = plain
        self.plain_of_praise = _without_praise(plain)

    def score(self, span: Span) -> tuple[tuple[DimensionScore, ...], str | None]:
        return self.score_all([span])

    def score_all(self, spans: list[Span]) -> tuple[tuple[DimensionScore, ...], str | None]:
        """Several spans read as one text (joined by line breaks)."""
        pieces, words, edges, offset = [], [], set(), 0
        for span in spans:
            piece = self.text[span.start : span.end]
            pieces.append(piece)
            words += [
                w
                for w in _words_in(self.tokens, self.starts, span)
                if not w.isspace() and w.strip("\u3000 ")
            ]
            lo, hi = bisect_left(self.starts, span.start), bisect_right(self.starts, span.end)
            edges |= {p - span.start + offset for p in self.starts[lo:hi]}
            offset += len(piece) + 1
        scores, top = self.scorer.score("\n".join(pieces), words, frozenset(edges))
        criticism = "\n".join(self.plain_of_praise[s.start : s.end] for s in spans)
        shown = tuple(
            replace(s, evidence=tuple(p for p in s.evidence if p in criticism)) for s in scores
        )
        return shown, top


_PRAISE = re.compile(
    r"(?:^|(?<=[。！？；\n]))(?:[一二三四五六七八九十]+是)?[^，。；！？\n]{0,12}?"
    r"(?:能够|虽然|尽管|虽|总体上|基本上)([^。；！？\n]*?)，?(?=(?:但|但是|可是|然而))"
)


def _without_praise(text: str) -> str:
    """The text with the praise before a turn to criticism blanked (same length)."""
    return _PRAISE.sub(
        lambda m: m.group(0)[: m.start(1) - m.start()] + "　" * len(m.group(1)), text
    )


def _starts(tokens: tuple[str, ...]) -> list[int]:
    out, pos = [], 0
    for token in tokens:
        out.append(pos)
        pos += len(token)
    return out


def _words_in(tokens: tuple[str, ...], starts: tuple[int, ...], span: Span) -> list[str]:
    lo, hi = bisect_left(starts, span.start), bisect_left(starts, span.end)
    return [t for t in tokens[lo:hi] if _WORDLIKE.fullmatch(t)]


def _declared(
    doc: Document, corpus: Corpus, tokens: tuple[str, ...], starts: tuple[int, ...]
) -> Scheme | None:
    """The scheme made of the draft's own aspect headings (None with fewer than two)."""
    headings = aspect_headings(doc)
    if len(headings) < 2:
        return None
    by_concern = corpus.model.scorer(_concern_scheme(corpus.catalogue))
    spans = {b.heading_text: b.heading for b in doc.blocks if b.heading_text and b.heading}
    weights: dict[str, dict[str, float]] = {}
    words: dict[str, tuple[str, ...]] = {}
    for heading in headings:
        span = spans[heading]
        own = [w for w in _words_in(tokens, starts, span) if w not in STOPWORDS]
        evidence = [sum(e.values()) for e in by_concern.evidence(heading, own)]
        top = max(evidence, default=0.0)
        weights[heading] = {
            c.id: round(e / top, 2)
            for c, e in zip(corpus.catalogue.concerns, evidence, strict=True)
            if top and e / top >= _CONCERN_SHARE
        }
        words[heading] = tuple(dict.fromkeys(own))
    return declared_scheme(headings, weights, words)


def _concern_scheme(catalogue: Catalogue) -> Scheme:
    """The concerns themselves as a scheme, to read which concerns a heading names."""
    dims = tuple(Dimension(c.id, (), c.description, (), ((c.id, 1.0),)) for c in catalogue.concerns)
    return Scheme("concerns", "关注点", dims)


def _block_review(block: Block, reader: _Reader) -> BlockReview:
    scores, top = reader.score(block.body)
    return BlockReview(
        start=block.start,
        end=block.end,
        section=block.section,
        heading_dimension=block.heading_dimension,
        dimension=top,
        scores=scores,
    )


def _units(doc: Document, reader: _Reader) -> list[Unit]:
    out = []
    for i, block in enumerate(doc.blocks):
        spans = [Span(it.start, it.end) for it in block.items] or [block.body]
        for span in spans:
            scores, top = reader.score(span)
            out.append(Unit(i, span, top, scores))
    return out


def _coverage_scores(
    doc: Document,
    units: tuple[Unit, ...],
    scheme: Scheme,
) -> tuple[tuple[DimensionScore, ...], str | None]:
    """A whole draft's view: per aspect, how well its problems cover it — none: 0, one item: 50,
    two: 75, three: 88 … — with the phrases that named it. Not six bars near 100."""
    counts = dict.fromkeys(scheme.names, 0)
    evidence: dict[str, list[str]] = {n: [] for n in scheme.names}
    for unit in units:
        block = doc.blocks[unit.block]
        if block.section != "problem":
            continue
        name = block.heading_dimension or unit.dimension
        if name is None or name not in counts:
            continue
        counts[name] += 1
        for s in unit.scores:
            if s.dimension == name:
                evidence[name].extend(e for e in s.evidence if e not in evidence[name])
    scores = tuple(
        DimensionScore(
            n, round(100.0 * (1 - math.pow(COVERAGE_STEP, counts[n])), 1), tuple(evidence[n][:5])
        )
        for n in scheme.names
    )
    top = max(scheme.names, key=lambda n: (counts[n], -scheme.names.index(n)))
    return scores, (top if counts[top] else None)
