"""The one entry point: review a draft against a corpus."""

from __future__ import annotations

from dataclasses import replace

from core.analysis import analyse
from core.checks import CheckContext, run_checks
from core.checks.idioms import fixed_expressions
from core.checks.vocabulary import vocabulary
from core.corpus import Corpus
from core.genre import NOTES as GENRE_NOTES
from core.genre import foreign_genre
from core.matching import THRESHOLD, SentenceLookup, duplicate_ratio
from core.models import Review
from core.verdict import make_verdict
from core.versions import progress

TRADITIONAL_NOTE = (
    "材料使用繁体字，已按简体字分析（繁体字本身不计为错别字）；上报前请确认用字要求。"
)


def review(
    text: str,
    corpus: Corpus,
    *,
    scheme: str | None = None,
    preferred: str | None = None,
    threshold: float = THRESHOLD,
    previous: Review | None = None,
    lookup: SentenceLookup | None = None,
) -> Review:
    """Analyse once (scheme, structure, scores, matches), run the checks, grade the whole.

    `scheme` forces a scheme id; `preferred` is used when the draft shows no clue of its frame
    (a user's remembered choice, a deployment default); otherwise it is detected, declared by
    the draft's own aspect headings, or the newest shipped scheme. With `previous` (the review
    of an earlier version of this draft) the review says what changed (`progress`); `lookup`
    adds candidate corpus sentences kept outside the in-process index (a shared database).
    """
    analysis = analyse(
        text, corpus, scheme=scheme, preferred=preferred, threshold=threshold, lookup=lookup
    )
    context = CheckContext(analysis, corpus.model.tokenizer)
    genre = foreign_genre(analysis.text)  # a meeting report or an article: its typos only
    findings = run_checks(context, only=("typo",) if genre else None)
    notes = ((TRADITIONAL_NOTE,) if analysis.traditional else ()) + (
        (GENRE_NOTES[genre],) if genre else ()
    )
    result = Review(
        text=analysis.text,
        scores=analysis.scores,
        dimension=analysis.dimension,
        blocks=analysis.blocks,
        matches=analysis.matches,
        duplicate_ratio=duplicate_ratio(analysis.text, analysis.matches),
        findings=findings,
        verdict=None if genre else make_verdict(context, findings),
        scheme=analysis.choice,
        notes=notes,
    )
    return result if previous is None else replace(result, progress=progress(previous, result))


def warm_up(corpus: Corpus) -> None:
    """Load what the first review would otherwise wait for (jieba's dictionary, the checks'
    vocabulary, the idiom index: about a second); a bot calls this before its first update."""
    tokenizer = corpus.model.tokenizer
    tokenizer.warm_up()
    fixed_expressions(tokenizer, vocabulary().similar)
