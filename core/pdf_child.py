"""Run as a script (never imported by the engine): a PDF on standard input, its text or an error
code as ASCII JSON on standard output. It imports nothing of `core`, so the child starts in a
fraction of a second and its memory budget is spent on the PDF alone."""

from __future__ import annotations

import io
import json
import resource
import sys

PDF_MEMORY = 1024 * 1024 * 1024  # address space of this process
MAX_PDF_PAGES = 200
MIN_TEXT_PER_PAGE = 10  # fewer characters than this per page: pictures of pages, not text


def extract(data: bytes) -> dict[str, str]:
    """{"text": …} or {"error": "encrypted" | "too_many_pages" | "scanned" | "broken"}."""
    from pypdf import PdfReader
    from pypdf.errors import FileNotDecryptedError

    reader = PdfReader(io.BytesIO(data))
    if reader.is_encrypted and not reader.decrypt(""):
        return {"error": "encrypted"}
    if len(reader.pages) > MAX_PDF_PAGES:
        return {"error": "too_many_pages"}
    try:
        pages = [page.extract_text() or "" for page in reader.pages]
    except FileNotDecryptedError:
        return {"error": "encrypted"}
    text = "\n".join(pages).strip()
    if len("".join(text.split())) < MIN_TEXT_PER_PAGE * max(1, len(pages)):
        return {"error": "scanned"}
    return {"text": text}


def main() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (PDF_MEMORY, PDF_MEMORY))
    try:
        answer = extract(sys.stdin.buffer.read())
    except MemoryError:
        answer = {"error": "too_heavy"}
    except Exception:  # pypdf raises many kinds on a broken file
        answer = {"error": "broken"}
    # ASCII JSON: a lone surrogate from a font's broken map cannot fail the write.
    sys.stdout.write(json.dumps(answer, ensure_ascii=True))


if __name__ == "__main__":
    main()
