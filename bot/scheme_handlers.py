"""/scheme: which frame a user's drafts are reviewed under when a draft shows no clue of its own.

A draft that names its year or meeting, or whose aspect headings match a scheme, is reviewed
under that scheme whatever the user chose: staff often review several units' drafts of different
years. The choice (stored per user, deleted by /forget) decides only for drafts without a clue,
such as a pasted paragraph; without a choice the deployment default or the newest scheme does.
"""

from __future__ import annotations

import logging
from html import escape

from sqlalchemy.exc import SQLAlchemyError
from telegram import Message, Update

from bot.context import BotContext, Services
from bot.senders import is_person
from core.schemes import Scheme, catalogue

log = logging.getLogger(__name__)
AUTO_WORDS = ("auto", "自动", "默认", "取消")


async def preferred_scheme(found: Services, user_id: int | None) -> str | None:
    """The user's own choice if they made one, else the deployment default (None: newest)."""
    return await user_choice(found, user_id) or found.config.default_scheme


async def user_choice(found: Services, user_id: int | None) -> str | None:
    """The scheme the user chose with /scheme (None: no choice, or unreadable just now)."""
    chosen = None
    if user_id is not None:
        try:
            chosen = await found.store.scheme(user_id)
        except (SQLAlchemyError, OSError):  # the review goes ahead without the choice
            log.warning("could not read the scheme choice of user %s", user_id)
    if chosen is not None and chosen not in catalogue().ids:
        chosen = None  # a scheme this version no longer ships
    return chosen


def fallback_scheme(found: Services, preferred: str | None) -> Scheme:
    return catalogue().get(preferred) if preferred else catalogue().newest


async def scheme(update: Update, context: BotContext) -> None:
    """/scheme: show the schemes and the user's choice; /scheme ID chooses; /scheme 自动 clears."""
    message, user = update.effective_message, update.effective_user
    if message is None:
        return
    found = context.services
    asker = user.id if user is not None and is_person(update) else None
    wanted = " ".join(context.args or []).strip()
    if not wanted:
        chosen = await user_choice(found, asker)
        fallback = fallback_scheme(found, chosen or found.config.default_scheme)
        await message.reply_html(_overview(fallback, chosen=chosen))
        return
    if asker is None:
        await message.reply_text("匿名或以频道身份发送时无法保存方案选择。")
        return
    if wanted.lower() in AUTO_WORDS:
        await _save(message, found, asker, None)
        return
    match = _find(wanted)
    if match is None:
        ids = "、".join(catalogue().ids)
        await message.reply_text(f"没有名为“{wanted}”的方案。可选：{ids}；或发送 /scheme 自动")
        return
    await _save(message, found, asker, match.name)


def _find(wanted: str) -> Scheme | None:
    for candidate in catalogue().schemes:
        if wanted in (candidate.name, candidate.title):
            return candidate
    return None


async def _save(message: Message, found: Services, user_id: int, choice: str | None) -> None:
    try:
        await found.store.set_scheme(user_id, choice)
    except SQLAlchemyError:
        log.exception("could not store the scheme choice of user %s", user_id)
        await message.reply_text("抱歉，方案选择未能保存，请稍后再试。")
        return
    if choice is None:
        newest = fallback_scheme(found, found.config.default_scheme)
        await message.reply_text(
            f"已取消选择。没有年度线索的材料将按“{newest.title}”审阅；"
            "能识别出年度或方面标题的材料按识别结果审阅。"
        )
        return
    title = catalogue().get(choice).title
    await message.reply_text(
        f"已选择“{title}”。没有年度线索的材料（如单独一段文字）将按此方案审阅；"
        "标题或方面标题能识别出其他年度的材料，仍按识别结果审阅，回复中会注明。"
    )


def _overview(fallback: Scheme, *, chosen: str | None) -> str:
    lines = ["<b>审阅方案</b>"]
    if chosen:
        lines.append(f"您的选择：<b>{escape(fallback.title)}</b>（用于没有年度线索的材料）")
    else:
        lines.append(f"未选择：没有年度线索的材料按 <b>{escape(fallback.title)}</b> 审阅")
    lines.append(
        "有标题、年度或方面标题的材料会自动识别；方面标题与已有方案都不对应时，按材料自拟的方面审阅。\n"
    )
    for candidate in reversed(catalogue().schemes):
        names = "、".join(candidate.names)
        lines.append(
            f"<code>{escape(candidate.name)}</code> {escape(candidate.title)}\n  {escape(names)}"
        )
    lines.append("\n选择：/scheme 2024　取消：/scheme 自动")
    return "\n".join(lines)
