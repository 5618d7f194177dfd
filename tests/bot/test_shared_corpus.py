"""Corpus documents added by an administrator on one replica reach the others through the
database: two Applications on one database stand for two replicas."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.app import AppType, build_application
from bot.corpus_handlers import sync_corpus
from bot.db import make_engine, make_sessions
from bot.shared_corpus import SharedCorpus
from bot.storage import SqlReviewStore
from core import Corpus, review
from tests.bot import updates as u
from tests.bot.conftest import feed, make_config
from tests.bot.fake_api import FakeBotApi
from tests.bot.recording_request import RecordingRequest

ADMIN, USER = 9001, 9002
NEW = "（一）廉洁自律方面。一是我对分管的城南片区旧改项目招投标监督不到位，三个标段的评标记录缺少签字。"
PROBE = "对分管的城南片区旧改项目招投标监督不到位，三个标段的评标记录缺少签字。"


@pytest.fixture
async def two_replicas(store: SqlReviewStore, config, corpus: Corpus, tmp_path: Path):
    engine = make_engine(config.database_url)
    sessions = make_sessions(engine)
    apps = []
    for n in range(2):
        replica_config = make_config(
            tmp_path / f"r{n}", database_url=config.database_url, admin_ids=frozenset({ADMIN})
        )
        api = FakeBotApi()
        app = build_application(
            replica_config,
            corpus,
            SqlReviewStore(sessions),
            request=RecordingRequest(api),
            shared=SharedCorpus(sessions),
        )
        await app.initialize()
        apps.append((app, api))
    yield apps
    for app, _ in apps:
        await app.shutdown()
    await engine.dispose()


def _corpus(app: AppType) -> Corpus:
    return app.bot_data["services"].corpus


async def test_admin_add_and_sync(two_replicas) -> None:
    (a, api_a), (b, _) = two_replicas
    api_a.files["c1"] = NEW.encode()
    payload = u.document(ADMIN, "c1", "城南旧改.txt", len(NEW.encode()), "text/plain")
    payload["message"]["caption"] = "/addcorpus"
    await feed(a, payload)
    assert "已加入语料库：城南旧改.txt" in str(api_a.sent(ADMIN)[-1].params["text"])
    [match] = review(PROBE, _corpus(a)).matches  # at once on the replica that received it
    assert match.source == "shared/城南旧改.txt"
    assert review(PROBE, _corpus(b)).matches == ()  # the other one has not looked yet
    await sync_corpus(b)  # what its timer does
    [match] = review(PROBE, _corpus(b)).matches
    assert match.source == "shared/城南旧改.txt"
    before = _corpus(b)
    await sync_corpus(b)
    assert _corpus(b) is before  # nothing new: nothing rebuilt


async def test_only_admins_add_to_the_corpus(two_replicas) -> None:
    (a, api_a), _ = two_replicas
    api_a.files["c2"] = NEW.encode()
    payload = u.document(USER, "c2", "x.txt", len(NEW.encode()), "text/plain")
    payload["message"]["caption"] = "/addcorpus"
    await feed(a, payload)
    assert "只有管理员" in str(api_a.sent(USER)[-1].params["text"])
    assert await a.bot_data["services"].shared.count() == 0
