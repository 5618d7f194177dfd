"""Text out of a PDF, in a child process with a time and memory budget.

Most templates circulate as PDF. A text PDF is read with pypdf; a scanned one (pictures of
pages) has no text to read and is told so. A malformed, encrypted or enormous file must not hang
the bot or eat its memory, so the reading happens in a separate process that is killed after
`PDF_SECONDS` and cannot grow beyond `PDF_MEMORY` bytes (`python -m core.pdf`, the PDF on
standard input, the text or a message as JSON on standard output).
"""

from __future__ import annotations

import io
import json
import resource
import subprocess
import sys

from core.reading import DraftInputError

PDF_SECONDS = 30.0
PDF_MEMORY = 1024 * 1024 * 1024  # address space of the reading process
MAX_PDF_PAGES = 200
MIN_TEXT_PER_PAGE = 10  # fewer characters than this per page: pictures of pages, not text

SCANNED = (
    "这份 PDF 是扫描图片，没有可以读取的文字。请提供 Word 原稿（.docx），或把文字复制后直接发送。"
)
ENCRYPTED = "这份 PDF 有密码保护，无法读取。请提供未加密的文件，或把文字复制后直接发送。"
BROKEN = "无法打开这份 PDF（文件可能已损坏）。请另存为 .docx，或把文字复制后直接发送。"
TOO_MANY_PAGES = f"这份 PDF 超过 {MAX_PDF_PAGES} 页，太长了。请只发送需要审阅的部分。"
TOO_HEAVY = (
    "这份 PDF 过于复杂，无法在限定时间和内存内读取。请另存为 .docx，或把文字复制后直接发送。"
)


def pdf_text(data: bytes, *, seconds: float = PDF_SECONDS) -> str:
    """The text of a PDF, pages in order; a clear DraftInputError for anything else."""
    try:
        done = subprocess.run(
            [sys.executable, "-m", "core.pdf"],
            input=data,
            capture_output=True,
            timeout=seconds,
            check=False,
        )
    except subprocess.TimeoutExpired:  # run() kills the child before raising
        raise DraftInputError(TOO_HEAVY) from None
    try:
        answer = json.loads(done.stdout.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise DraftInputError(TOO_HEAVY) from None  # killed, out of memory, or crashed
    if "text" in answer:
        return str(answer["text"])
    raise DraftInputError(str(answer.get("error", BROKEN)))


def _child() -> None:
    """`python -m core.pdf`: a PDF on standard input, {"text": …} or {"error": …} out."""
    resource.setrlimit(resource.RLIMIT_AS, (PDF_MEMORY, PDF_MEMORY))
    try:
        answer = {"text": _extract(sys.stdin.buffer.read())}
    except DraftInputError as exc:
        answer = {"error": str(exc)}
    except MemoryError:
        answer = {"error": TOO_HEAVY}
    except Exception:  # pypdf raises many kinds on a broken file
        answer = {"error": BROKEN}
    sys.stdout.write(json.dumps(answer, ensure_ascii=False))


def _extract(data: bytes) -> str:
    from pypdf import PdfReader
    from pypdf.errors import FileNotDecryptedError

    reader = PdfReader(io.BytesIO(data))
    if reader.is_encrypted and not reader.decrypt(""):
        raise DraftInputError(ENCRYPTED)
    if len(reader.pages) > MAX_PDF_PAGES:
        raise DraftInputError(TOO_MANY_PAGES)
    try:
        pages = [page.extract_text() or "" for page in reader.pages]
    except FileNotDecryptedError:
        raise DraftInputError(ENCRYPTED) from None
    text = "\n".join(pages).strip()
    if len("".join(text.split())) < MIN_TEXT_PER_PAGE * max(1, len(pages)):
        raise DraftInputError(SCANNED)
    return text


if __name__ == "__main__":
    _child()
