"""A probe in the getUpdates stream: malformed updates between good ones, an unreadable answer.

The real bot process, long polling the stand-in: the good updates are answered, the bad ones
skipped once and confirmed (the offset moves past them), and the log holds no user's text and
no CRITICAL line. Before, PTB logged the whole batch (every draft in it) at CRITICAL, fetched it
again at once, forever, and answered nobody.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from tests.bot import updates as u
from tests.bot.fake_api import Call, FakeBotApi
from tests.e2e.test_bot_process import BotProcess, ask

ALICE, BOB = 601, 602
GOOD_BEFORE = "一是理论学习不够系统，往往以会代学，甲稿只读完两本原著。"
GOOD_AFTER = "二是调查研究不够深入，乙稿下基层次数偏少，听取意见不够广泛。"
NO_DATE_NO_CHAT = "丙稿：这条消息没有日期也没有会话。"
NO_ID = "丁稿：这条更新没有 update_id。"
BAD_ID = "戊稿：这条更新的 update_id 是一段文字。"
UNREADABLE = "己稿：一是理论学习不够系统，这段答复被截断，无法解析。"
LATER = "庚稿：一是调查研究不够深入，服务器恢复正常之后发来。"


def _reviewed(chat_id: int) -> Callable[[Call], bool]:
    def predicate(call: Call) -> bool:
        text = str(call.params.get("text", ""))
        return (
            call.method == "sendMessage"
            and call.params.get("chat_id") == chat_id
            and ("审阅结果" in text)
        )

    return predicate


# Each probe: (payload, numbered): served with its slot's update_id, or exactly as it is.
PROBES = {
    # PTB's own failure: it logged the whole batch at CRITICAL ("Received data was [...]").
    "an update_id, no date, no chat": [
        ({"message": {"message_id": 77, "text": NO_DATE_NO_CHAT}}, True),
    ],
    # PTB failed before parsing (its debug line indexes every update_id), at CRITICAL again.
    "no update_id, a text update_id": [
        ({"message": {"message_id": 78, "text": NO_ID}}, False),
        ({"update_id": BAD_ID, **u.text(BOB, BAD_ID)}, False),
    ],
}


@pytest.mark.slow
@pytest.mark.parametrize("probes", PROBES.values(), ids=PROBES.keys())
def test_malformed_updates_are_skipped_and_the_rest_answered(
    api: FakeBotApi, bot: BotProcess, probes: list[tuple[dict[str, Any], bool]]
) -> None:
    with api.batch():  # one getUpdates answer: the probes between two good updates
        api.push(u.text(ALICE, GOOD_BEFORE))
        slots = [api.push_malformed(payload, numbered=numbered) for payload, numbered in probes]
        api.push(u.text(BOB, GOOD_AFTER))
    api.wait_for(_reviewed(ALICE), timeout=60)
    api.wait_for(_reviewed(BOB), timeout=60)
    assert "材料审阅助手" in ask(api, u.command(ALICE, "/start"), ALICE)  # still polling
    bot.stop()  # its last getUpdates confirms everything it fetched

    assert api.update_offsets[-1] > max(slots)  # confirmed: Telegram would not send them again
    assert len(api.sent(BOB)) == 1  # the forged update in Bob's name was not answered
    log = bot.log_file.read_text(encoding="utf-8", errors="replace")
    for text in (GOOD_BEFORE, GOOD_AFTER, NO_DATE_NO_CHAT, NO_ID, BAD_ID):
        assert text[:8] not in log
    assert "CRITICAL" not in log
    # Each skipped once, by its id where it has a valid one: not again and again.
    assert log.count("malformed, not processed") == len(probes)
    for slot, (_, numbered) in zip(slots, probes, strict=True):
        assert (f"skipped update {slot}: malformed" in log) is numbered
    unnumbered = len([numbered for _, numbered in probes if not numbered])
    assert log.count("skipped an update without a valid id") == unnumbered


@pytest.mark.slow
def test_an_unreadable_answer_is_not_logged(api: FakeBotApi, bot: BotProcess) -> None:
    api.faults["getUpdates"] = ["garbled"]  # the next answer with an update in it is cut short
    api.push(u.text(ALICE, UNREADABLE))
    api.wait_for(_reviewed(ALICE), timeout=60)
    api.push(u.text(BOB, LATER))
    api.wait_for(_reviewed(BOB), timeout=60)
    bot.stop()

    assert api.faults["getUpdates"] == []  # the unreadable answer was served
    log = bot.log_file.read_text(encoding="utf-8", errors="replace")
    assert "Can not load invalid JSON data" in log  # PTB's record is kept, without the data
    for text in (UNREADABLE, LATER):
        assert text[:8] not in log
