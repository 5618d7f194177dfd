"""Handlers for the reference corpus: examples per dimension, and administrators' additions."""

from __future__ import annotations

import logging
from dataclasses import replace
from pathlib import PurePosixPath

from telegram import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    Message,
    Update,
)

from bot.context import BotContext, BotData
from bot.handlers import ACCEPTED_FILES, callback_ints
from bot.render import (
    dimensions_message,
    examples_messages,
)
from core import DraftInputError, UnknownDimensionError
from core.reading import decode_text, docx_text
from core.text import is_blank

EXAMPLES_PAGE = 3

log = logging.getLogger(__name__)


async def dimension(update: Update, context: BotContext) -> None:
    """/dimension [名称]: corpus examples for a dimension, or six buttons to choose one."""
    message = update.effective_message
    if message is None:
        return
    scheme = context.services.corpus.scheme
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


async def _send_examples(message: Message, context: BotContext, index: int, start: int) -> None:
    corpus = context.services.corpus
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


async def dimension_button(update: Update, context: BotContext) -> None:
    """A dimension or "more" button: send the next page of examples."""
    query = update.callback_query
    if query is None:
        return
    parsed = callback_ints(query.data, "dim", 2)
    names = context.services.corpus.scheme.names
    if parsed is None or not 0 <= parsed[0] < len(names) or not 0 <= parsed[1] <= 1000:
        await query.answer("该按钮已失效，请重新发送 /dimension。")
        return
    await query.answer()
    if isinstance(query.message, Message):
        await _send_examples(query.message, context, parsed[0], parsed[1])


async def dimensions(update: Update, context: BotContext) -> None:
    """/dimensions: the six with a one-line description each."""
    if update.effective_message:
        await update.effective_message.reply_html(
            dimensions_message(context.services.corpus.scheme)
        )


async def add_corpus(update: Update, context: BotContext) -> None:
    """An administrator's document captioned /addcorpus joins the corpus of every replica."""
    message, user = update.effective_message, update.effective_user
    found = context.services
    if message is None or user is None or message.document is None:
        return
    if user.id not in found.config.admin_ids or found.shared is None:
        await message.reply_text("只有管理员可以向语料库添加文档。")
        return
    name = PurePosixPath(message.document.file_name or "document.txt")
    kind = ACCEPTED_FILES.get(name.suffix.lower())
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
    await sync_corpus(context.bot_data)
    seconds = found.config.corpus_sync_seconds
    await message.reply_text(f"已加入语料库：{stored}。其他实例将在 {seconds} 秒内载入。")


async def sync_corpus(data: BotData) -> None:
    """Load the shared documents this replica has not seen yet, and use the larger corpus."""
    async with data.corpus_lock:  # the timer and /addcorpus must not overwrite each other
        found = data.services
        if found.shared is None:
            return
        corpus = await found.shared.sync(found.corpus)
        if corpus is not found.corpus:
            data.services = replace(found, corpus=corpus)
