"""Turning files into text: UTF-8, GB18030 or UTF-16 (with BOM) plain text, .docx and text
PDFs (core/pdf.py). Old Word and WPS files get a message saying how to send them instead."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path
from typing import Any

MAX_DOCX_UNPACKED = 50 * 1024 * 1024  # a .docx larger than this unpacked is refused


class DraftInputError(ValueError):
    """Input the engine cannot read; the message is shown to the user as it is."""


OLD_WORD = (
    "这是旧版 Word（.doc）或 WPS 文件，暂不能直接读取。请在 Word 或 WPS 中选择“文件—另存为”，"
    "保存类型选“Word 文档（*.docx）”，再发送 .docx 文件；也可以直接复制文字发送。"
)
LOCKED_DOCX = "这份 .docx 文件有密码保护，无法读取。请取消密码后再发送，或把文字复制后直接发送。"
_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # the container of .doc, .wps, .xls …
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")  # what Notepad saves as "Unicode" starts with one


def file_text(name: str, data: bytes) -> str:
    """The text of a file a user sent, by its content first and its name second: .docx, PDF,
    plain text in any of the encodings drafters save in, or a clear message for .doc/.wps."""
    suffix = Path(name).suffix.lower()
    if data.startswith(_OLE2) and suffix == ".docx":
        raise DraftInputError(LOCKED_DOCX)  # Word keeps a password-protected .docx in OLE2
    if data.startswith(_OLE2) or suffix in (".doc", ".wps", ".et", ".dps"):
        raise DraftInputError(OLD_WORD)
    if data.startswith(b"%PDF") or suffix == ".pdf":
        from core.pdf import pdf_text  # a child process with pypdf, only when a PDF arrives

        return pdf_text(data)
    if suffix == ".docx" or data[:4] == b"PK\x03\x04":
        return docx_text(data)
    return decode_text(data)


def decode_text(data: bytes) -> str:
    """Decode UTF-8 (with or without BOM), UTF-16 with a BOM, or GB18030; refuse binary data."""
    if data.startswith(_UTF16_BOMS):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            raise DraftInputError("无法识别文件编码，请另存为 UTF-8 编码的文本") from None
    if b"\x00" in data[:65536]:
        raise DraftInputError("这不是文本文件（含二进制内容），请提供 .txt 或 .docx 文件")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030")
    except UnicodeDecodeError:
        raise DraftInputError("无法识别文件编码，请另存为 UTF-8 或 GB18030 编码的文本") from None


def docx_text(data: bytes) -> str:
    """The paragraphs of a .docx file (tables included), one per line."""
    import docx  # python-docx is only needed when a .docx arrives

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(i.file_size for i in archive.infolist())
    except zipfile.BadZipFile:
        raise DraftInputError("无法打开该 .docx 文件，请确认它是 Word 文档") from None
    if unpacked > MAX_DOCX_UNPACKED:
        raise DraftInputError("该 .docx 文件解压后过大，无法处理")
    try:
        document = docx.Document(io.BytesIO(data))
    except Exception:  # python-docx raises many kinds (lxml, KeyError, ValueError…) on bad files
        raise DraftInputError("无法打开该 .docx 文件，请确认它是 Word 文档") from None
    return "\n".join(_body_lines(document))


def _body_lines(document: Any) -> list[str]:
    """Paragraphs and tables in the order they stand in the document; a merged cell, which
    python-docx repeats for every grid column it spans, once."""
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    lines: list[str] = []
    for child in document.element.body.iterchildren():
        tag = child.tag.rsplit("}", 1)[-1]
        if tag == "p":
            lines.append(Paragraph(child, document).text)
        elif tag == "tbl":
            # Per table, the <w:tc> elements themselves (kept alive, so lxml hands back the same
            # proxy): a cell merged across columns or down rows comes once.
            seen: list[Any] = []
            for row in Table(child, document).rows:
                for cell in row.cells:
                    if not any(cell._tc is tc for tc in seen):
                        seen.append(cell._tc)
                        lines.append(cell.text)
    return lines


def read_draft(path: Path) -> str:
    """Read a draft from a text file or a .docx file (see `file_text`)."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise DraftInputError(f"找不到文件：{path}") from None
    except IsADirectoryError:
        raise DraftInputError(f"这是一个目录，不是文件：{path}") from None
    except OSError as exc:
        raise DraftInputError(f"无法读取文件：{path}（{exc.strerror}）") from None
    return file_text(path.name, data)
