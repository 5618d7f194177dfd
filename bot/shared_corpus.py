"""Corpus documents shared through the database: added on any replica, used by all.

A document is stored with its sentences and their compare keys (`corpus_sentences`), in one
transaction, whichever backend is configured, so that switching backends needs no refill.

CORPUS_BACKEND=memory (the default): each replica keeps its corpus in memory, the folder it
started with plus the shared documents. `sync` adds what other replicas stored since the last
look; it runs at start-up and then on a timer, and an administrator's addition is applied at
once on the replica that received it. Callers run one `sync` at a time
(bot/corpus_handlers.py holds `BotData.corpus_lock`): it advances `last_id`, and its result
replaces the corpus it was given.

CORPUS_BACKEND=postgres: `sync` is never called; every replica finds the shared sentences in
PostgreSQL as soon as they are committed (bot/pg_corpus.py).
"""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.db import CorpusDocument, CorpusSentence
from bot.pg_corpus import SHARED_PREFIX, sentence_rows
from core import Corpus
from core.corpus import extend_corpus

log = logging.getLogger(__name__)


class SharedCorpus:
    """The shared documents table and how far this replica has read it."""

    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self._sessions = sessions
        self.last_id = 0

    @property
    def sessions(self) -> async_sessionmaker[AsyncSession]:
        return self._sessions

    async def add(self, name: str, text: str, user_id: int) -> str:
        """Store a document under a name not used yet, with its sentences (searchable by every
        replica once this commits); returns the name it got."""
        sentences = await asyncio.to_thread(sentence_rows, text)
        async with self._sessions.begin() as session:
            taken = set(
                (
                    await session.scalars(
                        select(CorpusDocument.name).where(
                            CorpusDocument.name.like(f"{name[:150]}%")
                        )
                    )
                ).all()
            )
            unique, n = name, 2
            while unique in taken:
                unique, n = f"{name[:150]}-{n}", n + 1
            document = CorpusDocument(
                name=unique, text=text, added_by=user_id, added_at=datetime.now(UTC)
            )
            session.add(document)
            await session.flush()  # its id
            session.add_all(
                CorpusSentence(document_id=document.id, position=position, text=written, key=key)
                for position, written, key in sentences
            )
        return unique

    async def count(self) -> int:
        async with self._sessions() as session:
            return int(await session.scalar(select(func.count()).select_from(CorpusDocument)) or 0)

    async def sync(self, corpus: Corpus) -> Corpus:
        """`corpus` plus the shared documents this replica has not loaded yet."""
        async with self._sessions() as session:
            rows = (
                await session.execute(
                    select(CorpusDocument.id, CorpusDocument.name, CorpusDocument.text)
                    .where(CorpusDocument.id > self.last_id)
                    .order_by(CorpusDocument.id)
                )
            ).all()
        if not rows:
            return corpus
        texts = [(SHARED_PREFIX + name, text) for _, name, text in rows]
        extended = await asyncio.to_thread(
            extend_corpus, corpus, texts, tokenizer=corpus.model.tokenizer
        )
        self.last_id = max(row_id for row_id, _, _ in rows)
        log.info("corpus: %d shared documents added", len(rows))
        return extended
