"""Many short strings packed into one UTF-16 array: compact in memory, memory-mapped on disk."""

from __future__ import annotations

from array import array
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt


@dataclass(frozen=True, slots=True, eq=False)
class PackedStrings:
    """`chars` holds every string's UTF-16 code units followed by a NUL; `starts[i]` is where
    string i begins (one more entry than strings)."""

    chars: npt.NDArray[np.uint16]
    starts: npt.NDArray[np.int64]

    @classmethod
    def build(cls, strings: Sequence[str]) -> PackedStrings:
        if not strings:
            return cls(np.zeros(0, dtype=np.uint16), np.zeros(1, dtype=np.int64))
        chars = np.frombuffer(("\x00".join(strings) + "\x00").encode("utf-16-le"), dtype=np.uint16)
        lengths = np.fromiter(
            (len(s.encode("utf-16-le")) // 2 + 1 for s in strings), np.int64, len(strings)
        )
        return cls(chars, np.concatenate(([0], np.cumsum(lengths))).astype(np.int64))

    def __len__(self) -> int:
        return len(self.starts) - 1

    def __getitem__(self, i: int) -> str:
        start, stop = int(self.starts[i]), int(self.starts[i + 1]) - 1
        return self.chars[start:stop].tobytes().decode("utf-16-le")

    @property
    def nbytes(self) -> int:
        return int(self.chars.nbytes + self.starts.nbytes)

    def save(self, folder: Path, name: str) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        np.save(folder / f"{name}.chars.npy", self.chars, allow_pickle=False)
        np.save(folder / f"{name}.starts.npy", self.starts, allow_pickle=False)

    @classmethod
    def load(cls, folder: Path, name: str) -> PackedStrings:
        chars = mapped(folder / f"{name}.chars.npy")
        starts = mapped(folder / f"{name}.starts.npy")
        return cls(chars, starts)


def mapped(path: Path) -> npt.NDArray[Any]:
    """A saved array memory-mapped read-only, as a plain ndarray: np.memmap's own indexing runs
    Python code on every slice, which a lookup does thousands of times per draft."""
    return np.asarray(np.load(path, mmap_mode="r", allow_pickle=False))


class PackedWriter:
    """Strings appended one by one into the packed form, never held as a list of str objects
    (a million Python strings cost several times their characters)."""

    def __init__(self) -> None:
        self._units = bytearray()
        self._starts = array("q", [0])

    def append(self, text: str) -> None:
        data = (text + "\x00").encode("utf-16-le")
        self._units += data
        self._starts.append(self._starts[-1] + len(data) // 2)

    def __len__(self) -> int:
        return len(self._starts) - 1

    def packed(self) -> PackedStrings:
        """The strings so far (sharing this writer's memory: append nothing afterwards)."""
        chars = np.frombuffer(self._units, dtype=np.uint16)
        return PackedStrings(chars, np.frombuffer(self._starts, dtype=np.int64))
