"""A review as a Word document: the presenter's `Report` as a summary at the top and a comment
on every finding and every near-copy (copies also highlighted), in the user's own .docx when
that is what they sent (core/word.py does the Word side)."""

from __future__ import annotations

from datetime import datetime

from core.presentation import Report, progress_line
from core.word import WordNote, annotated_docx

COPY_ADVICE = "建议：与已有材料高度近似，请结合本人本单位的具体事例改写。"


def review_document(
    report: Report, *, original: bytes | None = None, when: datetime | None = None
) -> bytes:
    """The annotated .docx for `report`; `original` is the .docx the text was read from, `when`
    the time its comments carry (none without it)."""
    return annotated_docx(
        report.text, word_notes(report), summary_lines(report), original=original, when=when
    )


def word_notes(report: Report) -> tuple[WordNote, ...]:
    notes = [
        WordNote(f.start, f.end, f"[{f.label}] {f.message}\n建议：{f.suggestion}", highlight=False)
        for f in report.findings
    ]
    notes += [
        WordNote(
            c.start,
            c.end,
            f"[近似·{c.kind}相似度 {c.score:.0f}] 来源：{c.source}\n来源原文：{c.source_words}\n"
            + COPY_ADVICE,
            highlight=True,
        )
        for c in report.copies
    ]
    return tuple(sorted(notes, key=lambda n: (n.start, n.end)))


def summary_lines(report: Report) -> tuple[str, ...]:
    lines = []
    if report.progress is not None:
        lines.append("与上一版相比：" + progress_line(report.progress))
        lines += [f"  已解决 [{c.label}] 「{c.quote}」" for c in report.progress.resolved]
        lines += [f"  新增 [{c.label}] 「{c.quote}」" for c in report.progress.new]
    if report.scheme_reason:
        lines.append(f"方案：{report.scheme_reason}")
    grade = f"总评 {report.grade:.0f} 分 · " if report.grade is not None else ""
    lines.append(grade + report.counts_line)
    if not report.findings:
        lines.append("未发现需要修改的问题。")
    elif report.top_fixes:
        lines.append(report.fixes_title + "：")
        lines += [f"{n}. {fix.shown()}" for n, fix in enumerate(report.top_fixes, 1)]
    if report.missing_aspects:
        lines.append("未查摆的方面：" + "、".join(report.missing_aspects))
    lines += [f"注：{note}" for note in report.notes]
    if report.bars:
        lines.append(report.bars_title + "：")
        lines.append("；".join(f"{b.name} {b.score:.0f}" for b in report.bars))
    lines += [f"归类提示：{hint}" for hint in report.heading_hints]
    if report.findings or report.copies:
        lines.append("各条意见以批注形式标在正文相应位置；与已有材料近似的文字以黄色标出。")
    return tuple(lines)
