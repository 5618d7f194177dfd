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

import numpy as np
import numpy.typing as npt

from core.packed import PackedStrings

U16 = npt.NDArray[np.uint16]
U32 = npt.NDArray[np.uint32]
I64 = npt.NDArray[np.int64]
_ARRAYS = ("grams", "offsets", "postings")
_SEPARATOR = 32  # code units at or below this (NUL between keys, spaces between clauses)


def code_units(text: str) -> U16:
    return np.frombuffer(text.encode("utf-16-le"), dtype=np.uint16)


def bigrams(units: U16) -> U32:
    """Distinct bigram codes of a key (pairs that include a separator are not bigrams)."""
    if len(units) < 2:
        return np.zeros(0, dtype=np.uint32)
    first, second = units[:-1].astype(np.uint32), units[1:].astype(np.uint32)
    keep = (first > _SEPARATOR) & (second > _SEPARATOR)
    return np.unique((first[keep] << 16) | second[keep])


@dataclass(frozen=True, slots=True, eq=False)
class NgramIndex:
    """Inverted index from character bigrams to the keys that contain them."""

    keys: PackedStrings
    grams: U32
    offsets: I64
    postings: U32

    @classmethod
    def build(cls, keys: Sequence[str]) -> NgramIndex:
        """Index `keys` (spaces inside a key separate clauses and never form a bigram)."""
        packed = PackedStrings.build(keys)
        chars = packed.chars
        if len(chars) < 2:
            empty32 = np.zeros(0, dtype=np.uint32)
            return cls(packed, empty32, np.zeros(1, dtype=np.int64), empty32)
        first, second = chars[:-1].astype(np.uint32), chars[1:].astype(np.uint32)
        keep = (first > _SEPARATOR) & (second > _SEPARATOR)
        lengths = np.diff(packed.starts)
        owner = np.repeat(np.arange(len(keys), dtype=np.uint64), lengths)[:-1][keep]
        codes = ((first[keep] << 16) | second[keep]).astype(np.uint64)
        del first, second, keep
        pairs = np.unique((codes << np.uint64(32)) | owner)  # one posting per (bigram, key)
        del codes, owner
        grams, counts = np.unique((pairs >> np.uint64(32)).astype(np.uint32), return_counts=True)
        offsets = np.concatenate(([0], np.cumsum(counts))).astype(np.int64)
        postings = (pairs & np.uint64(0xFFFFFFFF)).astype(np.uint32)
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
        self, queries: Sequence[str], *, rare: int = 8, per_gram: int = 256, limit: int = 8
    ) -> list[npt.NDArray[np.int64]]:
        """For each query, up to `limit` key ids sharing the most of its `rare` rarest bigrams.

        Keys must share at least two of those bigrams (one, for a query that has only one).
        All queries are answered with one set of numpy operations.
        """
        if len(self) == 0 or not queries:
            return [np.zeros(0, dtype=np.int64) for _ in queries]
        query_of, starts, stops, needs = self._selected_postings(queries, rare, per_gram)
        total = int((stops - starts).sum())
        if total == 0:
            return [np.zeros(0, dtype=np.int64) for _ in queries]
        lengths = stops - starts
        # Gather all selected posting slices at once: position = slice start + offset in slice.
        within = np.arange(total, dtype=np.int64) - np.repeat(np.cumsum(lengths) - lengths, lengths)
        ids = self.postings[np.repeat(starts, lengths) + within].astype(np.int64)
        owners = np.repeat(query_of, lengths)
        pairs, hits = np.unique(owners * (len(self) + 1) + ids, return_counts=True)
        width = len(self) + 1
        return _top_per_query(pairs // width, pairs % width, hits, needs, limit)

    def _selected_postings(
        self, queries: Sequence[str], rare: int, per_gram: int
    ) -> tuple[I64, I64, I64, npt.NDArray[np.intp]]:
        """(query index, posting start, posting stop) for each query's rarest bigrams, and how
        many of them a candidate must share (two, or one for a query with a single bigram)."""
        codes = [bigrams(code_units(q)) for q in queries]
        needs = np.array([1 if len(c) < 2 else 2 for c in codes], dtype=np.intp)
        query_of = np.repeat(np.arange(len(queries), dtype=np.int64), [len(c) for c in codes])
        flat = np.concatenate(codes) if codes else np.zeros(0, dtype=np.uint32)
        at = np.searchsorted(self.grams, flat)
        found = at < len(self.grams)
        found[found] = self.grams[at[found]] == flat[found]
        query_of, at = query_of[found], at[found]
        df = self.offsets[at + 1] - self.offsets[at]
        order = np.lexsort((df, query_of))  # by query, rarest first
        query_of, at, df = query_of[order], at[order], df[order]
        first_of_query = np.searchsorted(query_of, query_of, side="left")
        rank = np.arange(len(query_of)) - first_of_query
        keep = rank < rare
        starts = self.offsets[at[keep]]
        return query_of[keep], starts, starts + np.minimum(df[keep], per_gram), needs

    def save(self, folder: Path) -> None:
        self.keys.save(folder, "keys")
        for name in _ARRAYS:
            np.save(folder / f"{name}.npy", getattr(self, name), allow_pickle=False)

    @classmethod
    def load(cls, folder: Path) -> NgramIndex:
        """Memory-mapped: loading costs nothing until pages are touched."""
        arrays = {
            n: np.load(folder / f"{n}.npy", mmap_mode="r", allow_pickle=False) for n in _ARRAYS
        }
        return cls(PackedStrings.load(folder, "keys"), **arrays)


def _top_per_query(
    owners: I64, ids: I64, hits: npt.NDArray[np.intp], needs: npt.NDArray[np.intp], limit: int
) -> list[I64]:
    out: list[I64] = []
    bounds = np.searchsorted(owners, np.arange(len(needs) + 1))
    for q, need in enumerate(needs):
        lo, hi = int(bounds[q]), int(bounds[q + 1])
        good = hits[lo:hi] >= need
        q_ids, q_hits = ids[lo:hi][good], hits[lo:hi][good]
        if len(q_ids) > limit:
            top = np.argpartition(-q_hits, limit - 1)[:limit]
            q_ids, q_hits = q_ids[top], q_hits[top]
        out.append(q_ids[np.lexsort((q_ids, -q_hits))])
    return out
