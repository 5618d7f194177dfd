"""Text about self-examination that is not one: a news report of a meeting, a research article.

Such a text lists problems too (会议指出……一是…), but they are not the writer's own, so asking it
for examples or sharper self-criticism is advice nobody would sign. Only its typos are checked,
and the review says why. The signs are narrow on purpose: a draft is never taken for a report.
"""

from __future__ import annotations

import re

# A dated first sentence that is only "X held a meeting", with no 我, and the report's own words
# (会议指出、与会…) further on: 2024年12月20日下午，城关镇党委召开年度民主生活会。会议指出…
_MEETING_REPORT = re.compile(
    r"^\s*(?:\d{4}年)?\d{1,2}月\d{1,2}日[^。\n我]{0,40}(?:召开|举行)[^。\n我]{0,40}会[^。\n我]{0,10}。"
)
_REPORTING = re.compile(r"会议(?:指出|强调|要求|认为|以)|与会|参会|列席")
_ARTICLE_TITLE = re.compile(r"调研报告|调查报告|调研与思考|浅析|浅谈|探析|对策研究")
_TITLE_CHARS = 40

NOTES = {
    "meeting_report": "这段文字是会议报道，不是本人或班子的对照检查材料：只检查了错别字。",
    "article": "这段文字是调研或研究文章，不是对照检查材料：只检查了错别字。",
}


def foreign_genre(text: str) -> str | None:
    """ "meeting_report" or "article" when the text plainly is one; None otherwise."""
    if _MEETING_REPORT.match(text) and _REPORTING.search(text):
        return "meeting_report"
    lines = text.strip().split("\n", 1)
    title = lines[0].strip()
    if (
        len(lines) > 1  # a title stands on a line of its own above the text
        and len(title) <= _TITLE_CHARS
        and not any(ch in title for ch in "。，；！？")
        and _ARTICLE_TITLE.search(title)
    ):
        return "article"
    return None
