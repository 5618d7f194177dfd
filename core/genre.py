"""Text about self-examination that is not one: a news report of a meeting, a research article.

Such a text lists problems too (会议指出……一是…), but they are not the writer's own, so asking it
for examples or sharper self-criticism is advice nobody would sign. Only its typos are checked,
and the review says why. The signs are narrow on purpose: a draft is never taken for a report.
"""

from __future__ import annotations

import re

_MEETING_REPORT = re.compile(
    r"^\s*(?:\d{4}年)?\d{1,2}月\d{1,2}日[^。\n]{0,40}(?:召开|举行|组织开展|开展了)"
)
_ARTICLE_TITLE = re.compile(r"调研报告|调查报告|调研与思考|的思考|浅析|浅谈|探析|探究|对策研究")
_TITLE_CHARS = 40

NOTES = {
    "meeting_report": "这段文字是会议报道，不是本人或班子的对照检查材料：只检查了错别字。",
    "article": "这段文字是调研或研究文章，不是对照检查材料：只检查了错别字。",
}


def foreign_genre(text: str) -> str | None:
    """ "meeting_report" or "article" when the text plainly is one; None otherwise."""
    if _MEETING_REPORT.match(text):
        return "meeting_report"
    title = text.lstrip().split("\n", 1)[0]
    if len(title) <= _TITLE_CHARS and _ARTICLE_TITLE.search(title):
        return "article"
    return None
