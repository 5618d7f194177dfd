"""错别字: slips from a confusion list (data), traditional characters, doubled characters,
unmatched quotes, and look-alike characters that jieba cannot place in a word."""

from __future__ import annotations

import itertools
import re
from bisect import bisect_right

from core.checks.context import CheckContext, finding
from core.checks.idioms import fixed_expressions
from core.models import Finding, Span

_CJK = re.compile(r"[\u4e00-\u9fff]")
COMMON_WORD = 1000  # jieba frequency of a word common enough to suggest (时间 33288, 持续 4676)


FORMULA_ALWAYS = 6  # a formula this long one character off is always a slip
_MEASURE_WORDS = frozenset("个种项条类大")
_NUMERALS = frozenset("一二三四五六七八九十两百千万几")
_FUNCTION_CHARS = frozenset("的了和与及在是等对把被将从为以之其或而并也都就")


def typo(ctx: CheckContext) -> list[Finding]:
    found = _formula_slips(ctx)
    for more in (
        _confusions(ctx) + _traditional(ctx) + _doubled(ctx) + _doubled_words(ctx) + _quotes(ctx),
        _fixed_slips(ctx),
        _look_alikes(ctx),
    ):
        taken = [(f.start, f.end) for f in found]
        found += [f for f in more if not any(a < f.end and f.start < b for a, b in taken)]
    return found


def _formula_slips(ctx: CheckContext) -> list[Finding]:
    """An official formulation written one character off (中国特色社会主意, “两个确定”). A short
    one (四个…, 两个…) counts only where a formula is expected — quoted, right after 坚定, 增强,
    做到 …, or beside another formula — so 从四个方面 and 从两个维度 are never taken for
    四个全面 and 两个维护."""
    text, vocab = ctx.text, ctx.vocab
    hits: dict[tuple[int, int], str] = {}
    for formula in sorted(vocab.formulas, key=len, reverse=True):
        n = len(formula)
        if n < 4:
            continue
        for start in _anchored(text, formula):
            window = text[start : start + n]
            if len(window) < n or window in vocab.formula_variants:
                continue
            diffs = [i for i in range(n) if window[i] != formula[i]]
            if len(diffs) != 1 or diffs[0] == 0 or window[diffs[0]] in _FUNCTION_CHARS:
                continue  # 的发展理念: the first character belongs to the word before
            at = diffs[0]
            if {formula[at], window[at]} <= _MEASURE_WORDS and formula[at - 1] in _NUMERALS:
                continue  # 四种意识 is the writer's own list, not 四个意识 misspelt
            if not _CJK.match(window[diffs[0]]):
                continue
            if any(a <= start and start + n <= b for a, b in hits):
                continue  # inside a longer formula already named
            if n < FORMULA_ALWAYS and not _in_formula_context(ctx, start, start + n):
                continue
            hits[(start, start + n)] = formula
    for (a, b), formula in _formula_gaps(text, vocab.formulas).items():
        if not any(x < b and a < y for x, y in hits):
            hits[(a, b)] = formula
    return [
        finding(
            Span(a, b),
            "typo",
            "high",
            f"规范表述写错：“{text[a:b]}”应为“{formula}”。",
            f"改为“{formula}”（党的规范表述，一字不能差）。",
            code="formula",
        )
        for (a, b), formula in sorted(hits.items())
    ]


FORMULA_GAP = 8  # a formula this long with one character left out is still unmistakable


def _formula_gaps(text: str, formulas: tuple[str, ...]) -> dict[tuple[int, int], str]:
    """A long formula with one character left out (运用近平新时代中国特色社会主义思想): every other
    character in order leaves no doubt which formula was meant."""
    hits: dict[tuple[int, int], str] = {}
    for formula in sorted(formulas, key=len, reverse=True):
        if len(formula) < FORMULA_GAP or (formula[1:3] not in text and formula[:2] not in text):
            continue
        whole = _occurrences(text, formula)
        for i in range(len(formula)):
            if not _CJK.match(formula[i]):
                continue  # 不忘初心牢记使命 without the 、 is the same formula
            gap = formula[:i] + formula[i + 1 :]
            for span in _occurrences(text, gap):
                if any(a < span[1] + 1 and span[0] - 1 < b for a, b in whole):
                    continue  # part of the formula written in full
                if not any(a < span[1] and span[0] < b for a, b in hits):
                    hits[span] = formula
    return hits


def _occurrences(text: str, word: str) -> list[tuple[int, int]]:
    out, at = [], text.find(word)
    while at >= 0:
        out.append((at, at + len(word)))
        at = text.find(word, at + 1)
    return out


def _anchored(text: str, formula: str) -> set[int]:
    """Where a one-character slip of `formula` could start: its head or its tail is intact."""
    n, starts = len(formula), set()
    for piece, offset in ((formula[:2], 0), (formula[-2:], n - 2)):
        at = text.find(piece)
        while at >= 0:
            if at - offset >= 0:
                starts.add(at - offset)
            at = text.find(piece, at + 1)
    return starts


_FORMULA_VERBS = re.compile(
    r"(?:坚定|增强|做到|坚持|领悟|感悟|捍卫|树牢|践行|贯彻|落实|牢记|统筹推进|协调推进)$"
)
_NEARBY = 12  # characters either side in which another formula makes this one expected


def _in_formula_context(ctx: CheckContext, start: int, end: int) -> bool:
    text = ctx.text
    if start > 0 and text[start - 1] == "“" and end < len(text) and text[end] == "”":
        return True
    if _FORMULA_VERBS.search(text[max(0, start - 4) : start]):
        return True
    around = text[max(0, start - _NEARBY) : start] + "\n" + text[end : end + _NEARBY]
    return any(f in around for f in ctx.vocab.formulas if len(f) >= 4)


def _confusions(ctx: CheckContext) -> list[Finding]:
    out = []
    for m in ctx.vocab.confusion_pattern.finditer(ctx.text):
        around = ctx.text[max(0, m.start() - 4) : m.end() + 4]
        if any(word in around and m.group() in word for word in ctx.vocab.confusion_exceptions):
            continue  # 中国之问 and 同时问题 are right as they are
        if _straddles_a_word(ctx, m.start(), m.end()):
            continue  # 学习贯彻 holds 习贯, 做为民服务 holds 做为: the words are right
        right = ctx.vocab.confusions[m.group()]
        out.append(
            finding(
                Span(m.start(), m.end()),
                "typo",
                "high",
                f"疑似错别字：“{m.group()}”应为“{right}”。",
                f"改为“{right}”。",
                code="confusion",
            )
        )
    return out


def _fixed_slips(ctx: CheckContext) -> list[Finding]:
    """Idioms and fixed terms one sound-alike or look-alike character off (checks/idioms.py)."""
    index = fixed_expressions(ctx.tokenizer, ctx.vocab.similar)
    out = []
    for slip in index.slips(ctx.text, ctx.analysis.tokens):
        if slip.wrong in ctx.vocab.formula_variants:
            continue
        out.append(
            finding(
                Span(slip.start, slip.end),
                "typo",
                "high",
                f"疑似错别字：“{slip.wrong}”应为“{slip.right}”。",
                f"改为“{slip.right}”。",
                code="fixed_expression",
                figures={"sound_alike": 1.0 if slip.how == "sound" else 0.0},
            )
        )
    return out


def _straddles_a_word(ctx: CheckContext, start: int, end: int) -> bool:
    """A dictionary word of two or more characters runs across either end of [start, end)."""
    starts, tokens = ctx.analysis.token_starts, ctx.analysis.tokens
    for edge in (start, end):
        i = bisect_right(starts, edge) - 1
        if i < 0 or starts[i] == edge or edge >= starts[i] + len(tokens[i]):
            continue  # the edge falls between two tokens (or at the end of the text)
        token = tokens[i]
        if len(token) > 1 and ctx.tokenizer.frequency(token):
            return True
    return False


def _traditional(ctx: CheckContext) -> list[Finding]:
    out = []
    for i, ch in enumerate(ctx.text):
        simple = ctx.vocab.traditional.get(ch)
        if simple:
            out.append(
                finding(
                    Span(i, i + 1),
                    "typo",
                    "medium",
                    f"简体文稿中出现繁体字“{ch}”。",
                    f"改为“{simple}”。",
                    code="traditional",
                )
            )
    return out


def _doubled(ctx: CheckContext) -> list[Finding]:
    out = []
    text = ctx.text
    for m in ctx.vocab.doubled.finditer(text):
        around = text[max(0, m.start() - 2) : m.end() + 2]
        if any(word in around for word in ctx.vocab.doubled_exceptions):
            continue
        if _reduplicated(text, m.start(), m.end()):
            continue  # 实实在在、认认真真: an AABB word, not a slip
        if _ends_a_word(ctx, m.start()):
            continue  # 现在在后悔: the first 在 belongs to 现在
        out.append(
            finding(
                Span(m.start(), m.end()),
                "typo",
                "medium",
                f"字词重复“{m.group()}”。",
                f"删去一个“{m.group()[0]}”。",
                code="doubled",
            )
        )
    return out


REPEAT_CHARS = 3  # a run of words this long written twice in a row is a slip (用公款用公款)


def _doubled_words(ctx: CheckContext) -> list[Finding]:
    """Words written twice in a row: a noun (问题问题) or a run of three or more characters
    (用公款用公款). A verb doubled (研究研究) is the spoken "have a go at", and is left alone."""
    tokens, tags, starts = ctx.analysis.tokens, ctx.analysis.tags, ctx.analysis.token_starts
    out: list[Finding] = []
    i = 0
    while i < len(tokens):
        found = _repeat_at(tokens, tags, i)
        if found and (not out or starts[i] >= out[-1].end):  # 问题问题问题: one finding
            start, end = starts[i], starts[i] + found
            twice = ctx.text[start:end]
            out.append(
                finding(
                    Span(start, end),
                    "typo",
                    "medium",
                    f"字词重复“{twice}”。",
                    f"删去一个“{twice[: len(twice) // 2]}”。",
                    code="doubled",
                )
            )
        i += 1
    return out


def _repeat_at(tokens: tuple[str, ...], tags: tuple[str, ...], i: int) -> int:
    """Characters of the doubled run starting at token i (0: none)."""
    for n in (1, 2, 3):
        first, second = tokens[i : i + n], tokens[i + n : i + 2 * n]
        if len(second) < n or first != second or not all(_CJK.match(t) for t in first):
            continue
        chars = sum(len(t) for t in first)
        if chars >= REPEAT_CHARS or (n == 1 and chars == 2 and tags[i].startswith("n")):
            return 2 * chars
    return 0


def _ends_a_word(ctx: CheckContext, position: int) -> bool:
    """The character at `position` is the last of a word of two or more characters."""
    starts = ctx.analysis.token_starts
    i = bisect_right(starts, position) - 1
    return (
        i >= 0 and starts[i] < position and len(ctx.analysis.tokens[i]) == position - starts[i] + 1
    )


def _reduplicated(text: str, start: int, end: int) -> bool:
    before = start >= 2 and text[start - 2] == text[start - 1] and _CJK.match(text[start - 1])
    after = end + 1 < len(text) and text[end] == text[end + 1] and _CJK.match(text[end])
    return bool(before or after)


def _quotes(ctx: CheckContext) -> list[Finding]:
    """Per paragraph: a ” with no “ before it, or a “ never closed."""
    out = []
    offset = 0
    for line in ctx.text.split("\n"):
        open_at: int | None = None
        for i, ch in enumerate(line):
            if ch == "“":
                if open_at is not None:
                    out.append(_quote_finding(offset + open_at))
                open_at = i
            elif ch == "”":
                if open_at is None and not (offset == 0 and "“" not in line[:i]):
                    out.append(_quote_finding(offset + i))  # (in the first line, a paste
                open_at = None  # that starts inside a quote: its opening is missing)
            elif ch == '"' and _CJK.search(line):
                out.append(_quote_finding(offset + i))
        if open_at is not None and not _cut_off(ctx.text, offset + len(line)):
            out.append(_quote_finding(offset + open_at))
        offset += len(line) + 1
    return out


def _cut_off(text: str, line_end: int) -> bool:
    """The draft stops at this line's end with no closing punctuation: a paste cut short, where
    the quote may close in the part that is missing."""
    return not text[line_end:].strip() and not text[:line_end].rstrip().endswith(_CLOSING)


_CLOSING = ("。", "！", "？", "”", "；", "…", ".", ")", "）")


def _quote_finding(position: int) -> Finding:
    return finding(
        Span(position, position + 1),
        "typo",
        "low",
        "引号不配对。",
        "补齐或删去多余的引号，中文用“”成对引用。",
        code="quotes",
    )


def _look_alikes(ctx: CheckContext) -> list[Finding]:
    """Two single characters jieba could not join, where swapping one for a look-alike
    makes a dictionary word (时问 → 时间, 特续 → 持续)."""
    out = []
    position = 0
    tokens = ctx.analysis.tokens  # segmented once, for every check
    for first, second in itertools.pairwise(tokens):
        start = position
        position += len(first)
        if len(first) != 1 or len(second) != 1 or not (_CJK.match(first) and _CJK.match(second)):
            continue
        if first in _NUMERALS or second in _NUMERALS:
            continue  # 五问、一问: a numeral joins any character
        word = _repair(ctx, first + second)
        if word is not None:
            out.append(
                finding(
                    Span(start, start + 2),
                    "typo",
                    "low",
                    f"“{first}{second}”不成词，疑似形近字之误。",
                    f"是否应为“{word}”？",
                    code="look_alike",
                )
            )
    return out


def _repair(ctx: CheckContext, pair: str) -> str | None:
    """A common word one look-alike swap away from `pair`; rare dictionary entries (问来)
    are not worth a suggestion."""
    if ctx.tokenizer.frequency(pair):
        return None
    for i in (0, 1):
        for other in ctx.vocab.similar.get(pair[i], ()):
            candidate = pair[:i] + other + pair[i + 1 :]
            if ctx.tokenizer.frequency(candidate) >= COMMON_WORD:
                return candidate
    return None
