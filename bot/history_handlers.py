"""Handlers for a user's own stored reviews: history, show, delete, forget, share, inline.

Each one first makes sure the sender is one person (bot/senders.py): placeholder accounts have
no history of their own. /history, /show, /delete and /forget are registered for private chats
only (bot/app.py); in a group they get `private_only`'s hint instead.
"""

from __future__ import annotations

import logging
import re

from telegram import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InlineQueryResultArticle,
    InputTextMessageContent,
    Update,
)
from telegram.constants import ParseMode

from bot.context import BotContext
from bot.handlers import callback_ints, send_attachments
from bot.render import (
    compare_message,
    history_message,
    review_messages,
    summary_message,
)
from bot.senders import require_person
from bot.storage import StoredReview
from core import Review
from core.models import review_from_dict
from core.presentation import Report, present
from core.structure import draft_name
from core.versions import progress

log = logging.getLogger(__name__)


async def history(update: Update, context: BotContext) -> None:
    """/history: the asker's last ten reviews."""
    message, user = update.effective_message, update.effective_user
    if message and user and await require_person(update):
        summaries = await context.services.store.recent(user.id)
        await message.reply_html(history_message(summaries, context.services.config.timezone))


async def show(update: Update, context: BotContext) -> None:
    """/show N: one of the asker's own reviews again."""
    stored = await _own_review(update, context, "show")
    if stored is not None and update.effective_message:
        for part in review_messages(_report(stored), number=stored.number):
            await update.effective_message.reply_html(part)


async def word(update: Update, context: BotContext) -> None:
    """/word N: the annotated Word document of one of the asker's own reviews (a paragraph's
    review does not come with one unasked)."""
    stored = await _own_review(update, context, "word")
    if stored is not None and update.effective_message:
        await send_attachments(
            update.effective_message, context.services, _report(stored), stored.number, chart=False
        )


async def compare(update: Update, context: BotContext) -> None:
    """/compare N M: what changed from the asker's review N to review M."""
    message, user = update.effective_message, update.effective_user
    if message is None or user is None or not await require_person(update):
        return
    numbers = [_number(a) for a in (context.args or [])]
    if len(numbers) != 2 or None in numbers or numbers[0] == numbers[1]:
        await message.reply_text(
            "用法：/compare 旧编号 新编号（编号见 /history），例如 /compare 3 5"
        )
        return
    found = [await context.services.store.get(user.id, n) for n in numbers if n is not None]
    missing = [str(n) for n, s in zip(numbers, found, strict=True) if s is None]
    if missing:
        await message.reply_text(
            f"没有找到您的第 {'、'.join(missing)} 号记录，发送 /history 查看编号。"
        )
        return
    old, new = (s for s in found if s is not None)
    await message.reply_html(
        compare_message(old.number, new.number, progress(_review(old), _review(new)))
    )


def _review(stored: StoredReview) -> Review:
    return review_from_dict(stored.review)


def _report(stored: StoredReview) -> Report:
    return present(_review(stored))


async def delete(update: Update, context: BotContext) -> None:
    """/delete N: delete one of the asker's own reviews."""
    message, user = update.effective_message, update.effective_user
    number = _number_arg(context)
    if message is None or user is None or not await require_person(update):
        return
    if number is None:
        await message.reply_text("用法：/delete 编号（编号见 /history），例如 /delete 3")
        return
    deleted = await context.services.store.delete(user.id, number)
    await message.reply_text(
        f"已删除第 {number} 号审阅记录。" if deleted else f"没有找到您的第 {number} 号记录。"
    )


async def forget(update: Update, context: BotContext) -> None:
    """/forget: after a confirmation button, delete everything stored for the asker."""
    message, user = update.effective_message, update.effective_user
    if message and user and await require_person(update):
        buttons = [
            InlineKeyboardButton("确认全部删除", callback_data=f"forget:{user.id}:1"),
            InlineKeyboardButton("取消", callback_data=f"forget:{user.id}:0"),
        ]
        await message.reply_text(
            "确定要删除您的全部审阅记录吗？删除后无法恢复。",
            reply_markup=InlineKeyboardMarkup([buttons]),
        )


async def forget_button(update: Update, context: BotContext) -> None:
    """The /forget confirmation: only the user who asked can confirm."""
    query = update.callback_query
    if query is None or not await require_person(update):
        return
    parsed = callback_ints(query.data, "forget", 2)
    if parsed is None or parsed[0] != query.from_user.id:
        await query.answer("只有发起删除的本人可以确认。", show_alert=True)
        return
    await query.answer()
    if parsed[1] == 0:
        await query.edit_message_text("已取消，记录未删除。")
        return
    removed = await context.services.store.forget(query.from_user.id)
    await query.edit_message_text(f"已删除您的全部审阅记录（{removed} 条）。")


async def share(update: Update, context: BotContext) -> None:
    """/share N [full]: post the asker's own review N here, the draft only with "full"."""
    stored = await _own_review(update, context, "share")
    message, user = update.effective_message, update.effective_user
    if stored is None or message is None or user is None:
        return
    full = any(a.lower() in {"full", "全文"} for a in (context.args or [])[1:])
    zone = context.services.config.timezone
    for part in summary_message(stored, full=full, owner=user.full_name, zone=zone):
        await message.reply_html(part)


async def _own_review(update: Update, context: BotContext, command: str) -> StoredReview | None:
    message, user = update.effective_message, update.effective_user
    if message is None or user is None or not await require_person(update):
        return None
    number = _number_arg(context)
    if number is None:
        await message.reply_text(f"用法：/{command} 编号（编号见 /history），例如 /{command} 3")
        return None
    stored = await context.services.store.get(user.id, number)
    if stored is None:
        await message.reply_text(f"没有找到您的第 {number} 号记录，发送 /history 查看编号。")
    return stored


async def inline_query(update: Update, context: BotContext) -> None:
    """@bot N in any chat: offer the user's own review N as a result to send."""
    query = update.inline_query
    if query is None or not await require_person(update):
        return
    number = _number(query.query)
    stored = None
    if number is not None:
        stored = await context.services.store.get(query.from_user.id, number)
    results = []
    if stored is not None:
        summary = summary_message(stored, zone=context.services.config.timezone)[0]
        results.append(
            InlineQueryResultArticle(
                id=f"review-{stored.number}",
                title=f"审阅结果 第 {stored.number} 号：{_grade_of(stored)}",
                description=draft_name(stored.draft) or "—",
                input_message_content=InputTextMessageContent(summary, parse_mode=ParseMode.HTML),
            )
        )
    await query.answer(results, cache_time=0, is_personal=True)


async def private_only(update: Update, context: BotContext) -> None:
    """/history, /show, /delete or /forget in a group: one's records are not for the group."""
    message = update.effective_message
    if message and message.text:
        command = message.text.split()[0].split("@")[0]
        await message.reply_text(f"为保护隐私，请在与我的私聊中使用 {command}。")


def _grade_of(stored: StoredReview) -> str:
    report = _report(stored)
    return f"总评 {report.grade:.0f} 分" if report.grade is not None else report.counts_line


def _number_arg(context: BotContext) -> int | None:
    args = context.args or []
    return _number(args[0]) if args else None


def _number(text: str) -> int | None:
    """A review number: ASCII digits only (no ², no −1, no 10**20)."""
    if not re.fullmatch(r"[0-9]{1,9}", text.strip()) or int(text) == 0:
        return None
    return int(text)
