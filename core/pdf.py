"""Text out of a PDF, in a child process with a time and memory budget.

Most templates circulate as PDF. A text PDF is read with pypdf; a scanned one (pictures of
pages) has no text to read and is told so. A malformed, encrypted or enormous file must not hang
the bot or eat its memory, so the reading happens in a separate process that is killed after
`PDF_SECONDS` and cannot grow beyond its memory limit (core/pdf_child.py, run as a script: the
PDF on standard input, the text or an error code as JSON on standard output).
"""

from __future__ import annotations

import json
import logging
import subprocess
import sys
from pathlib import Path

from core.pdf_child import MAX_PDF_PAGES
from core.reading import DraftInputError

PDF_SECONDS = 30.0
CHILD = Path(__file__).with_name("pdf_child.py")  # run by path: the child imports no `core`

SCANNED = (
    "这份 PDF 是扫描图片，没有可以读取的文字。请提供 Word 原稿（.docx），或把文字复制后直接发送。"
)
ENCRYPTED = "这份 PDF 有密码保护，无法读取。请提供未加密的文件，或把文字复制后直接发送。"
BROKEN = "无法打开这份 PDF（文件可能已损坏）。请另存为 .docx，或把文字复制后直接发送。"
TOO_MANY_PAGES = f"这份 PDF 超过 {MAX_PDF_PAGES} 页，太长了。请只发送需要审阅的部分。"
TOO_HEAVY = (
    "这份 PDF 过于复杂，无法在限定时间和内存内读取。请另存为 .docx，或把文字复制后直接发送。"
)
MESSAGES = {
    "scanned": SCANNED,
    "encrypted": ENCRYPTED,
    "broken": BROKEN,
    "too_many_pages": TOO_MANY_PAGES,
    "too_heavy": TOO_HEAVY,
}
log = logging.getLogger(__name__)


def pdf_text(data: bytes, *, seconds: float = PDF_SECONDS) -> str:
    """The text of a PDF, pages in order; a clear DraftInputError for anything else."""
    try:
        done = subprocess.run(
            [sys.executable, str(CHILD)],
            input=data,
            capture_output=True,
            timeout=seconds,
            check=False,
        )
    except subprocess.TimeoutExpired:  # run() kills the child before raising
        raise DraftInputError(TOO_HEAVY) from None
    try:
        answer = json.loads(done.stdout)
    except ValueError:  # killed for memory, or the interpreter itself failed: say which in the log
        log.warning("PDF reader exited %s: %s", done.returncode, done.stderr[-300:])
        raise DraftInputError(TOO_HEAVY) from None
    if "text" in answer:
        return str(answer["text"])
    raise DraftInputError(MESSAGES.get(str(answer.get("error")), BROKEN))
