"""The composition root: configuration, corpus, storage and handlers wired into one Application."""

from __future__ import annotations

import asyncio
import base64
import logging
import os
import sys
from collections.abc import Awaitable, Callable
from dataclasses import replace
from typing import Any

from sqlalchemy.engine import make_url
from telegram import Update
from telegram.error import InvalidToken
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    CommandHandler,
    InlineQueryHandler,
    MessageHandler,
    filters,
)
from telegram.request import BaseRequest

from bot import corpus_handlers, handlers, history_handlers, jobs, menus, scheme_handlers
from bot.config import Config, ConfigError, load_config
from bot.context import CONTEXT_TYPES, BotContext, BotData, Services
from bot.db import make_engine, make_sessions
from bot.encryption import DraftCipher
from bot.limits import RateLimiter
from bot.logging_setup import configure_logging
from bot.pastes import PasteJoiner
from bot.pg_corpus import BackendUnusable, PgSentenceLookup, check_backend
from bot.polling import PollingBot
from bot.schema import SchemaOutOfDate, ensure_current
from bot.shared_corpus import SharedCorpus
from bot.storage import ReviewStore, SqlReviewStore
from bot.telegram_request import RetryingRequest, flood_limiter
from core import Corpus, Tokenizer, load_corpus
from core.persistence import LoadReport
from core.review import warm_up

log = logging.getLogger(__name__)
AppType = Application[Any, BotContext, Any, Any, BotData, Any]


def build_application(
    config: Config,
    corpus: Corpus,
    store: ReviewStore,
    *,
    request: BaseRequest | None = None,
    shared: SharedCorpus | None = None,
    on_start: Callable[[], Awaitable[None]] | None = None,
    on_stop: Callable[[], Awaitable[None]] | None = None,
) -> AppType:
    """The Application with every handler registered; `request` replaces the network layer."""
    urls = {"base_url": config.api_base_url, "base_file_url": config.file_base_url}
    bot = PollingBot(  # getUpdates skips a malformed update instead of failing on it
        config.token,
        # the real network: retry what is safe to retry (see bot/telegram_request.py)
        request=request or RetryingRequest(connection_pool_size=256),
        get_updates_request=request or RetryingRequest(read_timeout=30.0),
        rate_limiter=flood_limiter(),
        **{name: url for name, url in urls.items() if url},
    )
    builder = Application.builder().bot(bot).context_types(CONTEXT_TYPES).concurrent_updates(True)

    async def post_init(app: AppType) -> None:
        """Before the first update (run_polling and bot/webhook.py call it)."""
        if on_start is not None:
            await on_start()
        # Loading jieba's dictionary and the idiom index takes about a second: not while the
        # first user waits.
        await asyncio.to_thread(warm_up, corpus)
        loaded = shared is not None and config.corpus_backend == "memory"
        if shared is not None and not loaded:
            # CORPUS_BACKEND=postgres: shared documents are looked up in the database by every
            # review (from its worker thread, on this loop), never loaded: no sync, no timer.
            services = app.bot_data.services
            lookup = PgSentenceLookup.on_running_loop(shared.sessions)
            app.bot_data.services = replace(services, lookup=lookup)
        if loaded:
            await corpus_handlers.sync_corpus(app.bot_data)
        if app.job_queue is None:  # the job-queue extra is a dependency; this is a broken install
            raise RuntimeError("python-telegram-bot[job-queue] is not installed")
        jobs.schedule(app.job_queue, sync_seconds=config.corpus_sync_seconds if loaded else None)
        await menus.publish(app.bot)

    async def post_shutdown(app: AppType) -> None:
        if on_stop is not None:
            await on_stop()

    app = builder.post_init(post_init).post_shutdown(post_shutdown).build()
    app.bot_data.services = Services(
        corpus=corpus,
        store=store,
        config=config,
        shared=shared,
        limiter=RateLimiter(config.reviews_per_minute),
        pastes=PasteJoiner(config.paste_wait_seconds),
    )
    register(app)
    return app


def register(app: AppType) -> None:
    """Every handler, in the order they are tried.

    Commands ignore edits (PTB's default would run them again): an edited /review would be
    reviewed and stored twice. In private chats an edit is answered by `handlers.edited`."""
    new = filters.UpdateType.MESSAGE
    private = filters.ChatType.PRIVATE & new
    app.add_handler(CommandHandler(["start", "help"], handlers.start, filters=new))
    app.add_handler(CommandHandler("dimension", corpus_handlers.dimension, filters=new))
    app.add_handler(CommandHandler("dimensions", corpus_handlers.dimensions, filters=new))
    app.add_handler(CommandHandler("scheme", scheme_handlers.scheme, filters=new))
    # One's own records are listed and managed only in private, never in front of a group.
    personal = ["history", "show", "word", "compare", "delete", "forget"]
    app.add_handler(CommandHandler("history", history_handlers.history, filters=private))
    app.add_handler(CommandHandler("show", history_handlers.show, filters=private))
    app.add_handler(CommandHandler("delete", history_handlers.delete, filters=private))
    app.add_handler(CommandHandler("word", history_handlers.word, filters=private))
    app.add_handler(CommandHandler("compare", history_handlers.compare, filters=private))
    app.add_handler(CommandHandler("forget", history_handlers.forget, filters=private))
    app.add_handler(CommandHandler(personal, history_handlers.private_only, filters=new))
    app.add_handler(CommandHandler("review", handlers.group_review, filters=new))
    app.add_handler(CommandHandler("share", history_handlers.share, filters=new))
    app.add_handler(CallbackQueryHandler(corpus_handlers.dimension_button, pattern=r"^dim:"))
    app.add_handler(CallbackQueryHandler(history_handlers.forget_button, pattern=r"^forget:"))
    app.add_handler(InlineQueryHandler(history_handlers.inline_query))
    add_corpus = filters.Document.ALL & filters.CaptionRegex(r"^/addcorpus")
    app.add_handler(
        MessageHandler(add_corpus & filters.UpdateType.MESSAGE, corpus_handlers.add_corpus)
    )
    app.add_handler(MessageHandler(filters.COMMAND & private, handlers.unknown_command))
    app.add_handler(MessageHandler(filters.TEXT & private, handlers.review_text))
    app.add_handler(MessageHandler(filters.Document.ALL & private, handlers.review_document))
    app.add_handler(MessageHandler(private, handlers.unsupported))
    edits = filters.UpdateType.EDITED_MESSAGE & filters.ChatType.PRIVATE
    # Text and files only: a shared live location arrives as a stream of edits.
    app.add_handler(MessageHandler(edits & (filters.TEXT | filters.Document.ALL), handlers.edited))
    app.add_error_handler(handlers.on_error)


def _log_corpus_load(report: LoadReport) -> None:
    """A rebuilt index (changed files, or a damaged index that was detected) is worth a line."""
    level = (
        logging.WARNING if report.action == "rebuilt" and "损坏" in report.reason else logging.INFO
    )
    log.log(
        level,
        "corpus index %s (%d documents) %s",
        report.action,
        report.new_documents,
        report.reason,
    )


async def _check_database(config: Config) -> None:
    """Before polling starts: create a new database's schema, refuse an out-of-date one, and
    with CORPUS_BACKEND=postgres a database pg_trgm cannot search Chinese in."""
    engine = make_engine(config.database_url)
    try:
        await ensure_current(engine)
        if config.corpus_backend == "postgres":
            await check_backend(engine)
    finally:
        await engine.dispose()


def _secrets(config: Config) -> tuple[str, ...]:
    """Everything the log must never show: the token, the webhook secret, the history key and
    the database password (a connection error may print the URL)."""
    key = b"" if config.history_key is None else base64.urlsafe_b64encode(config.history_key)
    password = make_url(config.database_url).password or ""
    return (config.token, config.webhook_secret or "", key.decode("ascii"), password)


def _cipher(config: Config) -> DraftCipher | None:
    if config.history_key is not None:
        return DraftCipher(config.history_key)
    if config.database_url.startswith("postgresql"):
        # Deleted rows linger in PostgreSQL's files until reused; sealed, they are unreadable.
        log.warning("HISTORY_KEY is not set: drafts are stored unencrypted (see README, 隐私)")
    return None


def run_bot(argv: list[str]) -> int:
    """`draft-review bot`: long polling until SIGINT/SIGTERM. Exit 2 on bad configuration or a
    token Telegram rejects."""
    if argv:
        print("draft-review bot：不接受参数，配置请通过环境变量提供（见 README）", file=sys.stderr)
        return 2
    try:
        config = load_config(os.environ)
    except ConfigError as exc:
        print(f"draft-review bot：{exc}", file=sys.stderr)
        return 2
    redactor = configure_logging(config.log_level, _secrets(config))
    try:
        asyncio.run(_check_database(config))
    except (SchemaOutOfDate, BackendUnusable) as exc:
        print(f"draft-review bot：{exc}", file=sys.stderr)
        return 2
    corpus = load_corpus(
        config.corpus_dir,
        tokenizer=Tokenizer(cache_dir=config.data_dir / "cache"),
        report=_log_corpus_load,
    )
    engine = make_engine(config.database_url)
    sessions = make_sessions(engine)
    app = build_application(
        config,
        corpus,
        SqlReviewStore(sessions, cipher=_cipher(config)),
        shared=SharedCorpus(sessions),
        on_stop=engine.dispose,
    )
    log.info(
        "bot starting (%s): %d corpus documents, shared documents %s",
        config.bot_mode,
        corpus.stats().documents,
        "searched in PostgreSQL" if config.corpus_backend == "postgres" else "loaded in memory",
    )
    try:
        _serve(app, config)
    except InvalidToken as exc:  # its message holds the token: never print it
        print(f"draft-review bot：{redactor.redact(_rejected(exc))}", file=sys.stderr)
        return 2
    return 0


def _serve(app: AppType, config: Config) -> None:
    """Until SIGINT/SIGTERM. Both modes run post_init before the first update: the dictionary is
    loaded, the corpus synced, the jobs scheduled and the menus published by then."""
    if config.bot_mode == "webhook":
        from bot.webhook import serve

        asyncio.run(serve(app, config))
    else:
        app.run_polling(allowed_updates=Update.ALL_TYPES)


def _rejected(error: InvalidToken) -> str:
    """One line for the operator, with the server's own answer (401 Unauthorized, 404 Not Found)."""
    answer = " ".join(str(error.__cause__ or "").split())[:80]  # a server's text: one short line
    return (
        f"Telegram 拒绝了 TELEGRAM_BOT_TOKEN（服务器答复：{answer or '无'}）。"
        "请向 @BotFather 核对令牌；若设置了 TELEGRAM_API_BASE_URL，请同时核对该地址"
    )
