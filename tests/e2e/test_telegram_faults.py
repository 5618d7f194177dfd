"""Telegram misbehaves (429 with retry_after, 500s, dropped connections, answers that never
come, getUpdates failing): the bot repeats what is safe to repeat, never sends a reply twice,
and the polling loop survives.

The first test is the real bot process, so the production wiring (AIORateLimiter in front of
RetryingRequest) meets the faults. The read-timeout tests run the real Application and
RetryingRequest in process over HTTP, because only there can the read timeout be shortened
from the production 5 s."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.app import AppType, build_application
from bot.db import create_schema, make_engine, make_sessions
from bot.storage import SqlReviewStore
from bot.telegram_request import RetryingRequest
from core import Corpus
from tests.bot import updates as u
from tests.bot.conftest import feed, make_config
from tests.bot.fake_api import Call, FakeBotApi
from tests.e2e.server import StandInServer
from tests.e2e.test_bot_process import BotProcess, ask

USER = 777
DRAFT = "一是理论学习不够系统，往往以会代学，去年只读完两本原著，没有形成读书笔记。"
SORRY = "抱歉，处理时出现问题"


def _review(call: Call) -> bool:
    return call.method == "sendMessage" and "审阅结果" in str(call.params.get("text"))


def _attempts(api: FakeBotApi, method: str) -> list[Call]:
    return [c for c in api.attempts if c.method == method]


@pytest.mark.slow
def test_replies_arrive_exactly_once_despite_faults(tmp_path: Path, seeds_copy: Path) -> None:
    api = FakeBotApi()
    with StandInServer(api) as server:
        bot = BotProcess(server, tmp_path / "data", tmp_path / "bot.log", seeds_copy)
        bot.start(api)
        try:
            # 429: the rate limiter waits retry_after and repeats; 500: RetryingRequest repeats.
            api.faults["sendMessage"] = [429, 500]
            reply = ask(api, u.text(USER, DRAFT), USER, "审阅结果")
            assert "主要维度" in reply
            assert api.faults["sendMessage"] == []  # every fault was met, and retried past
            assert len([c for c in api.attempts if _review(c)]) == 3
            assert "AIORateLimiter: Rate limit hit" in bot.log_file.read_text(encoding="utf-8")

            # Fetching a file is safe to repeat: a getFile dropped after it was written is sent
            # again, and the document is reviewed.
            api.files["f1"] = DRAFT.encode()
            api.faults["getFile"] = ["drop"]
            document = u.document(USER, "f1", "草稿.txt", len(api.files["f1"]), "text/plain")
            assert "主要维度" in ask(api, document, USER, "审阅结果")
            assert len(_attempts(api, "getFile")) == 2

            # A reply dropped after it was written may have been delivered: it is not sent
            # again (at most once); the error handler apologises instead.
            api.faults["sendMessage"] = ["drop"]
            before = len(api.attempts)
            ask(api, u.text(USER, DRAFT + "另稿。"), USER, SORRY)
            assert len([c for c in api.attempts[before:] if _review(c)]) == 1

            api.faults["getUpdates"] = [500, "drop", 502]
            again = ask(api, u.command(USER, "/history"), USER, "最近的审阅记录")
            assert "<b>3</b>." in again  # the polling loop survived; every review was stored
            assert len([c for c in api.sent(USER) if _review(c)]) == 2  # the dropped one lost
        finally:
            bot.stop()


@pytest.fixture
async def app_over_http(
    tmp_path: Path, corpus: Corpus
) -> AsyncIterator[tuple[AppType, FakeBotApi]]:
    """The real Application and RetryingRequest against the stand-in, with a short read timeout."""
    api = FakeBotApi()
    engine = make_engine(f"sqlite+aiosqlite:///{tmp_path / 'bot.db'}")
    await create_schema(engine)
    with StandInServer(api) as server:
        config = make_config(
            tmp_path, api_base_url=server.base_url, file_base_url=server.file_base_url
        )
        request = RetryingRequest(read_timeout=0.5)
        app = build_application(
            config, corpus, SqlReviewStore(make_sessions(engine)), request=request
        )
        async with app:
            yield app, api
    await engine.dispose()


async def test_a_reply_whose_answer_times_out_is_not_sent_again(app_over_http) -> None:
    app, api = app_over_http
    api.faults["sendMessage"] = ["stall"]  # Telegram delivers it; its answer never comes
    await feed(app, u.text(USER, DRAFT))
    assert len([c for c in api.attempts if _review(c)]) == 1  # exactly one call, not repeated
    assert SORRY in str(api.sent(USER)[-1].params["text"])


async def test_a_file_whose_answer_times_out_is_fetched_again(app_over_http) -> None:
    app, api = app_over_http
    api.files["f2"] = DRAFT.encode()
    api.faults["getFile"] = ["stall"]
    await feed(app, u.document(USER, "f2", "草稿.txt", len(api.files["f2"]), "text/plain"))
    assert len(_attempts(api, "getFile")) == 2
    assert [c for c in api.sent(USER) if _review(c)]
