"""A character-bigram inverted index that picks near-duplicate candidates without a full scan.

Everything lives in a few flat numpy arrays, so an index of a million sentences takes a few
hundred megabytes, is built with vectorised operations, and loads from disk memory-mapped:

- `keys`     the keys themselves, packed (UTF-16 code units, NUL-separated);
- `grams`    the sorted distinct bigram codes (two UTF-16 units in 32 bits);
- `offsets`  where each bigram's postings begin (compressed sparse rows);
- `postings` the ids of the keys containing each bigram, ascending.

A query is looked up by its rarest bigrams only, and each bigram contributes at most
`per_gram` postings: the lowest ids, so that a clause copied into thousands of keys still
yields the same few candidates from every one of its bigrams.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from core.packed import PackedStrings, mapped

U16 = npt.NDArray[np.uint16]
U32 = npt.NDArray[np.uint32]
I64 = npt.NDArray[np.int64]
_ARRAYS = ("grams", "offsets", "postings")
_SEPARATOR = 32  # code units at or below this (NUL between keys, spaces between clauses)
_SPACE = 32


def code_units(text: str) -> U16:
    return np.frombuffer(text.encode("utf-16-le"), dtype=np.uint16)


def _pairs(packed: PackedStrings, lo: int, hi: int) -> npt.NDArray[np.uint64]:
    """Distinct (bigram << 32 | key id) of keys lo..hi."""
    units = packed.chars[packed.starts[lo] : packed.starts[hi]]
    first, second = units[:-1].astype(np.uint32), units[1:].astype(np.uint32)
    keep = (first > _SEPARATOR) & (second > _SEPARATOR)
    owner = np.repeat(np.arange(lo, hi, dtype=np.uint64), np.diff(packed.starts[lo : hi + 1]))[:-1]
    codes = ((first[keep] << 16) | second[keep]).astype(np.uint64)
    return _distinct((codes << np.uint64(32)) | owner[keep])


# np.unique is many times slower than a sort in numpy 2 (3.2 ms against 0.07 ms for 20,000
# ids; 7 s of a 14 s build of 200,000 sentences): these do the same with a sort.
def _fresh(ordered: npt.NDArray[Any]) -> npt.NDArray[np.bool_]:
    """True where a sorted array holds a value for the first time."""
    fresh = np.empty(len(ordered), dtype=bool)
    if len(ordered):
        fresh[0] = True
        np.not_equal(ordered[1:], ordered[:-1], out=fresh[1:])
    return fresh


def _distinct(values: npt.NDArray[Any]) -> npt.NDArray[Any]:
    """Sorted distinct values (sorts `values` in place)."""
    values.sort()
    return values[_fresh(values)]


def counted(values: npt.NDArray[Any]) -> tuple[npt.NDArray[Any], npt.NDArray[np.intp]]:
    """Sorted distinct values and how often each occurs."""
    ordered = np.sort(values)
    starts = np.flatnonzero(_fresh(ordered))
    return ordered[starts], np.diff(np.append(starts, len(ordered)))


def clause_bigrams(units: U16) -> tuple[U32, I64]:
    """Distinct bigram codes of a key and the clause (0, 1, …) each first appears in."""
    if len(units) < 2:
        return np.zeros(0, dtype=np.uint32), np.zeros(0, dtype=np.int64)
    first, second = units[:-1].astype(np.uint32), units[1:].astype(np.uint32)
    keep = (first > _SEPARATOR) & (second > _SEPARATOR)
    clause = np.cumsum(units[:-1] == _SPACE)[keep].astype(np.int64)
    codes: U32 = ((first[keep] << 16) | second[keep]).astype(np.uint32)
    order = np.argsort(codes, kind="stable")  # a code's first occurrence first
    ordered: U32 = codes[order]
    fresh = _fresh(ordered)
    return ordered[fresh], clause[order][fresh]


@dataclass(frozen=True, slots=True, eq=False)
class NgramIndex:
    """Inverted index from character bigrams to the keys that contain them."""

    keys: PackedStrings
    grams: U32
    offsets: I64
    postings: U32

    @classmethod
    def build(cls, keys: Sequence[str], *, chunk: int = 200_000) -> NgramIndex:
        """Index `keys` (spaces inside a key separate clauses and never form a bigram)."""
        return cls.build_packed(PackedStrings.build(keys), chunk=chunk)

    @classmethod
    def build_packed(cls, packed: PackedStrings, *, chunk: int = 50_000) -> NgramIndex:
        """Index packed keys. (bigram, key) pairs are made `chunk` keys at a time straight into
        one array; bigram and key are then read as the two halves of each 64-bit pair, so the
        peak stays near the pairs plus the postings."""
        count = len(packed)
        # A key of n code units has fewer than n bigrams: room for all, filled chunk by chunk.
        room = np.empty(len(packed.chars), dtype=np.uint64)
        at = 0
        for lo in range(0, count, chunk):
            done = _pairs(packed, lo, min(count, lo + chunk))
            room[at : at + len(done)] = done
            at += len(done)
        pairs = room[:at]
        pairs.sort()  # by bigram, then key: one posting per (bigram, key), ids ascending
        halves = pairs.view(np.uint32)  # little-endian: key id, then bigram, for each pair
        gram = halves[1::2]
        firsts = np.flatnonzero(gram[1:] != gram[:-1]) + 1
        starts = np.concatenate(([0], firsts)).astype(np.int64) if len(gram) else firsts
        offsets = np.concatenate((starts, [len(gram)])).astype(np.int64)
        grams = gram[starts].copy()
        postings = halves[0::2].copy()
        del halves, gram, pairs, room
        return cls(packed, grams, offsets, postings)

    def __len__(self) -> int:
        return len(self.keys)

    def key(self, i: int) -> str:
        """Key `i` as text."""
        return self.keys[i]

    @property
    def nbytes(self) -> int:
        return self.keys.nbytes + sum(int(getattr(self, name).nbytes) for name in _ARRAYS)

    def candidates(
        self,
        queries: Sequence[str],
        *,
        budget: int = 8000,
        most_grams: int = 16,
        limit: int = 16,
        watch: int = 4,
    ) -> tuple[list[npt.NDArray[np.int64]], npt.NDArray[np.bool_]]:
        """For each query, up to `limit` key ids sharing the most of its rarest bigrams, and
        whether the budget cut short the reading of one of its first `watch` bigrams (then
        `deep_candidates` can look further).

        Bigrams are taken rarest first while their postings fit in `budget` (at least two, at
        most `most_grams`): a query made of rare words is settled by a few short lists, one made
        of common phrasing reads more lists, so that near-identical siblings are told apart.
        A candidate must share at least two of the bigrams read (one, for a one-bigram query).
        All queries are answered with one set of numpy operations.
        """
        nothing = [np.zeros(0, dtype=np.int64) for _ in queries]
        if len(self) == 0 or not queries:
            return nothing, np.zeros(len(queries), dtype=bool)
        query_of, starts, stops, needs, cut = self._selected_postings(
            queries, budget, most_grams, watch
        )
        lengths = stops - starts
        total = int(lengths.sum())
        if total == 0:
            return nothing, cut
        # Gather all selected posting slices at once: position = slice start + offset in slice.
        within = np.arange(total, dtype=np.int64) - np.repeat(np.cumsum(lengths) - lengths, lengths)
        ids = self.postings[np.repeat(starts, lengths) + within]
        # Count per query (a few thousand 32-bit ids each), never one sort of every pair.
        bounds = np.searchsorted(np.repeat(query_of, lengths), np.arange(len(queries) + 1))
        return [
            _top(ids[bounds[q] : bounds[q + 1]], int(needs[q]), limit) for q in range(len(queries))
        ], cut

    def deep_candidates(
        self,
        query: str,
        *,
        per_clause: int = 3,
        cap: int = 50_000,
        pool_cap: int = 4000,
        limit: int = 16,
    ) -> npt.NDArray[np.int64]:
        """Candidates for a query made of common phrasing, where `candidates` had to cut posting
        lists short. Each clause is represented by its few rarest bigrams (several, because an
        edit creates rare bigrams the source lacks); keys found for at least two clauses (for a
        one-clause query: holding two of its bigrams) are ranked by all the query's bigrams."""
        codes, clauses = clause_bigrams(code_units(query))
        at = np.searchsorted(self.grams, codes)
        found = at < len(self.grams)
        found[found] = self.grams[at[found]] == codes[found]
        at, clauses = at[found], clauses[found]
        if len(at) < 2:
            return np.zeros(0, dtype=np.int64)
        df = self.offsets[at + 1] - self.offsets[at]
        order = np.lexsort((df, clauses))
        at, clauses = at[order], clauses[order]
        groups = np.split(at, np.flatnonzero(np.diff(clauses)) + 1)
        if len(groups) > 1:  # ids per clause (any of its rarest bigrams), then clauses per id
            lists = [
                _distinct(
                    np.concatenate([self._postings_of(int(g), cap) for g in group[:per_clause]])
                )
                for group in groups
            ]
        else:
            lists = [self._postings_of(int(g), cap) for g in groups[0][: per_clause + 1]]
        ids, counts = counted(np.concatenate(lists))
        keep = counts >= 2
        pool, counts = ids[keep], counts[keep]
        if len(pool) == 0:
            return pool.astype(np.int64)
        if len(pool) > pool_cap:  # most clauses first: a sibling sharing one clause ranks last
            pool = pool[np.sort(np.argsort(-counts, kind="stable")[:pool_cap])]
        hits = np.zeros(len(pool), dtype=np.int64)
        for a in at[np.argsort(self.offsets[at + 1] - self.offsets[at])][:16]:  # rarest 16 rank
            postings = self._postings_of(int(a), len(self.postings))
            where = np.minimum(np.searchsorted(postings, pool), len(postings) - 1)
            hits += postings[where] == pool
        top = np.lexsort((pool, -hits))[:limit]
        return pool[top].astype(np.int64)

    def _postings_of(self, gram_at: int, cap: int) -> U32:
        start = int(self.offsets[gram_at])
        return self.postings[start : min(int(self.offsets[gram_at + 1]), start + cap)]

    def _selected_postings(
        self, queries: Sequence[str], budget: int, most_grams: int, watch: int
    ) -> tuple[I64, I64, I64, npt.NDArray[np.intp], npt.NDArray[np.bool_]]:
        """(query index, posting start, posting stop) of the bigrams each query reads, how many
        of them a candidate must share, and which queries could not read all they wanted.

        Bigrams are read round-robin over the query's clauses, rarest first within each
        clause: a sentence built of common clauses is then found by the one corpus sentence
        that has all of them, not by the thousands that share its rarest clause."""
        per_query = [clause_bigrams(code_units(q)) for q in queries]
        needs = np.array([1 if len(c) < 2 else 2 for c, _ in per_query], dtype=np.intp)
        query_of = np.repeat(
            np.arange(len(queries), dtype=np.int64), [len(c) for c, _ in per_query]
        )
        flat = np.concatenate([c for c, _ in per_query]) if per_query else np.zeros(0, np.uint32)
        clause = np.concatenate([k for _, k in per_query]) if per_query else np.zeros(0, np.int64)
        at = np.searchsorted(self.grams, flat)
        found = at < len(self.grams)
        found[found] = self.grams[at[found]] == flat[found]
        query_of, at, clause = query_of[found], at[found], clause[found]
        full = self.offsets[at + 1] - self.offsets[at]
        df = np.minimum(full, budget)
        order = np.lexsort((df, clause, query_of))  # rank of each bigram within its clause
        query_of, at, clause, df, full = (
            query_of[order],
            at[order],
            clause[order],
            df[order],
            full[order],
        )
        group = np.flatnonzero(np.r_[True, (np.diff(query_of) != 0) | (np.diff(clause) != 0)])
        within_clause = np.arange(len(df)) - np.repeat(group, np.diff(np.r_[group, len(df)]))
        order = np.lexsort((df, within_clause, query_of))  # round-robin over clauses
        query_of, at, df, full = query_of[order], at[order], df[order], full[order]
        first = np.searchsorted(query_of, query_of, side="left")
        rank = np.arange(len(query_of)) - first
        spent_before = np.cumsum(df) - df
        spent_before -= spent_before[first]  # postings read by this query's earlier bigrams
        keep = (rank < most_grams) & ((spent_before + df <= budget) | (rank < 2))
        # Reading was cut short where one of the first bigrams read had more postings than the
        # budget allows, or did not fit at all: the query is common phrasing.
        short = (rank < watch) & (~keep | (full > df))
        cut = np.zeros(len(queries), dtype=bool)
        cut[query_of[short]] = True
        starts = self.offsets[at[keep]]
        return query_of[keep], starts, starts + df[keep], needs, cut

    def save(self, folder: Path) -> None:
        self.keys.save(folder, "keys")
        for name in _ARRAYS:
            np.save(folder / f"{name}.npy", getattr(self, name), allow_pickle=False)

    @classmethod
    def load(cls, folder: Path) -> NgramIndex:
        """Memory-mapped: loading costs nothing until pages are touched."""
        arrays = {n: mapped(folder / f"{n}.npy") for n in _ARRAYS}
        return cls(PackedStrings.load(folder, "keys"), **arrays)


def _top(ids: U32, need: int, limit: int) -> I64:
    """The `limit` ids found most often in one query's posting lists (at least `need` times),
    most hits first, then lowest id."""
    if len(ids) == 0:
        return np.zeros(0, dtype=np.int64)
    distinct, hits = counted(ids)
    good = hits >= need
    found: I64
    found, hits = distinct[good].astype(np.int64), hits[good]
    if len(found) > limit:
        top = np.argpartition(-hits, limit - 1)[:limit]
        found, hits = found[top], hits[top]
    return found[np.lexsort((found, -hits))]
