"""core/chart.py: the aspect-score chart, a PNG with Chinese labels that reads on a phone.

The chart tests need a CJK font. Without one they skip on a developer's machine (with the
package to install) and fail in CI (CI or REQUIRE_CJK_FONT set): .ci/run installs fonts-wqy-microhei first.
"""

from __future__ import annotations

import io
import math
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from core import chart
from tests.conftest import ROOT

SHORT = [("理论学习", 50.0)]
LONG_NAME = "强化政治忠诚提高政治能力" * 5  # 60 characters: three lines at 38 px
EIGHT = [
    ("理论学习", 86.5),
    ("强化政治忠诚提高政治能力", 72.0),
    ("联系服务群众", 100.0),
    ("发挥党员作用", 0.0),
    ("个人有关事项", 58.96),
    ("廉洁自律", 91.0),
    ("整改落实", 64.0),
    ("其他", 33.3),
]


@pytest.fixture(scope="module")
def font() -> Path:
    found = chart.find_cjk_font()
    if found is None:
        if any(
            os.environ.get(name, "").lower() not in ("", "0", "false", "no")
            for name in ("CI", "REQUIRE_CJK_FONT")
        ):
            pytest.fail("no CJK font was found in CI (.ci/run installs fonts-wqy-microhei)")
        pytest.skip(
            "no CJK font on this machine: the chart cannot draw Chinese "
            "(apt-get install fonts-wqy-microhei, or set CHART_FONT)"
        )
    return found


def pixels(png: bytes) -> np.ndarray:
    from PIL import Image

    with Image.open(io.BytesIO(png)) as image:
        assert image.format == "PNG"
        assert image.mode == "RGB"
        array: np.ndarray = np.asarray(image, dtype=np.uint8)
    return array


def ink(array: np.ndarray) -> np.ndarray:
    """Text pixels: dark grey (the bars are blue, the track light grey, the background white)."""
    dark: np.ndarray = array.max(axis=2) < 128
    return dark


def bar_rows(array: np.ndarray) -> list[tuple[int, int]]:
    """(first, last) row of each bar, found in the column just right of the left margin."""
    column = (array[:, chart._PAD + 1] == chart._BAR_COLOUR).all(axis=1)
    runs: list[tuple[int, int]] = []
    for y in np.flatnonzero(column):
        if runs and runs[-1][1] == y - 1:
            runs[-1] = (runs[-1][0], int(y))
        else:
            runs.append((int(y), int(y)))
    return runs


def bar_length(array: np.ndarray, row: int) -> int:
    return int((array[row] == chart._BAR_COLOUR).all(axis=1).sum())


def test_importing_the_module_does_not_import_pillow() -> None:
    code = "import sys, core, core.chart; sys.exit('PIL' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code], cwd=ROOT).returncode == 0


def test_the_png_decodes_at_phone_width_and_grows_by_one_row_per_bar(font: Path) -> None:
    heights = [pixels(chart.aspect_chart("维度得分", EIGHT[:n], font)).shape[:2] for n in (1, 2, 8)]
    assert all(width == chart.WIDTH == 1080 for _, width in heights)
    one, two, eight = (height for height, _ in heights)
    row = two - one
    assert 100 <= row <= 140  # a 38 px name, its bar and the gap to the next
    assert eight == one + 7 * row
    assert 250 <= one <= 350


def test_the_label_area_is_not_blank(font: Path) -> None:
    array = pixels(chart.aspect_chart("维度得分", SHORT, font))
    ((top, bottom),) = bar_rows(array)
    assert bottom - top + 1 == chart._BAR_PX
    label = ink(array[top - chart._LABEL_PX - chart._LABEL_GAP : top, chart._PAD :])
    assert label.sum() > 300  # four characters' strokes
    columns = np.flatnonzero(label.any(axis=0))
    assert columns[0] < 10  # starts at the margin
    assert 3 * chart._LABEL_PX < columns[-1] < 5 * chart._LABEL_PX  # about four characters wide


def test_the_same_input_gives_the_same_bytes(font: Path) -> None:
    first = chart.aspect_chart("维度得分", EIGHT, font)
    assert chart.aspect_chart("维度得分", list(EIGHT), font) == first
    assert chart.aspect_chart("维度得分", EIGHT[:-1], font) != first


def test_the_label_is_drawn_with_real_glyphs_not_tofu(font: Path) -> None:
    face = chart._open_font(font, chart._LABEL_PX)
    missing = {chart._glyph(face, char) for char in ("\uffff", "\ue000")}
    for char in "强化政治忠诚提高政治能力理论学习":
        size, mask = chart._glyph(face, char)
        assert (size, mask) not in missing, char
        assert any(mask), char


def latin_only_font() -> Path | None:
    for pattern in ("DejaVuSans.ttf", "DejaVu*.ttf", "Liberation*.ttf"):
        found = sorted(Path("/usr/share/fonts").rglob(pattern))
        if found:
            return found[0]
    return None


def test_a_font_without_chinese_is_rejected(monkeypatch: pytest.MonkeyPatch) -> None:
    latin = latin_only_font()
    if latin is None:
        pytest.skip("no DejaVu or Liberation font under /usr/share/fonts to reject")
    assert chart.find_cjk_font(str(latin)) != latin  # falls through to the well-known fonts
    monkeypatch.setattr(chart, "_well_known_fonts", list)
    assert chart.find_cjk_font(str(latin)) is None


def test_a_missing_path_or_a_file_that_is_no_font_is_rejected(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    not_a_font = tmp_path / "fake.ttc"
    not_a_font.write_bytes(b"not a font" * 100)
    monkeypatch.setattr(chart, "_well_known_fonts", list)
    assert chart.find_cjk_font(str(tmp_path / "missing.ttc")) is None
    assert chart.find_cjk_font(str(not_a_font)) is None
    assert chart.find_cjk_font(str(tmp_path)) is None  # a directory
    assert chart.find_cjk_font("") is None
    assert chart.find_cjk_font() is None


def test_an_explicit_font_comes_first(font: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert chart.find_cjk_font(str(font)) == font
    assert chart.find_cjk_font("/nonexistent/font.ttc") == font  # falls back
    monkeypatch.setattr(chart, "_well_known_fonts", list)
    assert chart.find_cjk_font(str(font)) == font


@pytest.mark.parametrize(
    ("given", "drawn"), [(-5.0, 0.0), (-math.inf, 0.0), (math.nan, 0.0), (140.0, 100.0)]
)
def test_scores_outside_0_to_100_clamp(font: Path, given: float, drawn: float) -> None:
    assert chart.aspect_chart("维度得分", [("理论学习", given)], font) == chart.aspect_chart(
        "维度得分", [("理论学习", drawn)], font
    )


def test_0_draws_no_bar_and_100_a_full_one(font: Path) -> None:
    empty = pixels(chart.aspect_chart("维度得分", [("理论学习", 0)], font))
    assert bar_rows(empty) == []
    full = pixels(chart.aspect_chart("维度得分", [("理论学习", 100)], font))
    half = pixels(chart.aspect_chart("维度得分", [("理论学习", 50)], font))
    ((top, _),) = bar_rows(full)
    assert abs(bar_length(full, top) - 2 * bar_length(half, top)) <= 1
    assert chart._PAD + bar_length(full, top) < chart.WIDTH - chart._PAD  # room for "100"


def test_one_bar_and_eight_bars(font: Path) -> None:
    one = pixels(chart.aspect_chart("维度得分", SHORT, font))
    assert len(bar_rows(one)) == 1
    eight = pixels(chart.aspect_chart("维度得分", EIGHT, font))
    rows = bar_rows(eight)
    assert len(rows) == 7  # 发挥党员作用 scores 0: no bar
    lengths = [bar_length(eight, top) for top, _ in rows]
    full = lengths[2]  # 联系服务群众: 100
    scores = [value for _, value in EIGHT if value > 0]
    assert all(abs(n - full * v / 100) <= 1 for n, v in zip(lengths, scores, strict=True))


@pytest.mark.parametrize("name", [LONG_NAME, "强化政治忠诚提高政治能力" * 20])
def test_long_names_wrap_inside_the_image(font: Path, name: str) -> None:
    short = pixels(chart.aspect_chart("维度得分", [("理论学习", 100)], font))
    long = pixels(chart.aspect_chart("维度得分", [(name, 100)], font))
    assert long.shape[1] == chart.WIDTH
    step = chart._line_height(chart._open_font(font, chart._LABEL_PX)) + chart._LINE_GAP
    assert long.shape[0] == short.shape[0] + 2 * step  # three lines, the longer one cut with …
    ((top, _),) = bar_rows(long)
    label = ink(long[chart._PAD : top])
    columns = np.flatnonzero(label.any(axis=0))
    assert columns[-1] < chart.WIDTH - chart._PAD  # the rightmost label pixel is inside
    assert columns[-1] > chart.WIDTH - chart._PAD - 2 * chart._LABEL_PX  # lines are filled
    assert not ink(long[:, chart.WIDTH - chart._PAD :]).any()  # nothing in the right margin


def test_a_long_title_wraps_too(font: Path) -> None:
    array = pixels(chart.aspect_chart("对照检查材料维度得分" * 10, SHORT, font))
    assert not ink(array[:, chart.WIDTH - chart._PAD :]).any()


def test_wrapping_breaks_between_characters_but_not_before_closing_marks(font: Path) -> None:
    face = chart._open_font(font, chart._LABEL_PX)
    text = "强化政治忠诚，提高政治能力（含“两个维护”）。联系服务群众、发挥作用"
    for width in range(4 * chart._LABEL_PX, 12 * chart._LABEL_PX, 7):
        lines = chart._wrap(text, face, width, max_lines=99)
        assert "".join(lines) == text
        assert all(face.getlength(line) <= width for line in lines)
        assert not any(line[0] in "，。、）”" for line in lines[1:]), lines
        assert not any(line[-1] in "（“" for line in lines), lines
    cut = chart._wrap(text, face, 4 * chart._LABEL_PX, max_lines=2)
    assert len(cut) == 2 and cut[-1].endswith("…")
    assert face.getlength(cut[-1]) <= 4 * chart._LABEL_PX


def test_a_chart_needs_a_bar(font: Path) -> None:
    with pytest.raises(ValueError, match="at least one bar"):
        chart.aspect_chart("维度得分", [], font)
