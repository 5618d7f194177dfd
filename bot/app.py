"""The composition root: configuration, corpus, storage and handlers wired into one Application."""

from __future__ import annotations

import asyncio
import logging
import os
import sys
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from telegram import BotCommand, Update
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    CommandHandler,
    InlineQueryHandler,
    MessageHandler,
    filters,
)
from telegram.request import BaseRequest

from bot import corpus_handlers, handlers, history_handlers
from bot.config import Config, ConfigError, load_config
from bot.db import make_engine, make_sessions
from bot.handlers import Services
from bot.limits import RateLimiter
from bot.schema import SchemaOutOfDate, ensure_current
from bot.shared_corpus import SharedCorpus
from bot.storage import ReviewStore, SqlReviewStore
from bot.telegram_request import RetryingRequest
from core import Corpus, Tokenizer, load_corpus
from core.persistence import LoadReport

log = logging.getLogger(__name__)

COMMANDS = [
    BotCommand("start", "开始使用与示例"),
    BotCommand("help", "使用说明"),
    BotCommand("dimension", "查看某一方面的语料示例，如 /dimension 廉洁自律"),
    BotCommand("dimensions", "六个方面及说明"),
    BotCommand("history", "最近十次审阅记录"),
    BotCommand("show", "重新查看一次审阅，如 /show 3"),
    BotCommand("delete", "删除一次审阅，如 /delete 3"),
    BotCommand("forget", "删除我的全部记录"),
    BotCommand("review", "（群聊）回复一条消息以审阅它"),
    BotCommand("share", "把我的一次审阅分享到当前聊天，如 /share 3"),
]
AppType = Application[Any, Any, Any, Any, Any, Any]


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
    builder = Application.builder().token(config.token).concurrent_updates(True)
    if config.api_base_url:
        builder = builder.base_url(config.api_base_url)
    if config.file_base_url:
        builder = builder.base_file_url(config.file_base_url)
    if request is not None:
        builder = builder.request(request).get_updates_request(request)
    else:  # the real network: retry what Telegram asks us to (see bot/telegram_request.py)
        builder = builder.request(RetryingRequest(connection_pool_size=256)).get_updates_request(
            RetryingRequest(read_timeout=30.0)
        )

    syncing: list[asyncio.Task[None]] = []

    async def post_init(app: AppType) -> None:
        if on_start is not None:
            await on_start()
        await app.bot.set_my_commands(COMMANDS)
        if shared is not None:
            await corpus_handlers.sync_corpus(app)
            syncing.append(asyncio.create_task(_keep_syncing(app, config.corpus_sync_seconds)))
        syncing.append(asyncio.create_task(_keep_purging(store, config.retention_days)))

    async def post_shutdown(app: AppType) -> None:
        for task in syncing:
            task.cancel()
        if on_stop is not None:
            await on_stop()

    app = builder.post_init(post_init).post_shutdown(post_shutdown).build()
    app.bot_data["services"] = Services(
        corpus=corpus,
        store=store,
        config=config,
        shared=shared,
        limiter=RateLimiter(config.reviews_per_minute),
    )
    register(app)
    return app


async def _keep_syncing(app: AppType, seconds: int) -> None:
    """Pick up corpus documents other replicas added (a timer, not test synchronisation)."""
    while True:
        await asyncio.sleep(seconds)
        try:
            await corpus_handlers.sync_corpus(app)
        except Exception:  # a database hiccup must not end the loop
            log.exception("corpus sync failed")


async def purge_expired(store: ReviewStore, days: int) -> int:
    """Delete drafts older than the retention period."""
    removed = await store.purge(datetime.now(UTC) - timedelta(days=days))
    if removed:
        log.info("retention: %d reviews older than %d days deleted", removed, days)
    return removed


async def _keep_purging(store: ReviewStore, days: int) -> None:
    while True:
        try:
            await purge_expired(store, days)
        except Exception:  # the database may be away for a while; try again next hour
            log.exception("retention purge failed")
        await asyncio.sleep(3600)


def register(app: AppType) -> None:
    """Every handler, in the order they are tried."""
    private = filters.ChatType.PRIVATE & filters.UpdateType.MESSAGE
    app.add_handler(CommandHandler(["start", "help"], handlers.start))
    app.add_handler(CommandHandler("dimension", corpus_handlers.dimension))
    app.add_handler(CommandHandler("dimensions", corpus_handlers.dimensions))
    app.add_handler(CommandHandler("history", history_handlers.history))
    app.add_handler(CommandHandler("show", history_handlers.show))
    app.add_handler(CommandHandler("delete", history_handlers.delete))
    app.add_handler(CommandHandler("forget", history_handlers.forget))
    app.add_handler(CommandHandler("review", handlers.group_review))
    app.add_handler(CommandHandler("share", history_handlers.share))
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
    app.add_error_handler(handlers.on_error)


class _Redact(logging.Filter):
    """Defence in depth: whatever a library logs, the token never reaches the output."""

    def __init__(self, secret: str) -> None:
        super().__init__()
        self._secret = secret

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if self._secret and self._secret in message:
            record.msg, record.args = message.replace(self._secret, "<token>"), None
        return True


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


async def _check_schema(url: str) -> None:
    """Before polling starts: create a new database's schema, refuse an out-of-date one."""
    engine = make_engine(url)
    try:
        await ensure_current(engine)
    finally:
        await engine.dispose()


def configure_logging(level: int, token: str) -> None:
    """Our loggers at `level`; libraries never below INFO, because at DEBUG python-telegram-bot
    logs every call's parameters (the drafts) and httpx logs URLs (which contain the token)."""
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.addFilter(_Redact(token))
    logging.basicConfig(level=max(level, logging.INFO), handlers=[handler], force=True)
    for ours in ("bot", "core"):
        logging.getLogger(ours).setLevel(level)
    for noisy in ("httpx", "httpcore"):
        logging.getLogger(noisy).setLevel(logging.WARNING)


def run_bot(argv: list[str]) -> int:
    """`draft-review bot`: long polling until SIGINT/SIGTERM. Exit 2 on bad configuration."""
    if argv:
        print("draft-review bot：不接受参数，配置请通过环境变量提供（见 README）", file=sys.stderr)
        return 2
    try:
        config = load_config(os.environ)
    except ConfigError as exc:
        print(f"draft-review bot：{exc}", file=sys.stderr)
        return 2
    configure_logging(config.log_level, config.token)
    try:
        asyncio.run(_check_schema(config.database_url))
    except SchemaOutOfDate as exc:
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
        SqlReviewStore(sessions),
        shared=SharedCorpus(sessions),
        on_stop=engine.dispose,
    )
    log.info("bot starting (%s): %d corpus documents", config.bot_mode, corpus.stats().documents)
    if config.bot_mode == "webhook":
        from bot.webhook import serve

        asyncio.run(serve(app, config))
    else:
        app.run_polling(allowed_updates=Update.ALL_TYPES)
    return 0
