"""/scheme through the real Application: choosing, clearing, what it decides and what it does not,
and that /forget deletes the choice."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.app import AppType, build_application
from bot.config import Config, ConfigError, load_config
from bot.storage import SqlReviewStore
from core import Corpus
from tests.bot import updates as u
from tests.bot.conftest import RecordingRequest, feed
from tests.bot.fake_api import FakeBotApi
from tests.conftest import SEEDS

ALICE, BOB = 1001, 1002
PARAGRAPH = "一是对分管领域的廉政风险排查不深，2024年两名干部违规收受礼品，我没有及时提醒。"
DRAFT_2025 = (Path(__file__).parent.parent / "data/scheme_drafts/2025_personal.txt").read_text(
    encoding="utf-8"
)


def texts(api: FakeBotApi, chat_id: int) -> list[str]:
    return [str(c.params["text"]) for c in api.sent(chat_id)]


async def test_scheme_lists_every_scheme_and_the_fallback(app: AppType, api: FakeBotApi) -> None:
    await feed(app, u.command(ALICE, "/scheme"))
    [reply] = texts(api, ALICE)
    for scheme_id in ("2022", "2023", "2024", "2025", "2024-dangji", "zuzhi"):
        assert f"<code>{scheme_id}</code>" in reply
    assert "未选择" in reply and "2023" in reply  # the deployment default of these tests


async def test_a_choice_decides_drafts_without_a_clue_only(
    app: AppType, api: FakeBotApi, store: SqlReviewStore
) -> None:
    await feed(app, u.command(ALICE, "/scheme 2024"))
    assert "已选择“2024年度民主生活会（四个带头）”" in texts(api, ALICE)[-1]
    assert await store.scheme(ALICE) == "2024"
    await feed(app, u.text(ALICE, PARAGRAPH))
    first = next(t for t in texts(api, ALICE) if "审阅结果" in t)
    assert "按您设定的方案“2024年度民主生活会（四个带头）”" in first
    assert "履行从严治党责任" in first
    # Bob made no choice: the default decides for him.
    await feed(app, u.text(BOB, PARAGRAPH))
    assert "2023" in next(t for t in texts(api, BOB) if "审阅结果" in t)
    # A draft that names its year is reviewed under that year, whatever Alice chose.
    await feed(app, u.text(ALICE, DRAFT_2025))
    last = [t for t in texts(api, ALICE) if "审阅结果" in t][-1]
    assert "识别为“2025年度民主生活会（五个带头）”" in last


async def test_clearing_and_unknown_ids(
    app: AppType, api: FakeBotApi, store: SqlReviewStore
) -> None:
    await feed(app, u.command(ALICE, "/scheme 2024-dangji"))
    assert await store.scheme(ALICE) == "2024-dangji"
    await feed(app, u.command(ALICE, "/scheme 自动"))
    assert await store.scheme(ALICE) is None
    assert "已取消选择" in texts(api, ALICE)[-1]
    await feed(app, u.command(ALICE, "/scheme 2099"))
    assert "没有名为“2099”的方案" in texts(api, ALICE)[-1]
    assert await store.scheme(ALICE) is None


async def test_forget_deletes_the_choice(
    app: AppType, api: FakeBotApi, store: SqlReviewStore
) -> None:
    await feed(app, u.command(ALICE, "/scheme 2022"))
    await feed(app, u.text(ALICE, PARAGRAPH))
    await feed(app, u.command(ALICE, "/forget"))
    yes = api.sent(ALICE)[-1].params["reply_markup"]["inline_keyboard"][0][0]["callback_data"]
    await feed(app, u.callback(ALICE, yes))
    assert await store.scheme(ALICE) is None and await store.recent(ALICE) == []


async def test_dimension_follows_the_users_scheme(app: AppType, api: FakeBotApi) -> None:
    await feed(app, u.command(ALICE, "/scheme 2024-dangji"))
    await feed(app, u.command(ALICE, "/dimension"))
    keyboard = api.sent(ALICE)[-1].params["reply_markup"]["inline_keyboard"]
    assert [row[0]["text"] for row in keyboard][:2] == ["政治纪律", "组织纪律"]
    await feed(app, u.command(ALICE, "/dimensions"))
    assert "2024年党纪学习教育（六大纪律）" in texts(api, ALICE)[-1]
    # An aspect of another scheme is still found by its name.
    await feed(app, u.command(ALICE, "/dimension 廉洁自律"))
    assert "“廉洁自律”方面的语料示例" in texts(api, ALICE)[-1]


def test_default_scheme_is_validated() -> None:
    base = {"TELEGRAM_BOT_TOKEN": "123456:" + "A" * 35, "CORPUS_DIR": str(SEEDS)}
    assert load_config({**base, "DEFAULT_SCHEME": "2024"}).default_scheme == "2024"
    assert load_config(base).default_scheme is None
    with pytest.raises(ConfigError) as info:
        load_config({**base, "DEFAULT_SCHEME": "2099"})
    assert "DEFAULT_SCHEME" in str(info.value)


def test_timezone_is_validated_and_defaults_to_shanghai() -> None:
    base = {"TELEGRAM_BOT_TOKEN": "123456:" + "A" * 35, "CORPUS_DIR": str(SEEDS)}
    assert str(load_config(base).timezone) == "Asia/Shanghai"
    assert str(load_config({**base, "TIMEZONE": "Asia/Urumqi"}).timezone) == "Asia/Urumqi"
    with pytest.raises(ConfigError) as info:
        load_config({**base, "TIMEZONE": "Mars/Olympus", "DEFAULT_SCHEME": "2099"})
    assert "TIMEZONE" in str(info.value) and "DEFAULT_SCHEME" in str(info.value)  # every one
    for odd in ("Asia", "x" * 300):  # a directory of zones, a name too long for the system
        with pytest.raises(ConfigError, match="TIMEZONE"):
            load_config({**base, "TIMEZONE": odd})


async def test_without_a_default_the_newest_scheme_decides(
    api: FakeBotApi, config: Config, corpus: Corpus, store: SqlReviewStore
) -> None:
    from dataclasses import replace

    application = build_application(
        replace(config, default_scheme=None), corpus, store, request=RecordingRequest(api)
    )
    async with application:
        await feed(application, u.text(ALICE, PARAGRAPH))
    first = next(t for t in texts(api, ALICE) if "审阅结果" in t)
    assert "按最新方案“2025年度民主生活会（五个带头）”" in first
    assert "/scheme" in first


async def test_reading_the_choice_never_reorders_a_users_drafts(
    app: AppType, api: FakeBotApi, store: SqlReviewStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The per-user lock is taken in arrival order; reading the /scheme choice happens inside
    it. Were it awaited before the lock, a slow first read would let the second draft overtake."""
    import asyncio

    original = SqlReviewStore.scheme
    calls = 0

    async def slow_first(self: SqlReviewStore, user_id: int) -> str | None:
        nonlocal calls
        calls += 1
        if calls == 1:
            for _ in range(50):  # yield to the event loop: the second update runs meanwhile
                await asyncio.sleep(0)
        return await original(self, user_id)

    monkeypatch.setattr(SqlReviewStore, "scheme", slow_first)
    first = "一是理论学习不够系统，甲稿只读完两本原著。"
    second = "二是调查研究不够深入，乙稿下基层次数偏少。"
    await asyncio.gather(feed(app, u.text(ALICE, first)), feed(app, u.text(ALICE, second)))
    stored = [await store.get(ALICE, n) for n in (1, 2)]
    assert [s.draft[:2] for s in stored if s] == ["一是", "二是"]
