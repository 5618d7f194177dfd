"""A review's aspect scores as a PNG bar chart that reads on a phone, Chinese labels included.

Pillow draws it (imported inside the functions: the engine is imported where no chart is drawn),
with a CJK font found on the machine; nothing is downloaded and no subprocess runs. A font is
accepted only if it really draws 理论学习: FreeType draws a character a font lacks as the font's
missing-glyph box (tofu) or as nothing, and either would make a chart nobody can read.

The chart is 1080 px wide (a phone screen shown at full width): the title on top, then per aspect
its name (wrapped, at most three lines) above a horizontal bar on a 0–100 track, the score printed
at the bar's end. Its height follows the number of aspects and the lines their names take. The
same input and font give the same bytes: basic text layout, no timestamps in the PNG.
"""

from __future__ import annotations

import io
import math
import os
import sys
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from PIL.ImageFont import FreeTypeFont

# The characters a font must draw to be accepted.
PROBE = "理论学习"
# No font maps these to a glyph of its own (U+FFFF is a noncharacter, U+E000 private use), so they
# render the font's missing-glyph box; a real glyph must look different from both.
_MISSING = ("\uffff", "\ue000")

# Font files of CJK font packages, best first: Debian/Ubuntu (the package in brackets), other Linux
# distributions, macOS. Windows fonts are added by _well_known_fonts.
_UNIX_FONTS = (
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",  # fonts-noto-cjk
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",  # fonts-wqy-microhei
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",  # fonts-wqy-zenhei
    "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf",  # fonts-droid-fallback
    "/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc",  # fonts-noto-cjk
    "/usr/share/fonts/truetype/arphic/uming.ttc",  # fonts-arphic-uming
    "/usr/share/fonts/truetype/arphic/ukai.ttc",  # fonts-arphic-ukai
    "/usr/share/fonts/google-noto-cjk/NotoSansCJK-Regular.ttc",  # Fedora
    "/usr/share/fonts/wqy-microhei/wqy-microhei.ttc",  # Fedora
    "/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc",  # Arch
    "/usr/share/fonts/noto/NotoSansCJK-Regular.ttc",  # Alpine
    "/System/Library/Fonts/PingFang.ttc",  # macOS
    "/System/Library/Fonts/Hiragino Sans GB.ttc",
    "/System/Library/Fonts/STHeiti Medium.ttc",
    "/System/Library/Fonts/STHeiti Light.ttc",
    "/Library/Fonts/Arial Unicode.ttf",
    "/System/Library/Fonts/Supplemental/Arial Unicode.ttf",
)
_WINDOWS_FONTS = ("msyh.ttc", "msyh.ttf", "simhei.ttf", "simsun.ttc", "Deng.ttf")

WIDTH = 1080
_PAD = 48  # margin on every side
_TITLE_PX = 48
_LABEL_PX = 38  # aspect names and scores: at least 34 px to be read on a phone
_TITLE_LINES = 2
_LABEL_LINES = 3  # a longer name ends in …
_LINE_GAP = 6  # between the lines of one wrapped text
_TITLE_GAP = 36  # below the title
_LABEL_GAP = 10  # between a name and its bar
_BAR_PX = 40
_ROW_GAP = 34  # between one bar and the next name
_VALUE_GAP = 14  # between a bar's end and its score
_BACKGROUND = (255, 255, 255)
_INK = (31, 35, 40)
_BAR_COLOUR = (47, 111, 222)
_TRACK_COLOUR = (229, 234, 242)

# Kept at the end of a line / moved to the next with the character before them.
_NO_LINE_START = frozenset("，。、；：？！）》」』】〉”’…—·%,.;:?!)]}")
_NO_LINE_END = frozenset("（《「『【〈“‘([{")


def find_cjk_font(explicit: str | None = None) -> Path | None:
    """The first font file that draws Chinese: `explicit` (the CHART_FONT setting) if it does,
    else a well-known file of a CJK font package. None when there is none on this machine."""
    candidates = [Path(explicit).expanduser()] if explicit else []
    candidates += _well_known_fonts()
    for path in candidates:
        if _is_file(path) and _draws_chinese(path):
            return path
    return None


def aspect_chart(title: str, bars: Sequence[tuple[str, float]], font: Path) -> bytes:
    """A PNG: `title` on top, then one bar per (aspect name, score); scores clamp to 0–100 (NaN
    counts as 0). Raises ValueError without bars, OSError when `font` cannot be read."""
    if not bars:
        raise ValueError("a chart needs at least one bar")
    from PIL import Image, ImageDraw

    title_font = _open_font(font, _TITLE_PX)
    label_font = _open_font(font, _LABEL_PX)
    text_width = WIDTH - 2 * _PAD
    title_lines = _wrap(_one_line(title), title_font, text_width, _TITLE_LINES)
    rows = [
        (_wrap(_one_line(name), label_font, text_width, _LABEL_LINES) or [""], _clamp(value))
        for name, value in bars
    ]
    title_step = _line_height(title_font) + _LINE_GAP
    label_step = _line_height(label_font) + _LINE_GAP
    title_height = len(title_lines) * title_step - _LINE_GAP + _TITLE_GAP if title_lines else 0
    rows_height = sum(
        len(lines) * label_step - _LINE_GAP + _LABEL_GAP + _BAR_PX for lines, _ in rows
    )
    height = 2 * _PAD + title_height + rows_height + _ROW_GAP * (len(rows) - 1)

    image = Image.new("RGB", (WIDTH, height), _BACKGROUND)
    draw = ImageDraw.Draw(image)
    # The track leaves room for the widest score, 100, after a full bar.
    track = text_width - _VALUE_GAP - math.ceil(label_font.getlength("100"))
    y = _PAD
    for line in title_lines:
        draw.text((_PAD, y), line, font=title_font, fill=_INK)
        y += title_step
    y += _TITLE_GAP - _LINE_GAP if title_lines else 0
    for lines, value in rows:
        for line in lines:
            draw.text((_PAD, y), line, font=label_font, fill=_INK)
            y += label_step
        y += _LABEL_GAP - _LINE_GAP
        end = _PAD + round(track * value / 100)
        draw.rectangle((_PAD, y, _PAD + track - 1, y + _BAR_PX - 1), fill=_TRACK_COLOUR)
        if end > _PAD:
            draw.rectangle((_PAD, y, end - 1, y + _BAR_PX - 1), fill=_BAR_COLOUR)
        draw.text(
            (end + _VALUE_GAP, y + _BAR_PX // 2),
            _score(value),
            font=label_font,
            fill=_INK,
            anchor="lm",
        )
        y += _BAR_PX + _ROW_GAP

    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()


def _well_known_fonts() -> list[Path]:
    paths = [Path(p) for p in _UNIX_FONTS]
    if sys.platform == "win32":
        fonts = Path(os.environ.get("WINDIR", r"C:\Windows")) / "Fonts"
        paths += [fonts / name for name in _WINDOWS_FONTS]
    return paths


def _is_file(path: Path) -> bool:
    try:
        return path.is_file()
    except OSError:  # e.g. a directory on the way that may not be read
        return False


def _draws_chinese(path: Path) -> bool:
    """Every character of PROBE has a glyph with ink that is not the missing-glyph box."""
    try:
        font = _open_font(path, _LABEL_PX)
        missing = {_glyph(font, char) for char in _MISSING}
        glyphs = [_glyph(font, char) for char in PROBE]
    except (OSError, ValueError):  # not a font FreeType reads
        return False
    return all(glyph not in missing and any(glyph[1]) for glyph in glyphs)


def _glyph(font: FreeTypeFont, char: str) -> tuple[tuple[int, int], bytes]:
    mask = font.getmask(char)
    return mask.size, bytes(mask)


def _open_font(path: Path, size: int) -> FreeTypeFont:
    """The font at `size`, the collection's Simplified Chinese face where it has several; basic
    layout, so the pixels do not depend on whether Pillow was built with libraqm."""
    from PIL import ImageFont

    return ImageFont.truetype(
        str(path), size, index=_face_index(path), layout_engine=ImageFont.Layout.BASIC
    )


@lru_cache(maxsize=16)
def _face_index(path: Path) -> int:
    """In a collection (.ttc), the first proportional face named for Simplified Chinese (Noto Sans
    CJK SC, PingFang SC, Hiragino Sans GB), else the first proportional face, else the first."""
    from PIL import ImageFont

    names: list[str] = []
    for index in range(32):
        try:
            family = ImageFont.truetype(str(path), 10, index=index).getname()[0]
        except (OSError, ValueError):  # past the last face
            break
        names.append(family or "")
    proportional = [i for i, name in enumerate(names) if "mono" not in name.lower()]
    simplified = [i for i in proportional if {"SC", "GB", "CN"} & set(names[i].split())]
    return (simplified or proportional or [0])[0]


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _clamp(value: float) -> float:
    return 0.0 if math.isnan(value) else min(100.0, max(0.0, float(value)))


def _score(value: float) -> str:
    """87.5 → 87.5, 90.0 → 90, 99.96 → 100."""
    return f"{round(value, 1):g}"


def _line_height(font: FreeTypeFont) -> int:
    ascent, descent = font.getmetrics()
    return int(ascent + descent)


def _wrap(text: str, font: FreeTypeFont, width: int, max_lines: int) -> list[str]:
    """`text` in lines no wider than `width`, broken between characters (Chinese has no spaces)
    but not before closing or after opening punctuation; past `max_lines` the last ends in …."""
    if not text:
        return []
    lines: list[str] = []
    line = ""
    for char in text:
        if not line or font.getlength(line + char) <= width:
            line += char
            continue
        carried = char
        # Closing marks take the character before them along; opening marks go down with theirs.
        while len(line) > 1 and (carried[0] in _NO_LINE_START or line[-1] in _NO_LINE_END):
            carried, line = line[-1] + carried, line[:-1]
        lines.append(line.rstrip())
        line = carried.lstrip()
    lines.append(line)
    if len(lines) <= max_lines:
        return lines
    last = lines[max_lines - 1]
    while last and font.getlength(last + "…") > width:
        last = last[:-1]
    return [*lines[: max_lines - 1], last + "…"]
