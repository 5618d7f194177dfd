"""Fixed expressions written one character off: 一如继往, 墨守陈规, 民主集中治.

A confusion list only knows the slips someone wrote down. Here every idiom and common fixed term
of jieba's dictionary (plus the genre's own, core/data/fixed_phrases.txt) is a target, and a
stretch of the draft that differs from one in a single character is a slip when

- the stretch is not itself a common word (jieba: a rare entry is often the misspelling itself),
- the two characters sound alike (core/data/pinyin.txt: the pinyin input method's slip) or look
  alike (similar_chars.txt: the OCR slip), and
- the stretch starts and ends where the draft's words do, so it is read as one unit and not
  across two words (来说也是一 is not 说一是一).
"""

from __future__ import annotations

import itertools
import threading
import weakref
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources

from core.tokens import Tokenizer

LENGTHS = (4, 5, 6, 7)
IDIOM_TAGS = frozenset({"i", "l"})  # jieba's 成语 and 习用语
NAME_TAGS = frozenset({"nr", "ns", "nt", "nz", "nrt", "nrfg", "m", "t", "x"})
MIN_IDIOM = 9  # jieba frequency of an idiom worth correcting towards (浅尝辄止 18, 敷衍塞责 9)
MIN_MISTAGGED = 20  # a four-character entry jieba tags as a name (墨守成规 nr 28)
MIN_TERM = 50  # a longer fixed term (民主集中制 941)
RARER = 5  # the draft's stretch may be a dictionary entry this many times rarer (墨守陈规 3)
OWN_FREQUENCY = 100  # what the genre's own fixed phrases count as
COMMON_PART = 100  # words this common joined make a compound term (法治 + 建设)


@dataclass(frozen=True, slots=True)
class Slip:
    start: int
    end: int
    wrong: str
    right: str
    how: str  # "sound" or "shape"


class FixedExpressions:
    """Targets keyed by (length, position left out, the other characters)."""

    def __init__(
        self,
        entries: Iterable[tuple[str, int, str]],
        own: Iterable[str],
        readings: Mapping[str, frozenset[str]],
        similar: Mapping[str, tuple[str, ...]],
        frequency: Callable[[str], int],
    ) -> None:
        self._frequency = frequency  # the dictionary's own lookup: no copy of 350,000 words
        self._targets: dict[str, int] = {}
        for word, count, tag in entries:
            if _target(word, count, tag):
                self._targets[word] = count
        for word in own:
            self._targets[word] = max(self._targets.get(word, 0), OWN_FREQUENCY)
        # One character differs, so a slip keeps a target's first two or last two characters:
        # a window with neither is passed over before any key is built (most of a draft).
        self._heads = frozenset((len(w), w[:2]) for w in self._targets)
        self._tails = frozenset((len(w), w[-2:]) for w in self._targets)
        self._keys: dict[tuple[int, int, str], list[str]] = {}
        for word in self._targets:
            for i in range(len(word)):
                self._keys.setdefault((len(word), i, word[:i] + word[i + 1 :]), []).append(word)
        self._readings = readings
        self._similar = similar

    def __len__(self) -> int:
        return len(self._targets)

    def slips(self, text: str, tokens: Iterable[str]) -> list[Slip]:
        """Every stretch of `text` one alike character away from a target, longest first where
        two overlap; `tokens` are the draft's words in order (they make up `text`)."""
        words = list(tokens)
        ends = list(itertools.accumulate(len(t) for t in words))
        starts = [0, *ends[:-1]]
        last_of = {end: i for i, end in enumerate(ends)}
        found: list[Slip] = []
        for n in sorted(LENGTHS, reverse=True):
            heads, tails = self._heads, self._tails
            for first, start in enumerate(starts):
                end = start + n
                last = last_of.get(end)
                if last is None:
                    continue  # the stretch would end inside a word
                if (n, text[start : start + 2]) not in heads and (
                    n,
                    text[end - 2 : end],
                ) not in tails:
                    continue  # neither end of any target: the common case, checked inline
                slip = self._slip_at(text, start, n)
                if slip and self._compound(words[first : last + 1]):
                    continue  # 法治建设 = 法治 + 建设, 重要条件 = 重要 + 条件: words of their own
                if slip and not any(s.start < slip.end and slip.start < s.end for s in found):
                    found.append(slip)
        return sorted(found, key=lambda s: s.start)

    def _slip_at(self, text: str, start: int, n: int) -> Slip | None:
        window = text[start : start + n]
        if not all("\u4e00" <= c <= "\u9fff" for c in window):
            return None
        if window in self._targets:
            return None
        own = self._frequency(window)
        best: tuple[int, str, str] | None = None
        for i in range(n):
            for word in self._keys.get((n, i, window[:i] + window[i + 1 :]), ()):
                frequency = self._targets[word]
                if own * RARER > frequency:
                    continue  # the draft's form is common in its own right
                if not _simplified(window[i]):
                    continue  # 封妻蔭子: a traditional form, which the traditional check names
                how = self._alike(window[i], word[i])
                if how and (best is None or frequency > best[0]):
                    best = (frequency, word, how)
        if best is None:
            return None
        return Slip(start, start + n, window, best[1], best[2])

    def _compound(self, words: list[str]) -> bool:
        """Common words of two or more characters, one after another: a term of its own."""
        return len(words) > 1 and all(
            len(w) > 1 and self._frequency(w) >= COMMON_PART for w in words
        )

    def _alike(self, a: str, b: str) -> str | None:
        if self._readings.get(a, frozenset()) & self._readings.get(b, frozenset()):
            return "sound"
        if b in self._similar.get(a, ()):
            return "shape"
        return None


@cache
def _simplified(ch: str) -> bool:
    """In GB 2312, the simplified character set (a traditional form such as 蔭 is not)."""
    try:
        ch.encode("gb2312")
    except UnicodeEncodeError:
        return False
    return True


def _target(word: str, frequency: int, tag: str) -> bool:
    if len(word) not in LENGTHS or not all("\u4e00" <= c <= "\u9fff" for c in word):
        return False
    if len(word) == 4 and tag in IDIOM_TAGS:
        return frequency >= MIN_IDIOM
    if len(word) == 4 and tag == "nr":
        return frequency >= MIN_MISTAGGED
    return tag not in NAME_TAGS and frequency >= MIN_TERM


def _data(name: str) -> str:
    return resources.files("core").joinpath(f"data/{name}").read_text(encoding="utf-8")


_BUILT: weakref.WeakKeyDictionary[Tokenizer, FixedExpressions] = weakref.WeakKeyDictionary()
_BUILDING = threading.Lock()


def fixed_expressions(
    tokenizer: Tokenizer, similar: Mapping[str, tuple[str, ...]]
) -> FixedExpressions:
    """The targets of `tokenizer`'s dictionary, built once per tokenizer (about 0.3 s)."""
    with _BUILDING:
        built = _BUILT.get(tokenizer)
        if built is None:
            built = FixedExpressions(
                tokenizer.entries(), own_phrases(), readings(), similar, tokenizer.frequency
            )
            _BUILT[tokenizer] = built
        return built


def built_for(tokenizer: Tokenizer) -> bool:
    """Whether `tokenizer`'s targets are built (start-up builds them before the first review)."""
    with _BUILDING:
        return tokenizer in _BUILT


@cache
def readings() -> Mapping[str, frozenset[str]]:
    """Toneless pinyin of each character (core/data/pinyin.txt)."""
    table: dict[str, frozenset[str]] = {}
    for line in _data("pinyin.txt").splitlines():
        if line and not line.startswith("#"):
            ch, _, sounds = line.partition("\t")
            table[ch] = frozenset(sounds.split())
    return table


@cache
def own_phrases() -> tuple[str, ...]:
    """The genre's fixed phrases jieba lacks or ranks rare (core/data/fixed_phrases.txt)."""
    return tuple(
        s
        for line in _data("fixed_phrases.txt").splitlines()
        if (s := line.strip()) and s[0] != "#" and len(s) in LENGTHS
    )
