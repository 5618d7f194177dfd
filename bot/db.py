"""The history schema (SQLAlchemy 2.0 typed ORM) and the async engine."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from sqlalchemy import BigInteger, DateTime, Float, Integer, String, Text, UniqueConstraint
from sqlalchemy.ext.asyncio import AsyncAttrs, AsyncEngine, async_sessionmaker, create_async_engine
from sqlalchemy.ext.asyncio import AsyncSession as AsyncSession
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


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


class CorpusDocument(Base):
    """A reference document added through the bot; every replica loads these."""

    __tablename__ = "corpus_documents"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    text: Mapped[str] = mapped_column(Text)
    added_by: Mapped[int] = mapped_column(BigInteger)
    added_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


def make_engine(url: str) -> AsyncEngine:
    """An async engine; the SQLite file's folder is created when needed."""
    if url.startswith("sqlite+aiosqlite:///") and ":memory:" not in url:
        Path(url.removeprefix("sqlite+aiosqlite:///")).parent.mkdir(parents=True, exist_ok=True)
    # hide_parameters: a database error must never carry a draft into the logs.
    return create_async_engine(url, pool_pre_ping=True, hide_parameters=True)


def make_sessions(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(engine, expire_on_commit=False)


async def create_schema(engine: AsyncEngine) -> None:
    """Create or upgrade the schema through the migrations (idempotent)."""
    from bot.schema import upgrade  # the migrations import this module's metadata

    await upgrade(engine)
