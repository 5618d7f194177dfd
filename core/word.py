"""Annotated Word documents: each review note becomes a real Word comment on exactly the
characters it is about (and, for a near-copy, those characters are highlighted yellow).

Two ways in:

* without the user's file, a new document: a title (审阅意见摘要), the summary lines, a
  separator, then the reviewed text one paragraph per line;
* with the user's .docx, that very document, its paragraphs, runs, styles and tables kept, with
  a short summary block (材料审阅助手·审阅意见摘要, the summary lines, a separator) inserted
  before its first body element.

How offsets in the reviewed text are mapped back onto the user's runs
--------------------------------------------------------------------
Every offset refers to the reviewed text, ``normalize(docx_text(original))``. The document is
read into units exactly as ``core.reading.docx_text`` reads it (body paragraphs and, per table,
each distinct cell's paragraphs, a merged cell once), each unit into its text-bearing runs
(runs inside hyperlinks included), so that ``"\\n".join(units)`` is docx_text's raw text and
each raw character is known by its run and its offset in that run.

``normalize`` deletes characters (spaces, invisible and control characters, blank lines, the
line break of a joined line, ##MARKERS##) and replaces characters one for one (full-width
letters and digits, quote variants, ASCII punctuation beside Chinese); only an ASCII ellipsis
changes length. Both texts are therefore folded (each replacement's two sides made one
character) and aligned greedily in one pass: each character of the reviewed text takes the next
raw character that folds to it, skipping blank raw characters freely and at most a few dozen
others; a character without a partner stays unmapped.

A note's span goes through its first and last mapped characters and is checked: the span's
content key (folded, blanks dropped, an ellipsis one character) must equal the key of the raw
characters it landed on. A span failing the check is looked up by its key in the whole
document's key, taking the occurrence nearest to where it should be (this rescues a text that
drifted from the document). A span still not found goes, whole, on the paragraph nearest to
where it should be, its comment prefixed with the words it was about and not highlighted; if
nothing of the text maps at all (or the document has no text), the note is listed in the
summary block. No note is dropped and no span raises.

Anchoring: runs are split at every span edge (each part gets a copy of the run's ``w:rPr``),
then ``Document.add_comment`` anchors each comment from the run that starts its span to the run
that ends it. python-docx places ``commentRangeStart`` before the first and ``commentRangeEnd``
after the last run wherever they are, so a span crossing paragraphs (or into a table) runs from
its start in the first paragraph to its end in the last. A span is first trimmed of line breaks
at its edges; an empty span is put on one character: the one at its offset, or the one before
it at the end of a line or of the text.
"""

from __future__ import annotations

import bisect
import copy
import datetime as dt
import io
import re
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from typing import cast

import docx
from docx.document import Document as WordDocument
from docx.enum.text import WD_COLOR_INDEX
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.oxml.text.run import CT_R
from docx.table import Table
from docx.text.paragraph import Paragraph
from docx.text.run import Run

AUTHOR = "材料审阅助手"
TITLE = "审阅意见摘要"
HEADING = "材料审阅助手·审阅意见摘要"
TEXT_SEPARATOR = "———— 以下为审阅文本 ————"
ORIGINAL_SEPARATOR = "———— 以上为审阅意见摘要，以下为原文 ————"
UNPLACED_HEADING = "以下意见未能在文中定位："
UNOPENED = "（原 Word 文件无法打开，以下意见标注在审阅文本上。）"
_NOT_FOUND = "【未能在原文中找到此条意见所指的文字：“{}”】"
_SNIPPET_CHARS = 40

_MAX_SKIP = 64  # raw characters other than blanks that one reviewed character may skip
_MAX_FREE = 4096  # blank raw characters one reviewed character may skip
_MAX_OCCURRENCES = 2000  # occurrences of a span's key weighed when looking it up

_R = qn("w:r")
_HYPERLINK = qn("w:hyperlink")
_P = qn("w:p")
_TBL = qn("w:tbl")
_T = qn("w:t")
_RPR = qn("w:rPr")
_XML_SPACE = qn("xml:space")
# The run children python-docx reads as text (CT_R.text); all others are zero-width.
_TEXT_TAGS = frozenset(qn(t) for t in ("w:t", "w:tab", "w:br", "w:cr", "w:noBreakHyphen", "w:ptab"))

_SPACES = (
    " \t\u00a0\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u202f\u205f\u3000"
)
_INVISIBLE = (
    "\u200b\u200c\u200d\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2060\u2061\u2062\u2063\u2064"
    "\ufeff\u00ad"
)
_CONTROLS = "".join(chr(c) for c in [*range(0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0x7F])
_GONE = "\x00"  # what invisible and control characters fold to
# Both sides of every one-for-one replacement normalize makes fold to the same character.
_FOLD: dict[int, str] = {
    **{0xFF10 + i: chr(0x30 + i) for i in range(10)},
    **{0xFF21 + i: chr(0x41 + i) for i in range(26)},
    **{0xFF41 + i: chr(0x61 + i) for i in range(26)},
    **dict.fromkeys(map(ord, "“”〝〞＂„‟"), '"'),
    **dict.fromkeys(map(ord, "（("), "("),
    **dict.fromkeys(map(ord, "）)"), ")"),
    ord("，"): ",",
    ord("；"): ";",
    ord("："): ":",
    ord("？"): "?",
    ord("！"): "!",
    **dict.fromkeys(map(ord, "。…"), "."),
    **dict.fromkeys(map(ord, _SPACES), " "),
    **dict.fromkeys(map(ord, "\r\u2028\u2029"), "\n"),
    **dict.fromkeys(map(ord, _INVISIBLE + _CONTROLS), _GONE),
}
_BLANK = frozenset(" \n" + _GONE)  # folded characters a key leaves out
_FREE = frozenset(" \n.\x00")  # folded raw characters the alignment skips without counting
_MARKER = re.compile(r"##\s*[A-Za-z_]{2,30}\s*##")  # as core.text drops them
_XML_BAD = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


@dataclass(frozen=True, slots=True)
class WordNote:
    """One comment to put in the document, on text[start:end] of the reviewed text."""

    start: int  # half-open span [start, end) in the reviewed text
    end: int
    comment: str  # the comment's text (may hold newlines: one comment paragraph per line)
    highlight: bool  # True for near-copies: the span is also highlighted yellow


def annotated_docx(
    text: str,
    notes: Sequence[WordNote],
    summary: Sequence[str],
    *,
    original: bytes | None = None,
    author: str = AUTHOR,
    when: dt.datetime | None = None,
) -> bytes:
    """A .docx with every note as a Word comment on its span of `text` and `summary` on top.

    With `original` (the .docx `text` was read from), that document is annotated; otherwise a
    new one is built from `text`. An original that cannot be opened falls back to the latter.
    The comments are dated `when` (undated without it) and the package's entries carry a fixed
    time, so the same input gives the same bytes.
    """
    author = _xml_safe(author)
    if original is not None:
        try:
            document = docx.Document(io.BytesIO(original))
        except Exception:  # python-docx raises many kinds (zip, lxml, KeyError…) on bad files
            summary = [*summary, UNOPENED]
        else:
            return _annotate_original(document, text, notes, summary, author, when)
    return _annotate_new(text, notes, summary, author, when)


def _annotate_new(
    text: str,
    notes: Sequence[WordNote],
    summary: Sequence[str],
    author: str,
    when: dt.datetime | None,
) -> bytes:
    document = docx.Document()
    document.add_heading(TITLE, level=1)
    for line in summary:
        document.add_paragraph(_xml_safe(line))
    separator = document.add_paragraph(TEXT_SEPARATOR)
    # One paragraph per line, one run each: "\t" and "\r" become one-character w:tab / w:br.
    units = [_paragraph_runs(document.add_paragraph(_xml_safe(line))) for line in text.split("\n")]
    unplaced = _annotate(document, units, text, notes, author, when)
    for line in _unplaced_lines(text, unplaced):
        separator.insert_paragraph_before(line)
    return _saved(document)


def _annotate_original(
    document: WordDocument,
    text: str,
    notes: Sequence[WordNote],
    summary: Sequence[str],
    author: str,
    when: dt.datetime | None,
) -> bytes:
    unplaced = _annotate(document, _document_units(document), text, notes, author, when)
    block = [
        HEADING,
        *(_xml_safe(line) for line in summary),
        *_unplaced_lines(text, unplaced),
        ORIGINAL_SEPARATOR,
    ]
    body = document.element.body
    first = body[0] if len(body) else None
    first_is_section = first is not None and first.tag == qn("w:sectPr")
    for i, line in enumerate(block):
        paragraph = document.add_paragraph()  # at the end of the body, then moved to the top
        run = paragraph.add_run(line)
        if i == 0:
            run.bold = True
        if first is not None and not first_is_section:
            first.addprevious(paragraph._p)
    return _saved(document)


def _saved(document: WordDocument) -> bytes:
    """The package, its entries re-dated to a fixed time (zip entries carry the save time)."""
    buffer = io.BytesIO()
    document.save(buffer)
    fixed = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(buffer.getvalue())) as source,
        zipfile.ZipFile(fixed, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for entry in source.infolist():
            stamped = zipfile.ZipInfo(entry.filename, date_time=_PACKAGE_TIME)
            stamped.compress_type = zipfile.ZIP_DEFLATED
            target.writestr(stamped, source.read(entry.filename))
    return fixed.getvalue()


_PACKAGE_TIME = (1980, 1, 1, 0, 0, 0)


def _document_units(document: WordDocument) -> list[list[CT_R]]:
    """The runs of each line docx_text reads, in its order (a table cell: one unit a paragraph,
    which "\\n".join makes the same text as cell.text)."""
    units: list[list[CT_R]] = []
    for child in document.element.body.iterchildren():
        if child.tag == _P:
            units.append(_paragraph_runs(Paragraph(child, document.part)))
        elif child.tag == _TBL:
            seen: list[object] = []  # the w:tc elements themselves, kept alive (see reading.py)
            for row in Table(child, document.part).rows:
                for cell in row.cells:
                    if any(cell._tc is tc for tc in seen):
                        continue
                    seen.append(cell._tc)
                    paragraphs = cell.paragraphs
                    units.extend(_paragraph_runs(p) for p in paragraphs)
                    if not paragraphs:
                        units.append([])
    return units


def _paragraph_runs(paragraph: Paragraph) -> list[CT_R]:
    """The runs whose text makes paragraph.text: its own and those of its hyperlinks."""
    runs: list[CT_R] = []
    for child in paragraph._p.iterchildren(_R, _HYPERLINK):
        if child.tag == _R:
            runs.append(child)
        else:
            runs.extend(child.iterchildren(_R))
    return runs


@dataclass(slots=True)
class _Segment:
    run: CT_R
    start: int  # raw offsets of the run's text
    end: int


class _Layout:
    """The raw text of the units and, for each text-bearing run, where its text stands in it."""

    def __init__(self, units: Sequence[Sequence[CT_R]]) -> None:
        self.segments: list[_Segment] = []
        self.unit_starts: list[int] = []
        texts: list[str] = []
        pos = 0
        for unit in units:
            self.unit_starts.append(pos)
            parts: list[str] = []
            for run in unit:
                run_text: str = run.text
                if run_text:
                    self.segments.append(_Segment(run, pos, pos + len(run_text)))
                    parts.append(run_text)
                    pos += len(run_text)
            texts.append("".join(parts))
            pos += 1  # the line break between units
        self.raw = "\n".join(texts)
        self.unit_ends = [start + len(t) for start, t in zip(self.unit_starts, texts, strict=True)]
        self.in_run = bytearray(len(self.raw))
        for segment in self.segments:
            self.in_run[segment.start : segment.end] = b"\x01" * (segment.end - segment.start)
        self._starts = [s.start for s in self.segments]

    def unit_span(self, raw_pos: int) -> tuple[int, int]:
        """The raw span of the unit holding raw_pos."""
        unit = bisect.bisect_right(self.unit_starts, raw_pos) - 1
        return self.unit_starts[unit], self.unit_ends[unit]

    def split_at(self, cuts: Sequence[int]) -> None:
        """Split runs so that every cut (a raw offset, sorted) falls between two runs."""
        segments: list[_Segment] = []
        for segment in self.segments:
            inner = cuts[
                bisect.bisect_right(cuts, segment.start) : bisect.bisect_left(cuts, segment.end)
            ]
            if not inner:
                segments.append(segment)
                continue
            # From the right, so that each offset still counts from the start of the first part.
            tails = [_split_run(segment.run, cut - segment.start) for cut in reversed(inner)]
            tails.reverse()
            bounds = [segment.start, *inner, segment.end]
            runs = [segment.run, *tails]
            segments.extend(_Segment(run, bounds[i], bounds[i + 1]) for i, run in enumerate(runs))
        self.segments = segments
        self._starts = [s.start for s in segments]

    def covering(self, start: int, end: int) -> list[_Segment]:
        """The runs holding raw[start:end] (both edges in runs and cut there)."""
        first = bisect.bisect_right(self._starts, start) - 1
        last = bisect.bisect_left(self._starts, end) - 1
        return self.segments[first : last + 1]


def _split_run(run: CT_R, k: int) -> CT_R:
    """Leave the first k characters of `run` in it; return a new run after it with the rest,
    with the same attributes and a copy of its run properties."""
    tail = cast(CT_R, OxmlElement("w:r"))
    for name, value in run.attrib.items():
        tail.set(name, value)
    moving: list[object] = []
    pos = 0
    for child in list(run):
        if child.tag == _RPR:
            tail.insert(0, copy.deepcopy(child))
            continue
        length = len(str(child)) if child.tag in _TEXT_TAGS else 0
        if pos >= k:
            moving.append(child)
        elif pos + length > k:  # only a w:t can hold more than one character
            value = child.text or ""
            child.text = value[: k - pos]
            child.set(_XML_SPACE, "preserve")
            rest = OxmlElement("w:t")
            rest.text = value[k - pos :]
            rest.set(_XML_SPACE, "preserve")
            moving.append(rest)
        pos += length
    for child in moving:
        tail.append(child)
    run.addnext(tail)
    return tail


def _keyed(
    folded: str, skip: bytearray | None = None
) -> tuple[str, list[int], list[int], list[int]]:
    """A text's content key: blanks (and `skip`ped positions) left out, a run of full stops or
    ellipsis characters one character. Returns the key, each key character's raw start and end,
    and for each raw offset how many key characters start before it."""
    chars: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    index_at = [0] * (len(folded) + 1)
    after_dot = False
    for pos, char in enumerate(folded):
        index_at[pos] = len(chars)
        if char in _BLANK or (skip is not None and skip[pos]):
            continue
        if char == "." and after_dot:
            ends[-1] = pos + 1
            continue
        after_dot = char == "."
        chars.append(char)
        starts.append(pos)
        ends.append(pos + 1)
    index_at[len(folded)] = len(chars)
    return "".join(chars), starts, ends, index_at


def _align(raw: str, text: str) -> list[int]:
    """For each character of `text` (folded), the raw offset it came from, or -1."""
    mapping = [-1] * len(text)
    size = len(raw)
    pos = 0
    for i, char in enumerate(text):
        j, budget, free = pos, _MAX_SKIP, _MAX_FREE
        while j < size:
            candidate = raw[j]
            if candidate == char:
                mapping[i] = j
                pos = j + 1
                break
            if candidate in _FREE:
                free -= 1
                if free < 0:
                    break
            else:
                budget -= 1
                if budget < 0:
                    break
            j += 1
    return mapping


@dataclass(frozen=True, slots=True)
class _Placed:
    note: WordNote
    start: int  # raw span the comment goes on
    end: int
    exact: bool  # False: put on the nearest paragraph instead


class _Mapper:
    """Maps spans of the reviewed text onto raw spans of the layout."""

    def __init__(self, layout: _Layout, text: str) -> None:
        self.layout = layout
        self.text = text
        raw_folded = layout.raw.translate(_FOLD)
        text_folded = text.translate(_FOLD)
        markers = bytearray(len(layout.raw))
        for m in _MARKER.finditer(layout.raw):
            markers[m.start() : m.end()] = b"\x01" * (m.end() - m.start())
        self.mapping = _align(raw_folded, text_folded)
        in_run = layout.in_run
        self.mapped = [i for i, r in enumerate(self.mapping) if r >= 0 and in_run[r]]
        self.raw_key, self.raw_starts, self.raw_ends, self.raw_index = _keyed(raw_folded, markers)
        self.text_key, _, _, self.text_index = _keyed(text_folded)

    def place(self, note: WordNote) -> _Placed | None:
        span = _span(self.text, note.start, note.end)
        if span is None:
            return None
        start, end = span
        exact = self._exact(start, end)
        if exact is not None:
            return _Placed(note, *exact, exact=True)
        anchor = self._nearest_mapped(start)
        if anchor is None:
            return None
        raw_anchor = self.mapping[anchor]
        found = self._look_up(start, end, raw_anchor)
        if found is not None:
            return _Placed(note, *found, exact=True)
        return _Placed(note, *self.layout.unit_span(raw_anchor), exact=False)

    def _exact(self, start: int, end: int) -> tuple[int, int] | None:
        lo = bisect.bisect_left(self.mapped, start)
        hi = bisect.bisect_left(self.mapped, end) - 1
        if lo > hi:
            return None
        raw_start = self.mapping[self.mapped[lo]]
        raw_end = self.mapping[self.mapped[hi]] + 1
        wanted = self.text_key[self.text_index[start] : self.text_index[end]]
        got = self.raw_key[self.raw_index[raw_start] : self.raw_index[raw_end]]
        if wanted != got:
            return None
        if got.endswith("."):  # "……" made of "...": take all the dots
            raw_end = max(raw_end, self.raw_ends[self.raw_index[raw_end] - 1])
        return raw_start, raw_end

    def _nearest_mapped(self, index: int) -> int | None:
        at = bisect.bisect_left(self.mapped, index)
        near = self.mapped[max(0, at - 1) : at + 1]
        return min(near, key=lambda i: abs(i - index)) if near else None

    def _look_up(self, start: int, end: int, raw_anchor: int) -> tuple[int, int] | None:
        """The raw span whose key is the span's key, nearest to raw_anchor."""
        key = self.text_key[self.text_index[start] : self.text_index[end]]
        if not key:
            return None
        target = self.raw_index[raw_anchor]
        best: int | None = None
        found = self.raw_key.find(key)
        for _ in range(_MAX_OCCURRENCES):
            if found < 0:
                break
            if best is None or abs(found - target) < abs(best - target):
                best = found
            if found > target:
                break  # later occurrences are only further away
            found = self.raw_key.find(key, found + 1)
        if best is None:
            return None
        return self.raw_starts[best], self.raw_ends[best + len(key) - 1]


def _span(text: str, start: int, end: int) -> tuple[int, int] | None:
    """The span clamped to the text and trimmed of line breaks; an empty span widened to one
    character (the one at its offset, else the one before); None if the text has none."""
    size = len(text)
    start = min(max(start, 0), size)
    end = min(max(end, start), size)
    while start < end and text[start] in "\r\n":
        start += 1
    while end > start and text[end - 1] in "\r\n":
        end -= 1
    if start < end:
        return start, end
    for at in [start, *range(start - 1, -1, -1), *range(start + 1, size)]:
        if at < size and text[at] not in "\r\n":
            return at, at + 1
    return None


def _annotate(
    document: WordDocument,
    units: Sequence[Sequence[CT_R]],
    text: str,
    notes: Sequence[WordNote],
    author: str,
    when: dt.datetime | None,
) -> list[WordNote]:
    """Put the notes on the units' runs as comments; return those with nowhere to go."""
    layout = _Layout(units)
    if not layout.segments:
        return list(notes)
    mapper = _Mapper(layout, text)
    placed: list[_Placed] = []
    unplaced: list[WordNote] = []
    for note in notes:
        where = mapper.place(note)
        if where is None:
            unplaced.append(note)
        else:
            placed.append(where)
    layout.split_at(sorted({edge for p in placed for edge in (p.start, p.end)}))
    initials = author[:2]
    for where in placed:
        segments = layout.covering(where.start, where.end)
        comment = where.note.comment
        if not where.exact:
            span = _span(text, where.note.start, where.note.end)
            words = text[span[0] : span[1]] if span else ""
            comment = _NOT_FOUND.format(_snippet(words)) + "\n" + comment
        runs = [Run(segments[0].run, document.part), Run(segments[-1].run, document.part)]
        made = document.add_comment(runs, text=_xml_safe(comment), author=author, initials=initials)
        # python-docx dates a comment "now"; the caller's time (or none) keeps output repeatable.
        made._comment_elm.date = when
        if where.exact and where.note.highlight:
            for segment in segments:
                Run(segment.run, document.part).font.highlight_color = WD_COLOR_INDEX.YELLOW
    return unplaced


def _unplaced_lines(text: str, notes: Sequence[WordNote]) -> list[str]:
    """Summary lines for notes that could not be put on the document."""
    if not notes:
        return []
    lines = [UNPLACED_HEADING]
    for note in notes:
        start = min(max(note.start, 0), len(text))
        words = _snippet(text[start : max(start, min(note.end, len(text)))])
        lines.append(_xml_safe(f"“{words}”：{note.comment}" if words else note.comment))
    return lines


def _snippet(words: str) -> str:
    words = " ".join(words.split())
    return words if len(words) <= _SNIPPET_CHARS else words[: _SNIPPET_CHARS - 1] + "…"


def _xml_safe(value: str) -> str:
    """`value` with the characters XML cannot hold replaced one for one (offsets hold)."""
    return _XML_BAD.sub("\ufffd", value)
