"""The one entry point: review a draft against a corpus."""

from __future__ import annotations

from core.checks import CheckContext, run_checks
from core.corpus import Corpus
from core.matching import THRESHOLD, duplicate_ratio, find_matches
from core.models import Block, BlockReview, Document, Review
from core.scoring import score
from core.structure import parse
from core.text import normalize
from core.verdict import make_verdict


def review(text: str, corpus: Corpus, *, threshold: float = THRESHOLD) -> Review:
    """Normalise, parse, score every block and the whole, and find near-duplicates."""
    doc = parse(normalize(text), corpus.scheme)
    blocks = tuple(_review_block(doc, block, corpus) for block in doc.blocks)
    if len(blocks) == 1 and doc.blocks[0].heading is None:  # a bare paragraph: same text
        scores, top = blocks[0].scores, blocks[0].dimension
    else:
        scores, top = score(corpus.model, _content(doc))
    matches = find_matches(doc, corpus.index, threshold=threshold)
    context = CheckContext(doc, blocks, matches, corpus.model)
    findings = run_checks(context)
    return Review(
        text=doc.text,
        scores=scores,
        dimension=top,
        blocks=blocks,
        matches=matches,
        duplicate_ratio=duplicate_ratio(doc.text, matches),
        findings=findings,
        verdict=make_verdict(context, findings),
    )


def _review_block(doc: Document, block: Block, corpus: Corpus) -> BlockReview:
    scores, top = score(corpus.model, doc.text[block.body.start : block.body.end])
    return BlockReview(
        start=block.start,
        end=block.end,
        section=block.section,
        heading_dimension=block.heading_dimension,
        dimension=top,
        scores=scores,
    )


def _content(doc: Document) -> str:
    """The text without its headings: a heading that names a dimension is not evidence."""
    return "\n".join(doc.text[b.body.start : b.body.end] for b in doc.blocks)
