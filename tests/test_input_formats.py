"""Files as drafters save them: UTF-16 from Notepad, .docx with tables and merged cells, text
PDFs (and scanned, broken, encrypted or enormous ones, each with a clear message in bounded time),
and old Word/WPS files, which get a message saying what to send instead."""

from __future__ import annotations

import io

import docx
import pytest

from core import pdf
from core.reading import OLD_WORD, DraftInputError, decode_text, file_text, read_draft
from tests.pdf_files import blank_pdf, text_pdf

DRAFT = "一、存在的问题\n一是2024年我只读完2本原著。"


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-be", "utf-16-le"])
def test_utf16_with_a_byte_order_mark_is_read(encoding: str) -> None:
    data = DRAFT.encode(encoding)
    if encoding != "utf-16":
        data = ("\ufeff" + DRAFT).encode(encoding)  # Notepad writes the mark first
    assert decode_text(data) == DRAFT


def test_utf16_without_a_mark_is_refused_as_binary() -> None:
    with pytest.raises(DraftInputError):
        decode_text(DRAFT.encode("utf-16-le"))


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("稿.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(64), OLD_WORD),
        ("稿.wps", b"anything", OLD_WORD),
        ("renamed.txt", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(64), OLD_WORD),
    ],
)
def test_old_word_and_wps_get_how_to_send_them(name: str, data: bytes, message: str) -> None:
    with pytest.raises(DraftInputError) as raised:
        file_text(name, data)
    assert str(raised.value) == message and ".docx" in message


def _docx_with_a_table() -> bytes:
    document = docx.Document()
    document.add_paragraph("一、存在的问题")
    table = document.add_table(rows=2, cols=3)
    table.cell(0, 0).merge(table.cell(0, 2)).text = "问题清单"
    table.cell(1, 0).text = "理论学习"
    table.cell(1, 1).text = "2024年只读完2本原著"
    table.cell(1, 2).text = "2025年6月底前读完5本"
    document.add_paragraph("二、原因分析")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def test_docx_tables_stand_where_they_are_and_merged_cells_come_once() -> None:
    lines = file_text("稿.docx", _docx_with_a_table()).split("\n")
    assert lines == [
        "一、存在的问题",
        "问题清单",
        "理论学习",
        "2024年只读完2本原著",
        "2025年6月底前读完5本",
        "二、原因分析",
    ]


def test_the_cli_reads_the_same_way(tmp_path) -> None:
    path = tmp_path / "稿.txt"
    path.write_bytes(DRAFT.encode("utf-16"))
    assert read_draft(path) == DRAFT
    old = tmp_path / "稿.doc"
    old.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(64))
    with pytest.raises(DraftInputError, match="另存为"):
        read_draft(old)


PAGES = [
    "一、存在的问题\n一是2024年我只读完2本原著，没有形成读书笔记。",
    "二、原因分析\n一是理想信念有所松懈。",
]


def test_a_text_pdf_is_read_page_by_page() -> None:
    text = file_text("范文.pdf", text_pdf(PAGES))
    assert [line for line in text.split("\n") if line] == [
        "一、存在的问题",
        "一是2024年我只读完2本原著，没有形成读书笔记。",
        "二、原因分析",
        "一是理想信念有所松懈。",
    ]
    assert file_text("noext", text_pdf(PAGES)) == text  # known by its content, not its name


def _encrypted() -> bytes:
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(text_pdf(PAGES))))
    writer.encrypt("secret", algorithm="RC4-128")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (blank_pdf(3), pdf.SCANNED),
        (text_pdf(PAGES)[:300], pdf.BROKEN),
        (b"%PDF-1.7\n" + bytes(500), pdf.BROKEN),
        (blank_pdf(pdf.MAX_PDF_PAGES + 1), pdf.TOO_MANY_PAGES),
    ],
    ids=["scanned", "truncated", "garbage", "enormous"],
)
def test_a_pdf_that_cannot_be_read_gets_a_clear_message(data: bytes, message: str) -> None:
    with pytest.raises(DraftInputError) as raised:
        file_text("稿.pdf", data)
    assert str(raised.value) == message


def test_an_encrypted_pdf_gets_a_clear_message() -> None:
    with pytest.raises(DraftInputError) as raised:
        file_text("稿.pdf", _encrypted())
    assert str(raised.value) == pdf.ENCRYPTED


def test_a_pdf_that_takes_too_long_is_given_up_within_the_budget() -> None:
    with pytest.raises(DraftInputError) as raised:
        pdf.pdf_text(text_pdf(PAGES), seconds=0.01)  # the child is killed at the deadline
    assert str(raised.value) == pdf.TOO_HEAVY


def test_a_password_protected_docx_is_named_for_what_it_is() -> None:
    with pytest.raises(DraftInputError, match="密码"):
        file_text("稿.docx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(64))


def test_a_cell_merged_down_rows_comes_once() -> None:
    document = docx.Document()
    table = document.add_table(rows=3, cols=2)
    table.cell(0, 0).merge(table.cell(2, 0)).text = "理论学习"
    for row in range(3):
        table.cell(row, 1).text = f"问题{row + 1}"
    buffer = io.BytesIO()
    document.save(buffer)
    assert file_text("稿.docx", buffer.getvalue()).split("\n") == [
        "理论学习",
        "问题1",
        "问题2",
        "问题3",
    ]
