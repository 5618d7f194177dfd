"""Per-user review history behind a small interface that returns plain dataclasses.

Every method takes the acting user's id and touches only that user's rows: there is no call
that could return or delete another user's review.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Protocol

from sqlalchemy import delete, func, select
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.db import ReviewCounter, ReviewRecord


@dataclass(frozen=True, slots=True)
class StoredReview:
    """A review as stored: the draft, the review's JSON form and when it was made."""

    number: int
    user_id: int
    chat_id: int
    created_at: datetime
    draft: str
    review: dict[str, Any]
    top_dimension: str | None
    duplicate_ratio: float


@dataclass(frozen=True, slots=True)
class ReviewSummary:
    """One line of /history."""

    number: int
    created_at: datetime
    opening: str
    top_dimension: str | None
    duplicate_ratio: float


class ReviewStore(Protocol):
    """What the handlers need from storage."""

    async def add(
        self, *, user_id: int, chat_id: int, draft: str, review: dict[str, Any]
    ) -> StoredReview: ...

    async def recent(self, user_id: int, limit: int = 10) -> list[ReviewSummary]: ...

    async def get(self, user_id: int, number: int) -> StoredReview | None: ...

    async def delete(self, user_id: int, number: int) -> bool: ...

    async def forget(self, user_id: int) -> int: ...

    async def purge(self, before: datetime) -> int: ...


class SqlReviewStore:
    """ReviewStore on SQLAlchemy async sessions; one unit of work per call."""

    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self._sessions = sessions

    async def add(
        self, *, user_id: int, chat_id: int, draft: str, review: dict[str, Any]
    ) -> StoredReview:
        async with self._sessions.begin() as session:
            record = ReviewRecord(
                user_id=user_id,
                number=await _next_number(session, user_id),
                chat_id=chat_id,
                created_at=datetime.now(UTC),
                draft=draft,
                review_json=json.dumps(review, ensure_ascii=False),
                top_dimension=review.get("dimension"),
                duplicate_ratio=float(review.get("duplicate_ratio", 0.0)),
            )
            session.add(record)
            await session.flush()
            return _stored(record)

    async def recent(self, user_id: int, limit: int = 10) -> list[ReviewSummary]:
        async with self._sessions() as session:
            rows = await session.execute(
                select(
                    ReviewRecord.number,
                    ReviewRecord.created_at,
                    func.substr(ReviewRecord.draft, 1, 40),
                    ReviewRecord.top_dimension,
                    ReviewRecord.duplicate_ratio,
                )
                .where(ReviewRecord.user_id == user_id)
                .order_by(ReviewRecord.number.desc())
                .limit(limit)
            )
            return [
                ReviewSummary(n, _aware(at), opening, top, ratio)
                for n, at, opening, top, ratio in rows.all()
            ]

    async def get(self, user_id: int, number: int) -> StoredReview | None:
        async with self._sessions() as session:
            record = await session.scalar(
                select(ReviewRecord).where(
                    ReviewRecord.user_id == user_id, ReviewRecord.number == number
                )
            )
            return None if record is None else _stored(record)

    async def delete(self, user_id: int, number: int) -> bool:
        async with self._sessions.begin() as session:
            result = await session.execute(
                delete(ReviewRecord).where(
                    ReviewRecord.user_id == user_id, ReviewRecord.number == number
                )
            )
            return bool(getattr(result, "rowcount", 0))

    async def forget(self, user_id: int) -> int:
        async with self._sessions.begin() as session:
            result = await session.execute(
                delete(ReviewRecord).where(ReviewRecord.user_id == user_id)
            )
            await session.execute(delete(ReviewCounter).where(ReviewCounter.user_id == user_id))
            return int(getattr(result, "rowcount", 0))

    async def purge(self, before: datetime) -> int:
        """Delete every review stored before `before` (the retention period); returns how many."""
        async with self._sessions.begin() as session:
            result = await session.execute(
                delete(ReviewRecord).where(ReviewRecord.created_at < before)
            )
            return int(getattr(result, "rowcount", 0))


async def _next_number(session: AsyncSession, user_id: int) -> int:
    """Atomically take the user's next review number. The upsert locks the user's counter row
    (PostgreSQL) or the database (SQLite) until commit, so concurrent saves never collide."""
    dialect = session.get_bind().dialect.name
    insert = sqlite_insert if dialect == "sqlite" else postgresql_insert
    statement = (
        insert(ReviewCounter)
        .values(user_id=user_id, last_number=1)
        .on_conflict_do_update(
            index_elements=[ReviewCounter.user_id],
            set_={"last_number": ReviewCounter.last_number + 1},
        )
        .returning(ReviewCounter.last_number)
    )
    return int(await session.scalar(statement) or 1)


def _aware(moment: datetime) -> datetime:
    """SQLite hands back naive datetimes; every time we store is UTC."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _stored(record: ReviewRecord) -> StoredReview:
    return StoredReview(
        number=record.number,
        user_id=record.user_id,
        chat_id=record.chat_id,
        created_at=_aware(record.created_at),
        draft=record.draft,
        review=json.loads(record.review_json),
        top_dimension=record.top_dimension,
        duplicate_ratio=record.duplicate_ratio,
    )
