"""Annotated Word documents (core/word.py): every note is a real Word comment on exactly the
characters of its span, in a document built from the reviewed text or in the user's own .docx,
whose runs, formatting, styles and tables stay as they were."""

from __future__ import annotations

import hashlib
import io
import random
import re
import time

import docx
import pytest
from docx.enum.text import WD_COLOR_INDEX
from docx.opc.constants import RELATIONSHIP_TYPE
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Pt
from docx.text.paragraph import Paragraph

from core.reading import docx_text
from core.text import normalize
from core.word import (
    HEADING,
    ORIGINAL_SEPARATOR,
    TEXT_SEPARATOR,
    TITLE,
    UNOPENED,
    UNPLACED_HEADING,
    WordNote,
    annotated_docx,
)

SUMMARY = ["总体评价：问题查摆较具体，整改措施还需细化。", "共提出 5 条修改意见。"]


def _saved(document) -> bytes:
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _add_hyperlink(paragraph, text: str, url: str) -> None:
    rel_id = paragraph.part.relate_to(url, RELATIONSHIP_TYPE.HYPERLINK, is_external=True)
    link = OxmlElement("w:hyperlink")
    link.set(qn("r:id"), rel_id)
    run = OxmlElement("w:r")
    t = OxmlElement("w:t")
    t.text = text
    run.append(t)
    link.append(run)
    paragraph._p.append(link)


def _original() -> bytes:
    """A draft as a drafter formats it: a styled heading, runs in bold, italic and another font,
    characters normalize changes, a table with cells merged across and down, a hyperlink, and a
    sentence broken over two paragraphs."""
    document = docx.Document()
    document.add_heading("一、对照检查发现的主要问题", level=1)
    p = document.add_paragraph("在政治理论学习方面，")
    p.add_run("满足于读过看过").bold = True
    p.add_run("，")
    p.add_run("钻研不深").italic = True
    other = p.add_run("、联系实际不紧。")
    other.font.name = "Arial"
    other.font.size = Pt(15)
    document.add_paragraph('自２０２３年以来，支部只开展"专题党课"两次，  落实不到位。')
    document.add_paragraph("Word  文档里的 open  source 软件说明也要核对。")
    linked = document.add_paragraph("学习资料详见")
    _add_hyperlink(linked, "学习强国平台", "https://www.xuexi.cn/")
    linked.add_run("上的专题栏目。")
    document.add_paragraph("\u3000\u3000个别同志学\u200b习只是走过场...有待加强。")
    table = document.add_table(rows=3, cols=3)
    table.style = "Table Grid"
    table.cell(0, 0).merge(table.cell(0, 1)).text = "整改事项与完成时限"
    table.cell(0, 2).text = "责任人"
    table.cell(1, 0).text = "加强理论武装"
    table.cell(1, 1).text = "本年度内完成"
    table.cell(1, 2).merge(table.cell(2, 2)).text = "支部书记牵头负责"
    table.cell(2, 0).text = "改进工作作风"
    table.cell(2, 1).text = "长期坚持"
    document.add_paragraph("下一步，我们将坚持问题导向，")
    document.add_paragraph("逐项抓好整改落实。")
    return _saved(document)


W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def _anchored(document) -> dict[str, str]:
    """Each comment's text → the document text between its range markers (a paragraph end
    is a line break, as docx_text reads it)."""
    open_ranges: dict[str, list[str]] = {}
    done: dict[str, str] = {}

    def walk(element) -> None:
        tag = element.tag
        if tag == W + "commentRangeStart":
            open_ranges[element.get(W + "id")] = []
        elif tag == W + "commentRangeEnd":
            done[element.get(W + "id")] = "".join(open_ranges.pop(element.get(W + "id")))
        elif tag in (W + "t", W + "tab", W + "br") and element.getparent().tag == W + "r":
            for parts in open_ranges.values():
                parts.append(str(element))
        for child in element:
            walk(child)
        if tag == W + "p":
            for parts in open_ranges.values():
                parts.append("\n")

    walk(document.element.body)
    assert not open_ranges, "a comment range is never closed"
    by_id = {str(c.comment_id): c.text for c in document.comments}
    assert set(done) == set(by_id), "every comment has a range and every range a comment"
    return {by_id[i]: anchored for i, anchored in done.items()}


def _open(data: bytes):
    return docx.Document(io.BytesIO(data))


def _at(text: str, words: str, comment: str, *, highlight: bool = False) -> WordNote:
    start = text.index(words)
    return WordNote(start, start + len(words), comment, highlight)


@pytest.fixture(scope="module")
def original() -> bytes:
    return _original()


@pytest.fixture(scope="module")
def text(original: bytes) -> str:
    return normalize(docx_text(original))


def test_the_sample_exercises_what_normalize_changes(text: str, original: bytes) -> None:
    raw = docx_text(original)
    assert "２０２３" in raw and "2023" in text
    assert '"专题党课"' in raw and "“专题党课”" in text
    assert "两次，  落实" in raw and "两次，落实" in text
    assert "open  source" in raw and "open source" in text
    assert "问题导向，\n逐项" in raw and "问题导向，逐项" in text  # a joined line
    assert "学习强国平台" in text  # hyperlink text is read
    assert "\u3000\u3000个别同志学\u200b习只是走过场...有待" in raw
    assert "\n个别同志学习只是走过场……有待" in text


def test_each_comment_is_anchored_on_exactly_its_span(original: bytes, text: str) -> None:
    notes = [
        _at(text, "读过", "一个加粗片段之内"),
        _at(text, "读过看过，钻研不深、联系", "跨过加粗、常规、斜体和另一种字体"),
        _at(text, "2023年", "全角数字"),
        _at(text, "“专题党课”", "英文引号"),
        _at(text, "两次，落实", "两个空格"),
        _at(text, "Word文档", "英文与中文之间的空格"),
        _at(text, "open source", "英文之间的两个空格"),
        _at(text, "详见学习强国", "跨进超链接"),
        _at(text, "完成时限", "横向合并的单元格"),
        _at(text, "同志学习", "去掉的零宽字符"),
        _at(text, "个别", "去掉的全角空格之后"),
        _at(text, "走过场……", "英文省略号"),
        _at(text, "书记牵头", "纵向合并的单元格"),
        _at(text, "长期坚持", "表格最后一格"),
        _at(text, "问题导向，逐项抓好", "被拆成两段的一句话"),
        _at(text, "满足于读过看过", "重叠一"),
        _at(text, "看过，钻研", "重叠二"),
        WordNote(0, 2, "全文开头", False),
        WordNote(len(text) - 4, len(text), "全文结尾", False),
        WordNote(0, len(text), "整篇", False),
    ]
    document = _open(annotated_docx(text, notes, SUMMARY, original=original))
    anchored = _anchored(document)
    assert len(document.comments) == len(notes)
    for note in notes:
        if note.comment != "被拆成两段的一句话":  # a fragment alone is too short to be joined
            assert normalize(anchored[note.comment]) == text[note.start : note.end], note.comment
    # The anchors are the user's characters, not the normalised ones.
    assert anchored["全角数字"] == "２０２３年"
    assert anchored["英文引号"] == '"专题党课"'
    assert anchored["被拆成两段的一句话"] == "问题导向，\n逐项抓好"
    assert anchored["一个加粗片段之内"] == "读过"
    assert anchored["去掉的零宽字符"] == "同志学\u200b习"
    assert anchored["去掉的全角空格之后"] == "个别"
    assert anchored["英文省略号"] == "走过场..."


def test_comments_carry_the_text_author_and_lines(original: bytes, text: str) -> None:
    notes = [_at(text, "钻研不深", "第一行意见\n第二行建议\x01", highlight=False)]
    document = _open(annotated_docx(text, notes, SUMMARY, original=original, author="审阅人"))
    (comment,) = list(document.comments)
    assert comment.author == "审阅人"
    assert comment.text == "第一行意见\n第二行建议\ufffd"  # one paragraph a line; no bad XML


def test_empty_and_out_of_range_spans_go_on_one_character(original: bytes, text: str) -> None:
    line_break = text.index("\n")
    notes = [
        WordNote(0, 0, "开头的插入点", False),
        WordNote(len(text), len(text), "末尾的插入点", False),
        WordNote(-5, 1, "从负数开始", False),
        WordNote(len(text) + 3, len(text) + 9, "超出全文", False),
        WordNote(line_break, line_break + 1, "只有换行", False),
        WordNote(9, 4, "起止颠倒", False),
    ]
    anchored = _anchored(_open(annotated_docx(text, notes, SUMMARY, original=original)))
    assert anchored["开头的插入点"] == text[0]
    assert anchored["末尾的插入点"] == text[-1]
    assert anchored["从负数开始"] == text[0]
    assert anchored["超出全文"] == text[-1]
    assert anchored["只有换行"] == text[line_break + 1]
    assert anchored["起止颠倒"] == text[9]


def test_random_spans_are_anchored_on_their_characters(original: bytes, text: str) -> None:
    rng = random.Random(20240601)
    notes = []
    for i in range(60):
        start = rng.randrange(len(text))
        end = min(len(text), start + rng.randrange(1, 40))
        notes.append(WordNote(start, end, f"随机意见{i}", i % 3 == 0))
    anchored = _anchored(_open(annotated_docx(text, notes, SUMMARY, original=original)))

    def loose(words: str) -> str:  # what normalising a fragment out of context may differ in
        folded = normalize(words).translate(str.maketrans('“”"', "'''"))
        return re.sub("[.…]+", ".", "".join(folded.split()))

    for note in notes:
        want = text[note.start : note.end].strip("\n")
        assert loose(anchored[note.comment]) == loose(want), (note, anchored[note.comment])


def _signature(paragraph) -> list[tuple[str, object, object, object, object]]:
    """Per character: the character and its run's bold, italic, font name and size."""
    return [
        (char, run.bold, run.italic, run.font.name, run.font.size)
        for run in paragraph.runs
        for char in run.text
    ]


def _all_paragraphs(document) -> list[Paragraph]:
    paragraphs = list(document.paragraphs)
    for table in document.tables:
        for row in table.rows:
            for cell in row.cells:
                paragraphs.extend(cell.paragraphs)
    return paragraphs


def test_formatting_inside_and_outside_the_spans_is_kept(original: bytes, text: str) -> None:
    notes = [
        _at(text, "读过", "加粗之内", highlight=True),
        _at(text, "看过，钻研不深、联系", "跨格式", highlight=True),
        _at(text, "实际", "另一种字体之内"),
        _at(text, "完成时限", "表格"),
    ]
    before = _open(original)
    after = _open(annotated_docx(text, notes, SUMMARY, original=original))
    offset = len(SUMMARY) + 2
    old, new = _all_paragraphs(before), _all_paragraphs(after)[offset:]
    assert len(old) == len(new)
    for was, now in zip(old, new, strict=True):
        assert _signature(now) == _signature(was)
        assert now.style is not None and was.style is not None
        assert now.style.name == was.style.name
    # The bold run was split around its commented part and every part is still bold.
    bold = [run for run in after.paragraphs[offset + 1].runs if run.bold]
    assert [run.text for run in bold] == ["满足于", "读过", "看过"]
    arial = [run for run in after.paragraphs[offset + 1].runs if run.font.name == "Arial"]
    assert "".join(run.text for run in arial) == "、联系实际不紧。"
    assert all(run.font.size == Pt(15) for run in arial)


def test_styles_tables_and_text_are_kept_and_the_summary_is_on_top(
    original: bytes, text: str
) -> None:
    notes = [_at(text, "钻研不深", "意见"), _at(text, "改进工作作风", "表格里的意见")]
    before = _open(original)
    result = annotated_docx(text, notes, SUMMARY, original=original)
    after = _open(result)
    block = [HEADING, *SUMMARY, ORIGINAL_SEPARATOR]
    assert len(after.paragraphs) == len(before.paragraphs) + len(block)
    assert [p.text for p in after.paragraphs[: len(block)]] == block
    assert after.paragraphs[0].runs[0].bold is True
    assert docx_text(result) == "\n".join(block) + "\n" + docx_text(original)
    assert after.paragraphs[len(block)].style.name == "Heading 1"
    assert len(after.tables) == 1
    table = after.tables[0]
    assert table.style.name == "Table Grid"
    assert table.cell(0, 0)._tc is table.cell(0, 1)._tc  # still merged across
    assert table.cell(1, 2)._tc is table.cell(2, 2)._tc  # still merged down
    assert table.cell(0, 0).text == "整改事项与完成时限"


def test_the_summary_goes_before_a_table_that_opens_the_document() -> None:
    document = docx.Document()
    document.add_table(rows=1, cols=2).cell(0, 1).text = "表格在最前面的材料"
    document.add_paragraph("正文第一段。")
    original = _saved(document)
    text = normalize(docx_text(original))
    result = annotated_docx(text, [_at(text, "最前面", "表格里")], ["摘要"], original=original)
    body = list(_open(result).element.body.iterchildren())
    assert [child.tag for child in body[:4]] == [qn("w:p")] * 3 + [qn("w:tbl")]
    assert normalize(_anchored(_open(result))["表格里"]) == "最前面"


def _highlighted(document) -> list[str]:
    """The highlighted stretches of text, in document order."""
    stretches: list[str] = []
    for paragraph in _all_paragraphs(document):
        current = ""
        for run in paragraph.runs:
            if run.font.highlight_color == WD_COLOR_INDEX.YELLOW:
                current += run.text
            elif current:
                stretches.append(current)
                current = ""
        if current:
            stretches.append(current)
    return stretches


def test_only_highlighted_notes_are_highlighted(original: bytes, text: str) -> None:
    notes = [
        _at(text, "满足于读过看过", "近似段落", highlight=True),
        _at(text, "钻研不深", "普通意见"),
        _at(text, "专题党课", "又一近似", highlight=True),
        _at(text, "长期坚持", "表格普通意见"),
    ]
    after = _open(annotated_docx(text, notes, SUMMARY, original=original))
    assert _highlighted(after) == ["满足于读过看过", "专题党课"]
    assert _highlighted(_open(annotated_docx(text, [], SUMMARY, original=original))) == []


def test_a_document_built_from_the_text(text: str) -> None:
    notes = [
        _at(text, "读过看过", "近似", highlight=True),
        _at(text, "问题导向，逐项", "一行之内"),
        WordNote(len(text), len(text), "末尾", False),
    ]
    result = annotated_docx(text, notes, SUMMARY)
    document = _open(result)
    lines = text.split("\n")
    assert [p.text for p in document.paragraphs] == [TITLE, *SUMMARY, TEXT_SEPARATOR, *lines]
    assert document.paragraphs[0].style.name == "Heading 1"
    anchored = _anchored(document)
    assert anchored == {"近似": "读过看过", "一行之内": "问题导向，逐项", "末尾": text[-1]}
    assert _highlighted(document) == ["读过看过"]


def test_a_note_across_lines_of_the_built_document(text: str) -> None:
    start = text.index("不到位。")
    end = text.index("文档") + 2
    document = _open(annotated_docx(text, [WordNote(start, end, "跨行", False)], []))
    assert _anchored(document)["跨行"] == text[start:end]


def test_no_notes_and_no_summary() -> None:
    document = _open(annotated_docx("只有一句话。", [], []))
    assert len(document.comments) == 0
    assert [p.text for p in document.paragraphs] == [TITLE, TEXT_SEPARATOR, "只有一句话。"]


def test_a_note_not_in_the_document_is_put_on_the_nearest_paragraph(original: bytes) -> None:
    foreign = normalize("这段文字来自另一份材料，和原稿毫无关系，只是用来检验定位失败的情形。")
    document = _open(
        annotated_docx(foreign, [_at(foreign, "毫无关系", "无法定位的意见")], [], original=original)
    )
    (comment,) = list(document.comments)
    assert comment.text.endswith("无法定位的意见")
    assert "毫无关系" in comment.text  # the words it was about are named
    assert _highlighted(document) == []


def test_a_text_that_drifted_from_the_document_still_finds_its_spans(original: bytes) -> None:
    inserted = "这是审阅时另外补写的一大段文字，原稿里并没有，" * 4
    drifted = normalize(inserted + "\n" + docx_text(original))
    notes = [
        _at(drifted, "钻研不深", "原稿里有"),
        _at(drifted, "书记牵头", "表格里有"),
        _at(drifted, "补写的一大段", "原稿里没有"),
    ]
    document = _open(annotated_docx(drifted, notes, [], original=original))
    anchored = _anchored(document)
    assert anchored["原稿里有"] == "钻研不深"
    assert anchored["表格里有"] == "书记牵头"
    (lost,) = [c.text for c in document.comments if c.text.endswith("原稿里没有")]
    assert "补写的一大段" in lost


def test_with_no_text_in_the_document_notes_are_listed_in_the_summary() -> None:
    document = docx.Document()
    document.add_paragraph("")
    original = _saved(document)
    result = _open(
        annotated_docx(
            "另一份材料。", [WordNote(0, 2, "无处安放", True)], ["摘要"], original=original
        )
    )
    assert len(result.comments) == 0
    assert [p.text for p in result.paragraphs] == [
        HEADING,
        "摘要",
        UNPLACED_HEADING,
        "“另一”：无处安放",
        ORIGINAL_SEPARATOR,
        "",
    ]


def test_an_empty_text_lists_its_notes_in_the_summary() -> None:
    result = _open(annotated_docx("", [WordNote(0, 0, "空文本上的意见", False)], []))
    assert len(result.comments) == 0
    assert [p.text for p in result.paragraphs] == [
        TITLE,
        UNPLACED_HEADING,
        "空文本上的意见",
        TEXT_SEPARATOR,
        "",
    ]


def test_the_original_bytes_are_not_modified(original: bytes, text: str) -> None:
    digest = hashlib.sha256(original).hexdigest()
    annotated_docx(
        text, [_at(text, "钻研不深", "意见", highlight=True)], SUMMARY, original=original
    )
    assert hashlib.sha256(original).hexdigest() == digest
    assert len(_open(original).comments) == 0
    assert docx_text(original).startswith("一、对照检查发现的主要问题")


def test_comments_already_in_the_document_are_kept(original: bytes, text: str) -> None:
    once = annotated_docx(
        text, [_at(text, "钻研不深", "第一轮意见")], ["第一轮"], original=original
    )
    again_text = normalize(docx_text(once))
    twice = annotated_docx(
        again_text, [_at(again_text, "专题党课", "第二轮意见")], ["第二轮"], original=once
    )
    anchored = _anchored(_open(twice))
    assert anchored == {"第一轮意见": "钻研不深", "第二轮意见": "专题党课"}


def test_an_original_that_cannot_be_opened_falls_back_to_the_text() -> None:
    result = _open(annotated_docx("一句话。", [WordNote(0, 2, "意见", False)], [], original=b"PK"))
    assert _anchored(result) == {"意见": "一句"}
    assert [p.text for p in result.paragraphs] == [TITLE, UNOPENED, TEXT_SEPARATOR, "一句话。"]


def test_line_breaks_and_tabs_inside_a_run() -> None:
    document = docx.Document()
    run = document.add_paragraph().add_run("第一部分写在软回车之前，")
    run.add_break()
    run.add_text("第二部分\t在制表符之后。")
    original = _saved(document)
    text = normalize(docx_text(original))
    start = text.index("之前")
    end = text.index("第二部分") + 4
    anchored = _anchored(
        _open(
            annotated_docx(text, [WordNote(start, end, "跨软回车", False)], [], original=original)
        )
    )
    assert normalize(anchored["跨软回车"]) == text[start:end]


def _long_original(paragraphs: int) -> bytes:
    document = docx.Document()
    for i in range(paragraphs):
        p = document.add_paragraph(f"第{i}段：我们在落实主体责任方面，")
        p.add_run("存在压力传导层层递减的问题").bold = i % 2 == 0
        p.add_run(f"，整改要坚持（{i}）项清单、  台账和时限管理，做到件件有着落。")
    return _saved(document)


def test_ten_thousand_characters_with_150_notes_are_quick() -> None:
    original = _long_original(170)
    text = normalize(docx_text(original))
    assert len(text) >= 10_000
    rng = random.Random(7)
    notes = []
    for i in range(150):
        start = rng.randrange(len(text) - 30)
        notes.append(WordNote(start, start + rng.randrange(1, 30), f"意见{i}", i % 2 == 0))
    began = time.perf_counter()
    result = annotated_docx(text, notes, SUMMARY, original=original)
    elapsed = time.perf_counter() - began
    assert len(_open(result).comments) == 150
    assert elapsed < 1.5, elapsed
    began = time.perf_counter()
    annotated_docx(text, notes, SUMMARY)
    assert time.perf_counter() - began < 1.5


def test_the_same_input_gives_the_same_bytes(original: bytes, text: str) -> None:
    import datetime as dt

    notes = [_at(text, text[5:15], "意见")]
    when = dt.datetime(2026, 3, 1, 9, 30, tzinfo=dt.UTC)
    for source in (original, None):
        once = annotated_docx(text, notes, ["摘要"], original=source, when=when)
        assert once == annotated_docx(text, notes, ["摘要"], original=source, when=when)
        [comment] = _open(once).comments
        assert comment.timestamp == when
