"""Thin Telegram callbacks: extract → core → store → render → reply.

The review is stored before replying so the reply can cite its number (/show N, /share N);
a storage failure never costs the user the review itself. Only a person's review of their own
words is stored: placeholder senders (bot/senders.py) and reviews of someone else's message
are shown, with a line saying they were not kept.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import PurePosixPath

from sqlalchemy.exc import SQLAlchemyError
from telegram import (
    Message,
    Update,
)
from telegram.constants import ChatAction, ChatType

from bot.charts import score_chart
from bot.context import BotContext, Services
from bot.pastes import Paste
from bot.render import (
    HELP,
    NOT_SUPPORTED,
    review_messages,
)
from bot.scheme_handlers import preferred_scheme
from bot.senders import NOT_A_PERSON_UNSAVED, is_person
from bot.storage import ReviewStore, StoredReview
from core import Corpus, DraftInputError, Review, annotated, review
from core.chatter import is_chatter
from core.matching import SentenceLookup
from core.models import review_from_dict
from core.presentation import Report, present
from core.reading import file_text
from core.text import is_blank
from core.versions import is_new_version

log = logging.getLogger(__name__)
# Files read here; .doc/.wps/.pdf are read far enough to say how to send them instead.
VERSIONS_LOOKED_AT = 10  # how many recent reviews are searched for an earlier version
ACCEPTED_FILES = frozenset({".txt", ".docx", ".doc", ".wps", ".pdf"})
OTHERS_UNSAVED = "他人消息的审阅不保存到历史记录。"
EDITED = "已编辑的消息不会重新处理；如需审阅修改后的内容，请重新发送。"
CHATTER_HINT = (
    "您好！我是材料审阅助手，这条消息看起来不是对照检查材料，所以没有审阅，也没有保存。\n"
    "请直接发送材料文字（一条问题、一段或整篇均可），例如：\n"
    "一是理论学习不够系统，去年只读完两本原著，没有形成读书笔记。\n"
    "也可以上传 .txt 或 .docx 文件；发送 /help 查看全部用法。"
)


async def start(update: Update, context: BotContext) -> None:
    """Explain what the bot does, with an example."""
    if update.effective_message:
        await update.effective_message.reply_html(HELP)


async def review_text(update: Update, context: BotContext) -> None:
    """Review a pasted draft (private chat); the parts of a long paste are reviewed as one."""
    message = update.effective_message
    if message is None or not message.text:
        return
    joiner = context.services.pastes
    if joiner is None:
        paste: Paste | None = Paste(message.text, 1)
    else:
        paste = await joiner.take(
            message.chat_id,
            message.message_id,
            message.date,
            message.text,
            forwarded=message.forward_origin is not None,
        )
    if paste is not None:  # None: a later part of a paste its first part's handler reviews
        await _review_and_reply(update, message, context, paste.text, joined=paste.parts)


async def review_document(update: Update, context: BotContext) -> None:
    """Review an uploaded .txt or .docx file (private chat)."""
    message = update.effective_message
    if message is None or message.document is None:
        return
    document, limits = message.document, context.services.config
    name = document.file_name or ""
    if PurePosixPath(name).suffix.lower() not in ACCEPTED_FILES:
        await message.reply_text(NOT_SUPPORTED)
        return
    if (document.file_size or 0) > limits.max_file_bytes:
        mb = limits.max_file_bytes / 1024 / 1024
        await message.reply_text(f"文件过大（上限 {mb:.0f} MB），请精简后再发送，或分段发送文字。")
        return
    data = bytes(await (await document.get_file()).download_as_bytearray())
    try:
        text = await asyncio.to_thread(file_text, name, data)  # a PDF is read in a child process
    except DraftInputError as exc:
        await message.reply_text(str(exc))
        return
    original = data if PurePosixPath(name).suffix.lower() == ".docx" else None
    await _review_and_reply(update, message, context, text, original=original)


async def unsupported(update: Update, context: BotContext) -> None:
    """Say politely what the bot accepts (stickers, photos, voice …)."""
    if update.effective_message:
        await update.effective_message.reply_text(NOT_SUPPORTED)


async def group_review(update: Update, context: BotContext) -> None:
    """/review as a reply: review the replied-to message and post the result here."""
    message = update.effective_message
    if message is None:
        return
    target = message.reply_to_message
    text = (target.text or target.caption or "") if target else ""
    if target is None or not text.strip():
        await message.reply_text(
            "用法：回复一条含有材料文字的消息，并发送 /review。私聊中直接发送文字即可审阅。"
        )
        return
    unsaved = None if _own_message(update, target) else OTHERS_UNSAVED
    await _review_and_reply(update, message, context, text, unsaved=unsaved)


def _own_message(update: Update, target: Message) -> bool:
    """The asker wrote the replied-to message themselves (not forwarded it). Only then may the
    review be stored: a copy in the asker's history would escape the author's /forget."""
    user, author = update.effective_user, target.from_user
    return (
        user is not None
        and author is not None
        and author.id == user.id
        and target.sender_chat is None
        and target.forward_origin is None
    )


async def edited(update: Update, context: BotContext) -> None:
    """An edited draft or command (private chat): say it is not processed again."""
    if update.effective_message:
        await update.effective_message.reply_text(EDITED)


async def _review_and_reply(
    update: Update,
    message: Message,
    context: BotContext,
    text: str,
    *,
    unsaved: str | None = None,
    joined: int = 1,
    original: bytes | None = None,
) -> None:
    """Review `text` and reply; store it unless `unsaved` says why not (told to the user).
    A whole draft also gets its chart and the annotated Word document (`original`: the .docx
    the text came from, annotated in place)."""
    found, person = context.services, is_person(update)
    # Placeholder senders share one id across every group: limit them per chat instead.
    asker = update.effective_user.id if person and update.effective_user else message.chat_id
    refusal = _refusal(text, found, asker)
    if refusal is not None:
        await message.reply_text(refusal)
        return
    if not person:
        unsaved = NOT_A_PERSON_UNSAVED
    # Nothing may be awaited before the lock: it is taken in the order the drafts arrived.
    async with found.queues.lock(asker):  # this user's drafts in the order they were sent
        preferred = await preferred_scheme(found, asker if person else None)
        # Progress quotes the earlier version: only in the private chat it was written in.
        private = message.chat.type == ChatType.PRIVATE
        history = await _latest(found.store, asker) if unsaved is None and private else []
        async with _typing(context, message.chat_id):
            done, earlier = await asyncio.to_thread(
                _review_as_version, text, found.corpus, preferred, history, found.lookup
            )
        stored = None
        if unsaved is None:
            # Stored without its progress: that quotes the earlier version, which /delete of
            # that version must take away for good (/compare works it out again).
            kept = {k: v for k, v in done.to_dict().items() if k != "progress"}
            stored = await _store(found.store, asker, message.chat_id, text, kept)
            unsaved = None if stored else "提示：本次审阅结果未能保存到历史记录，请稍后再试。"
        report = present(done)
        number = stored.number if stored else None
        whole = report.whole
        parts = review_messages(
            report, number=number, previous=earlier, joined=joined, attached=whole
        )
        for part in parts:
            await message.reply_html(part)
        if whole:
            await send_attachments(message, found, report, number, original=original)
        if unsaved is not None:
            await message.reply_text(unsaved)


def _review_as_version(
    text: str,
    corpus: Corpus,
    preferred: str | None,
    history: list[StoredReview],
    lookup: SentenceLookup | None = None,
) -> tuple[Review, int | None]:
    """The review, compared with the newest stored review of an earlier version of this draft
    (and that version's number), if the user has one. `lookup`: the shared documents kept in
    PostgreSQL (CORPUS_BACKEND=postgres); it is called from this worker thread."""
    earlier = next((s for s in history if is_new_version(s.draft, text)), None)
    previous = None
    if earlier is not None:
        try:
            previous = review_from_dict(earlier.review)
        except (KeyError, TypeError, ValueError):  # a row in a form this code cannot read
            log.warning("review %s of an earlier version could not be read", earlier.number)
            earlier = None
    done = review(text, corpus, preferred=preferred, previous=previous, lookup=lookup)
    return done, None if earlier is None else earlier.number


async def _latest(store: ReviewStore, user_id: int) -> list[StoredReview]:
    """The user's recent reviews to look for an earlier version in; none if storage fails (the
    review goes on without progress)."""
    try:
        return await store.latest(user_id, VERSIONS_LOOKED_AT)
    except Exception:  # storage down, or rows this key cannot open: review without progress
        log.exception("could not read earlier reviews for user %s", user_id)
        return []


async def send_attachments(
    message: Message,
    found: Services,
    report: Report,
    number: int | None,
    *,
    original: bytes | None = None,
    chart: bool = True,
) -> None:
    """The score chart (when a CJK font is installed) and the annotated Word document. Either
    failing is logged and said; the review itself has already been sent."""
    suffix = f"第{number}号" if number is not None else "本次"
    if chart:
        try:
            png = await asyncio.to_thread(score_chart, report, found.config.chart_font)
            if png is not None:
                await message.reply_photo(png, caption="各方面得分")
        except Exception:  # the chart is a picture of what the reply says: go on without it
            log.exception("could not send the chart of a review")
    try:
        when = datetime.now(UTC)  # Word shows it in the reader's own time zone
        document = await asyncio.to_thread(
            annotated.review_document, report, original=original, when=when
        )
        await message.reply_document(
            document, filename=f"审阅意见-{suffix}.docx", caption="审阅意见（Word 批注版）"
        )
    except Exception:  # a broken attachment must not hide that the review was sent
        log.exception("could not send the Word document of a review")
        again = f"，可稍后发送 /word {number} 重试" if number is not None else ""
        with contextlib.suppress(Exception):
            await message.reply_text(f"Word 批注版生成或发送失败{again}；审阅结果见上。")


def _refusal(text: str, found: Services, asker: int) -> str | None:
    """Why this draft is not reviewed now (empty, chat rather than a draft, too long, too
    many), or None."""
    if is_blank(text):
        return "内容为空，请发送需要审阅的材料文字。"
    if is_chatter(text):
        return CHATTER_HINT
    if len(text) > found.config.max_draft_chars:
        limit = found.config.max_draft_chars
        return f"材料过长（{len(text)} 字），单次最多审阅 {limit} 字，请分部分发送。"
    if found.limiter is not None and not found.limiter.allow(asker):
        wait, most = found.limiter.wait_seconds(asker), found.config.reviews_per_minute
        return f"您提交得有些频繁（每分钟最多 {most} 次），请约 {wait} 秒后再发送。"
    return None


async def _store(
    store: ReviewStore, user_id: int, chat_id: int, text: str, result: dict[str, object]
) -> StoredReview | None:
    try:
        return await store.add(user_id=user_id, chat_id=chat_id, draft=text, review=result)
    except (SQLAlchemyError, OSError):
        log.exception("could not store a review for user %s", user_id)
        return None


@contextlib.asynccontextmanager
async def _typing(context: BotContext, chat_id: int) -> AsyncIterator[None]:
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


async def unknown_command(update: Update, context: BotContext) -> None:
    """An unknown command in a private chat."""
    message = update.effective_message
    if message and message.chat.type == ChatType.PRIVATE:
        await message.reply_text("未知命令。发送 /help 查看可用命令。")


async def on_error(update: object, context: BotContext) -> None:
    """Log the failure (never the draft) and apologise to the user."""
    if context.job is not None:  # periodic work has nobody to apologise to; it runs again later
        log.error("job %r failed", context.job.name, exc_info=context.error)
        return
    update_id = update.update_id if isinstance(update, Update) else None
    log.error("update %s failed", update_id, exc_info=context.error)
    if isinstance(update, Update) and update.effective_message:
        with contextlib.suppress(Exception):
            await update.effective_message.reply_text("抱歉，处理时出现问题，请稍后再试。")


def callback_ints(data: str | None, prefix: str, count: int) -> list[int] | None:
    """Parse callback data "prefix:a:b"; None for anything forged or stale."""
    parts = (data or "").split(":")
    if len(parts) != count + 1 or parts[0] != prefix:
        return None
    try:
        return [int(p) for p in parts[1:]]
    except ValueError:
        return None
