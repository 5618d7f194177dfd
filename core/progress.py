"""A one-line progress bar for long corpus work, drawn only on an interactive terminal."""

from __future__ import annotations

import sys
from typing import TextIO

WIDTH = 30


class ProgressBar:
    """Callable as `on_progress(done, total)`; silent when the stream is not a terminal."""

    def __init__(self, label: str, stream: TextIO | None = None) -> None:
        self._stream = stream or sys.stderr
        self._label = label
        self._enabled = self._stream.isatty()
        self._shown = -1

    def __call__(self, done: int, total: int) -> None:
        if not self._enabled or total <= 0:
            return
        filled = WIDTH * done // total
        if filled == self._shown and done < total:
            return  # redraw only when the bar moves
        self._shown = filled
        bar = "█" * filled + "·" * (WIDTH - filled)
        end = "\n" if done >= total else ""
        self._stream.write(f"\r{self._label} {bar} {done}/{total}{end}")
        self._stream.flush()
