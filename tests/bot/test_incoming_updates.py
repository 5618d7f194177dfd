"""Untrusted updates (bot/incoming.py) and long polling past malformed ones (bot/polling.py)."""

from __future__ import annotations

import logging
from typing import Any

import pytest
from telegram import Update
from telegram.error import TelegramError
from telegram.request import BaseRequest

from bot.incoming import MAX_DEPTH, parse_update
from bot.polling import PollingBot
from tests.bot import updates as u
from tests.bot.fake_api import TOKEN, FakeBotApi
from tests.bot.recording_request import RecordingRequest

DRAFT = "一是理论学习不够系统，这是某位用户的草稿正文。"


def _nested(depth: int) -> Any:
    value: Any = DRAFT
    for _ in range(depth):
        value = [value]
    return value


GOOD = {"update_id": 5, **u.text(1, DRAFT)}
MALFORMED = {
    "a list": [GOOD],
    "a string": DRAFT,
    "no update_id": u.text(1, DRAFT),
    "a text update_id": {**GOOD, "update_id": DRAFT},
    "a bool update_id": {**GOOD, "update_id": True},
    "a negative update_id": {**GOOD, "update_id": -1},
    "a 60-bit update_id": {**GOOD, "update_id": 2**60},
    "no date, no chat": {"update_id": 5, "message": {"message_id": 77, "text": DRAFT}},
    "an absurd date": {"update_id": 5, "message": {**GOOD["message"], "date": 10**30}},
    "a date past 9999": {"update_id": 5, "message": {**GOOD["message"], "date": 2**51}},
    "an infinite number": {**GOOD, "extra": float("inf")},
    "NaN": {**GOOD, "extra": float("nan")},
    "deep nesting": {**GOOD, "extra": _nested(MAX_DEPTH)},
    "a message that is a list": {"update_id": 5, "message": [DRAFT]},
}


def test_a_well_formed_update_is_parsed() -> None:
    update = parse_update(GOOD, None)  # type: ignore[arg-type]
    assert isinstance(update, Update) and update.message and update.message.text == DRAFT


@pytest.mark.parametrize("data", MALFORMED.values(), ids=MALFORMED.keys())
def test_a_malformed_update_is_none(data: object) -> None:
    assert parse_update(data, None) is None  # type: ignore[arg-type]


def test_nesting_as_deep_as_real_updates_is_accepted() -> None:
    assert parse_update({**GOOD, "extra": _nested(MAX_DEPTH - 2)}, None) is not None  # type: ignore[arg-type]


@pytest.fixture
async def bot(api: FakeBotApi) -> Any:
    request = RecordingRequest(api)
    async with PollingBot(TOKEN, request=request, get_updates_request=request) as polling:
        yield polling


async def test_get_updates_skips_what_it_cannot_parse_and_moves_past_it(
    api: FakeBotApi, bot: PollingBot, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)  # libraries as in production (at DEBUG PTB logs every call)
    caplog.set_level(logging.DEBUG, logger="bot")
    first = api.push(u.text(1, "甲" + DRAFT))
    bad = api.push_malformed({"message": {"message_id": 77, "text": DRAFT}}, numbered=True)
    idless = api.push_malformed({"message": {"message_id": 78, "text": DRAFT}})
    updates = await bot.get_updates(offset=0, timeout=0)
    assert [update.update_id for update in updates] == [first]
    assert bot.skipped_updates == 2
    # The Updater asks from past the last update it got; the bot asks past the skipped ones too.
    assert await bot.get_updates(offset=first + 1, timeout=0) == ()
    assert api.update_offsets[-1] == idless + 1 > bad
    assert bot.skipped_updates == 2  # not fetched, so not skipped, again
    assert DRAFT not in caplog.text and "甲" not in caplog.text
    assert f"skipped update {bad}: malformed" in caplog.text
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


async def test_an_answer_that_is_not_a_list_fails_like_the_network(
    api: FakeBotApi, bot: PollingBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(api, "_getUpdates", lambda params: {"text": DRAFT})
    with pytest.raises(TelegramError) as info:
        await bot.get_updates(timeout=0)
    assert DRAFT not in str(info.value)


class _DeepAnswer(RecordingRequest):
    """getUpdates answers with a list nested past json's recursion limit."""

    async def do_request(self, url: str, method: str, *args: Any, **kwargs: Any) -> Any:
        if url.endswith("/getUpdates"):
            return 200, b'{"ok": true, "result": ' + b"[" * 100_000 + b"]" * 100_000 + b"}"
        return await super().do_request(url, method, *args, **kwargs)


async def test_an_answer_nested_too_deeply_fails_like_the_network(api: FakeBotApi) -> None:
    request: BaseRequest = _DeepAnswer(api)
    async with PollingBot(TOKEN, request=request, get_updates_request=request) as polling:
        with pytest.raises(TelegramError, match="nested too deeply"):
            await polling.get_updates(timeout=0)
