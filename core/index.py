"""A character-bigram inverted index that picks near-duplicate candidates without a full scan.

Keys are packed into flat numpy arrays (compressed sparse rows: sorted gram codes, offsets,
postings), built with vectorised operations, so the same structure serves a million sentences
and can later be memory-mapped from disk.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

IntArray = npt.NDArray[np.int64]
_SHIFT = 21  # code points fit in 21 bits, so a bigram fits in 42
_SEPARATORS = 32  # code points at or below this (NUL between keys, spaces between clauses)


def _code_points(text: str) -> IntArray:
    return np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32).astype(np.int64)


def _bigram_codes(points: IntArray) -> tuple[IntArray, npt.NDArray[np.bool_]]:
    """Codes of adjacent pairs, and which pairs are real (no separator inside)."""
    codes = (points[:-1] << _SHIFT) | points[1:]
    valid = (points[:-1] > _SEPARATORS) & (points[1:] > _SEPARATORS)
    return codes, valid


@dataclass(frozen=True, slots=True, eq=False)
class NgramIndex:
    """Inverted index from character bigrams to the keys that contain them."""

    keys: tuple[str, ...]
    lengths: npt.NDArray[np.int32]
    grams: IntArray
    offsets: IntArray
    postings: npt.NDArray[np.int32]

    @classmethod
    def build(cls, keys: tuple[str, ...]) -> NgramIndex:
        """Index `keys` (spaces inside a key separate clauses and never form a bigram)."""
        lengths = np.array([len(k) - k.count(" ") for k in keys], dtype=np.int32)
        if not keys:
            empty = np.zeros(0, dtype=np.int64)
            return cls(keys, lengths, empty, np.zeros(1, dtype=np.int64), empty.astype(np.int32))
        joined = "\x00".join(keys)
        points = _code_points(joined)
        owner = np.repeat(np.arange(len(keys), dtype=np.int64), [len(k) + 1 for k in keys])
        codes, valid = _bigram_codes(points)
        codes, owner = codes[valid], owner[: len(points) - 1][valid]
        grams, gram_ids = np.unique(codes, return_inverse=True)
        # One posting per (gram, key) pair, sorted by gram then key.
        pairs = np.unique((gram_ids.astype(np.int64) << 32) | owner)
        postings = (pairs & 0xFFFFFFFF).astype(np.int32)
        counts = np.bincount(pairs >> 32, minlength=len(grams))
        offsets = np.concatenate(([0], np.cumsum(counts))).astype(np.int64)
        return cls(keys, lengths, grams, offsets, postings)

    def __len__(self) -> int:
        return len(self.keys)

    def candidates(
        self,
        key: str,
        *,
        limit: int = 24,
        min_length_ratio: float = 0.6,
        max_df_share: float = 0.02,
        min_df_cap: int = 2000,
    ) -> npt.NDArray[np.int32]:
        """Up to `limit` key ids sharing the most bigrams with `key`, of a comparable length.

        Bigrams that occur in more than `max_df_share` of the keys (and more than
        `min_df_cap`) are skipped: they say little and their postings would dominate the cost.
        """
        if len(key) < 2 or not self.keys:
            return np.zeros(0, dtype=np.int32)
        codes, valid = _bigram_codes(_code_points(key))
        codes = np.unique(codes[valid])
        pos = np.searchsorted(self.grams, codes)
        inside = pos < len(self.grams)
        pos, codes = pos[inside], codes[inside]
        pos = pos[self.grams[pos] == codes]
        if len(pos) == 0:
            return np.zeros(0, dtype=np.int32)
        starts, stops = self.offsets[pos], self.offsets[pos + 1]
        cap = max(min_df_cap, int(max_df_share * len(self.keys)))
        keep = (stops - starts) <= cap
        if not keep.any():
            return np.zeros(0, dtype=np.int32)
        hits = np.concatenate(
            [self.postings[a:b] for a, b in zip(starts[keep], stops[keep], strict=True)]
        )
        ids, counts = np.unique(hits, return_counts=True)
        length = len(key) - key.count(" ")
        lens = self.lengths[ids]
        fits = (lens >= length * min_length_ratio) & (lens * min_length_ratio <= length)
        ids, counts = ids[fits], counts[fits]
        if len(ids) > limit:
            top = np.argpartition(-counts, limit - 1)[:limit]
            ids, counts = ids[top], counts[top]
        ordered: npt.NDArray[np.int32] = ids[np.argsort(-counts, kind="stable")].astype(np.int32)
        return ordered
