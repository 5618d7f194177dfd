"""A greeting through the real Application: a usage hint, no review, nothing stored."""

from __future__ import annotations

from bot.app import AppType
from bot.storage import SqlReviewStore
from tests.bot import updates as u
from tests.bot.conftest import feed
from tests.bot.fake_api import FakeBotApi

ALICE = 1001


async def test_a_greeting_gets_a_hint_and_is_not_stored(
    app: AppType, api: FakeBotApi, store: SqlReviewStore
) -> None:
    await feed(app, u.text(ALICE, "你好"))
    [reply] = [str(c.params["text"]) for c in api.sent(ALICE)]
    assert "不是对照检查材料" in reply and "/help" in reply and "审阅结果" not in reply
    assert await store.recent(ALICE) == []
    await feed(app, u.text(ALICE, "一是理论学习不够系统，去年只读完两本原著。"))
    assert len(await store.recent(ALICE)) == 1
