"""Thin Telegram callbacks: extract → core → store → render → reply.

The review is stored before replying so the reply can cite its number (/show N, /share N);
a storage failure never costs the user the review itself.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import re
from collections.abc import AsyncIterator
from dataclasses import dataclass, field, replace
from pathlib import PurePosixPath
from typing import Any

from sqlalchemy.exc import SQLAlchemyError
from telegram import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InlineQueryResultArticle,
    InputTextMessageContent,
    Message,
    Update,
)
from telegram.constants import ChatAction, ChatType, ParseMode
from telegram.ext import ContextTypes

from bot.config import Config
from bot.limits import RateLimiter, UserQueues
from bot.render import (
    HELP,
    NOT_SUPPORTED,
    dimensions_message,
    examples_messages,
    history_message,
    review_messages,
    summary_message,
)
from bot.shared_corpus import SharedCorpus
from bot.storage import ReviewStore, StoredReview
from core import Corpus, DraftInputError, UnknownDimensionError, review
from core.reading import decode_text, docx_text
from core.text import is_blank

log = logging.getLogger(__name__)
EXAMPLES_PAGE = 3
_ACCEPTED = {".txt": "text", ".docx": "docx"}


@dataclass(frozen=True, slots=True)
class Services:
    """What the handlers use, built once in the composition root."""

    corpus: Corpus
    store: ReviewStore
    config: Config
    shared: SharedCorpus | None = None
    limiter: RateLimiter | None = None
    queues: UserQueues = field(default_factory=UserQueues)


def services(context: ContextTypes.DEFAULT_TYPE) -> Services:
    found = context.bot_data["services"]
    assert isinstance(found, Services)
    return found


async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Explain what the bot does, with an example."""
    if update.effective_message:
        await update.effective_message.reply_html(HELP)


async def review_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Review a pasted draft (private chat)."""
    message = update.effective_message
    if message and message.text:
        await _review_and_reply(message, context, message.text)


async def review_document(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Review an uploaded .txt or .docx file (private chat)."""
    message = update.effective_message
    if message is None or message.document is None:
        return
    document, limits = message.document, services(context).config
    kind = _ACCEPTED.get(PurePosixPath(document.file_name or "").suffix.lower())
    if kind is None:
        await message.reply_text(NOT_SUPPORTED)
        return
    if (document.file_size or 0) > limits.max_file_bytes:
        mb = limits.max_file_bytes / 1024 / 1024
        await message.reply_text(f"文件过大（上限 {mb:.0f} MB），请精简后再发送，或分段发送文字。")
        return
    data = bytes(await (await document.get_file()).download_as_bytearray())
    try:
        text = docx_text(data) if kind == "docx" else decode_text(data)
    except DraftInputError as exc:
        await message.reply_text(str(exc))
        return
    await _review_and_reply(message, context, text)


async def add_corpus(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """An administrator's document captioned /addcorpus joins the corpus of every replica."""
    message, user = update.effective_message, update.effective_user
    found = services(context)
    if message is None or user is None or message.document is None:
        return
    if user.id not in found.config.admin_ids or found.shared is None:
        await message.reply_text("只有管理员可以向语料库添加文档。")
        return
    name = PurePosixPath(message.document.file_name or "document.txt")
    kind = _ACCEPTED.get(name.suffix.lower())
    if kind is None:
        await message.reply_text("语料只接受 .txt 或 .docx 文件。")
        return
    data = bytes(await (await message.document.get_file()).download_as_bytearray())
    try:
        text = docx_text(data) if kind == "docx" else decode_text(data)
    except DraftInputError as exc:
        await message.reply_text(str(exc))
        return
    if is_blank(text):
        await message.reply_text("文件内容为空，未加入语料库。")
        return
    stored = await found.shared.add(f"{name.stem}.txt", text, user.id)
    await sync_corpus(context.application)
    seconds = found.config.corpus_sync_seconds
    await message.reply_text(f"已加入语料库：{stored}。其他实例将在 {seconds} 秒内载入。")


async def sync_corpus(application: Any) -> None:
    """Load the shared documents this replica has not seen yet, and use the larger corpus."""
    found = application.bot_data["services"]
    if found.shared is None:
        return
    corpus = await found.shared.sync(found.corpus)
    if corpus is not found.corpus:
        application.bot_data["services"] = replace(application.bot_data["services"], corpus=corpus)


async def unsupported(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Say politely what the bot accepts (stickers, photos, voice …)."""
    if update.effective_message:
        await update.effective_message.reply_text(NOT_SUPPORTED)


async def group_review(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/review as a reply: review the replied-to message and post the result here."""
    message = update.effective_message
    if message is None:
        return
    target = message.reply_to_message
    text = (target.text or target.caption or "") if target else ""
    if not text.strip():
        await message.reply_text(
            "用法：回复一条含有材料文字的消息，并发送 /review。私聊中直接发送文字即可审阅。"
        )
        return
    await _review_and_reply(message, context, text)


async def _review_and_reply(
    message: Message, context: ContextTypes.DEFAULT_TYPE, text: str
) -> None:
    found = services(context)
    if is_blank(text):
        await message.reply_text("内容为空，请发送需要审阅的材料文字。")
        return
    if len(text) > found.config.max_draft_chars:
        limit = found.config.max_draft_chars
        await message.reply_text(
            f"材料过长（{len(text)} 字），单次最多审阅 {limit} 字，请分部分发送。"
        )
        return
    user = message.from_user
    user_id = user.id if user else message.chat_id
    if found.limiter is not None and not found.limiter.allow(user_id):
        wait, most = found.limiter.wait_seconds(user_id), found.config.reviews_per_minute
        await message.reply_text(
            f"您提交得有些频繁（每分钟最多 {most} 次），请约 {wait} 秒后再发送。"
        )
        return
    async with found.queues.lock(user_id):  # this user's drafts in the order they were sent
        async with _typing(context, message.chat_id):
            result = (await asyncio.to_thread(review, text, found.corpus)).to_dict()
        stored = await _store(found.store, user_id, message.chat_id, text, result)
        for part in review_messages(result, number=stored.number if stored else None):
            await message.reply_html(part)
        if stored is None:
            await message.reply_text("提示：本次审阅结果未能保存到历史记录，请稍后再试。")


async def _store(
    store: ReviewStore, user_id: int, chat_id: int, text: str, result: dict[str, object]
) -> StoredReview | None:
    try:
        return await store.add(user_id=user_id, chat_id=chat_id, draft=text, review=result)
    except (SQLAlchemyError, OSError):
        log.exception("could not store a review for user %s", user_id)
        return None


@contextlib.asynccontextmanager
async def _typing(context: ContextTypes.DEFAULT_TYPE, chat_id: int) -> AsyncIterator[None]:
    """Keep the "typing…" indicator on while a long review runs (Telegram shows it ~5 s)."""

    async def keep_typing() -> None:
        while True:
            with contextlib.suppress(Exception):
                await context.bot.send_chat_action(chat_id, ChatAction.TYPING)
            await asyncio.sleep(4)

    task = asyncio.create_task(keep_typing())
    try:
        yield
    finally:
        task.cancel()


async def dimension(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/dimension [名称]: corpus examples for a dimension, or six buttons to choose one."""
    message = update.effective_message
    if message is None:
        return
    scheme = services(context).corpus.scheme
    name = " ".join(context.args or []).strip()
    if not name:
        buttons = [
            [InlineKeyboardButton(d.name, callback_data=f"dim:{i}:0")]
            for i, d in enumerate(scheme.dimensions)
        ]
        await message.reply_text(
            "请选择要查看示例的方面：", reply_markup=InlineKeyboardMarkup(buttons)
        )
        return
    try:
        index = scheme.names.index(scheme.resolve(name).name)
    except UnknownDimensionError as exc:
        await message.reply_text(f"{exc}。可用的方面：{'、'.join(scheme.names)}")
        return
    await _send_examples(message, context, index, 0)


async def _send_examples(
    message: Message, context: ContextTypes.DEFAULT_TYPE, index: int, start: int
) -> None:
    corpus = services(context).corpus
    name = corpus.scheme.names[index]
    everything = corpus.examples(name, n=start + EXAMPLES_PAGE + 1)
    page = everything[start : start + EXAMPLES_PAGE]
    parts = examples_messages(name, page, start)
    more = len(everything) > start + EXAMPLES_PAGE
    for i, part in enumerate(parts):
        markup = None
        if more and i == len(parts) - 1:
            button = InlineKeyboardButton(
                "再看三条", callback_data=f"dim:{index}:{start + EXAMPLES_PAGE}"
            )
            markup = InlineKeyboardMarkup([[button]])
        await message.reply_html(part, reply_markup=markup)


async def dimension_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A dimension or "more" button: send the next page of examples."""
    query = update.callback_query
    if query is None:
        return
    parsed = _ints(query.data, "dim", 2)
    names = services(context).corpus.scheme.names
    if parsed is None or not 0 <= parsed[0] < len(names) or not 0 <= parsed[1] <= 1000:
        await query.answer("该按钮已失效，请重新发送 /dimension。")
        return
    await query.answer()
    if isinstance(query.message, Message):
        await _send_examples(query.message, context, parsed[0], parsed[1])


async def dimensions(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/dimensions: the six with a one-line description each."""
    if update.effective_message:
        await update.effective_message.reply_html(
            dimensions_message(services(context).corpus.scheme)
        )


async def history(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/history: the asker's last ten reviews."""
    message, user = update.effective_message, update.effective_user
    if message and user:
        await message.reply_html(history_message(await services(context).store.recent(user.id)))


async def show(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/show N: one of the asker's own reviews again."""
    stored = await _own_review(update, context, "show")
    if stored is not None and update.effective_message:
        for part in review_messages(stored.review, number=stored.number):
            await update.effective_message.reply_html(part)


async def delete(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/delete N: delete one of the asker's own reviews."""
    message, user = update.effective_message, update.effective_user
    number = _number_arg(context)
    if message is None or user is None:
        return
    if number is None:
        await message.reply_text("用法：/delete 编号（编号见 /history），例如 /delete 3")
        return
    deleted = await services(context).store.delete(user.id, number)
    await message.reply_text(
        f"已删除第 {number} 号审阅记录。" if deleted else f"没有找到您的第 {number} 号记录。"
    )


async def forget(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/forget: after a confirmation button, delete everything stored for the asker."""
    message, user = update.effective_message, update.effective_user
    if message and user:
        buttons = [
            InlineKeyboardButton("确认全部删除", callback_data=f"forget:{user.id}:1"),
            InlineKeyboardButton("取消", callback_data=f"forget:{user.id}:0"),
        ]
        await message.reply_text(
            "确定要删除您的全部审阅记录吗？删除后无法恢复。",
            reply_markup=InlineKeyboardMarkup([buttons]),
        )


async def forget_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """The /forget confirmation: only the user who asked can confirm."""
    query = update.callback_query
    if query is None:
        return
    parsed = _ints(query.data, "forget", 2)
    if parsed is None or parsed[0] != query.from_user.id:
        await query.answer("只有发起删除的本人可以确认。", show_alert=True)
        return
    await query.answer()
    if parsed[1] == 0:
        await query.edit_message_text("已取消，记录未删除。")
        return
    removed = await services(context).store.forget(query.from_user.id)
    await query.edit_message_text(f"已删除您的全部审阅记录（{removed} 条）。")


async def share(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/share N [full]: post the asker's own review N here, the draft only with "full"."""
    stored = await _own_review(update, context, "share")
    message, user = update.effective_message, update.effective_user
    if stored is None or message is None or user is None:
        return
    full = any(a.lower() in {"full", "全文"} for a in (context.args or [])[1:])
    for part in summary_message(stored, full=full, owner=user.full_name):
        await message.reply_html(part)


async def _own_review(
    update: Update, context: ContextTypes.DEFAULT_TYPE, command: str
) -> StoredReview | None:
    message, user = update.effective_message, update.effective_user
    if message is None or user is None:
        return None
    number = _number_arg(context)
    if number is None:
        await message.reply_text(f"用法：/{command} 编号（编号见 /history），例如 /{command} 3")
        return None
    stored = await services(context).store.get(user.id, number)
    if stored is None:
        await message.reply_text(f"没有找到您的第 {number} 号记录，发送 /history 查看编号。")
    return stored


async def inline_query(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """@bot N in any chat: offer the user's own review N as a result to send."""
    query = update.inline_query
    if query is None:
        return
    number = _number(query.query)
    stored = None
    if number is not None:
        stored = await services(context).store.get(query.from_user.id, number)
    results = []
    if stored is not None:
        summary = summary_message(stored)[0]
        results.append(
            InlineQueryResultArticle(
                id=f"review-{stored.number}",
                title=f"审阅结果 第 {stored.number} 号",
                description=f"主要维度：{stored.top_dimension or '—'}，"
                f"近似 {stored.duplicate_ratio * 100:.0f}%",
                input_message_content=InputTextMessageContent(summary, parse_mode=ParseMode.HTML),
            )
        )
    await query.answer(results, cache_time=0, is_personal=True)


async def unknown_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """An unknown command in a private chat."""
    message = update.effective_message
    if message and message.chat.type == ChatType.PRIVATE:
        await message.reply_text("未知命令。发送 /help 查看可用命令。")


async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Log the failure (never the draft) and apologise to the user."""
    update_id = update.update_id if isinstance(update, Update) else None
    log.error("update %s failed", update_id, exc_info=context.error)
    if isinstance(update, Update) and update.effective_message:
        with contextlib.suppress(Exception):
            await update.effective_message.reply_text("抱歉，处理时出现问题，请稍后再试。")


def _number_arg(context: ContextTypes.DEFAULT_TYPE) -> int | None:
    args = context.args or []
    return _number(args[0]) if args else None


def _number(text: str) -> int | None:
    """A review number: ASCII digits only (no ², no −1, no 10**20)."""
    if not re.fullmatch(r"[0-9]{1,9}", text.strip()) or int(text) == 0:
        return None
    return int(text)


def _ints(data: str | None, prefix: str, count: int) -> list[int] | None:
    """Parse callback data "prefix:a:b"; None for anything forged or stale."""
    parts = (data or "").split(":")
    if len(parts) != count + 1 or parts[0] != prefix:
        return None
    try:
        return [int(p) for p in parts[1:]]
    except ValueError:
        return None
