"""A draft or corpus document → sections, dimension blocks, items, sentences.

The genre's frame is 一、存在的问题 / 二、原因分析 / 三、整改措施, with （一）（二）… blocks and
一是、二是… items, in many real wordings, sometimes run together on one line by a PDF export.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Protocol

from core.models import Block, Document, Item, SectionKind, Sentence, Span
from core.text import split_sentences, trim

_NUM = "一二三四五六七八九十"
_L1 = re.compile(f"[{_NUM}]{{1,3}}、")
_L2 = re.compile(f"（[{_NUM}]{{1,3}}）")
_L3 = re.compile(r"[1-9]\d?[、．.](?!\d)")
_MARKER = re.compile(f"[{_NUM}]{{1,3}}、|（[{_NUM}]{{1,3}}）|(?<![\\d.．])[1-9]\\d?[、．.](?!\\d)")
_ITEM = re.compile(f"[{_NUM}]{{1,3}}是")
_NUMBERED_ITEM = re.compile(r"^(?:[1-9]\d?[、．.](?!\d)|[（(][1-9]\d?[）)])", re.MULTILINE)
_BOUNDARY = set("。！？；：\n")
_SECTION_KEYWORDS: tuple[tuple[SectionKind, tuple[str, ...]], ...] = (
    ("cause", ("原因", "根源", "剖析", "症结")),
    ("measure", ("措施", "方向", "打算", "整改", "努力", "改进", "举措", "下一步")),
    ("problem", ("问题", "不足", "差距", "表现", "查摆")),
)
_PROBLEMS_AND_CAUSES = re.compile(r"(?:问题|不足)(?:及|和|与|、)(?:其|产生的)?原因")
_PROBLEM_REPORT = ("对照检查情况", "检视剖析情况", "查摆问题情况", "剖析对照检查")
# Words section titles are made of; used only to cut a title that runs into body text.
_TITLE_WORDS = (
    "对照检查", "存在的", "存在", "主要", "突出", "具体", "查摆", "查找", "问题", "不足", "差距",
    "表现", "原因", "分析", "产生", "剖析", "根源", "深层次", "今后", "努力", "方向", "整改",
    "措施", "改进", "举措", "下一步", "打算", "情况", "的", "和", "及", "与",
)  # fmt: skip
_TITLE_ENDS = ("问题", "不足", "差距", "表现", "原因", "分析", "剖析", "根源", "方向", "措施",
               "举措", "打算", "情况")  # fmt: skip
_MAX_HEADING = 40
_MAX_ASPECT_HEADING = 100  # （一）在带头深刻领悟“两个确立”的决定性意义，…做到“两个维护”方面。
_ASPECT_END = re.compile("方面[。：:，；]?")


class HeadingMatcher(Protocol):
    """What parsing needs of a scheme: the dimension a heading names, if any."""

    def in_heading(self, heading: str) -> str | None: ...


@dataclass(frozen=True, slots=True)
class _Start:
    """Where a block begins, with what the heading told us."""

    pos: int
    heading: Span | None
    section: SectionKind | None
    heading_dimension: str | None


def parse(text: str, scheme: HeadingMatcher) -> Document:
    """Parse a normalised text. A text with no headings is one block."""
    starts = _block_starts(text, scheme)
    blocks: list[Block] = []
    sentences: list[Sentence] = []
    headings: list[Span] = []
    for i, start in enumerate(starts):
        end = starts[i + 1].pos if i + 1 < len(starts) else len(text)
        block = _make_block(text, start, end)
        if block is not None:
            blocks.append(block)
            sentences.extend(split_sentences(text, block.body.start, block.body.end))
        heading = block.heading if block is not None else start.heading
        if heading is not None:
            headings.append(heading)
    return Document(text, tuple(blocks), tuple(sentences), tuple(headings))


def section_of(title: str) -> SectionKind | None:
    """Which part of the frame a section title names, if any. A title reporting the check itself
    (个人剖析对照检查情况, 检视剖析情况) opens the problems, although 剖析 also names causes."""
    if any(w in title for w in _PROBLEM_REPORT) and "原因" not in title:
        return "problem"
    if _PROBLEMS_AND_CAUSES.search(title):
        return "problem"  # 存在问题及原因分析: the problems come first
    for kind, words in _SECTION_KEYWORDS:
        if any(w in title for w in words):
            return kind
    return None


def _block_starts(text: str, scheme: HeadingMatcher) -> list[_Start]:
    starts = [_Start(0, None, None, None)]
    section: SectionKind | None = None
    last_end = -1
    for m in _MARKER.finditer(text):
        if m.start() < last_end:
            continue
        heading = _heading_at(text, m.start(), scheme, after_heading=m.start() == last_end)
        if heading is None:
            continue
        span, kind, dimension = heading
        if kind is not None:
            section = kind
        starts.append(_Start(span.start, span, section, dimension))
        last_end = span.end
    return starts


def _heading_at(
    text: str, pos: int, scheme: HeadingMatcher, *, after_heading: bool
) -> tuple[Span, SectionKind | None, str | None] | None:
    """A heading starting at `pos`, with the section it opens and the dimension it names.

    一、 headings count only at a line start (or right after another heading): inside a
    paragraph, 一、二、 are an enumeration. （一） may also follow a sentence end, because PDF
    exports run blocks together on one line.
    """
    at_line_start = pos == 0 or text[pos - 1] == "\n"
    if m := _L1.match(text, pos):
        if not (at_line_start or after_heading):
            return None
        title = _section_title(text, m.end())
        kind, dimension = section_of(title), scheme.in_heading(title)
        if kind is None and dimension is None:
            return None
        return Span(pos, m.end() + len(title)), kind, dimension
    if m := _L3.match(text, pos):
        # 1、理论学习方面 is an aspect heading only at a line start and only when it names an
        # aspect; otherwise 1、2、 number items.
        if not at_line_start:
            return None
        end = _heading_end(text, m.end())
        title = text[m.end() : end]
        dimension = scheme.in_heading(title) if "方面" in title else None
        return None if dimension is None else (Span(pos, end), None, dimension)
    if not (at_line_start or after_heading or text[pos - 1] in _BOUNDARY):
        return None
    if m := _L2.match(text, pos):
        end = _heading_end(text, m.end())
        return Span(pos, end), None, scheme.in_heading(text[m.end() : end])
    return None


def _section_title(text: str, pos: int) -> str:
    """The title after 一、, cut where it runs into body text (二、原因分析针对上述问题，…)."""
    run_end = pos
    while run_end < len(text) and text[run_end] not in "，。：；！？\n（":
        run_end += 1
    run = text[pos:run_end]
    follower = text[run_end] if run_end < len(text) else "\n"
    if follower in "\n（。" and len(run) <= 25:
        return run
    cut = _title_prefix(run)
    return cut if cut else run


def _title_prefix(run: str) -> str:
    """The longest prefix made of title words that ends on a word a title can end with."""
    i, last_end = 0, 0
    while i < len(run):
        word = next((w for w in _TITLE_WORDS if run.startswith(w, i)), None)
        if word is None:
            break
        i += len(word)
        if word in _TITLE_ENDS:
            last_end = i
    return run[:last_end]


def _heading_end(text: str, pos: int) -> int:
    """End of a （一）… heading: through its first 。 or ： if that comes soon, else the marker.
    An aspect heading (…方面) may be long and hold commas; it ends after 方面 and its stop."""
    window = text[pos : pos + _MAX_ASPECT_HEADING]
    aspect = _ASPECT_END.search(window)
    if aspect is not None and not any(ch in "。！？\n" for ch in window[: aspect.start()]):
        return pos + aspect.end()
    for i in range(pos, min(len(text), pos + _MAX_HEADING)):
        if text[i] in "。：！？":
            return i + 1
        if text[i] == "\n":
            return i
    return pos


def _is_aspect_title(text: str, heading: Span) -> bool:
    """An aspect's name as a heading (（一）在带头……方面), as opposed to a problem stated as a
    heading (（一）理论学习不够深入，学用脱节。)."""
    return _ASPECT_END.search(text, heading.start, heading.end) is not None


def _make_block(text: str, start: _Start, end: int) -> Block | None:
    heading = start.heading
    body = trim(text, heading.end if heading else start.pos, end)
    if body is None and heading is not None and _is_aspect_title(text, heading):
        return None  # a bare aspect heading (a table of contents, an empty aspect): no content
    if body is None and heading is not None and text.startswith("（", heading.start):
        # （一）理论学习不够深入，学用脱节。 with nothing after it: the "heading" is the content.
        marker = _L2.match(text, heading.start)
        heading = Span(heading.start, marker.end()) if marker else heading
        body = trim(text, heading.end, end)
    if body is None:
        return None
    return Block(
        start=start.pos,
        end=body.end,
        section=start.section,
        heading=heading,
        heading_text=None if heading is None else text[heading.start : heading.end].strip(),
        heading_dimension=start.heading_dimension,
        body=body,
        items=_items(text, body),
    )


def _items(text: str, body: Span) -> tuple[Item, ...]:
    """一是…二是… items: a marker at the body's start or right after a sentence end."""
    starts: list[tuple[int, str]] = []
    for m in _ITEM.finditer(text, body.start, body.end):
        p = m.start()
        if p == body.start or text[p - 1] in "。！？；：\n":
            starts.append((p, m.group()))
    if not starts:  # 1、… / （1）… items, each at a line start
        starts = [
            (m.start(), m.group()) for m in _NUMBERED_ITEM.finditer(text, body.start, body.end)
        ]
        if len(starts) < 2:
            starts = []
    items = []
    for i, (p, label) in enumerate(starts):
        stop = starts[i + 1][0] if i + 1 < len(starts) else body.end
        span = trim(text, p, stop)
        if span is not None:
            items.append(Item(span.start, span.end, label))
    return tuple(items)


NAME_CHARS = 40
_MATERIAL_WORDS = ("材料", "提纲", "发言", "剖析", "检查", "报告", "清单")


def draft_name(text: str) -> str:
    """What a user calls a draft: its title line (……对照检查材料), else its first line that is
    a heading or the first words of its text (for /history)."""
    lines = [line.strip() for line in text.split("\n") if line.strip()]
    if not lines:
        return ""
    first = lines[0]
    if len(first) <= NAME_CHARS and (
        any(word in first for word in _MATERIAL_WORDS) or not any(ch in first for ch in "。；！？")
    ):
        return first
    return first[:NAME_CHARS]
