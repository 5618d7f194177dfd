"""Schema migrations: a new database is created, an old one is refused until upgraded."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import text

from bot.db import Base, ReviewCounter, ReviewRecord, make_engine
from bot.schema import SchemaOutOfDate, ensure_current, state, upgrade
from tests.conftest import ROOT


async def _fresh(url: str):
    engine = make_engine(url)
    async with engine.begin() as connection:
        await connection.run_sync(Base.metadata.drop_all)
        await connection.execute(text("DROP TABLE IF EXISTS alembic_version"))
    return engine


async def test_an_empty_database_is_created_at_start(database_url: str) -> None:
    engine = await _fresh(database_url)
    await ensure_current(engine)
    found = await state(engine)
    assert found.current == found.head and not found.empty
    await ensure_current(engine)  # and a current one is left alone
    await engine.dispose()


async def test_a_database_from_before_migrations_is_refused_then_upgraded(
    database_url: str,
) -> None:
    engine = await _fresh(database_url)
    legacy = [ReviewRecord.__table__, ReviewCounter.__table__]
    async with engine.begin() as connection:  # what the bot made before it had migrations
        await connection.run_sync(lambda c: Base.metadata.create_all(c, tables=legacy))
        await connection.execute(
            text(
                "insert into reviews (user_id, number, chat_id, created_at, draft, review_json, duplicate_ratio) "
                "values (1, 1, 1, '2026-01-01 00:00:00', '旧草稿', '{}', 0)"
            )
        )
    with pytest.raises(SchemaOutOfDate) as info:
        await ensure_current(engine)
    assert "draft-review db upgrade" in str(info.value)
    found = await upgrade(engine)
    assert found.current == found.head
    async with engine.connect() as connection:
        assert await connection.scalar(text("select draft from reviews")) == "旧草稿"
    await ensure_current(engine)
    await engine.dispose()


def _db(command: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    argv = [sys.executable, "-m", "bot.cli", "db", command]
    return subprocess.run(
        argv, env=env, cwd=ROOT, capture_output=True, text=True, timeout=60, check=False
    )


def test_db_upgrade_command(tmp_path: Path) -> None:
    env = {**os.environ, "DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'h.db'}"}
    done = _db("upgrade", env)
    assert done.returncode == 0, done.stderr
    assert "最新版本" in done.stdout
    bad = _db("downgrade", env)
    assert bad.returncode == 2 and "用法" in bad.stderr


async def test_the_bot_refuses_an_out_of_date_schema(tmp_path: Path, seeds_copy: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'old.db'}"
    engine = make_engine(url)
    legacy = [ReviewRecord.__table__, ReviewCounter.__table__]
    async with engine.begin() as connection:  # tables, but no migration version
        await connection.run_sync(lambda c: Base.metadata.create_all(c, tables=legacy))
    await engine.dispose()
    from tests.bot.fake_api import TOKEN

    env = {
        "PATH": os.environ["PATH"],
        "TELEGRAM_BOT_TOKEN": TOKEN,
        "DATABASE_URL": url,
        "CORPUS_DIR": str(seeds_copy),
    }
    done = subprocess.run(
        [sys.executable, "-m", "bot.cli", "bot"],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 2
    assert "draft-review db upgrade" in done.stderr and "Traceback" not in done.stderr


async def test_upgrade_deletes_history_stored_under_placeholder_senders(
    database_url: str,
) -> None:
    """0003: rows kept under the anonymous-admin, channel and service placeholders were one
    history shared by strangers; the upgrade removes them and nothing else."""
    from bot.schema import upgrade_to

    engine = await _fresh(database_url)
    await upgrade_to(engine, "0002")
    async with engine.begin() as connection:
        for user_id in (1087968824, 136817688, 777000, 42):
            await connection.execute(
                text(
                    "insert into reviews (user_id, number, chat_id, created_at, draft, review_json, duplicate_ratio) "
                    "values (:u, 1, -100, '2026-01-01 00:00:00', '草稿', '{}', 0)"
                ),
                {"u": user_id},
            )
            await connection.execute(
                text("insert into review_counters (user_id, last_number) values (:u, 1)"),
                {"u": user_id},
            )
    await upgrade(engine)
    async with engine.connect() as connection:
        reviews = (await connection.execute(text("select user_id from reviews"))).scalars()
        counters = (await connection.execute(text("select user_id from review_counters"))).scalars()
        assert (list(reviews), list(counters)) == ([42], [42])
    await engine.dispose()
