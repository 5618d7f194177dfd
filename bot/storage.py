"""Per-user review history behind a small interface that returns plain dataclasses.

Every method takes the acting user's id and touches only that user's rows: there is no call
that could return or delete another user's review.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Protocol

from sqlalchemy import delete, func, select, text
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.db import ReviewCounter, ReviewRecord, UserSetting
from bot.encryption import DraftCipher, open_stored
from core.structure import draft_name

log = logging.getLogger(__name__)


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
    """One line of /history; `opening` names the draft (its title, or how it opens)."""

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

    async def latest(self, user_id: int, limit: int = 10) -> list[StoredReview]: ...

    async def delete(self, user_id: int, number: int) -> bool: ...

    async def forget(self, user_id: int) -> int: ...

    async def scheme(self, user_id: int) -> str | None: ...

    async def set_scheme(self, user_id: int, scheme: str | None) -> None: ...

    async def purge(self, before: datetime) -> int: ...


class SqlReviewStore:
    """ReviewStore on SQLAlchemy async sessions; one unit of work per call.

    The text is stored once: the review's JSON is kept without its `text` (the normalised draft
    its offsets refer to), which is what the draft column holds. With a cipher both are sealed.
    """

    def __init__(
        self, sessions: async_sessionmaker[AsyncSession], *, cipher: DraftCipher | None = None
    ) -> None:
        self._sessions = sessions
        self._cipher = cipher

    async def add(
        self, *, user_id: int, chat_id: int, draft: str, review: dict[str, Any]
    ) -> StoredReview:
        normalised = str(review.get("text", draft))
        rest = {key: value for key, value in review.items() if key != "text"}
        async with self._sessions.begin() as session:
            record = ReviewRecord(
                user_id=user_id,
                number=await _next_number(session, user_id),
                chat_id=chat_id,
                created_at=datetime.now(UTC),
                draft=self._seal(normalised, user_id),
                review_json=self._seal(json.dumps(rest, ensure_ascii=False), user_id),
                top_dimension=_clip(review.get("dimension"), TOP_DIMENSION_CHARS),
                duplicate_ratio=float(review.get("duplicate_ratio", 0.0)),
            )
            session.add(record)
            await session.flush()
            return self._stored(record)

    def _seal(self, plain: str, user_id: int) -> str:
        return plain if self._cipher is None else self._cipher.seal(plain, user_id=user_id)

    def _open(self, stored: str, user_id: int) -> str:
        return open_stored(stored, user_id=user_id, cipher=self._cipher)

    def _stored(self, record: ReviewRecord) -> StoredReview:
        draft = self._open(record.draft, record.user_id)
        review = json.loads(self._open(record.review_json, record.user_id))
        review.setdefault("text", draft)  # rows written before the text was stored once have it
        return StoredReview(
            number=record.number,
            user_id=record.user_id,
            chat_id=record.chat_id,
            created_at=_aware(record.created_at),
            draft=draft,
            review=review,
            top_dimension=record.top_dimension,
            duplicate_ratio=record.duplicate_ratio,
        )

    async def recent(self, user_id: int, limit: int = 10) -> list[ReviewSummary]:
        async with self._sessions() as session:
            rows = await session.execute(
                select(
                    ReviewRecord.number,
                    ReviewRecord.created_at,
                    ReviewRecord.draft,  # sealed drafts can only be cut after opening
                    ReviewRecord.top_dimension,
                    ReviewRecord.duplicate_ratio,
                )
                .where(ReviewRecord.user_id == user_id)
                .order_by(ReviewRecord.number.desc())
                .limit(limit)
            )
            return [
                ReviewSummary(n, _aware(at), draft_name(self._open(draft, user_id)), top, ratio)
                for n, at, draft, top, ratio in rows.all()
            ]

    async def latest(self, user_id: int, limit: int = 10) -> list[StoredReview]:
        """The user's last `limit` reviews in full, newest first (to find an earlier version)."""
        async with self._sessions() as session:
            records = await session.scalars(
                select(ReviewRecord)
                .where(ReviewRecord.user_id == user_id)
                .order_by(ReviewRecord.number.desc())
                .limit(limit)
            )
            return [s for s in map(self._readable, records.all()) if s is not None]

    def _readable(self, record: ReviewRecord) -> StoredReview | None:
        """The row, or None when it cannot be opened (sealed with another key, damaged)."""
        try:
            return self._stored(record)
        except Exception:
            log.warning("review %s of user %s cannot be opened", record.number, record.user_id)
            return None

    async def get(self, user_id: int, number: int) -> StoredReview | None:
        async with self._sessions() as session:
            record = await session.scalar(
                select(ReviewRecord).where(
                    ReviewRecord.user_id == user_id, ReviewRecord.number == number
                )
            )
            return None if record is None else self._stored(record)

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
            await session.execute(delete(UserSetting).where(UserSetting.user_id == user_id))
            removed = int(getattr(result, "rowcount", 0))
        await self._reclaim()
        return removed

    async def scheme(self, user_id: int) -> str | None:
        """The scheme this user chose with /scheme, or None (detect, else the default)."""
        async with self._sessions() as session:
            found = await session.scalar(
                select(UserSetting.scheme).where(UserSetting.user_id == user_id)
            )
            return None if found is None else str(found)

    async def set_scheme(self, user_id: int, scheme: str | None) -> None:
        """Remember the user's scheme; None forgets the choice (the row goes too)."""
        async with self._sessions.begin() as session:
            if scheme is None:
                await session.execute(delete(UserSetting).where(UserSetting.user_id == user_id))
                return
            dialect = session.get_bind().dialect.name
            insert = sqlite_insert if dialect == "sqlite" else postgresql_insert
            now = datetime.now(UTC)
            await session.execute(
                insert(UserSetting)
                .values(user_id=user_id, scheme=scheme, updated_at=now)
                .on_conflict_do_update(
                    index_elements=[UserSetting.user_id],
                    set_={"scheme": scheme, "updated_at": now},
                )
            )

    async def purge(self, before: datetime) -> int:
        """Delete every review stored before `before` (the retention period), and the counters
        of users left with none; returns how many reviews."""
        async with self._sessions.begin() as session:
            result = await session.execute(
                delete(ReviewRecord).where(ReviewRecord.created_at < before)
            )
            await session.execute(
                delete(ReviewCounter).where(
                    ~select(ReviewRecord.id)
                    .where(ReviewRecord.user_id == ReviewCounter.user_id)
                    .exists()
                )
            )
            removed = int(getattr(result, "rowcount", 0))
        if removed:
            await self._reclaim()
        return removed

    async def _reclaim(self) -> None:
        """PostgreSQL keeps deleted rows in its table files until VACUUM frees them for reuse;
        run it now rather than whenever autovacuum gets round to it. Best effort: the rows are
        already gone from every query, and sealed drafts are unreadable without the key."""
        bind = self._sessions.kw.get("bind")
        if bind is None or bind.dialect.name != "postgresql":
            return  # SQLite overwrites deleted content at once (secure_delete, bot/db.py)
        try:
            async with bind.connect() as connection:
                autocommit = await connection.execution_options(isolation_level="AUTOCOMMIT")
                await autocommit.execute(text("VACUUM reviews"))
                await autocommit.execute(text("VACUUM review_counters"))
        except SQLAlchemyError:
            log.warning("VACUUM after deleting drafts failed; autovacuum will reclaim them")


async def _next_number(session: AsyncSession, user_id: int) -> int:
    """Atomically take the user's next review number. The upsert locks the user's counter row
    (PostgreSQL) or the database (SQLite) until commit, so concurrent saves never collide. A new
    counter starts after the user's highest stored number, so a counter the retention purge
    removed while a save was under way can never hand out a number already in use."""
    dialect = session.get_bind().dialect.name
    insert = sqlite_insert if dialect == "sqlite" else postgresql_insert
    highest = (
        select(func.coalesce(func.max(ReviewRecord.number), 0) + 1)
        .where(ReviewRecord.user_id == user_id)
        .scalar_subquery()
    )
    statement = (
        insert(ReviewCounter)
        .values(user_id=user_id, last_number=highest)
        .on_conflict_do_update(
            index_elements=[ReviewCounter.user_id],
            set_={"last_number": ReviewCounter.last_number + 1},
        )
        .returning(ReviewCounter.last_number)
    )
    return int(await session.scalar(statement) or 1)


TOP_DIMENSION_CHARS = 32  # the column's width; a draft's own aspect names can be longer


def _clip(value: object, limit: int) -> str | None:
    return None if value is None else str(value)[:limit]


def _aware(moment: datetime) -> datetime:
    """SQLite hands back naive datetimes; every time we store is UTC."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
