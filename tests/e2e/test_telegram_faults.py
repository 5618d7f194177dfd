"""Telegram misbehaves (429 with retry_after, 500s, a dropped connection, getUpdates failing):
the real bot process retries within Telegram's limits, every reply arrives exactly once, and
the polling loop survives."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.bot import updates as u
from tests.bot.fake_api import FakeBotApi
from tests.e2e.server import StandInServer
from tests.e2e.test_bot_process import BotProcess, ask

USER = 777
DRAFT = "一是理论学习不够系统，往往以会代学，去年只读完两本原著，没有形成读书笔记。"


@pytest.mark.slow
def test_replies_arrive_exactly_once_despite_faults(tmp_path: Path, seeds_copy: Path) -> None:
    api = FakeBotApi()
    with StandInServer(api) as server:
        bot = BotProcess(server, tmp_path / "data", tmp_path / "bot.log", seeds_copy)
        bot.start(api)
        try:
            api.faults["sendMessage"] = [429, 500, "drop"]
            reply = ask(api, u.text(USER, DRAFT), USER, "审阅结果")
            assert "主要维度" in reply
            assert api.faults["sendMessage"] == []  # every fault was met, and retried past
            api.faults["getUpdates"] = [500, "drop", 502]
            again = ask(api, u.command(USER, "/history"), USER, "最近的审阅记录")
            assert "<b>1</b>." in again  # the polling loop survived
            reviews = [c for c in api.sent(USER) if "审阅结果" in str(c.params.get("text"))]
            assert len(reviews) == 1  # exactly once
        finally:
            bot.stop()
