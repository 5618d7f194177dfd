"""What every callback receives: typed services on the context, not `bot_data["services"]`.

PTB's examples/contexttypesbot.py pattern: `bot_data` is a `BotData`, and `BotContext` exposes
its services with their types, so handlers and jobs need no casts and mypy checks them.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import Any

from telegram.ext import CallbackContext, ContextTypes, ExtBot

from bot.config import Config
from bot.limits import RateLimiter, UserQueues
from bot.pastes import PasteJoiner
from bot.shared_corpus import SharedCorpus
from bot.storage import ReviewStore
from core import Corpus
from core.matching import SentenceLookup


@dataclass(frozen=True, slots=True)
class Services:
    """What the handlers use, built once in the composition root."""

    corpus: Corpus
    store: ReviewStore
    config: Config
    shared: SharedCorpus | None = None
    limiter: RateLimiter | None = None
    queues: UserQueues = field(default_factory=UserQueues)
    pastes: PasteJoiner | None = None  # None: every message is a draft of its own
    # CORPUS_BACKEND=postgres: the shared documents, searched in the database (set at start-up,
    # bound to the bot's event loop); None: they are in `corpus` (memory backend) or absent.
    lookup: SentenceLookup | None = None


class BotData:
    """The Application's bot_data: the services, and the lock every corpus swap holds."""

    def __init__(self) -> None:
        # PTB builds bot_data with no arguments; the composition root sets the services next.
        self._services: Services | None = None
        # A swap reads the corpus, extends it and writes it back; the sync timer and /addcorpus
        # doing that at once would each extend the same old corpus, and the later write would
        # drop the other's documents.
        self.corpus_lock = asyncio.Lock()

    @property
    def services(self) -> Services:
        if self._services is None:
            raise RuntimeError("services are set by bot.app.build_application")
        return self._services

    @services.setter
    def services(self, value: Services) -> None:
        self._services = value


class BotContext(CallbackContext[ExtBot[Any], dict[Any, Any], dict[Any, Any], BotData]):
    """The context handlers, the error handler and jobs are called with."""

    @property
    def services(self) -> Services:
        return self.bot_data.services


CONTEXT_TYPES = ContextTypes(context=BotContext, bot_data=BotData)
