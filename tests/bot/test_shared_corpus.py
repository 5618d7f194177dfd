"""Corpus documents added by an administrator on one replica reach the others through the
database: two Applications on one database stand for two replicas."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from bot.app import AppType, build_application
from bot.corpus_handlers import sync_corpus
from bot.db import make_engine, make_sessions
from bot.shared_corpus import SharedCorpus
from bot.storage import SqlReviewStore
from core import Corpus, review
from core.corpus import extend_corpus
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
    return app.bot_data.services.corpus


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
    await sync_corpus(b.bot_data)  # what its timer does
    [match] = review(PROBE, _corpus(b)).matches
    assert match.source == "shared/城南旧改.txt"
    before = _corpus(b)
    await sync_corpus(b.bot_data)
    assert _corpus(b) is before  # nothing new: nothing rebuilt


async def test_only_admins_add_to_the_corpus(two_replicas) -> None:
    (a, api_a), _ = two_replicas
    api_a.files["c2"] = NEW.encode()
    payload = u.document(USER, "c2", "x.txt", len(NEW.encode()), "text/plain")
    payload["message"]["caption"] = "/addcorpus"
    await feed(a, payload)
    assert "只有管理员" in str(api_a.sent(USER)[-1].params["text"])
    assert await a.bot_data.services.shared.count() == 0


class _PausingShared:
    """The shared table as SharedCorpus reads it, except that the first sync stops between
    reading the table and returning its corpus, until the test lets it go on."""

    def __init__(self) -> None:
        self.table: list[tuple[str, str]] = []
        self.loaded = 0  # SharedCorpus.last_id
        self.first_has_read = asyncio.Event()
        self.go_on = asyncio.Event()
        self.calls = 0

    async def sync(self, corpus: Corpus) -> Corpus:
        self.calls += 1
        rows, end = self.table[self.loaded :], len(self.table)
        if self.calls == 1:
            self.first_has_read.set()
            await self.go_on.wait()
        self.loaded = end
        return extend_corpus(corpus, rows, tokenizer=corpus.model.tokenizer) if rows else corpus


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
async def test_concurrent_syncs_lose_no_document(
    store: SqlReviewStore, config, corpus: Corpus, api: FakeBotApi
) -> None:
    """The timer's sync and an /addcorpus sync at once: without the lock each extends the same
    old corpus and the slower one's write drops the other's document."""
    shared = _PausingShared()
    app = build_application(config, corpus, store, request=RecordingRequest(api), shared=shared)
    shared.table.append(("shared/城南旧改.txt", NEW))
    timer = asyncio.create_task(sync_corpus(app.bot_data))
    await shared.first_has_read.wait()  # it holds the old corpus and has seen one document
    shared.table.append(("shared/第二份.txt", NEW.replace("城南", "城北")))  # /addcorpus stores …
    addition = asyncio.create_task(sync_corpus(app.bot_data))  # … and syncs at once
    shared.go_on.set()  # the addition's sync is scheduled first: it would finish first
    await asyncio.gather(timer, addition)
    names = [n for n in app.bot_data.services.corpus.names if n.startswith("shared/")]
    assert names == ["shared/城南旧改.txt", "shared/第二份.txt"]
