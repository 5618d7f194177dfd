"""Small PDF files built byte by byte for the tests: a text PDF in Chinese (a CID font with a
ToUnicode map, so a reader can extract the characters), a PDF of pages with no text (what a
scan looks like to a text extractor), and a truncated one."""

from __future__ import annotations


def text_pdf(pages: list[str]) -> bytes:
    """A PDF whose pages hold these lines of text (\n separates lines)."""
    chars = sorted({ch for page in pages for ch in page if ch != "\n"})
    code = {ch: i + 1 for i, ch in enumerate(chars)}
    font, descendant, descriptor, cmap = 3, 4, 5, 6
    objects: dict[int, bytes] = {
        1: b"<< /Type /Catalog /Pages 2 0 R >>",
        font: (
            f"<< /Type /Font /Subtype /Type0 /BaseFont /STSong-Light /Encoding /Identity-H "
            f"/DescendantFonts [{descendant} 0 R] /ToUnicode {cmap} 0 R >>"
        ).encode(),
        descendant: (
            f"<< /Type /Font /Subtype /CIDFontType2 /BaseFont /STSong-Light /CIDSystemInfo "
            f"<< /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> "
            f"/FontDescriptor {descriptor} 0 R /DW 1000 >>"
        ).encode(),
        descriptor: (
            b"<< /Type /FontDescriptor /FontName /STSong-Light /Flags 4 /FontBBox [0 -200 1000 900]"
            b" /ItalicAngle 0 /Ascent 900 /Descent -200 /CapHeight 700 /StemV 80 >>"
        ),
        cmap: _stream(_to_unicode(code)),
    }
    kids = []
    for number, page in enumerate(pages):
        page_id, content_id = 7 + 2 * number, 8 + 2 * number
        lines = b"".join(
            b"<" + "".join(f"{code[ch]:04X}" for ch in line).encode() + b"> Tj T* "
            for line in page.split("\n")
        )
        objects[content_id] = _stream(b"BT /F1 12 Tf 14 TL 50 800 Td " + lines + b"ET")
        objects[page_id] = (
            f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
            f"/Resources << /Font << /F1 {font} 0 R >> >> /Contents {content_id} 0 R >>"
        ).encode()
        kids.append(f"{page_id} 0 R")
    objects[2] = f"<< /Type /Pages /Kids [{' '.join(kids)}] /Count {len(pages)} >>".encode()
    return _assemble(objects)


def blank_pdf(pages: int) -> bytes:
    """Pages with nothing a text extractor can read (a scan's pictures look the same to it)."""
    objects: dict[int, bytes] = {1: b"<< /Type /Catalog /Pages 2 0 R >>"}
    kids = []
    for number in range(pages):
        objects[3 + number] = b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>"
        kids.append(f"{3 + number} 0 R")
    objects[2] = f"<< /Type /Pages /Kids [{' '.join(kids)}] /Count {pages} >>".encode()
    return _assemble(objects)


def _to_unicode(code: dict[str, int]) -> bytes:
    entries = [f"<{c:04X}> <{ord(ch):04X}>" for ch, c in code.items()]
    blocks = []
    for start in range(0, len(entries), 100):  # at most 100 entries per bfchar block
        chunk = entries[start : start + 100]
        blocks.append(f"{len(chunk)} beginbfchar\n" + "\n".join(chunk) + "\nendbfchar")
    return (
        "/CIDInit /ProcSet findresource begin 12 dict begin begincmap\n"
        "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n"
        "/CMapName /Adobe-Identity-UCS def /CMapType 2 def\n"
        "1 begincodespacerange <0000> <FFFF> endcodespacerange\n"
        + "\n".join(blocks)
        + "\nendcmap CMapName currentdict /CMap defineresource pop end end"
    ).encode()


def _stream(data: bytes) -> bytes:
    return b"<< /Length %d >>\nstream\n" % len(data) + data + b"\nendstream"


def _assemble(objects: dict[int, bytes]) -> bytes:
    out = bytearray(b"%PDF-1.7\n")
    offsets = {}
    for number in sorted(objects):
        offsets[number] = len(out)
        out += b"%d 0 obj\n" % number + objects[number] + b"\nendobj\n"
    xref = len(out)
    size = max(objects) + 1
    out += b"xref\n0 %d\n0000000000 65535 f \n" % size
    for number in range(1, size):
        out += b"%010d 00000 n \n" % offsets.get(number, 0)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (size, xref)
    return bytes(out)
