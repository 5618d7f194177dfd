"""CORPUS_BACKEND=postgres: shared documents searched in PostgreSQL (bot/pg_corpus.py).

A document an administrator adds on one replica is matched by every other replica as soon as it
is committed, with no sync and no restart; the lookup proposes whole sentences, clauses and
fragments and nothing for unrelated text; a database pg_trgm cannot read Chinese in is refused
at start-up; and a lookup whose database is away never fails or holds up a review.
"""

from __future__ import annotations

import asyncio
import logging
import os
import socket
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import asyncpg
import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url

from bot.app import AppType, build_application
from bot.config import ConfigError, load_config
from bot.db import CorpusSentence, make_engine, make_sessions
from bot.jobs import SYNC
from bot.pg_corpus import BackendUnusable, PgSentenceLookup, check_backend, sentence_rows
from bot.shared_corpus import SharedCorpus
from bot.storage import SqlReviewStore
from core import Corpus, review
from core.text import compare_key, spaced_key
from tests.bot import updates as u
from tests.bot.conftest import feed, make_config
from tests.bot.fake_api import TOKEN, FakeBotApi
from tests.bot.recording_request import RecordingRequest
from tests.conftest import ROOT, SEEDS

ADMIN, USER = 9101, 9102
NEW = (
    "（一）廉洁自律方面。一是我对分管的城南片区旧改项目招投标监督不到位，三个标段的评标记录缺少签字。"
    "二是对下属单位食堂外包合同的续签把关不严，未按规定重新比选供应商就直接延长了合同期限。"
)
# One character left out, one changed: a light edit of the first sentence of NEW.
EDITED = "一是我对分管的城南片区旧改项目招标监督不到位，三个标段的评标纪录缺少签字。"
UNRELATED = "今年夏天雨水特别多，小区门口的梧桐树长得比往年都要茂盛一些，孩子们喜欢在树下乘凉。"


def _postgres() -> str:
    url = os.environ.get("TEST_POSTGRES_URL")
    if not url:
        pytest.skip("TEST_POSTGRES_URL is not set (.ci/run starts a PostgreSQL server)")
    return url


on_postgres = pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)


# --- configuration ------------------------------------------------------------------------


def test_the_backend_is_memory_unless_postgres_is_asked_for() -> None:
    env = {"TELEGRAM_BOT_TOKEN": TOKEN, "CORPUS_DIR": str(SEEDS)}
    assert load_config(env).corpus_backend == "memory"
    url = "postgresql+asyncpg://u@h/db"
    chosen = load_config({**env, "DATABASE_URL": url, "CORPUS_BACKEND": "Postgres"})
    assert chosen.corpus_backend == "postgres"


@pytest.mark.parametrize(
    ("backend", "url", "said"),
    [
        ("postgres", "", "需要 PostgreSQL"),  # the SQLite default
        ("postgres", "sqlite+aiosqlite:///x.db", "需要 PostgreSQL"),
        ("elastic", "", "CORPUS_BACKEND 须为 memory 或 postgres"),
    ],
)
def test_a_backend_the_database_cannot_serve_is_refused(backend: str, url: str, said: str) -> None:
    env = {"TELEGRAM_BOT_TOKEN": TOKEN, "CORPUS_DIR": str(SEEDS), "CORPUS_BACKEND": backend}
    if url:
        env["DATABASE_URL"] = url
    with pytest.raises(ConfigError) as info:
        load_config(env)
    assert info.value.problems == [next(p for p in info.value.problems if said in p)]


def test_sentence_rows_are_the_sentences_the_engine_indexes() -> None:
    rows = sentence_rows(NEW)
    assert [position for position, _, _ in rows] == [0, 1]  # the heading is not a sentence
    assert rows[0][1].startswith("一是我对分管的城南片区") and rows[0][1].endswith("签字。")
    assert all(key == spaced_key(written) for _, written, key in rows)
    assert sentence_rows("好的。收到，谢谢。") == []  # too short to ever match


async def test_the_upgrade_splits_the_documents_already_shared(database_url: str) -> None:
    """Migration 0005 fills corpus_sentences for documents stored before it (on SQLite too:
    the plain table, no trigram index), so switching to the postgres backend finds them."""
    from bot.db import Base
    from bot.schema import upgrade, upgrade_to

    engine = make_engine(database_url)
    async with engine.begin() as connection:
        await connection.run_sync(Base.metadata.drop_all)
        await connection.execute(text("DROP TABLE IF EXISTS alembic_version"))
    await upgrade_to(engine, "0004")
    async with engine.begin() as connection:
        await connection.execute(
            text(
                "INSERT INTO corpus_documents (name, text, added_by, added_at)"
                " VALUES ('旧文档.txt', :text, 1, '2026-01-01 00:00:00')"
            ),
            {"text": NEW},
        )
    await upgrade(engine)
    async with engine.connect() as connection:
        rows = (
            await connection.execute(
                text("SELECT position, text, key FROM corpus_sentences ORDER BY position")
            )
        ).all()
    assert [tuple(r) for r in rows] == sentence_rows(NEW)
    if database_url.startswith("postgresql"):
        await check_backend(engine)  # extension and index in place
        lookup = PgSentenceLookup.on_running_loop(make_sessions(engine))
        assert await _candidates(lookup, [spaced_key(EDITED)]) == [["shared/旧文档.txt"]]
    await engine.dispose()


# --- (a) two replicas on one PostgreSQL database --------------------------------------------


@pytest.fixture
async def replicas(
    store: SqlReviewStore, config: Any, corpus: Corpus, tmp_path: Path
) -> AsyncIterator[list[tuple[AppType, FakeBotApi]]]:
    """Two replicas with CORPUS_BACKEND=postgres, each with its own engine, started as the bot
    starts them (post_init: no sync, the lookup bound to the running loop)."""
    engines, apps = [], []
    for n in range(2):
        replica_config = make_config(
            tmp_path / f"r{n}",
            database_url=config.database_url,
            admin_ids=frozenset({ADMIN}),
            corpus_backend="postgres",
        )
        engine = make_engine(config.database_url)
        await check_backend(engine)  # what run_bot checks before starting
        sessions = make_sessions(engine)
        api = FakeBotApi()
        app = build_application(
            replica_config,
            corpus,
            SqlReviewStore(sessions),
            request=RecordingRequest(api),
            shared=SharedCorpus(sessions),
        )
        await app.initialize()
        await app.post_init(app)
        engines.append(engine)
        apps.append((app, api))
    yield apps
    for (app, _), engine in zip(apps, engines, strict=True):
        await app.shutdown()
        await engine.dispose()


def _replies(api: FakeBotApi, user: int) -> str:
    return "\n".join(str(c.params.get("text", "")) for c in api.sent(user))


@on_postgres
async def test_a_document_added_on_one_replica_is_matched_on_the_other_at_once(
    replicas: list[tuple[AppType, FakeBotApi]],
) -> None:
    (a, api_a), (b, api_b) = replicas
    api_a.files["c1"] = NEW.encode()
    payload = u.document(ADMIN, "c1", "城南旧改.txt", len(NEW.encode()), "text/plain")
    payload["message"]["caption"] = "/addcorpus"
    await feed(a, payload)
    assert "已加入语料库：城南旧改.txt。所有实例即刻可以比对" in _replies(api_a, ADMIN)

    await feed(b, u.text(USER, EDITED))  # no sync, no restart
    reply = _replies(api_b, USER)
    assert "审阅结果" in reply and "来源：shared/城南旧改.txt" in reply
    for app, _ in replicas:  # found in the database: loaded into no replica's memory
        assert not [n for n in app.bot_data.services.corpus.names if n.startswith("shared/")]
        assert app.job_queue is not None and not app.job_queue.jobs(SYNC)


# --- (b) what the lookup proposes -------------------------------------------------------------


@pytest.fixture
async def lookup(store: SqlReviewStore, config: Any) -> AsyncIterator[PgSentenceLookup]:
    engine = make_engine(config.database_url)
    sessions = make_sessions(engine)
    await SharedCorpus(sessions).add("城南旧改.txt", NEW, ADMIN)
    yield PgSentenceLookup.on_running_loop(sessions)
    await engine.dispose()


async def _candidates(lookup: PgSentenceLookup, keys: list[str]) -> list[list[str]]:
    """What the engine gets, called from a worker thread as reviews call it."""
    found = await asyncio.to_thread(lookup.candidates, keys, limit=16)
    assert len(found) == len(keys)
    for sentences in found:
        assert all(s.key == spaced_key(s.text) for s in sentences)
    return [[s.document for s in sentences] for sentences in found]


@on_postgres
async def test_the_lookup_proposes_sentences_clauses_and_fragments(
    lookup: PgSentenceLookup, corpus: Corpus
) -> None:
    source = "shared/城南旧改.txt"
    whole = spaced_key(EDITED)
    clause = compare_key("三个标段的评标纪录缺少签字")  # the second clause, one character changed
    fragment = compare_key("未按规定重新比选供应商就直接延长")  # 16 characters inside a clause
    reordered = spaced_key(
        "三个标段的评标记录缺少签字，一是我对分管的城南片区旧改项目招投标监督不到位。"
    )
    found = await _candidates(
        lookup, [whole, clause, fragment, reordered, compare_key(UNRELATED), spaced_key(UNRELATED)]
    )
    assert [set(f) for f in found] == [{source}] * 4 + [set(), set()]

    # … and the engine verifies them: every kind of near-copy, nothing in the unrelated text.
    draft = (
        f"{EDITED}{UNRELATED}我们在工作中发现，三个标段的评标纪录缺少签字，需要整改。"
        "另外，未按规定重新比选供应商就直接延长，这影响了公平。"
    )
    done = await asyncio.to_thread(review, draft, corpus, lookup=lookup)
    kinds = sorted(m.kind for m in done.matches if m.source == source)
    assert kinds == ["clause", "fragment", "sentence"]


@on_postgres
async def test_a_lookup_called_on_the_event_loop_itself_returns_nothing(
    lookup: PgSentenceLookup, caplog: pytest.LogCaptureFixture
) -> None:
    """Waiting on the loop's own thread for the loop would hang it: refused, not deadlocked."""
    assert lookup.candidates([spaced_key(EDITED)], limit=16) == [[]]
    assert "event loop's own thread" in caplog.text


@on_postgres
async def test_added_sentences_are_committed_with_their_document(
    lookup: PgSentenceLookup, config: Any
) -> None:
    engine = make_engine(config.database_url)
    async with engine.connect() as connection:
        count = await connection.scalar(
            text(f"SELECT count(*) FROM {CorpusSentence.__tablename__}")
        )
    await engine.dispose()
    assert count == len(sentence_rows(NEW)) == 2


# --- (c) a database pg_trgm cannot read Chinese in ---------------------------------------------


@pytest.fixture
def c_locale_database() -> Iterator[str]:
    """A database created with LC_CTYPE 'C' in the test cluster (then dropped)."""
    base = make_url(_postgres())
    name = f"draft_review_c_ctype_{os.getpid()}"
    admin = base.set(drivername="postgresql").render_as_string(hide_password=False)

    async def run(statement: str) -> None:
        connection = await asyncpg.connect(admin)
        try:
            await connection.execute(statement)
        finally:
            await connection.close()

    asyncio.run(run(f"DROP DATABASE IF EXISTS {name}"))
    asyncio.run(
        run(
            f"CREATE DATABASE {name} TEMPLATE template0 ENCODING 'UTF8' LC_CTYPE 'C' LC_COLLATE 'C'"
        )
    )
    yield base.set(database=name).render_as_string(hide_password=False)
    asyncio.run(run(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))


@pytest.mark.slow
def test_a_database_whose_ctype_is_not_utf8_is_refused_at_start(
    c_locale_database: str, seeds_copy: Path
) -> None:
    env = {
        "PATH": os.environ["PATH"],
        "TELEGRAM_BOT_TOKEN": TOKEN,
        "DATABASE_URL": c_locale_database,
        "CORPUS_DIR": str(seeds_copy),
        "CORPUS_BACKEND": "postgres",
        "TELEGRAM_API_BASE_URL": "http://127.0.0.1:9/bot",  # never reached: refused before
    }
    done = subprocess.run(
        [sys.executable, "-m", "bot.cli", "bot"],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr
    # (Creating the empty database's schema logs Alembic's lines first.)
    [line] = [x for x in done.stderr.splitlines() if x.startswith("draft-review bot：")]
    assert "LC_CTYPE 为 UTF-8 区域，当前为 'C'" in line and "ALTER DATABASE 改不了" in line
    assert "LC_CTYPE 'C.UTF-8'" in line and "pg_dump" in line
    # The schema was created all the same (pg_trgm installs there): the memory backend, or a
    # restore into a UTF-8 database, can use it.
    engine = make_engine(c_locale_database)
    assert asyncio.run(_has_trigram_index(engine))


async def _has_trigram_index(engine: Any) -> bool:
    try:
        async with engine.connect() as connection:
            found = await connection.scalar(
                text("SELECT 1 FROM pg_indexes WHERE indexname = 'ix_corpus_sentences_key_trgm'")
            )
        return found == 1
    finally:
        await engine.dispose()


@on_postgres
async def test_a_database_without_pg_trgm_or_its_index_is_refused(
    store: SqlReviewStore, config: Any
) -> None:
    engine = make_engine(config.database_url)
    try:
        await check_backend(engine)  # the test cluster is C.UTF-8 and migrated: usable
        async with engine.begin() as connection:
            await connection.execute(text("DROP INDEX ix_corpus_sentences_key_trgm"))
        with pytest.raises(BackendUnusable, match=r"三元组索引.*draft-review db upgrade"):
            await check_backend(engine)
        async with engine.begin() as connection:
            await connection.execute(text("DROP EXTENSION pg_trgm"))
        with pytest.raises(BackendUnusable, match=r"pg_trgm.*postgresql-contrib"):
            await check_backend(engine)
    finally:
        async with engine.begin() as connection:  # as the migration leaves it
            await connection.execute(text("CREATE EXTENSION IF NOT EXISTS pg_trgm"))
            await connection.execute(
                text(
                    "CREATE INDEX IF NOT EXISTS ix_corpus_sentences_key_trgm"
                    " ON corpus_sentences USING gin (key gin_trgm_ops)"
                )
            )
        await engine.dispose()


# --- (d) the lookup's database is away ------------------------------------------------------------


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def test_a_lookup_whose_database_is_down_returns_nothing_quickly(
    corpus: Corpus, caplog: pytest.LogCaptureFixture
) -> None:
    url = f"postgresql+asyncpg://postgres@127.0.0.1:{_closed_port()}/postgres"
    engine = make_engine(url)
    lookup = PgSentenceLookup(make_sessions(engine), asyncio.get_running_loop(), timeout=30.0)
    keys = [spaced_key(EDITED), compare_key("三个标段的评标纪录缺少签字")]
    started = time.monotonic()
    assert await asyncio.to_thread(lookup.candidates, keys, limit=16) == [[], []]
    assert time.monotonic() - started < 10  # refused at once, not waited out
    done = await asyncio.to_thread(review, EDITED, corpus, lookup=lookup)
    assert done.text == EDITED and done.scores  # the review completes
    await engine.dispose()
    assert "corpus lookup failed" in caplog.text
    assert "城南" not in caplog.text and keys[0] not in caplog.text  # never the draft


async def test_a_database_that_never_answers_is_given_up_on_and_rested(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A server that accepts and then says nothing: the lookup stops waiting at its timeout,
    and for a while after a failure reviews do not wait for the same failure again."""

    held: list[asyncio.StreamWriter] = []

    async def silent(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        held.append(writer)  # hold the connection, answer nothing

    server = await asyncio.start_server(silent, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    engine = make_engine(f"postgresql+asyncpg://postgres@127.0.0.1:{port}/postgres")
    now = [1000.0]
    lookup = PgSentenceLookup(
        make_sessions(engine),
        asyncio.get_running_loop(),
        timeout=0.3,
        timeout_per_key=0.0,
        pause_after_failure=10.0,
        clock=lambda: now[0],
    )
    keys = [spaced_key(EDITED)]
    assert await asyncio.to_thread(lookup.candidates, keys, limit=16) == [[]]
    assert "no answer in 0.3 s" in caplog.text
    caplog.clear()
    now[0] += 5  # within the pause: not tried at all
    assert await asyncio.to_thread(lookup.candidates, keys, limit=16) == [[]]
    assert caplog.text == ""
    now[0] += 6  # after it: tried again (and given up on again)
    assert await asyncio.to_thread(lookup.candidates, keys, limit=16) == [[]]
    assert "corpus lookup failed" in caplog.text
    await engine.dispose()
    for writer in held:
        writer.close()
        await writer.wait_closed()
    server.close()
    await server.wait_closed()


async def test_a_replica_whose_database_is_down_still_answers_a_draft(
    tmp_path: Path, corpus: Corpus
) -> None:
    url = f"postgresql+asyncpg://postgres@127.0.0.1:{_closed_port()}/postgres"
    engine = make_engine(url)
    sessions = make_sessions(engine)
    api = FakeBotApi()
    app = build_application(
        make_config(tmp_path, database_url=url, corpus_backend="postgres"),
        corpus,
        SqlReviewStore(sessions),
        request=RecordingRequest(api),
        shared=SharedCorpus(sessions),
    )
    async with app:
        await app.post_init(app)
        assert app.bot_data.services.lookup is not None
        await feed(app, u.text(USER, EDITED))
    replies = [str(c.params["text"]) for c in api.sent(USER)]
    assert "审阅结果" in replies[-2] and "未能保存" in replies[-1]
    await engine.dispose()


@pytest.fixture(autouse=True)
def _log_level(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="bot.pg_corpus")
