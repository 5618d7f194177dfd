"""Joining the parts of a long paste: the joiner on its own (the bot tests feed real updates)."""

from __future__ import annotations

import asyncio
import contextlib
from datetime import UTC, datetime, timedelta

from bot.pastes import PasteJoiner

T0 = datetime(2026, 5, 1, 9, 0, tzinfo=UTC)
LONG, SHORT = "甲" * 3500, "乙" * 900


async def test_a_short_message_is_answered_at_once() -> None:
    joiner = PasteJoiner(wait=30)
    paste = await asyncio.wait_for(joiner.take(1, 10, T0, SHORT), timeout=1)
    assert paste is not None and paste.parts == 1 and paste.text == SHORT


async def test_long_parts_then_a_short_one_make_one_paste() -> None:
    joiner = PasteJoiner(wait=30)
    first = asyncio.ensure_future(joiner.take(1, 10, T0, LONG))
    await asyncio.sleep(0)  # let the first part register, as its handler would
    assert await joiner.take(1, 11, T0, LONG + "丙") is None
    assert await joiner.take(1, 12, T0 + timedelta(seconds=1), SHORT) is None
    paste = await asyncio.wait_for(first, timeout=1)  # closed by the short part, not the wait
    assert paste is not None and paste.parts == 3
    assert paste.text == "\n".join([LONG, LONG + "丙", SHORT])


async def test_the_wait_closes_a_paste_whose_last_part_is_long() -> None:
    joiner = PasteJoiner(wait=0.05)
    first = asyncio.ensure_future(joiner.take(1, 10, T0, LONG))
    await asyncio.sleep(0)
    assert await joiner.take(1, 11, T0, LONG) is None
    paste = await asyncio.wait_for(first, timeout=2)
    assert paste is not None and paste.parts == 2


async def test_only_the_next_message_of_the_same_chat_sent_together_joins() -> None:
    joiner = PasteJoiner(wait=30)
    first = asyncio.ensure_future(joiner.take(1, 10, T0, LONG))
    await asyncio.sleep(0)
    # Another chat, or a later message that is not the next id, is a draft of its own.
    other = await joiner.take(2, 11, T0, SHORT)
    assert other is not None and other.parts == 1
    late = await joiner.take(1, 11, T0 + timedelta(minutes=2), SHORT)
    assert late is not None and late.parts == 1  # and it closed the paste before it
    paste = await asyncio.wait_for(first, timeout=1)
    assert paste is not None and paste.parts == 1 and paste.text == LONG


async def test_joining_off_answers_every_message_alone() -> None:
    joiner = PasteJoiner(wait=0)
    paste = await asyncio.wait_for(joiner.take(1, 10, T0, LONG), timeout=1)
    assert paste is not None and paste.parts == 1


async def test_messages_forwarded_together_are_not_joined() -> None:
    joiner = PasteJoiner(wait=30)
    first = await asyncio.wait_for(joiner.take(1, 10, T0, LONG, forwarded=True), timeout=1)
    second = await asyncio.wait_for(joiner.take(1, 11, T0, SHORT, forwarded=True), timeout=1)
    assert first is not None and second is not None and (first.parts, second.parts) == (1, 1)


async def test_a_cancelled_wait_leaves_no_open_paste_behind() -> None:
    joiner = PasteJoiner(wait=30)
    first = asyncio.ensure_future(joiner.take(1, 10, T0, LONG))
    await asyncio.sleep(0)
    first.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await first
    after = await asyncio.wait_for(joiner.take(1, 11, T0, SHORT), timeout=1)
    assert after is not None and after.text == SHORT  # reviewed, not swallowed
