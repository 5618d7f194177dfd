"""Word segmentation with an explicitly owned jieba tokenizer.

jieba's module-level tokenizer is global, logs on import and writes its cache to the shared temp
directory; we own one `jieba.Tokenizer`, quiet its logger and choose where its cache lives.
"""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Iterator
from pathlib import Path

import jieba
import jieba.posseg

_WORDLIKE = re.compile(r"[\u3400-\u9fff]{2,}")


class Tokenizer:
    """Chinese word segmentation. Build once and pass it in; safe to share between threads."""

    def __init__(self, cache_dir: Path | None = None) -> None:
        """`cache_dir` keeps jieba's prefix dictionary between runs; None writes nothing."""
        jieba.setLogLevel(logging.WARNING)
        self._jieba = jieba.Tokenizer()
        self._tagger = jieba.posseg.POSTokenizer(self._jieba)
        self._cache_dir = cache_dir
        self._lock = threading.Lock()
        self._ready = False

    def _ensure_ready(self) -> None:
        # Loading the dictionary takes ~0.4 s: do it once, on first use, under a lock.
        with self._lock:
            if self._ready:
                return
            if self._cache_dir is None:
                self._jieba.FREQ, self._jieba.total = self._jieba.gen_pfdict(
                    self._jieba.get_dict_file()
                )
                self._jieba.initialized = True
            else:
                self._cache_dir.mkdir(parents=True, exist_ok=True)
                self._jieba.tmp_dir = str(self._cache_dir)
                self._jieba.initialize()
            self._ready = True

    def warm_up(self) -> None:
        """Load the dictionary now, so the first text segmented does not wait for it (a bot
        calls this at start-up, before its first update)."""
        self._ensure_ready()

    @property
    def ready(self) -> bool:
        """Whether the dictionary is loaded."""
        return self._ready

    def dictionaries(self) -> tuple[tuple[str, bytes], ...]:
        """(file name, contents) of every dictionary this tokenizer segments with.

        A saved index stores word counts, and another dictionary splits words differently, so
        the index records these (core/fingerprint.py). A user dictionary would be listed here too.
        """
        with self._jieba.get_dict_file() as main:
            return ((Path(str(getattr(main, "name", "dict.txt"))).name, main.read()),)

    def tokens(self, text: str) -> list[str]:
        """Every token in order, single characters and punctuation included."""
        self._ensure_ready()
        return list(self._jieba.lcut(text, HMM=False))

    def tagged(self, text: str) -> list[tuple[str, str]]:
        """Every token in order with its part of speech (jieba's tags: n, v, r, m …). Without
        the HMM the tokens are exactly those of `tokens`, for about a third more time."""
        self._ensure_ready()
        return [(pair.word, pair.flag) for pair in self._tagger.lcut(text, HMM=False)]

    def frequency(self, word: str) -> int:
        """How common the dictionary says `word` is (0: not a word of its own)."""
        self._ensure_ready()
        return int(self._jieba.FREQ.get(word) or 0)

    def entries(self) -> Iterator[tuple[str, int, str]]:
        """Every dictionary word with its frequency and part of speech (i: idiom …)."""
        self._ensure_ready()
        tags: dict[str, str] = self._tagger.word_tag_tab
        for word, frequency in self._jieba.FREQ.items():
            if frequency:
                yield word, int(frequency), tags.get(word, "x")

    def words(self, text: str) -> list[str]:
        """Chinese words of two or more characters, in order (punctuation and digits dropped)."""
        self._ensure_ready()
        return [w for w in self._jieba.lcut(text, HMM=False) if _WORDLIKE.fullmatch(w)]
