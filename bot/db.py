"""The history schema (SQLAlchemy 2.0 typed ORM) and the async engine."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import (
    BigInteger,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    event,
)
from sqlalchemy.ext.asyncio import AsyncAttrs, AsyncEngine, async_sessionmaker, create_async_engine
from sqlalchemy.ext.asyncio import AsyncSession as AsyncSession
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.pool import AsyncAdaptedQueuePool


class Base(AsyncAttrs, DeclarativeBase):
    """Declarative base for the bot's tables."""


class ReviewRecord(Base):
    """One stored review. `number` counts per user, so users never see each other's ids."""

    __tablename__ = "reviews"
    __table_args__ = (UniqueConstraint("user_id", "number", name="uq_reviews_user_number"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    user_id: Mapped[int] = mapped_column(BigInteger, index=True)
    number: Mapped[int] = mapped_column(Integer)
    chat_id: Mapped[int] = mapped_column(BigInteger)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    draft: Mapped[str] = mapped_column(Text)
    review_json: Mapped[str] = mapped_column(Text)
    top_dimension: Mapped[str | None] = mapped_column(String(32), nullable=True)
    duplicate_ratio: Mapped[float] = mapped_column(Float)


class ReviewCounter(Base):
    """The last review number handed out per user: numbers are never reused after a delete."""

    __tablename__ = "review_counters"

    user_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    last_number: Mapped[int] = mapped_column(Integer)


class UserSetting(Base):
    """What a user chose for their own reviews (the scheme from /scheme); /forget deletes it."""

    __tablename__ = "user_settings"

    user_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    scheme: Mapped[str | None] = mapped_column(String(40), nullable=True)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class CorpusDocument(Base):
    """A reference document added through the bot; every replica loads these."""

    __tablename__ = "corpus_documents"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    text: Mapped[str] = mapped_column(Text)
    added_by: Mapped[int] = mapped_column(BigInteger)
    added_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class CorpusSentence(Base):
    """A sentence of a shared document with its compare key, stored with the document: what
    CORPUS_BACKEND=postgres searches (bot/pg_corpus.py). On PostgreSQL the key has a pg_trgm GIN
    index (migration 0005); on SQLite the table is kept too, without it, so the schema and the
    write path are the same everywhere."""

    __tablename__ = "corpus_sentences"
    __table_args__ = (
        Index(
            "ix_corpus_sentences_key_trgm",
            "key",
            postgresql_using="gin",
            postgresql_ops={"key": "gin_trgm_ops"},
        ).ddl_if(dialect="postgresql"),
    )

    id: Mapped[int] = mapped_column(
        BigInteger().with_variant(Integer(), "sqlite"), primary_key=True, autoincrement=True
    )
    document_id: Mapped[int] = mapped_column(
        ForeignKey("corpus_documents.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(Integer)  # the sentence's place in its document
    text: Mapped[str] = mapped_column(Text)
    key: Mapped[str] = mapped_column(Text)  # core.text.spaced_key(text)


# SQLite allows one writer at a time. With a pool of connections, concurrent saves raced for the
# file lock and lost (`database is locked` once a waiter outlived the busy timeout while the event
# loop was busy with reviews). One connection per process makes saves queue in the pool instead,
# in memory, where waiting costs nothing; the busy timeout is left for other processes (a backup,
# `draft-review db upgrade`). PostgreSQL keeps its ordinary pool.
SQLITE_WAIT_FOR_CONNECTION_SECONDS = 120.0
SQLITE_BUSY_TIMEOUT_SECONDS = 30.0


def make_engine(url: str) -> AsyncEngine:
    """An async engine; the SQLite file's folder is created when needed."""
    # hide_parameters: a database error must never carry a draft into the logs.
    if not url.startswith("sqlite+aiosqlite:///") or ":memory:" in url:
        return create_async_engine(url, pool_pre_ping=True, hide_parameters=True)
    Path(url.removeprefix("sqlite+aiosqlite:///")).parent.mkdir(parents=True, exist_ok=True)
    engine = create_async_engine(
        url,
        poolclass=AsyncAdaptedQueuePool,
        pool_size=1,
        max_overflow=0,
        pool_timeout=SQLITE_WAIT_FOR_CONNECTION_SECONDS,
        # A `?timeout=` in the URL (an operator's or a test's choice) wins over the default.
        connect_args={} if "timeout=" in url else {"timeout": SQLITE_BUSY_TIMEOUT_SECONDS},
        hide_parameters=True,
    )
    event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
    return engine


def _sqlite_pragmas(connection: Any, _record: Any) -> None:
    """WAL so readers (a backup, `sqlite3`) never block the writer; synchronous=FULL because a
    reply that says "saved" must survive a power cut; secure_delete so a deleted draft is
    overwritten in the file rather than left in free pages."""
    cursor = connection.cursor()
    try:
        for pragma in ("journal_mode=WAL", "synchronous=FULL", "secure_delete=ON"):
            cursor.execute(f"PRAGMA {pragma}")
    finally:
        cursor.close()


def make_sessions(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(engine, expire_on_commit=False)


async def create_schema(engine: AsyncEngine) -> None:
    """Create or upgrade the schema through the migrations (idempotent)."""
    from bot.schema import upgrade  # the migrations import this module's metadata

    await upgrade(engine)
