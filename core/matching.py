"""Near-duplicate matching: which spans of a draft nearly copy a corpus sentence or clause.

Every draft sentence is checked as a whole (edits and reordered clauses), and every clause of a
sentence that did not match as a whole is checked on its own (a clause lifted into new text).
The bigram index proposes candidate corpus sentences; rapidfuzz verifies them. The corpus is
indexed in segments, so adding documents adds a segment instead of rebuilding everything.
"""

from __future__ import annotations

import functools
import hashlib
import re
from array import array
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from importlib import resources
from pathlib import Path
from typing import Literal, Protocol

import numpy as np
import numpy.typing as npt
from rapidfuzz import fuzz

from core.index import NgramIndex, counted
from core.models import Document, Match, Sentence, Span
from core.packed import PackedStrings, PackedWriter, mapped
from core.text import compare_key, counted_chars, spaced_key, unfolded

MIN_KEY_CHARS = 10  # shorter pieces are stock one-liners, not copies worth reporting
STOCK_MAX_CHARS = 20  # a short piece found in this many documents is a formula, not a copy
STOCK_MIN_DOCUMENTS = 3
THRESHOLD = 80.0  # whole sentences: an 8% edit still scores about 90
CLAUSE_MARGIN = 5.0  # clauses are short, so one shared formula moves them more: ask for more
CANDIDATES = 16
TITLE_CHARS = 60  # a first line this short without punctuation is the draft's title
# A piece of a draft this long that lies, lightly edited, inside a longer corpus sentence is a
# lifted fragment (a distinctive part of someone else's sentence), scored by the best-aligned
# window of the source; shorter pieces inside long sentences are too often common phrasing.
FRAGMENT_MIN_CHARS = 14
FRAGMENT_THRESHOLD = 90.0
# A sentence this long that keeps a corpus sentence's content in order once near-synonyms
# (core/data/synonyms.txt) are made one and the glue characters dropped, but is no copy by the
# characters, is a light rewrite: reported as kind "rewrite", never as a copy.
REWRITE_MIN_CHARS = 16
REWRITE_THRESHOLD = 80.0
REWRITE_ROUGHLY = 55.0  # what a rewrite keeps of the characters at least (a cheap first test)
_GLUE = re.compile("[的了在和与及并等对把将还也都就着过之而且又再是]")


def sentence_key(text: str, sentence: Sentence) -> str:
    """Compare key of a sentence: clause keys joined by spaces, so reordering can be scored."""
    return spaced_key(text[sentence.start : sentence.end])


def key_length(key: str) -> int:
    return len(key) - key.count(" ")


def similarity(a: str, b: str, *, score_cutoff: float = 0.0) -> float:
    """0–100: the better of a plain edit ratio and a clause-order-insensitive one."""
    plain = fuzz.ratio(a, b, score_cutoff=score_cutoff)
    reordered = fuzz.token_sort_ratio(a, b, score_cutoff=score_cutoff) if " " in a + b else 0.0
    return max(plain, reordered)


def stable_hash(key: str) -> int:
    """A 64-bit hash that is the same in every process (Python's own hash is salted)."""
    return int.from_bytes(hashlib.blake2b(key.encode(), digest_size=8).digest(), "little")


@dataclass(frozen=True, slots=True, eq=False)
class Segment:
    """One built piece of the corpus: its sentences' keys, where they come from, and which short
    keys are the genre's stock formulas (found verbatim in several documents)."""

    ngrams: NgramIndex
    documents: npt.NDArray[np.uint32]
    sources: PackedStrings
    stock: npt.NDArray[np.uint64]

    def __len__(self) -> int:
        return len(self.ngrams)

    def is_stock(self, key: str) -> bool:
        h = np.uint64(stable_hash(key.replace(" ", "")))
        at = int(np.searchsorted(self.stock, h))
        return at < len(self.stock) and self.stock[at] == h

    @property
    def nbytes(self) -> int:
        return (
            self.ngrams.nbytes
            + int(self.documents.nbytes)
            + self.sources.nbytes
            + int(self.stock.nbytes)
        )

    def save(self, folder: Path) -> None:
        self.ngrams.save(folder)
        self.sources.save(folder, "sources")
        np.save(folder / "documents.npy", self.documents, allow_pickle=False)
        np.save(folder / "stock.npy", self.stock, allow_pickle=False)

    @classmethod
    def load(cls, folder: Path) -> Segment:
        return cls(
            ngrams=NgramIndex.load(folder),
            documents=mapped(folder / "documents.npy"),
            sources=PackedStrings.load(folder, "sources"),
            stock=np.load(folder / "stock.npy", allow_pickle=False),
        )


def build_segment(sentences: Iterable[tuple[int, str]]) -> Segment:
    """Index (document id, sentence text) records, streamed: keys and sources go straight into
    packed arrays; sentences too short to match are skipped."""
    keys, sources = PackedWriter(), PackedWriter()
    documents = array("I")
    piece_hashes = array("Q")
    piece_documents = array("I")
    for doc_id, text in sentences:
        key = spaced_key(text)
        if key_length(key) < MIN_KEY_CHARS:
            continue
        keys.append(key)
        documents.append(doc_id)
        sources.append(text)
        for piece in {key.replace(" ", ""), *key.split(" ")}:
            if MIN_KEY_CHARS <= len(piece) <= STOCK_MAX_CHARS:
                piece_hashes.append(stable_hash(piece))
                piece_documents.append(doc_id)
    return Segment(
        ngrams=NgramIndex.build_packed(keys.packed()),
        documents=np.frombuffer(documents, dtype=np.uint32).copy(),
        sources=sources.packed(),
        stock=_stock(
            np.frombuffer(piece_hashes, dtype=np.uint64),
            np.frombuffer(piece_documents, dtype=np.uint32),
        ),
    )


def _stock(
    hashes: npt.NDArray[np.uint64], documents: npt.NDArray[np.uint32]
) -> npt.NDArray[np.uint64]:
    """Hashes of the short pieces found verbatim in at least STOCK_MIN_DOCUMENTS documents."""
    order = np.lexsort((documents, hashes))
    hashes, documents = hashes[order], documents[order]
    fresh = np.ones(len(hashes), dtype=bool)
    fresh[1:] = (hashes[1:] != hashes[:-1]) | (documents[1:] != documents[:-1])
    distinct, counts = counted(hashes[fresh])
    return distinct[counts >= STOCK_MIN_DOCUMENTS].astype(np.uint64)


def document_sentences(doc_id: int, doc: Document) -> list[tuple[int, str]]:
    return [(doc_id, doc.text[s.start : s.end]) for s in doc.sentences]


@dataclass(frozen=True, slots=True, eq=False)
class MatchIndex:
    """Every segment of the corpus and the names of its documents."""

    names: tuple[str, ...]
    segments: tuple[Segment, ...]

    def __len__(self) -> int:
        return sum(len(s) for s in self.segments)

    @property
    def nbytes(self) -> int:
        return sum(s.nbytes for s in self.segments)

    def is_stock(self, key: str) -> bool:
        """A stock formula of the corpus (found verbatim in several documents of a segment)."""
        return any(segment.is_stock(key) for segment in self.segments)

    def sentences(self) -> Iterable[tuple[str, str]]:
        """(document name, sentence text) of every indexed sentence."""
        for segment in self.segments:
            for row in range(len(segment)):
                yield self.names[int(segment.documents[row])], segment.sources[row]


def build_match_index(named: Sequence[tuple[str, Document]]) -> MatchIndex:
    """A one-segment index of parsed documents (tests, small corpora)."""
    records = [r for doc_id, (_, doc) in enumerate(named) for r in document_sentences(doc_id, doc)]
    return MatchIndex(tuple(name for name, _ in named), (build_segment(records),))


@dataclass(frozen=True, slots=True)
class SourceSentence:
    """A corpus sentence kept outside the in-process index (bot/pg_corpus.py: PostgreSQL)."""

    document: str
    text: str  # as written
    key: str  # spaced_key(text)


class SentenceLookup(Protocol):
    """Where candidates come from besides the in-process segments: a store every replica shares,
    so a document added on one is matched on all as soon as it is committed. Candidates only:
    they are verified here with the same rules as the index's."""

    def candidates(self, keys: Sequence[str], *, limit: int) -> list[list[SourceSentence]]: ...


@functools.cache
def _synonyms() -> tuple[re.Pattern[str], dict[str, str]]:
    raw = resources.files("core").joinpath("data/synonyms.txt").read_text(encoding="utf-8")
    canonical: dict[str, str] = {}
    for line in raw.splitlines():
        words = line.split()
        if words and not line.startswith("#"):
            canonical.update((word, words[0]) for word in words)
    longest_first = sorted(canonical, key=lambda w: (-len(w), w))
    return re.compile("|".join(map(re.escape, longest_first))), canonical


def rewrite_key(key: str) -> str:
    """A key with near-synonyms made one and glue characters dropped (clause order kept)."""
    pattern, canonical = _synonyms()
    return _GLUE.sub("", pattern.sub(lambda m: canonical[m.group()], key.replace(" ", "")))


@dataclass(frozen=True, slots=True)
class _Hit:
    score: float
    segment: int  # -1: a sentence from the lookup
    row: int
    fragment: bool = False  # matched a window inside a longer source clause or sentence
    external: SourceSentence | None = None
    rewrite: bool = False  # close only once synonyms and glue are set aside


def find_matches(
    doc: Document,
    index: MatchIndex,
    *,
    threshold: float = THRESHOLD,
    lookup: SentenceLookup | None = None,
) -> tuple[Match, ...]:
    """All near-duplicate spans of a parsed draft, in text order, not overlapping; candidates
    from the in-process index and from `lookup`, if any."""
    title = _title_end(doc.text)
    # A draft's title line names the genre and the year, as every other draft's does: not a copy.
    sentences = [(s, sentence_key(doc.text, s)) for s in doc.sentences if s.end > title]
    whole = [(s, k) for s, k in sentences if key_length(k) >= MIN_KEY_CHARS]
    hits = _best_hits([k for _, k in whole], index, threshold, clauses=False, lookup=lookup)
    found: dict[int, tuple[Match, tuple[int, int]]] = {}
    for (sentence, _), hit in zip(whole, hits, strict=True):
        if hit is not None:
            kind: Literal["sentence", "rewrite"] = "rewrite" if hit.rewrite else "sentence"
            found[sentence.start] = (
                _match(doc.text, sentence, hit, index, kind),
                _identity(hit),
            )
    # Clauses of unmatched sentences, and a one-clause sentence long enough to be a fragment
    # lifted out of a longer corpus sentence.
    pieces = [
        (clause, key)
        for sentence, whole_key in sentences
        if sentence.start not in found
        and (len(sentence.clauses) > 1 or key_length(whole_key) >= FRAGMENT_MIN_CHARS)
        for clause in sentence.clauses
        if len(key := compare_key(doc.text[clause.start : clause.end])) >= MIN_KEY_CHARS
    ]
    clause_threshold = min(100.0, threshold + CLAUSE_MARGIN)
    for (clause, _), hit in zip(
        pieces,
        _best_hits([k for _, k in pieces], index, clause_threshold, clauses=True, lookup=lookup),
        strict=True,
    ):
        if hit is not None:
            piece: Literal["clause", "fragment"] = "fragment" if hit.fragment else "clause"
            found[clause.start] = (
                _match(doc.text, clause, hit, index, piece),
                _identity(hit),
            )
    ordered = [found[start] for start in sorted(found)]
    return tuple(_merge_adjacent(doc.text, ordered))


def _title_end(text: str) -> int:
    """Where a title on the first line ends: a short first line without punctuation above
    more text (0 when there is none; a line pasted on its own is what is to be checked)."""
    first, _, rest = text.partition("\n")
    if not rest.strip() or len(first) > TITLE_CHARS or any(mark in first for mark in "。！？；，"):
        return 0
    return len(first)


def _identity(hit: _Hit) -> tuple[int, int]:
    """Which source sentence a hit is (neighbouring clause hits on one source are merged)."""
    if hit.external is not None:
        return (-1, stable_hash(hit.external.document + "\n" + hit.external.text))
    return (hit.segment, hit.row)


def _best_hits(
    keys: list[str],
    index: MatchIndex,
    threshold: float,
    *,
    clauses: bool,
    lookup: SentenceLookup | None = None,
) -> list[_Hit | None]:
    """The best verified corpus sentence for each key, or None. A key whose best match is a
    stock formula is not reported: a near-copy of a formula is still a formula. A whole
    sentence with no copy may be a light rewrite of one of the same candidates."""
    best: list[tuple[_Hit, bool] | None] = [None] * len(keys)
    rewrites: list[tuple[_Hit, bool] | None] = [None] * len(keys)
    rewritten = [
        rewrite_key(k) if not clauses and key_length(k) >= REWRITE_MIN_CHARS else "" for k in keys
    ]

    def consider_rewrite(q: int, hit: _Hit, target: str, is_stock: Callable[[str], bool]) -> None:
        if not fuzz.ratio(keys[q], target, score_cutoff=REWRITE_ROUGHLY):
            return  # far apart even by the characters: no rewrite keeps so little
        score = fuzz.ratio(rewritten[q], rewrite_key(target), score_cutoff=REWRITE_THRESHOLD)
        current = rewrites[q]
        if score and (current is None or score > current[0].score):
            rewrites[q] = (replace(hit, score=score, rewrite=True), is_stock(target))

    def weigh(q: int, target: str, hit: _Hit, is_stock: Callable[[str], bool]) -> None:
        """Verify one candidate sentence for key q: a copy if it is one, else maybe a rewrite."""
        score, stock, fragment = _verify(keys[q], target, is_stock, threshold, clauses)
        current = best[q]
        if score >= threshold and (current is None or score > current[0].score):
            best[q] = (replace(hit, score=score, fragment=fragment), stock)
        elif rewritten[q] and score < threshold:
            consider_rewrite(q, hit, target, is_stock)

    def consider(q: int, s: int, segment: Segment, rows: Iterable[int]) -> None:
        for row in rows:
            weigh(q, segment.ngrams.key(row), _Hit(0.0, s, row), segment.is_stock)

    if lookup is not None and keys:
        for q, sentences in enumerate(lookup.candidates(keys, limit=CANDIDATES)):
            for sentence in sentences:
                weigh(q, sentence.key, _Hit(0.0, -1, -1, external=sentence), index.is_stock)

    for s, segment in enumerate(index.segments):
        if not keys:
            break
        watch = 4  # looking deeper for every common-phrased sentence costs more than it finds
        found, cut = segment.ngrams.candidates(keys, limit=CANDIDATES, watch=watch)
        for q, candidates in enumerate(found):
            consider(q, s, segment, candidates.tolist())
        for q in np.flatnonzero(cut).tolist():  # common phrasing: look again, in full lists
            if best[q] is None:
                deep = segment.ngrams.deep_candidates(keys[q], limit=CANDIDATES)
                consider(q, s, segment, deep.tolist())
    chosen = [b if b is not None else r for b, r in zip(best, rewrites, strict=True)]
    return [None if c is None or c[1] else c[0] for c in chosen]


def _verify(
    key: str, target: str, is_stock: Callable[[str], bool], threshold: float, clauses: bool
) -> tuple[float, bool, bool]:
    """Similarity of a draft key to a corpus sentence (the whole sentence, its best clause, or
    for a long enough piece the best window of the sentence: a lifted fragment), whether what
    it matched is a stock formula, and whether it was a window. (One rapidfuzz call per pair:
    for the sixteen candidates of a key, process.cdist costs five times more.)"""
    if not clauses:
        score = similarity(key, target, score_cutoff=threshold)
        return score, bool(score) and is_stock(target), False
    best, stock = 0.0, False
    for clause in target.split(" "):
        score = fuzz.ratio(key, clause, score_cutoff=threshold)
        if score > best:
            best, stock = score, is_stock(clause)
    whole = target.replace(" ", "")
    if len(key) >= FRAGMENT_MIN_CHARS and len(whole) > len(key) and best < FRAGMENT_THRESHOLD:
        piece, whole = unfolded(key), unfolded(whole)
        window = fuzz.partial_ratio(piece, whole, score_cutoff=FRAGMENT_THRESHOLD)
        if window > best:
            return window, is_stock(key), True
    return best, stock, False


def _match(
    text: str,
    span: Sentence | Span,
    hit: _Hit,
    index: MatchIndex,
    kind: Literal["sentence", "clause", "fragment", "rewrite"],
) -> Match:
    if hit.external is not None:
        source, source_text = hit.external.document, hit.external.text
    else:
        segment = index.segments[hit.segment]
        source_text = segment.sources[hit.row]
        source = index.names[int(segment.documents[hit.row])]
    return Match(
        start=span.start,
        end=span.end,
        score=round(hit.score, 1),
        source=source,
        source_text=source_text,
        kind=kind,
        source_part=_source_part(text[span.start : span.end], source_text) if hit.fragment else "",
    )


def _merge_adjacent(text: str, found: list[tuple[Match, tuple[int, int]]]) -> list[Match]:
    """Neighbouring clause matches from one source sentence become one match."""
    merged: list[tuple[Match, tuple[int, int]]] = []
    for match, source in found:
        if merged and _joinable(text, merged[-1], (match, source)):
            prev = merged[-1][0]
            weight_a, weight_b = prev.end - prev.start, match.end - match.start
            score = (prev.score * weight_a + match.score * weight_b) / (weight_a + weight_b)
            merged[-1] = (
                Match(
                    prev.start,
                    match.end,
                    round(score, 1),
                    prev.source,
                    prev.source_text,
                    "fragment" if "fragment" in (prev.kind, match.kind) else "clause",
                    _joined_part(prev, match),
                ),
                source,
            )
        else:
            merged.append((match, source))
    return [m for m, _ in merged]


def _joinable(
    text: str, a: tuple[Match, tuple[int, int]], b: tuple[Match, tuple[int, int]]
) -> bool:
    pieces = ("clause", "fragment")
    if a[0].kind not in pieces or b[0].kind not in pieces or a[1] != b[1]:
        return False
    return counted_chars(text[a[0].end : b[0].start]) <= 1


def _joined_part(a: Match, b: Match) -> str:
    """The source's part two neighbouring fragments of it cover (empty if either is a clause)."""
    if not (a.source_part and b.source_part):
        return ""
    start = a.source_text.find(a.source_part)
    end = b.source_text.find(b.source_part) + len(b.source_part)
    return a.source_text[start:end] if 0 <= start < end else a.source_part


def _source_part(piece: str, source: str) -> str:
    """The stretch of `source` a fragment was lifted from (the best-aligned window)."""
    where = fuzz.partial_ratio_alignment(piece, source)
    if where is None:
        return ""
    return source[where.dest_start : where.dest_end]


def duplicate_ratio(text: str, matches: Sequence[Match]) -> float:
    """Share of the text's counted characters (no whitespace, no redactions) inside a match."""
    total = counted_chars(text)
    if total == 0:
        return 0.0
    inside = sum(counted_chars(text[m.start : m.end]) for m in matches)
    return round(min(1.0, inside / total), 4)
