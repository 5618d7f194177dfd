"""Turning files into text: UTF-8 or GB18030 plain text, and .docx."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

MAX_DOCX_UNPACKED = 50 * 1024 * 1024  # a .docx larger than this unpacked is refused


class DraftInputError(ValueError):
    """Input the engine cannot read; the message is shown to the user as it is."""


def decode_text(data: bytes) -> str:
    """Decode UTF-8 (with or without BOM) or GB18030; refuse binary data."""
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
    lines = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            lines.extend(cell.text for cell in row.cells)
    return "\n".join(lines)


def read_draft(path: Path) -> str:
    """Read a draft from a .txt (or any text) file or a .docx file."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise DraftInputError(f"找不到文件：{path}") from None
    except IsADirectoryError:
        raise DraftInputError(f"这是一个目录，不是文件：{path}") from None
    except OSError as exc:
        raise DraftInputError(f"无法读取文件：{path}（{exc.strerror}）") from None
    if path.suffix.lower() == ".docx" or data[:4] == b"PK\x03\x04":
        return docx_text(data)
    return decode_text(data)
