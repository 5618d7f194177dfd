"""PostgreSQL goes away mid-run: users still get their reviews and are told they were not
saved; when the server is back, saving resumes without restarting the bot."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from bot.app import build_application
from bot.db import create_schema, make_engine, make_sessions
from bot.storage import SqlReviewStore
from core import Corpus
from tests.bot import updates as u
from tests.bot.conftest import feed, make_config
from tests.bot.fake_api import FakeBotApi
from tests.bot.recording_request import RecordingRequest
from tests.conftest import ROOT

sys.path.insert(0, str(ROOT / "deploy"))
from local_production import Postgres

USER = 4242
DRAFT = "一是我对分管的城南片区旧改项目监督不到位，三个标段评标记录缺少签字。"


@pytest.fixture
def postgres():
    if not list(Path("/usr/lib/postgresql").glob("*/bin/pg_ctl")):
        pytest.skip("PostgreSQL is not installed here (.ci/postgres.sh installs it in CI)")
    server = Postgres()
    server.start()
    yield server
    server.stop()


@pytest.mark.slow
async def test_the_database_goes_away_and_comes_back(
    postgres: Postgres, tmp_path: Path, corpus: Corpus
) -> None:
    engine = make_engine(postgres.url)
    await create_schema(engine)
    store = SqlReviewStore(make_sessions(engine))
    api = FakeBotApi()
    app = build_application(
        make_config(tmp_path, database_url=postgres.url),
        corpus,
        store,
        request=RecordingRequest(api),
    )
    async with app:
        await feed(app, u.text(USER, DRAFT))
        postgres.pause()
        await feed(app, u.text(USER, DRAFT + "第二稿。"))
        replies = [str(c.params["text"]) for c in api.sent(USER)]
        assert "审阅结果" in replies[-2] and "未能保存" in replies[-1]
        postgres.resume()
        await feed(app, u.text(USER, DRAFT + "第三稿。"))
        assert "第 2 号" in [str(c.params["text"]) for c in api.sent(USER)][-1]
    assert [s.number for s in await store.recent(USER)] == [2, 1]
    await engine.dispose()
