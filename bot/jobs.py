"""Periodic work on PTB's JobQueue: the retention purge and the shared-corpus sync.

A job that raises goes to the error handler (bot/handlers.py `on_error` logs it with the job's
name) and runs again at its next time: a database that is away for a while ends no job.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta

from telegram.ext import JobQueue

from bot.context import BotContext
from bot.corpus_handlers import sync_corpus
from bot.storage import ReviewStore

log = logging.getLogger(__name__)
PURGE_EVERY = timedelta(hours=1)
PURGE = "retention purge"
SYNC = "corpus sync"


def schedule(jobs: JobQueue[BotContext], *, sync_seconds: int | None) -> None:
    """Purge from the start, hourly; sync every `sync_seconds` (None: no shared corpus).
    The first sync is start-up's own, before any update, so the timer starts one period later."""
    jobs.run_repeating(purge, interval=PURGE_EVERY, first=0, name=PURGE)
    if sync_seconds is not None:
        jobs.run_repeating(sync, interval=sync_seconds, first=sync_seconds, name=SYNC)


async def purge(context: BotContext) -> None:
    """Delete drafts older than the retention period."""
    found = context.services
    await purge_expired(found.store, found.config.retention_days)


async def sync(context: BotContext) -> None:
    """Pick up corpus documents other replicas added."""
    await sync_corpus(context.bot_data)


async def purge_expired(store: ReviewStore, days: int) -> int:
    """Delete drafts older than `days`; returns how many."""
    removed = await store.purge(datetime.now(UTC) - timedelta(days=days))
    if removed:
        log.info("retention: %d reviews older than %d days deleted", removed, days)
    return removed
