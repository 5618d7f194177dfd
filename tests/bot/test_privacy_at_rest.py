"""What a deleted or stored draft leaves on disk: sealed at rest with HISTORY_KEY, stored once,
and (SQLite) overwritten on delete."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.config import ConfigError, load_config
from bot.db import Base, create_schema, make_engine, make_sessions
from bot.encryption import DraftCipher, SealError, new_key, parse_key
from bot.storage import SqlReviewStore

MARKER = "青石桥村饮水工程拖欠款项未结清"  # a phrase no other test writes
REVIEW = {"text": MARKER + "。", "dimension": "廉洁自律", "duplicate_ratio": 0.0, "matches": []}


_ENGINES: list[AsyncEngine] = []


@pytest.fixture(autouse=True)
async def dispose_engines() -> AsyncIterator[None]:
    yield
    while _ENGINES:
        await _ENGINES.pop().dispose()


async def _fresh_store(url: str, cipher: DraftCipher | None) -> SqlReviewStore:
    engine = make_engine(url)
    _ENGINES.append(engine)
    if url.startswith("postgresql"):
        async with engine.begin() as connection:  # a clean database, as tests/bot/conftest.py
            await connection.run_sync(Base.metadata.drop_all)
            await connection.execute(text("DROP TABLE IF EXISTS alembic_version"))
    await create_schema(engine)
    return SqlReviewStore(make_sessions(engine), cipher=cipher)


async def _raw(store: SqlReviewStore, sql: str) -> list[tuple[object, ...]]:
    async with store._sessions() as session:
        return [tuple(row) for row in (await session.execute(text(sql))).all()]


async def test_sealed_rows_hold_no_draft_text_and_open_only_for_their_user(
    tmp_path: Path,
) -> None:
    cipher = DraftCipher(parse_key(new_key()))
    store = await _fresh_store(f"sqlite+aiosqlite:///{tmp_path / 'a.db'}", cipher)
    saved = await store.add(user_id=5, chat_id=5, draft=MARKER, review=REVIEW)
    assert saved.draft == MARKER + "。" and saved.review["text"] == MARKER + "。"
    rows = await _raw(store, "select draft, review_json from reviews")
    assert rows and all(MARKER not in str(cell) for row in rows for cell in row)
    again = await store.get(5, saved.number)
    assert again is not None and again.review == REVIEW and again.draft == MARKER + "。"
    assert [s.opening for s in await store.recent(5)] == [(MARKER + "。")[:40]]

    other_key = SqlReviewStore(store._sessions, cipher=DraftCipher(parse_key(new_key())))
    with pytest.raises(SealError):
        await other_key.get(5, saved.number)
    sealed = str(rows[0][0])
    with pytest.raises(SealError):  # a sealed draft copied into another user's row stays shut
        cipher.open(sealed, user_id=6)


async def test_the_draft_is_stored_once(tmp_path: Path) -> None:
    store = await _fresh_store(f"sqlite+aiosqlite:///{tmp_path / 'b.db'}", None)
    await store.add(user_id=1, chat_id=1, draft=MARKER, review=REVIEW)
    ((draft, review_json),) = await _raw(store, "select draft, review_json from reviews")
    assert MARKER in str(draft)
    assert MARKER not in str(review_json) and "text" not in json.loads(str(review_json))


async def test_rows_written_before_a_key_was_set_stay_readable(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'c.db'}"
    plain = await _fresh_store(url, None)
    await plain.add(user_id=1, chat_id=1, draft=MARKER, review=REVIEW)
    sealed = SqlReviewStore(plain._sessions, cipher=DraftCipher(parse_key(new_key())))
    old = await sealed.get(1, 1)
    assert old is not None and old.draft == MARKER + "。"


def _files_containing(folder: Path, needle: bytes) -> list[Path]:
    found = []
    for path in folder.rglob("*"):
        try:
            if path.is_file() and needle in path.read_bytes():
                found.append(path)
        except OSError:
            continue
    return found


async def test_sqlite_leaves_no_deleted_draft_in_its_files(tmp_path: Path) -> None:
    store = await _fresh_store(f"sqlite+aiosqlite:///{tmp_path / 'd.db'}", None)
    for _ in range(3):
        await store.add(user_id=8, chat_id=8, draft=MARKER, review=REVIEW)
    assert await store.forget(8) == 3
    async with store._sessions() as session:  # move the WAL's pages into the database file
        await session.execute(text("PRAGMA wal_checkpoint(TRUNCATE)"))
    assert _files_containing(tmp_path, MARKER.encode()) == []


@pytest.mark.parametrize("sealed", [True, False])
async def test_postgresql_files_after_forget(sealed: bool) -> None:
    """Sealed: the draft's bytes never reach PostgreSQL's table files or WAL, before or after
    /forget. Unsealed (the contrast that shows the probe can see): they are there."""
    import os

    url = os.environ.get("TEST_POSTGRES_URL")
    if not url:
        pytest.skip("TEST_POSTGRES_URL is not set (.ci/run starts a PostgreSQL server)")
    cipher = DraftCipher(parse_key(new_key())) if sealed else None
    store = await _fresh_store(url, cipher)
    marker = f"{MARKER}{'甲' if sealed else '乙'}{os.getpid()}"
    review = {**REVIEW, "text": marker}
    await store.add(user_id=4242, chat_id=4242, draft=marker, review=review)
    ((data_directory,),) = await _raw(store, "show data_directory")
    await store.forget(4242)
    async with store._sessions() as session:
        await session.execute(text("CHECKPOINT"))
    folder = Path(str(data_directory))
    if not os.access(folder, os.R_OK):
        pytest.skip("PostgreSQL's data directory is not readable here")
    found = _files_containing(folder, marker.encode())
    assert (found == []) is sealed


def test_history_key_is_validated_without_echoing_it(tmp_path: Path) -> None:
    base = {"TELEGRAM_BOT_TOKEN": "123456:" + "A" * 35, "DATA_DIR": str(tmp_path)}
    good = new_key()
    assert load_config({**base, "HISTORY_KEY": good}).history_key == parse_key(good)
    assert load_config(base).history_key is None
    with pytest.raises(ConfigError) as bad:
        load_config({**base, "HISTORY_KEY": "c2hvcnQta2V5"})
    assert "HISTORY_KEY" in str(bad.value) and "c2hvcnQta2V5" not in str(bad.value)
