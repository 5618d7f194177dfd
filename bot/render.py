"""Pure rendering: reviews, history and examples → Telegram HTML messages under 4096 chars.

Everything shown comes from a review's JSON form (`Review.to_dict()`), so a stored review
renders exactly like a fresh one. All user text is HTML-escaped; every message is built from
blocks whose tags are balanced, and messages are cut only between blocks.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import UTC, datetime, tzinfo
from html import escape
from typing import Any

from bot.storage import ReviewSummary, StoredReview
from core import Passage, Scheme, labels

MESSAGE_LIMIT = 4096
QUOTE_CHARS = 160
HISTORY_NAME_CHARS = 32  # a title: 张三同志2024年度民主生活会个人对照检查材料
FINDINGS_SHOWN = 25  # longer quotes are cut in the middle; the full text is in /show
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
    review: dict[str, Any], *, number: int | None = None, show_sources: bool = True
) -> list[str]:
    """The full review: verdict, six bars, each near-copy with its source, block hints."""
    blocks = [_verdict(review, number), *_grade(review), _score_lines(review)]
    blocks += _finding_blocks(review)
    if show_sources:
        blocks += _match_blocks(review)
    blocks += _heading_hints(review)
    return split_messages(blocks)


def _grade(review: dict[str, Any]) -> list[str]:
    verdict = review.get("verdict")
    if not verdict:
        return []
    lines = [f"<b>总评 {verdict['grade']:.0f} 分</b>"]
    for key, value in verdict.get("breakdown", {}).items():
        lines.append(
            f"<code>{bar(value)}</code> {value:>3.0f} {escape(labels.BREAKDOWN.get(key, key))}"
        )
    fixes = verdict.get("fixes", [])
    if fixes:
        lines.append("<b>最需要改的三件事</b>")
        lines += [f"{n}. {escape(fix)}" for n, fix in enumerate(fixes, 1)]
    missing = [d for d, c in verdict.get("coverage", {}).items() if not c.get("problems")]
    if missing:
        lines.append("未查摆的方面：" + "、".join(escape(d) for d in missing))
    return ["\n".join(lines)]


def _finding_blocks(review: dict[str, Any]) -> list[str]:
    findings = review.get("findings", [])
    if not findings:  # said in words, so a short reply does not look cut off
        return ["<b>审阅意见</b>：未发现需要修改的问题。"]
    text = review.get("text", "")
    blocks = [f"<b>审阅意见</b>（{len(findings)} 条，按重要程度排列）"]
    for n, f in enumerate(findings[:FINDINGS_SHOWN], 1):
        severity = labels.SEVERITIES.get(f["severity"], "")
        kind = f"{severity}·{labels.CHECKS.get(f['check'], f['check'])}"
        where = escape(clip(text[f["start"] : f["end"]].replace("\n", " "), 40))
        blocks.append(
            f"{n}. <b>[{escape(kind)}]</b> 「{where}」\n{escape(f['message'])}\n"
            f"<i>建议：{escape(f['suggestion'])}</i>"
        )
    if len(findings) > FINDINGS_SHOWN:
        blocks.append(f"另有 {len(findings) - FINDINGS_SHOWN} 条意见未列出，请先修改以上各处。")
    return blocks


def _verdict(review: dict[str, Any], number: int | None) -> str:
    title = "<b>审阅结果</b>" + (f"（第 {number} 号）" if number is not None else "")
    top = review.get("dimension")
    top_line = (
        f"主要维度：<b>{escape(top)}</b>" if top else "主要维度：未能判断（缺少与各方面相关的表述）"
    )
    matches = review.get("matches", [])
    share = review.get("duplicate_ratio", 0.0) * 100
    if matches:
        copies = f"与语料库近似：<b>{len(matches)}</b> 处，占全文 {share:.1f}%"
    else:
        copies = "与语料库近似：未发现"
    lines = [title]
    scheme = review.get("scheme")
    if scheme:
        lines.append(f"方案：{escape(str(scheme.get('reason', scheme.get('title', ''))))}")
        if scheme.get("source") in ("default", "chosen") and scheme.get("confidence", 1) < 1:
            lines.append("<i>如方案不对，可发送 /scheme 选择</i>")
    lines += [top_line, copies]
    lines += [f"<i>注：{escape(str(note))}</i>" for note in review.get("notes", [])]
    return "\n".join(lines)


def _score_lines(review: dict[str, Any]) -> str:
    whole = bool(review.get("verdict"))
    lines = ["<b>各方面覆盖</b>（按查摆的问题条数）" if whole else "<b>各方面得分</b>"]
    evidence = review.get("evidence", {})
    for name, value in review.get("scores", {}).items():
        why = "、".join(evidence.get(name, [])[:3])
        hint = f"  <i>{escape(why)}</i>" if why else ""
        lines.append(f"<code>{bar(value)}</code> {value:>3.0f} {escape(name)}{hint}")
    return "\n".join(lines)


def _match_blocks(review: dict[str, Any]) -> list[str]:
    matches = review.get("matches", [])
    if not matches:
        return []
    text = review.get("text", "")
    blocks = ["<b>近似段落</b>（与已有材料高度相似，建议结合本人本单位的具体事例改写）"]
    for n, match in enumerate(matches, 1):
        mine = clip(text[match["start"] : match["end"]])
        blocks.append(
            f"{n}. 「{escape(mine)}」\n"
            f"相似度 <b>{match['score']:.0f}</b> · 来源：{escape(str(match['source']))}\n"
            f"<i>来源原文：{escape(clip(str(match['source_text'])))}</i>"
        )
    return blocks


def _heading_hints(review: dict[str, Any]) -> list[str]:
    hints = []
    text = review.get("text", "")
    for block in review.get("blocks", []):
        said, found = block.get("heading_dimension"), block.get("dimension")
        if said and found and said != found:
            opening = clip(text[block["start"] : block["end"]].split("\n")[0], 30)
            hints.append(
                f"· {escape(opening)}：标题为“{escape(said)}”，"
                f"内容更接近“{escape(found)}”，请核对归类。"
            )
    return ["<b>归类提示</b>\n" + "\n".join(hints)] if hints else []


def summary_message(
    stored: StoredReview,
    *,
    full: bool = False,
    owner: str | None = None,
    zone: tzinfo = UTC,
) -> list[str]:
    """A review for a group: the verdict, grade, fixes and scores; the findings and the draft
    only when the owner asks for the full review."""
    review = stored.review
    header = f"{escape(owner)} 分享的审阅结果" if owner else "审阅结果"
    blocks = [
        f"<b>{header}</b>（第 {stored.number} 号，{_when(stored.created_at, zone)}）",
        _verdict(review, None).split("\n", 1)[1],
        *_grade(review),
        _score_lines(review),
    ]
    blocks += _heading_hints(review)
    if full:
        blocks += _finding_blocks(review)
        blocks.append("<b>原文</b>\n" + escape(stored.draft))
    return split_messages(blocks)


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
    "· /history — 最近十次审阅；/show 编号、/delete 编号（仅限私聊）\n"
    "· /forget — 删除您的全部记录（仅限私聊）\n"
    "· 群聊中：回复某条消息发送 /review 审阅它（只保存您本人消息的审阅）；"
    "/share 编号 分享您的审阅结果\n\n"
    "您的材料只保存在您自己的记录中，他人无法查看；匿名管理员或以频道身份发送的消息不保存。"
)

NOT_SUPPORTED = (
    "抱歉，我只能审阅文字、.txt、.docx 或 PDF 文件。请直接发送材料文字，或上传 .txt/.docx/PDF"
    "（.doc、.wps 请先另存为 .docx）。"
)
