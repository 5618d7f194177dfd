"""Pure rendering: reviews, history and examples → Telegram HTML messages under 4096 chars.

Reviews are shown from the presenter's `Report` (core/presentation.py), the one the terminal
and the Word document read; a stored review is read back into a typed `Review` first, so it
renders exactly like a fresh one. All user text is HTML-escaped; every message is built from
blocks whose tags are balanced, and messages are cut only between blocks.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import UTC, datetime, tzinfo
from html import escape

from bot.storage import ReviewSummary, StoredReview
from core import Passage, Scheme
from core.models import Progress, review_from_dict
from core.presentation import (
    CopyItem,
    ProgressView,
    Report,
    present,
    present_progress,
    progress_line,
)
from core.text import compare_key

MESSAGE_LIMIT = 4096
SCHEME_REASON_CHARS = 120  # a draft declaring dozens of aspects names them all in its reason
QUOTE_CHARS = 160
HISTORY_NAME_CHARS = 32  # a title: 张三同志2024年度民主生活会个人对照检查材料
BAR_CELLS = 10


def bar(score: float) -> str:
    filled = round(max(0.0, min(100.0, score)) / 100 * BAR_CELLS)
    return "▇" * filled + "▁" * (BAR_CELLS - filled)


def clip(text: str, limit: int = QUOTE_CHARS) -> str:
    """Shorten long text in the middle, keeping its start and end recognisable."""
    if len(text) <= limit:
        return text
    half = (limit - 1) // 2
    return f"{text[:half]}…{text[-half:]}"


def split_messages(blocks: Iterable[str], limit: int = MESSAGE_LIMIT) -> list[str]:
    """Pack blocks (each balanced HTML) into as few messages as possible, in order."""
    return _pack((piece for block in blocks for piece in _fit(block, limit)), "\n\n", limit)


def _fit(block: str, limit: int) -> list[str]:
    """A block longer than a message is split at line breaks; a tag never spans lines."""
    if len(block) <= limit:
        return [block]
    lines: list[str] = []
    for line in block.split("\n"):
        while len(line) > limit:  # only plain escaped text can be this long
            cut = _safe_cut(line, limit)
            lines.append(line[:cut])
            line = line[cut:]
        lines.append(line)
    return _pack(lines, "\n", limit)


def _pack(pieces: Iterable[str], separator: str, limit: int) -> list[str]:
    """Greedily join pieces (each at most `limit` long) with `separator` under `limit`."""
    packed: list[str] = []
    current: str | None = None
    for piece in pieces:
        joined = piece if current is None else f"{current}{separator}{piece}"
        if len(joined) <= limit:
            current = joined
        else:
            packed.append(current or "")
            current = piece
    if current:
        packed.append(current)
    return packed


def _safe_cut(line: str, limit: int) -> int:
    """A cut point at or before `limit` that is not inside an HTML entity or tag."""
    cut = limit
    for opener, closer in (("&", ";"), ("<", ">")):
        start = line.rfind(opener, 0, cut)
        if start != -1 and line.find(closer, start) >= cut:
            cut = start
    return max(cut, 1)


def review_messages(
    report: Report,
    *,
    number: int | None = None,
    previous: int | None = None,
    joined: int = 1,
    attached: bool = False,
) -> list[str]:
    """A review for a phone: one screen first (scheme, grade, the three fixes, counts), then
    the details folded (expandable quotes) and capped; the rest is in the Word document.

    `previous` is the number of the version `report.progress` compares with; `joined` how many
    messages were taken as one paste; `attached` whether a Word document follows."""
    head = [_title(number), *_joined(joined), *_progress_head(report, previous)]
    head += _headline(report)
    if attached:
        rest = "见随附的 Word 文档"
    elif number is not None:
        rest = f"发送 /word {number} 查看全部"
    else:
        rest = ""
    blocks = ["\n".join(head), *_details(report, rest)]
    if attached:
        blocks.append("<i>全部意见已作为批注标在随附的 Word 文档中。</i>")
    elif number is not None and len(report.findings) > 0:
        blocks.append(f"<i>发送 /word {number} 获取标注了全部意见的 Word 文档。</i>")
    return split_messages(blocks)


def _title(number: int | None) -> str:
    return "<b>审阅结果</b>" + (f"（第 {number} 号）" if number is not None else "")


def _joined(parts: int) -> list[str]:
    if parts < 2:
        return []
    return [f"<i>连续收到的 {parts} 条消息已合并为一篇材料审阅。</i>"]


def _progress_head(report: Report, previous: int | None) -> list[str]:
    if report.progress is None:
        return []
    which = f"第 {previous} 号" if previous is not None else "上一版"
    return [f"<b>与{which}相比</b>：{escape(progress_line(report.progress))}"]


def _headline(report: Report, *, quoted: bool = True) -> list[str]:
    """Scheme, grade and counts, the three fixes, missing aspects, notes."""
    lines = []
    if report.scheme_reason:
        lines.append(f"方案：{escape(clip(report.scheme_reason, SCHEME_REASON_CHARS))}")
    if not report.whole:  # a paragraph: which aspect it reads as (a draft has coverage)
        top = report.top_dimension
        lines.append(
            f"主要维度：<b>{escape(top)}</b>"
            if top
            else "主要维度：未能判断（缺少与各方面相关的表述）"
        )
    grade = f"<b>总评 {report.grade:.0f} 分</b> · " if report.grade is not None else ""
    lines.append(grade + escape(report.counts_line))
    if not report.findings:  # said in words, so a short reply does not look cut off
        lines.append("<b>未发现需要修改的问题。</b>")
    elif report.top_fixes:
        lines.append(f"<b>{report.fixes_title}</b>")
        lines += [
            f"{n}. {escape(fix.shown(quoted=quoted))}" for n, fix in enumerate(report.top_fixes, 1)
        ]
    if report.missing_aspects:
        lines.append("未查摆的方面：" + "、".join(escape(d) for d in report.missing_aspects))
    lines += [f"<i>注：{escape(note)}</i>" for note in report.notes]
    if report.scheme_unsure:
        lines.append("<i>如方案不对，可发送 /scheme 选择</i>")
    return lines


def _details(report: Report, rest: str) -> list[str]:
    """Folded blocks, each capped so the whole reply stays within one message where it can;
    `rest` says where what did not fit can be read."""
    blocks = [
        _folded("与上一版相比的变化", _change_lines(report), DETAIL_BUDGET["progress"], rest),
        _folded(_findings_title(report), _finding_lines(report), DETAIL_BUDGET["findings"], rest),
        _folded(
            f"近似段落（另 {len(report.loose_copies)} 处，与已有材料高度相似，建议结合本人"
            "本单位的具体事例改写）"
            if len(report.loose_copies) < len(report.copies)
            else f"近似段落（{len(report.copies)} 处，与已有材料高度相似，建议结合本人本单位"
            "的具体事例改写）",
            _copy_lines(report.loose_copies),
            DETAIL_BUDGET["copies"],
            rest,
        ),
        _folded(_bars_title(report), _bar_lines(report), DETAIL_BUDGET["bars"]),
        _folded("归类提示", [escape(clip(h, 80)) for h in report.heading_hints], 400),
    ]
    return [b for b in blocks if b]


DETAIL_BUDGET = {"progress": 500, "findings": 1800, "copies": 700, "bars": 600}


def _folded(title: str, entries: list[str], budget: int, rest: str = "") -> str:
    """`<b>title</b>` and an expandable quote of as many entries as fit in `budget`; `rest`
    says where the others can be read."""
    if not entries:
        return ""
    shown: list[str] = []
    used = 0
    for entry in entries:
        if shown and used + len(entry) > budget:
            break
        shown.append(entry)
        used += len(entry) + 1
    if len(shown) < len(entries):
        where = f"，{rest}" if rest else ""
        shown.append(f"……另有 {len(entries) - len(shown)} 条{where}。")
    body = "\n".join(shown)
    return f"<b>{escape(title)}</b>\n<blockquote expandable>{body}</blockquote>"


def _change_lines(report: Report) -> list[str]:
    return [] if report.progress is None else _change_lines_of(report.progress)


def _change_lines_of(progress: ProgressView) -> list[str]:
    lines = [
        f"✓ 已解决 [{escape(c.label)}] 「{escape(clip(c.quote, 30))}」" for c in progress.resolved
    ]
    lines += [f"✗ 新增 [{escape(c.label)}] 「{escape(clip(c.quote, 30))}」" for c in progress.new]
    return lines


def _findings_title(report: Report) -> str:
    rest = len(report.findings) - len(report.top_findings)
    if report.top_findings:
        return f"其余审阅意见（{rest} 条，按重要程度排列）"
    return f"审阅意见（{rest} 条，按重要程度排列）"


def _finding_lines(report: Report, *, all_of_them: bool = False) -> list[str]:
    """Each finding not already quoted among the top fixes (all of them for /share full)."""
    lines = []
    for f in report.findings:
        if f.number in report.top_findings and not all_of_them:
            continue
        source = "".join(f"\n   来源：{escape(c.source)}（相似度 {c.score:.0f}）" for c in f.copies)
        lines.append(
            f"{f.number}. <b>[{escape(f.label)}]</b> 「{escape(clip(f.quote, 40))}」"
            f"\n   {escape(f.message)}\n   <i>建议：{escape(f.suggestion)}</i>{source}"
        )
    return lines


def _copy_lines(copies: Sequence[CopyItem]) -> list[str]:
    return [
        f"{c.number}. 「{escape(clip(c.quote, 60))}」 相似度 <b>{c.score:.0f}</b>"
        f"\n   来源：{escape(c.source)}{_source_words(c)}"
        for c in copies
    ]


def _source_words(copy: CopyItem) -> str:
    """The source sentence, unless it reads the same as the quoted words."""
    if compare_key(copy.source_words) == compare_key(copy.quote):
        return "（原句相同）" if not copy.source_part else "（原句中的一段）"
    return f"：<i>{escape(clip(copy.source_words, 60))}</i>"


def _bars_title(report: Report) -> str:
    return "各方面覆盖（按查摆的问题条数）" if report.whole else "各方面得分"


def _bar_lines(report: Report) -> list[str]:
    lines = []
    for b in report.bars:
        why = "、".join(b.evidence[:3])
        hint = f"  <i>{escape(why)}</i>" if why else ""
        lines.append(f"<code>{bar(b.score)}</code> {b.score:>3.0f} {escape(b.name)}{hint}")
    if report.breakdown:
        lines.append("<b>总评分项</b>")
        lines += [
            f"<code>{bar(value)}</code> {value:>3.0f} {escape(label)}"
            for label, value in report.breakdown
        ]
    return lines


def compare_message(old: int, new: int, progress: Progress) -> str:
    """/compare: the grade before and after, the findings resolved and new, how many kept."""
    view = present_progress(progress)
    lines = [f"<b>第 {old} 号 → 第 {new} 号</b>：{escape(progress_line(view))}"]
    changes = _change_lines_of(view)
    if changes:
        lines.append(_folded("变化明细", changes, DETAIL_BUDGET["findings"]))
    else:
        lines.append("两次审阅的意见相同。")
    return "\n".join(lines)


def summary_message(
    stored: StoredReview,
    *,
    full: bool = False,
    owner: str | None = None,
    zone: tzinfo = UTC,
) -> list[str]:
    """A review for a group: the grade, the fixes and the counts; the findings and the draft
    only when the owner asks for the full review."""
    report = present(review_from_dict(stored.review))
    header = f"{escape(owner)} 分享的审阅结果" if owner else "审阅结果"
    # The draft's words (even its first line) reach the group only with "full".
    head = [
        f"<b>{header}</b>（第 {stored.number} 号，{_when(stored.created_at, zone)}）",
        *_headline(report, quoted=False),  # "full" lists every finding with its words below
    ]
    blocks = ["\n".join(head)]
    blocks.append(_folded(_bars_title(report), _bar_lines(report), DETAIL_BUDGET["bars"]))
    if full:
        blocks += [
            _folded(
                f"审阅意见（{len(report.findings)} 条）",
                _finding_lines(report, all_of_them=True),
                DETAIL_BUDGET["findings"],
            ),
            "<b>原文</b>\n" + escape(stored.draft),
        ]
    return split_messages(b for b in blocks if b)


def history_message(summaries: Sequence[ReviewSummary], zone: tzinfo = UTC) -> str:
    if not summaries:
        return "您还没有审阅记录。直接发送材料文字或 .txt/.docx/PDF 文件即可开始。"
    lines = ["<b>最近的审阅记录</b>（/show 编号 查看，/delete 编号 删除）"]
    for s in summaries:
        top = escape(s.top_dimension) if s.top_dimension else "—"
        name = escape(clip(s.opening.replace("\n", " "), HISTORY_NAME_CHARS))
        lines.append(
            f"<b>{s.number}</b>. {name}\n    {_when(s.created_at, zone)} · {top} · "
            f"近似 {s.duplicate_ratio * 100:.0f}%"
        )
    return "\n".join(lines)


def examples_messages(
    scheme: Scheme, dimension: str, passages: Sequence[Passage], start: int, total: int
) -> list[str]:
    if not passages and start == 0:
        return [
            f"语料库中暂无“{escape(dimension)}”方面（{escape(scheme.title)}）可作范例的段落"
            "（套话较多或与其他材料雷同的段落不作范例）。"
        ]
    if not passages:
        return [f"“{escape(dimension)}”方面的示例已全部列出（共 {total} 条）。"]
    blocks = [
        f"<b>“{escape(dimension)}”方面的语料示例</b>（{escape(scheme.title)}，"
        f"第 {start + 1}–{start + len(passages)} 条，共 {total} 条，按具体程度排序）"
    ]
    for n, passage in enumerate(passages, start + 1):
        blocks.append(
            f"{n}. {escape(clip(passage.text, 600))}\n<i>来源：{escape(passage.document)}</i>"
        )
    if start + len(passages) >= total:
        blocks.append(f"<i>以上是全部 {total} 条示例。</i>")
    return split_messages(blocks)


def dimensions_message(scheme: Scheme) -> str:
    lines = [f"<b>{escape(scheme.title)}</b>"]
    for dim in scheme.dimensions:
        lines.append(f"· <b>{escape(dim.name)}</b>：{escape(dim.description)}")
    first = scheme.dimensions[0].name if scheme.dimensions else "廉洁自律"
    lines.append(f"\n发送 /dimension 名称 查看语料示例，例如 /dimension {escape(first)}")
    lines.append("发送 /scheme 查看或选择其他年度的方案。")
    return "\n".join(lines)


def _when(moment: datetime, zone: tzinfo = UTC) -> str:
    """A stored (UTC) time in the users' time zone (TIMEZONE), e.g. 2024-12-20 14:05."""
    return moment.astimezone(zone).strftime("%Y-%m-%d %H:%M")


HELP = (
    "<b>材料审阅助手</b>\n"
    "帮您审阅对照检查材料：按材料所属年度的方面（自动识别 2022–2025 年度民主生活会、"
    "党纪学习教育六大纪律、组织生活会等，也可按材料自拟的方面）打分，"
    "指出与已有材料近似（照搬套话）的段落及出处。\n\n"
    "<b>怎么用</b>\n"
    "· 直接发送一段文字或整篇材料，例如：\n"
    "  <i>一是理论学习不够系统，往往以会代学，去年只读完两本原著。</i>\n"
    "· 也可以发送 .txt、.docx 或 PDF 文件（.doc、.wps 请先另存为 .docx）。\n"
    "· /dimension 廉洁自律 — 查看该方面的语料示例\n"
    "· /dimensions — 当前方案的各方面及说明\n"
    "· /scheme — 查看或选择方案（材料中没有年度线索时使用）\n"
    "· 整篇材料另附各方面得分图和 Word 批注版（意见标在原文相应位置）；"
    "同一材料修改后再发送，回复开头会说明与上一版相比的变化\n"
    "· 超过一条消息长度的材料可直接粘贴，分成几条的会合并审阅\n"
    "· /history — 最近十次审阅；/show 编号、/word 编号（Word 批注版）、"
    "/compare 旧编号 新编号、/delete 编号（仅限私聊）\n"
    "· /forget — 删除您的全部记录（仅限私聊）\n"
    "· 群聊中：回复某条消息发送 /review 审阅它（只保存您本人消息的审阅）；"
    "/share 编号 分享您的审阅结果\n\n"
    "您的材料只保存在您自己的记录中，他人无法查看；匿名管理员或以频道身份发送的消息不保存。"
)

NOT_SUPPORTED = (
    "抱歉，我只能审阅文字、.txt、.docx 或 PDF 文件。请直接发送材料文字，或上传 .txt/.docx/PDF"
    "（.doc、.wps 请先另存为 .docx）。"
)
