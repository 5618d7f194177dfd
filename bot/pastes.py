"""One draft per paste: Telegram clients send a paste longer than 4,096 characters as several
messages, back to back. Those parts are joined here before anything is reviewed.

A part is recognised by what the client does, never by content: a message close to the length
limit opens (or carries on) a paste; the next message in the same chat — the following message
id, sent within a few seconds — belongs to it; a part shorter than that closes it at once. Only
a long message waits (at most `wait` seconds after the last part), so an ordinary short message
is reviewed with no delay. The parts are held in this process: behind several webhook replicas,
parts that reach different replicas are reviewed separately (see README, Deployment).
"""

from __future__ import annotations

import asyncio
import contextlib
from dataclasses import dataclass, field
from datetime import datetime

# Telegram's limit is 4,096 UTF-16 units; clients cut a little earlier, at a line or a word. A
# draft that fits one message is rarely this long, and then only waits, never merges, unless the
# next message of the chat follows it within seconds.
PART_CHARS = 3500
SENT_TOGETHER_SECONDS = 3  # the parts of one paste go out within a second or two


@dataclass(frozen=True, slots=True)
class Paste:
    text: str
    parts: int


@dataclass
class _Pending:
    parts: list[tuple[int, str]]
    last_id: int
    last_date: datetime
    closed: asyncio.Event = field(default_factory=asyncio.Event)
    touched: asyncio.Event = field(default_factory=asyncio.Event)


class PasteJoiner:
    """Per chat, the paste being received. `take` is called by the handler of every text
    message: it answers the whole paste to the handler of its first part, and None to the
    handlers of the parts it absorbed."""

    def __init__(self, wait: float, part_chars: int = PART_CHARS) -> None:
        self._wait = wait
        self._part_chars = part_chars
        self._pending: dict[int, _Pending] = {}

    async def take(
        self, chat_id: int, message_id: int, date: datetime, text: str, *, forwarded: bool = False
    ) -> Paste | None:
        """`forwarded`: messages forwarded together are separate messages, never one paste."""
        # Nothing is awaited before the paste is registered: parts are taken in arrival order.
        pending = self._pending.get(chat_id)
        if pending is not None and not forwarded and self._continues(pending, message_id, date):
            pending.parts.append((message_id, text))
            pending.last_id, pending.last_date = message_id, date
            if len(text) < self._part_chars:
                pending.closed.set()  # a short part is the paste's last
            else:
                pending.touched.set()  # another long part: wait again for the next
            return None
        if pending is not None:
            pending.closed.set()  # something else arrived: the paste before it is complete
        if forwarded or len(text) < self._part_chars or self._wait <= 0:
            return Paste(text, 1)
        mine = _Pending([(message_id, text)], message_id, date)
        self._pending[chat_id] = mine
        try:
            await self._collect(mine)
        finally:  # also when cancelled: the chat must not keep an open paste that eats messages
            mine.closed.set()
            if self._pending.get(chat_id) is mine:
                del self._pending[chat_id]
        parts = [t for _, t in sorted(mine.parts)]
        return Paste("\n".join(parts), len(parts))

    def _continues(self, pending: _Pending, message_id: int, date: datetime) -> bool:
        return (
            not pending.closed.is_set()
            and message_id == pending.last_id + 1
            and abs((date - pending.last_date).total_seconds()) <= SENT_TOGETHER_SECONDS
        )

    async def _collect(self, pending: _Pending) -> None:
        """Until a short part closes the paste, or `wait` passes with no new part."""
        while not pending.closed.is_set():
            pending.touched.clear()
            closed = asyncio.ensure_future(pending.closed.wait())
            touched = asyncio.ensure_future(pending.touched.wait())
            try:
                done, _ = await asyncio.wait(
                    {closed, touched}, timeout=self._wait, return_when=asyncio.FIRST_COMPLETED
                )
            finally:
                for task in (closed, touched):
                    task.cancel()
                    with contextlib.suppress(asyncio.CancelledError):
                        await task
            if not done:
                pending.closed.set()  # the wait passed with no further part
