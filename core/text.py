"""Text normalisation and sentence/clause splitting.

Drafts arrive pasted from Word, WeChat and PDFs: ASCII brackets next to Chinese, full-width
spaces, page-width line breaks inside sentences, paywall markers. Everything downstream works on
the normalised text, and every offset the engine reports refers to it.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from importlib import resources

from core.models import Sentence, Span

REDACTION = "*"

_CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
# Chinese punctuation and CJK symbols, used to decide whether ASCII punctuation sits in Chinese.
_CJK_PUNCT = "\u3000-\u303f\uff01-\uff0f\uff1a-\uff20\u2018-\u201f\u2026\u2014"
_CJKISH = f"[{_CJK}{_CJK_PUNCT}]"

_INVISIBLE = re.compile("[\u200b-\u200f\u202a-\u202e\u2060-\u2064\ufeff\u00ad]")
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_MARKER = re.compile(r"##\s*[A-Za-z_]{2,30}\s*##")
_SPACES = "[ \t\u00a0\u2000-\u200a\u202f\u205f\u3000]"
_SPACE_RUN = re.compile(f"{_SPACES}+")
_SPACE_IN_CJK = re.compile(f"(?<={_CJKISH}){_SPACES}+|{_SPACES}+(?={_CJKISH})")
_ASCII_PAREN = re.compile(r"[(（]([^()（）\n]{0,60})[)）]")
_QUOTE_VARIANTS = str.maketrans({"〝": "“", "〞": "”", "＂": '"', "„": "“", "‟": "“"})
_FULLWIDTH_ALNUM = {
    **{0xFF10 + i: 0x30 + i for i in range(10)},
    **{0xFF21 + i: 0x41 + i for i in range(26)},
    **{0xFF41 + i: 0x61 + i for i in range(26)},
}
_TRANSLATED = re.compile("[\uff10-\uff19\uff21-\uff3a\uff41-\uff5a〝〞＂„‟]")
_PUNCT_TO_FULL = {",": "，", ";": "；", ":": "：", "?": "？", "!": "！"}
_ASCII_PUNCT_NEAR_CJK = re.compile(f"(?<={_CJKISH})[,;:?!]+|[,;:?!]+(?={_CJKISH})")
_ASCII_ELLIPSIS_AFTER_CJK = re.compile(f"(?<=[{_CJK}])\\.{{2,}}")
_ASCII_PERIOD_AFTER_CJK = re.compile(f"(?<=[{_CJK}])\\.(?![0-9A-Za-z.])")

SENTENCE_END = "。！？"
CLAUSE_BREAK = "，；："
_CLOSERS = "”’）》」』】"
_KEEP_AT_END = _CLOSERS + SENTENCE_END
_SENTENCE = re.compile(
    f"[^{SENTENCE_END}\\n]+(?:[{SENTENCE_END}]+[{_CLOSERS}]*)?|[{SENTENCE_END}]+[{_CLOSERS}]*"
)
_CLAUSE = re.compile(f"[^{CLAUSE_BREAK}]+")
_CONTENT = re.compile(r"[^\W_]|\*")
_OPENERS = "“‘（《「『【"
_LINE_END_OK = set(SENTENCE_END + "；：…" + _CLOSERS)
# A line that starts like this begins a new unit, so a PDF break before it is a real break.
_LIST_START = re.compile(
    r"^(?:[一二三四五六七八九十]+[、是]|第[一二三四五六七八九十]+|（[一二三四五六七八九十0-9]+）"
    r"|[0-9]+[.、．]|[①-⑳])"
)
_CLAUSE_TAIL = re.compile(f"^[{_CJK}]{{1,4}}[，、；]")
# Characters a compare key keeps: letters, digits and CJK ideographs; never redactions.
_FORMULA_BASE = 0xE000  # formulas become one private-use character each in compare keys
_KEY_DROP = re.compile(f"[^0-9A-Za-z{_CJK}\ue000-\uf8ff]+")
_ENUM_PREFIX = re.compile(r"^(?:（[一二三四五六七八九十]+）|[一二三四五六七八九十]+[、是])")


def normalize(raw: str) -> str:
    """Return the canonical form of a pasted or loaded text (idempotent)."""
    # Joining broken lines can put ASCII marks next to Chinese again, and removing a marker
    # can join two pieces: then repeat to a fixpoint. A pass that did neither is one already,
    # so most texts (a corpus of a million sentences) are read once, not twice.
    text, settled = _normalize_once(raw)
    for _ in range(3):
        if settled:
            break
        again, settled = _normalize_once(text)
        if again == text:
            break
        text = again
    return text


def _fixpoint(step: Callable[[str], str], value: str, *, rounds: int) -> str:
    """Apply `step` until it changes nothing (at most `rounds` times)."""
    for _ in range(rounds):
        again = step(value)
        if again == value:
            break
        value = again
    return value


def _normalize_once(raw: str) -> tuple[str, bool]:
    """One pass, and whether it is certainly a fixpoint (no marker removed, no line joined)."""
    text = raw.replace("\r\n", "\n").replace("\r", "\n")
    text = _INVISIBLE.sub("", text)
    text = _CONTROL.sub("", text)
    text = text.replace("\u2028", "\n").replace("\u2029", "\n")
    text, markers = _MARKER.subn("", text)
    if _TRANSLATED.search(text):  # str.translate looks up every character: only when needed
        text = text.translate(_FULLWIDTH_ALNUM).translate(_QUOTE_VARIANTS)
    lines = [line for line in map(_normalize_line, text.split("\n")) if line]
    joined = _join_broken_lines(lines)
    return "\n".join(joined), markers == 0 and len(joined) == len(lines)


def _normalize_line(line: str) -> str:
    # Each widening can put Chinese punctuation next to more ASCII marks; repeat to a fixpoint
    # so normalising twice never changes anything (a handful of rounds suffice in practice).
    return _fixpoint(_widen_once, line, rounds=8)


def _widen_once(line: str) -> str:
    line = _SPACE_IN_CJK.sub("", _SPACE_RUN.sub(" ", line).strip())
    line = _pair_ascii_quotes(line)
    line = _ASCII_PAREN.sub(_widen_paren, line)
    line = _ASCII_PUNCT_NEAR_CJK.sub(lambda m: "".join(_PUNCT_TO_FULL[c] for c in m.group()), line)
    line = _ASCII_ELLIPSIS_AFTER_CJK.sub("……", line)
    line = _ASCII_PERIOD_AFTER_CJK.sub("。", line)
    # Widened brackets and quotes are Chinese punctuation now, so spaces beside them go too.
    return _SPACE_IN_CJK.sub("", line)


def _widen_paren(match: re.Match[str]) -> str:
    inner = match.group(1)
    # Keep ASCII brackets around Latin text such as (PDF) or (v2); widen the Chinese ones.
    if re.search(f"[{_CJK}]", inner) or re.fullmatch(r"[0-9]{1,3}", inner):
        return f"（{inner}）"
    return f"({inner})"


def _pair_ascii_quotes(line: str) -> str:
    if '"' not in line or not re.search(f"[{_CJK}]", line):
        return line
    parts = line.split('"')
    if len(parts) % 2 == 0:  # unmatched quote: leave it for a typo check to report
        return line
    out = [parts[0]]
    for i, part in enumerate(parts[1:]):
        out.append("“" if i % 2 == 0 else "”")
        out.append(part)
    return "".join(out)


def _join_broken_lines(lines: list[str]) -> list[str]:
    """Join lines that a PDF broke at page width inside a sentence."""
    joined: list[str] = []
    for line in lines:
        if joined and _continues(joined[-1], line):
            joined[-1] += line
        else:
            joined.append(line)
    return joined


def _continues(previous: str, line: str) -> bool:
    """Whether `line` carries on the sentence `previous` left open (a PDF page-width break)."""
    if previous[-1] in _LINE_END_OK or _LIST_START.match(line):
        return False
    if _LIST_START.match(previous) and len(previous) < 30:
        return False  # a heading such as 一、存在的问题
    # Prose broken mid-sentence carries clause punctuation; a bare title line does not.
    if len(previous) >= 8 and any(ch in previous for ch in "，、；"):
        return True
    # …专题研讨交流 / 活动，但自学不够。: the next line opens with the end of a clause.
    return bool(_CLAUSE_TAIL.match(line))


def split_sentences(text: str, start: int = 0, end: int | None = None) -> tuple[Sentence, ...]:
    """Split text[start:end] into sentences with clause spans; whitespace-only pieces dropped.

    A sentence ends at 。！？ (closing quotes and brackets after it belong to it) or a line break.
    """
    stop = len(text) if end is None else end
    sentences: list[Sentence] = []
    for m in _SENTENCE.finditer(text, start, stop):
        span = trim(text, m.start(), m.end())
        if span is not None:
            sentences.append(
                Sentence(span.start, span.end, _split_clauses(text, span.start, span.end))
            )
    return tuple(sentences)


def _split_clauses(text: str, start: int, end: int) -> tuple[Span, ...]:
    clauses = (trim(text, m.start(), m.end()) for m in _CLAUSE.finditer(text, start, end))
    return tuple(c for c in clauses if c is not None)


def trim(text: str, start: int, end: int) -> Span | None:
    """Shrink [start, end) past surrounding whitespace and punctuation; None if nothing is left."""
    first = _CONTENT.search(text, start, end)
    if first is None:
        return None
    while start < first.start() and text[start] not in _OPENERS:
        start += 1
    while end > start and not _is_content(text[end - 1]) and text[end - 1] not in _KEEP_AT_END:
        end -= 1
    return Span(start, end)


def _is_content(ch: str) -> bool:
    return ch == REDACTION or ch.isalnum() or unicodedata.category(ch).startswith(("L", "N"))


def _load_formulas() -> tuple[re.Pattern[str], dict[str, str]]:
    raw = resources.files("core").joinpath("data/formulas.txt").read_text(encoding="utf-8")
    lines = [w.strip() for w in raw.splitlines() if w.strip() and not w.startswith("#")]
    words = sorted({_KEY_DROP.sub("", w) for w in lines}, key=lambda w: (-len(w), w))
    codes = {w: chr(_FORMULA_BASE + i) for i, w in enumerate(words)}
    return re.compile("|".join(map(re.escape, words))), codes


_FORMULA, _FORMULA_CODES = _load_formulas()
_QUOTES = re.compile('[“”‘’"]')
_RAW_FORMULA = re.compile(
    "|".join(sorted((re.escape(_QUOTES.sub("", w)) for w in _FORMULA_CODES), key=len, reverse=True))
)


def without_formulas(fragment: str) -> str:
    """The text without quotes and set formulas: 两个维护 is not a number, 二十大 not a date."""
    return _RAW_FORMULA.sub("", _QUOTES.sub("", fragment))


_UNFOLD = {ord(code): word for word, code in _FORMULA_CODES.items()}
_FOLDED = re.compile("[\ue000-\uf8ff]")


def unfolded(key: str) -> str:
    """A compare key with each folded formula written out again (a fragment may begin or end
    inside a formula, where the folded and the written forms share nothing)."""
    return key.translate(_UNFOLD) if _FOLDED.search(key) else key


def compare_key(fragment: str) -> str:
    """What near-duplicate matching compares: letters, digits and ideographs, with each of
    the genre's set formulas (习近平新时代中国特色社会主义思想 …) folded into one character."""
    bare = _KEY_DROP.sub("", _ENUM_PREFIX.sub("", fragment))
    return _FORMULA.sub(lambda m: _FORMULA_CODES[m.group()], bare)


_CLAUSE_RUN = re.compile(f"[{CLAUSE_BREAK}]+")
_ENUM_AT_CLAUSE = re.compile(
    r"(?:^|(?<=\x1f))[^\w\x1f]*(?:（[一二三四五六七八九十]+）|[一二三四五六七八九十]+[、是])"
)
_KEY_DROP_BUT_BREAKS = re.compile(f"[^0-9A-Za-z{_CJK}\ue000-\uf8ff\x1f]+")


def spaced_key(sentence: str) -> str:
    """A sentence's compare key: each clause's key (see compare_key), joined by spaces so that
    clause order can be ignored when scoring. One pass of regexes: corpora have millions."""
    marked = _ENUM_AT_CLAUSE.sub("", _CLAUSE_RUN.sub("\x1f", sentence))
    folded = _FORMULA.sub(lambda m: _FORMULA_CODES[m.group()], _KEY_DROP_BUT_BREAKS.sub("", marked))
    return " ".join(part for part in folded.split("\x1f") if part)


def is_blank(text: str) -> bool:
    """True when nothing reviewable is left once the text is normalised."""
    normal = normalize(text)
    return trim(normal, 0, len(normal)) is None


def counted_chars(fragment: str) -> int:
    """Characters that count towards a duplicate share: not whitespace, not redactions."""
    return sum(1 for c in fragment if not c.isspace() and c != REDACTION)


def _load_traditional() -> dict[int, str]:
    raw = resources.files("core").joinpath("data/traditional.txt").read_text(encoding="utf-8")
    pairs = (line.split("\t") for line in raw.splitlines() if line and not line.startswith("#"))
    return {ord(p[0]): p[1] for p in pairs if len(p) >= 2 and len(p[0]) == len(p[1]) == 1}


_TRADITIONAL = _load_traditional()
TRADITIONAL_MIN_CHARS = 5  # fewer traditional characters than this are slips, not a script
TRADITIONAL_MIN_SHARE = 0.02  # of the Chinese characters


def traditional_count(text: str) -> int:
    return sum(1 for ch in text if ord(ch) in _TRADITIONAL)


def is_traditional(text: str) -> bool:
    """Whether a text is written in traditional characters (not a simplified text with a slip)."""
    found = traditional_count(text)
    han = sum(1 for ch in text if "\u4e00" <= ch <= "\u9fff")
    return found >= TRADITIONAL_MIN_CHARS and found >= TRADITIONAL_MIN_SHARE * max(1, han)


def to_simplified(text: str) -> str:
    """Traditional-only characters replaced one for one, so every offset still holds."""
    return text.translate(_TRADITIONAL)
