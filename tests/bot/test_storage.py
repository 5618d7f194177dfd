"""The history store against real databases: SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio

from sqlalchemy import text

from bot.db import create_schema, make_engine, make_sessions
from bot.storage import SqlReviewStore

REVIEW = {"dimension": "理论学习", "duplicate_ratio": 0.5, "scores": {}, "matches": []}


async def test_numbers_count_per_user_and_survive_a_restart(store: SqlReviewStore, config) -> None:
    first = await store.add(user_id=1, chat_id=1, draft="甲", review=REVIEW)
    other = await store.add(user_id=2, chat_id=2, draft="乙", review=REVIEW)
    second = await store.add(user_id=1, chat_id=-5, draft="丙", review=REVIEW)
    assert (first.number, other.number, second.number) == (1, 1, 2)

    engine = make_engine(config.database_url)  # another process's view of the same database
    await create_schema(engine)  # idempotent on an existing database
    again = SqlReviewStore(make_sessions(engine))
    assert [s.number for s in await again.recent(1)] == [2, 1]
    stored = await again.get(1, 2)
    assert stored is not None and stored.draft == "丙" and stored.chat_id == -5
    assert stored.review == {**REVIEW, "text": "丙"} and stored.created_at.tzinfo is not None
    await engine.dispose()


async def test_no_call_reaches_another_users_rows(store: SqlReviewStore) -> None:
    await store.add(user_id=1, chat_id=1, draft="甲的草稿", review=REVIEW)
    assert await store.get(2, 1) is None
    assert await store.delete(2, 1) is False
    assert await store.forget(2) == 0
    assert await store.recent(2) == []
    assert (await store.get(1, 1)) is not None


async def test_forget_really_deletes(store: SqlReviewStore, config) -> None:
    for _ in range(3):
        await store.add(user_id=7, chat_id=7, draft="要删除的草稿", review=REVIEW)
    assert await store.forget(7) == 3
    assert await store.recent(7) == []
    engine = make_engine(config.database_url)  # look at the tables themselves
    async with engine.connect() as connection:
        drafts = await connection.scalar(
            text("select count(*) from reviews where draft like '%要删除%'")
        )
        counters = await connection.scalar(
            text("select count(*) from review_counters where user_id = 7")
        )
    await engine.dispose()
    assert (drafts, counters) == (0, 0)


async def test_concurrent_saves_by_one_user_get_distinct_numbers(store: SqlReviewStore) -> None:
    saved = await asyncio.gather(
        *[store.add(user_id=9, chat_id=9, draft=str(i), review=REVIEW) for i in range(8)]
    )
    assert sorted(s.number for s in saved) == list(range(1, 9))


async def test_recent_is_limited_to_ten(store: SqlReviewStore) -> None:
    for i in range(12):
        await store.add(user_id=3, chat_id=3, draft=f"第{i}稿", review=REVIEW)
    assert [s.number for s in await store.recent(3)] == list(range(12, 2, -1))


async def test_numbers_are_not_reused_after_a_delete(store: SqlReviewStore) -> None:
    await store.add(user_id=4, chat_id=4, draft="一", review=REVIEW)
    await store.add(user_id=4, chat_id=4, draft="二", review=REVIEW)
    assert await store.delete(4, 2)
    third = await store.add(user_id=4, chat_id=4, draft="三", review=REVIEW)
    assert third.number == 3  # "/show 2" can never show a different draft than it used to
    await store.forget(4)
    assert (await store.add(user_id=4, chat_id=4, draft="新", review=REVIEW)).number == 1


async def test_retention_deletes_old_drafts_from_the_database(
    store: SqlReviewStore, config
) -> None:
    from datetime import UTC, datetime, timedelta

    from bot.jobs import purge_expired

    old = await store.add(user_id=11, chat_id=11, draft="一年前的草稿", review=REVIEW)
    await store.add(user_id=11, chat_id=11, draft="今天的草稿", review=REVIEW)
    engine = make_engine(config.database_url)
    async with engine.begin() as connection:  # age the first review by 200 days
        await connection.execute(
            text("update reviews set created_at = :at where user_id = 11 and number = :n"),
            {"at": datetime.now(UTC) - timedelta(days=200), "n": old.number},
        )
    assert await purge_expired(store, 180) == 1
    async with engine.connect() as connection:
        drafts = (
            (await connection.execute(text("select draft from reviews where user_id = 11")))
            .scalars()
            .all()
        )
    await engine.dispose()
    assert drafts == ["今天的草稿"]


async def test_sqlite_saves_queue_for_the_one_writer_instead_of_failing(
    tmp_path, monkeypatch
) -> None:
    """Hundreds of saves at once on SQLite: none may meet a locked database. With a busy timeout
    of one millisecond any two connections contending for the file lock would fail, so this
    passes only because saves queue for the single connection (verified: a pooled engine loses
    saves here)."""
    import bot.db

    monkeypatch.setattr(bot.db, "SQLITE_BUSY_TIMEOUT_SECONDS", 0.001)
    engine = make_engine(f"sqlite+aiosqlite:///{tmp_path / 'busy.db'}")
    await create_schema(engine)
    store = SqlReviewStore(make_sessions(engine))
    saved = await asyncio.gather(
        *[
            store.add(user_id=user, chat_id=user, draft=f"{user}-{i}", review=REVIEW)
            for i in range(8)
            for user in range(1, 51)
        ]
    )
    assert len(saved) == 400
    for user in range(1, 51):
        numbers = sorted(s.number for s in saved if s.user_id == user)
        assert numbers == list(range(1, 9))
    async with engine.connect() as connection:
        mode = await connection.scalar(text("pragma journal_mode"))
        secure = await connection.scalar(text("pragma secure_delete"))
    await engine.dispose()
    assert (mode, secure) == ("wal", 1)
