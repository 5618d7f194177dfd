"""Offline bot fixtures: the real Application and a real SQLite store, no network at all."""

from __future__ import annotations

import itertools
import logging
import os
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text
from telegram import Update

from bot.app import AppType, build_application
from bot.config import Config
from bot.db import Base, create_schema, make_engine, make_sessions
from bot.storage import SqlReviewStore
from core import Corpus
from tests.bot.fake_api import TOKEN, FakeBotApi
from tests.bot.recording_request import RecordingRequest
from tests.conftest import SEEDS

_update_ids = itertools.count(1)


def make_config(tmp_path: Path, **overrides: Any) -> Config:
    values: dict[str, Any] = {
        "token": TOKEN,
        "api_base_url": None,
        "file_base_url": None,
        "database_url": f"sqlite+aiosqlite:///{tmp_path / 'bot.db'}",
        "data_dir": tmp_path,
        "corpus_dir": SEEDS,
        "admin_ids": frozenset(),
        "log_level": logging.INFO,
        "max_draft_chars": 200_000,
        "max_file_bytes": 5 * 1024 * 1024,
        # Drafts here are short paragraphs with no clue of their year: the deployment default
        # decides (tests of /scheme and of the newest-scheme fallback override it).
        "default_scheme": "2023",
    }
    values.update(overrides)
    return Config(**values)


@pytest.fixture
def api() -> FakeBotApi:
    return FakeBotApi()


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """Every storage and handler test runs on both databases the bot supports."""
    if request.param == "sqlite":
        return f"sqlite+aiosqlite:///{tmp_path / 'bot.db'}"
    url = os.environ.get("TEST_POSTGRES_URL")
    if not url:
        pytest.skip("TEST_POSTGRES_URL is not set (.ci/run starts a PostgreSQL server)")
    return url


@pytest.fixture
def config(tmp_path: Path, database_url: str) -> Config:
    return make_config(tmp_path, database_url=database_url)


@pytest.fixture
async def store(config: Config) -> AsyncIterator[SqlReviewStore]:
    engine = make_engine(config.database_url)
    if config.database_url.startswith("postgresql"):
        async with engine.begin() as connection:  # a clean database for every test
            await connection.run_sync(Base.metadata.drop_all)
            await connection.execute(text("DROP TABLE IF EXISTS alembic_version"))
    await create_schema(engine)
    yield SqlReviewStore(make_sessions(engine))
    await engine.dispose()


@pytest.fixture
async def app(
    api: FakeBotApi, config: Config, corpus: Corpus, store: SqlReviewStore
) -> AsyncIterator[AppType]:
    application = build_application(config, corpus, store, request=RecordingRequest(api))
    async with application:
        yield application


async def feed(app: AppType, payload: dict[str, Any]) -> None:
    """Run one update through the real Application, as polling would."""
    update = Update.de_json({"update_id": next(_update_ids), **payload}, app.bot)
    await app.process_update(update)
