"""The score chart sent with a whole draft's review, drawn only where a CJK font is installed
(never with empty boxes for the Chinese labels); its absence is logged once."""

from __future__ import annotations

import functools
import logging
from pathlib import Path

from core.chart import aspect_chart, find_cjk_font
from core.presentation import Report

log = logging.getLogger(__name__)
# A draft declaring dozens of aspects of its own would make a picture taller than Telegram takes
# (width + height ≤ 10,000 px); its bars are in the reply anyway.
MOST_BARS = 12


@functools.cache
def _font(setting: Path | None) -> Path | None:
    font = find_cjk_font(None if setting is None else str(setting))
    if font is None:
        log.warning(
            "no CJK font found (install fonts-wqy-microhei or set CHART_FONT): "
            "reviews are sent without the score chart"
        )
    return font


def score_chart(report: Report, setting: Path | None) -> bytes | None:
    """The chart of the aspect scores, or None when no font can draw Chinese."""
    font = _font(setting)
    if font is None or not 0 < len(report.bars) <= MOST_BARS:
        return None
    title = "各方面覆盖" if report.whole else "各方面得分"
    if report.grade is not None:
        title += f"（总评 {report.grade:.0f} 分）"
    return aspect_chart(title, [(b.name, b.score) for b in report.bars], font)
