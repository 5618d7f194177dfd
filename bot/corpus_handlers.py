"""Handlers for the reference corpus: examples per dimension, and administrators' additions."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import replace
from pathlib import PurePosixPath

from telegram import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    Message,
    Update,
)
from telegram.error import BadRequest

from bot.context import BotContext, BotData
from bot.handlers import ACCEPTED_FILES, callback_ints
from bot.render import (
    dimensions_message,
    examples_messages,
)
from bot.scheme_handlers import fallback_scheme, preferred_scheme
from bot.senders import is_person
from core import DraftInputError, UnknownDimensionError
from core.examples import ranked_examples
from core.reading import file_text
from core.schemes import Dimension, Scheme, catalogue
from core.text import is_blank

EXAMPLES_PAGE = 3

log = logging.getLogger(__name__)


async def dimension(update: Update, context: BotContext) -> None:
    """/dimension [名称]: corpus examples for an aspect, or buttons for the aspects of the scheme
    the user works with (their /scheme choice, else the default)."""
    message = update.effective_message
    if message is None:
        return
    scheme = await _user_scheme(update, context)
    name = " ".join(context.args or []).strip()
    if not name:
        buttons = [
            [InlineKeyboardButton(d.name, callback_data=f"dim:{_scheme_index(scheme)}:{i}:0")]
            for i, d in enumerate(scheme.dimensions)
        ]
        await message.reply_text(
            f"请选择要查看示例的方面（{scheme.title}；/scheme 可换方案）：",
            reply_markup=InlineKeyboardMarkup(buttons),
        )
        return
    try:
        found_scheme, dim = _lookup(scheme, name)
    except UnknownDimensionError as exc:
        said = str(exc)
        stop = "" if said.endswith(("？", "。")) else "。"  # never “……”？。
        await message.reply_text(f"{said}{stop}{scheme.title}的方面：{'、'.join(scheme.names)}")
        return
    await _send_examples(message, context, found_scheme, found_scheme.names.index(dim.name), 0)


def _lookup(scheme: Scheme, name: str) -> tuple[Scheme, Dimension]:
    """The aspect in the user's scheme first, else in any shipped scheme."""
    try:
        return scheme, scheme.resolve(name)
    except UnknownDimensionError:
        return catalogue().find_dimension(name)


async def _user_scheme(update: Update, context: BotContext) -> Scheme:
    user = update.effective_user
    asker = user.id if user is not None and is_person(update) else None
    found = context.services
    return fallback_scheme(found, await preferred_scheme(found, asker))


def _scheme_index(scheme: Scheme) -> int:
    return catalogue().ids.index(scheme.name)


async def _send_examples(
    message: Message, context: BotContext, scheme: Scheme, index: int, start: int
) -> None:
    corpus = context.services.corpus
    name = scheme.names[index]
    # Ranking reads the index once per aspect (then cached): not on the event loop.
    everything = await asyncio.to_thread(ranked_examples, corpus, scheme, name)
    page = everything[start : start + EXAMPLES_PAGE]
    parts = examples_messages(scheme, name, page, start, len(everything))
    more = len(everything) > start + EXAMPLES_PAGE
    for i, part in enumerate(parts):
        markup = None
        if more and i == len(parts) - 1:
            button = InlineKeyboardButton(
                "再看三条",
                callback_data=f"dim:{_scheme_index(scheme)}:{index}:{start + EXAMPLES_PAGE}",
            )
            markup = InlineKeyboardMarkup([[button]])
        await message.reply_html(part, reply_markup=markup)


async def dimension_button(update: Update, context: BotContext) -> None:
    """An aspect or "more" button: send the next page of examples."""
    query = update.callback_query
    if query is None:
        return
    parsed = callback_ints(query.data, "dim", 3)
    schemes = catalogue().schemes
    if parsed is None or not 0 <= parsed[0] < len(schemes):
        await query.answer("该按钮已失效，请重新发送 /dimension。")
        return
    scheme = schemes[parsed[0]]
    if not 0 <= parsed[1] < len(scheme.names) or not 0 <= parsed[2] <= 10_000:
        await query.answer("该按钮已失效，请重新发送 /dimension。")
        return
    if parsed[2] > 0 and isinstance(query.message, Message):
        # "More" is pressed once: its button goes first, so a second press (or two presses
        # handled side by side) finds it gone and sends nothing twice.
        try:
            await query.edit_message_reply_markup(reply_markup=None)
        except BadRequest:  # "message is not modified": the button was already used
            await query.answer("这几条已经发出，请查看下方消息。")
            return
    await query.answer()
    if isinstance(query.message, Message):
        await _send_examples(query.message, context, scheme, parsed[1], parsed[2])


async def dimensions(update: Update, context: BotContext) -> None:
    """/dimensions: the aspects of the user's scheme with a one-line description each."""
    if update.effective_message:
        scheme = await _user_scheme(update, context)
        await update.effective_message.reply_html(dimensions_message(scheme))


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
    if name.suffix.lower() not in ACCEPTED_FILES:
        await message.reply_text("语料只接受 .txt、.docx 或 PDF 文件。")
        return
    data = bytes(await (await message.document.get_file()).download_as_bytearray())
    try:
        text = await asyncio.to_thread(file_text, name.name, data)
    except DraftInputError as exc:
        await message.reply_text(str(exc))
        return
    if is_blank(text):
        await message.reply_text("文件内容为空，未加入语料库。")
        return
    stored = await found.shared.add(f"{name.stem}.txt", text, user.id)
    if found.config.corpus_backend == "postgres":  # committed: every replica finds it now
        await message.reply_text(f"已加入语料库：{stored}。所有实例即刻可以比对。")
        return
    await sync_corpus(context.bot_data)
    seconds = found.config.corpus_sync_seconds
    await message.reply_text(f"已加入语料库：{stored}。其他实例将在 {seconds} 秒内载入。")


async def sync_corpus(data: BotData) -> None:
    """Load the shared documents this replica has not seen yet, and use the larger corpus."""
    async with data.corpus_lock:  # the timer and /addcorpus must not overwrite each other
        found = data.services
        if found.shared is None or found.config.corpus_backend == "postgres":
            return  # postgres: the shared documents are searched in the database, not loaded
        corpus = await found.shared.sync(found.corpus)
        if corpus is not found.corpus:
            data.services = replace(found, corpus=corpus)
