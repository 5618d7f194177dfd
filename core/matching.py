"""Near-duplicate matching: which spans of a draft nearly copy a corpus sentence or clause.

Every draft sentence is checked as a whole (edits and reordered clauses), and every clause of a
sentence that did not match as a whole is checked on its own (a clause lifted into new text).
Candidates come from the bigram index; rapidfuzz verifies them.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
import numpy.typing as npt
from rapidfuzz import fuzz

from core.index import NgramIndex
from core.models import Document, Match, Sentence, Span
from core.text import compare_key, counted_chars

SENTENCE = 0
CLAUSE = 1
MIN_KEY_CHARS = 10  # shorter pieces are stock one-liners, not copies worth reporting
STOCK_MAX_CHARS = 20  # a short piece found in this many documents is a formula, not a copy
STOCK_MIN_DOCUMENTS = 3
THRESHOLD = 80.0  # whole sentences: an 8% edit still scores about 90
CLAUSE_MARGIN = 5.0  # clauses are short, so one shared formula moves them more: ask for more


@dataclass(frozen=True, slots=True)
class SourceSentence:
    """A corpus sentence that matches can point to."""

    document: str
    text: str


@dataclass(frozen=True, slots=True, eq=False)
class MatchIndex:
    """The bigram index over corpus units plus what each unit points back to."""

    ngrams: NgramIndex
    unit_sentence: npt.NDArray[np.int32]
    unit_kind: npt.NDArray[np.int8]
    unit_stock: npt.NDArray[np.bool_]
    sentences: tuple[SourceSentence, ...]


def sentence_key(text: str, sentence: Sentence) -> str:
    """Compare key of a sentence: clause keys joined by spaces, so reordering can be scored."""
    keys = (compare_key(text[c.start : c.end]) for c in sentence.clauses)
    return " ".join(k for k in keys if k)


def similarity(a: str, b: str, *, score_cutoff: float = 0.0) -> float:
    """0–100: the better of a plain edit ratio and a clause-order-insensitive one."""
    plain = fuzz.ratio(a, b, score_cutoff=score_cutoff)
    reordered = fuzz.token_sort_ratio(a, b, score_cutoff=score_cutoff) if " " in a + b else 0.0
    return max(plain, reordered)


def build_match_index(named: Sequence[tuple[str, Document]]) -> MatchIndex:
    """Index every long-enough sentence and clause of the corpus documents."""
    keys: list[str] = []
    unit_sentence: list[int] = []
    unit_kind: list[int] = []
    unit_doc: list[int] = []
    sentences: list[SourceSentence] = []
    for doc_id, (name, doc) in enumerate(named):
        for sentence in doc.sentences:
            sid = len(sentences)
            sentences.append(SourceSentence(name, doc.text[sentence.start : sentence.end]))
            for key, kind in _units(doc.text, sentence):
                keys.append(key)
                unit_sentence.append(sid)
                unit_kind.append(kind)
                unit_doc.append(doc_id)
    return MatchIndex(
        ngrams=NgramIndex.build(tuple(keys)),
        unit_sentence=np.array(unit_sentence, dtype=np.int32),
        unit_kind=np.array(unit_kind, dtype=np.int8),
        unit_stock=_stock_flags(keys, unit_doc),
        sentences=tuple(sentences),
    )


def _units(text: str, sentence: Sentence) -> list[tuple[str, int]]:
    units: list[tuple[str, int]] = []
    whole = sentence_key(text, sentence)
    if len(whole) - whole.count(" ") >= MIN_KEY_CHARS:
        units.append((whole, SENTENCE))
    if len(sentence.clauses) > 1:
        for clause in sentence.clauses:
            key = compare_key(text[clause.start : clause.end])
            if len(key) >= MIN_KEY_CHARS:
                units.append((key, CLAUSE))
    return units


def _stock_flags(keys: list[str], docs: list[int]) -> npt.NDArray[np.bool_]:
    """Short units that recur verbatim across many documents are the genre's formulas."""
    seen: defaultdict[str, set[int]] = defaultdict(set)
    for key, doc in zip(keys, docs, strict=True):
        if len(key) <= STOCK_MAX_CHARS:
            seen[key.replace(" ", "")].add(doc)
    return np.array(
        [len(seen.get(k.replace(" ", ""), ())) >= STOCK_MIN_DOCUMENTS for k in keys], dtype=bool
    )


def find_matches(
    doc: Document, index: MatchIndex, *, threshold: float = THRESHOLD
) -> tuple[Match, ...]:
    """All near-duplicate spans of a parsed draft, in text order, not overlapping."""
    found: list[tuple[Match, int]] = []
    for sentence in doc.sentences:
        whole = sentence_key(doc.text, sentence)
        hit = _best(whole, index, threshold) if _long_enough(whole) else None
        if hit is not None:
            found.append((_match(sentence, hit, index, "sentence"), hit[0]))
            continue
        if len(sentence.clauses) > 1:
            found.extend(_clause_matches(doc.text, sentence.clauses, index, threshold))
    return tuple(_merge_adjacent(doc.text, found, index))


def _long_enough(key: str) -> bool:
    return len(key) - key.count(" ") >= MIN_KEY_CHARS


def _best(key: str, index: MatchIndex, threshold: float) -> tuple[int, float] | None:
    """The best verified unit for `key` (its id and similarity), if any reaches `threshold`."""
    best: tuple[int, float] | None = None
    for unit in index.ngrams.candidates(key):
        if index.unit_stock[unit]:
            continue
        score = similarity(key, index.ngrams.keys[unit], score_cutoff=threshold)
        if score >= threshold and (best is None or score > best[1]):
            best = (int(unit), score)
    return best


def _clause_matches(
    text: str, clauses: tuple[Span, ...], index: MatchIndex, threshold: float
) -> list[tuple[Match, int]]:
    out = []
    for clause in clauses:
        key = compare_key(text[clause.start : clause.end])
        if len(key) < MIN_KEY_CHARS:
            continue
        hit = _best(key, index, min(100.0, threshold + CLAUSE_MARGIN))
        if hit is not None:
            out.append((_match(clause, hit, index, "clause"), hit[0]))
    return out


def _match(
    span: Sentence | Span,
    hit: tuple[int, float],
    index: MatchIndex,
    kind: Literal["sentence", "clause"],
) -> Match:
    unit, score = hit
    source = index.sentences[int(index.unit_sentence[unit])]
    return Match(
        start=span.start,
        end=span.end,
        score=round(score, 1),
        source=source.document,
        source_text=source.text,
        kind=kind,
    )


def _merge_adjacent(text: str, found: list[tuple[Match, int]], index: MatchIndex) -> list[Match]:
    """Neighbouring clause matches from one source sentence become one match."""
    merged: list[tuple[Match, int]] = []
    for match, unit in found:
        if merged and _joinable(text, merged[-1], (match, unit), index):
            prev = merged[-1][0]
            weight_a, weight_b = prev.end - prev.start, match.end - match.start
            score = (prev.score * weight_a + match.score * weight_b) / (weight_a + weight_b)
            merged[-1] = (
                Match(
                    prev.start, match.end, round(score, 1), prev.source, prev.source_text, "clause"
                ),
                unit,
            )
        else:
            merged.append((match, unit))
    return [m for m, _ in merged]


def _joinable(text: str, a: tuple[Match, int], b: tuple[Match, int], index: MatchIndex) -> bool:
    if a[0].kind != "clause" or b[0].kind != "clause":
        return False
    same_source = index.unit_sentence[a[1]] == index.unit_sentence[b[1]]
    return bool(same_source) and counted_chars(text[a[0].end : b[0].start]) <= 1


def duplicate_ratio(text: str, matches: Sequence[Match]) -> float:
    """Share of the text's counted characters (no whitespace, no redactions) inside a match."""
    total = counted_chars(text)
    if total == 0:
        return 0.0
    inside = sum(counted_chars(text[m.start : m.end]) for m in matches)
    return round(min(1.0, inside / total), 4)
