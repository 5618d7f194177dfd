"""Long polling that survives a malformed update.

PTB parses a getUpdates answer as one list: a single update it cannot parse fails the whole
batch, is logged at CRITICAL together with the raw data (the drafts of every user in the batch),
and, since the offset never advances, is fetched and logged again at once, forever, while nobody
is answered. `PollingBot` parses each update on its own (bot/incoming.py): one it cannot parse is
skipped, counted and logged by its update_id only, and the next getUpdates confirms it, so the
rest of the batch and every later update are served.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

from telegram import Update
from telegram.error import TelegramError
from telegram.ext import ExtBot
from telegram.request import BaseRequest

from bot.incoming import is_update_id, parse_update

log = logging.getLogger(__name__)
_DEFAULT = BaseRequest.DEFAULT_NONE  # PTB's "not given" marker for timeouts


class PollingBot(ExtBot[Any]):
    """ExtBot whose getUpdates skips malformed updates instead of failing on them."""

    __slots__ = ("_next_offset", "_skipped")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._next_offset = 0  # past the last update skipped (0: none skipped yet)
        self._skipped = 0

    @property
    def skipped_updates(self) -> int:
        """How many malformed updates getUpdates has skipped since start."""
        return self._skipped

    async def get_updates(
        self,
        offset: int | None = None,
        limit: int | None = None,
        timeout: Any = None,
        allowed_updates: Sequence[str] | None = None,
        *,
        read_timeout: Any = _DEFAULT,
        write_timeout: Any = _DEFAULT,
        connect_timeout: Any = _DEFAULT,
        pool_timeout: Any = _DEFAULT,
        api_kwargs: dict[str, Any] | None = None,
    ) -> tuple[Update, ...]:
        """PTB's, asking past the updates skipped: the Updater's offset counts only those it got
        (a negative offset, counted from the end, is left alone)."""
        if self._next_offset and (offset is None or 0 <= offset < self._next_offset):
            offset = self._next_offset
        return await super().get_updates(
            offset=offset,
            limit=limit,
            timeout=timeout,
            allowed_updates=allowed_updates,
            read_timeout=read_timeout,
            write_timeout=write_timeout,
            connect_timeout=connect_timeout,
            pool_timeout=pool_timeout,
            api_kwargs=api_kwargs,
        )

    async def _post(
        self,
        endpoint: str,
        data: dict[str, Any] | None = None,
        *,
        read_timeout: Any = _DEFAULT,
        write_timeout: Any = _DEFAULT,
        connect_timeout: Any = _DEFAULT,
        pool_timeout: Any = _DEFAULT,
        api_kwargs: dict[str, Any] | None = None,
    ) -> Any:
        """Every call's raw answer passes here: for getUpdates, only the parseable items go on
        to PTB (which parses them again: at most 100, cheap next to a review)."""
        timeouts = {
            "read_timeout": read_timeout,
            "write_timeout": write_timeout,
            "connect_timeout": connect_timeout,
            "pool_timeout": pool_timeout,
        }
        try:
            result = await super()._post(endpoint, data, **timeouts, api_kwargs=api_kwargs)
        except RecursionError:
            if endpoint != "getUpdates":
                raise
            # An answer nested past json's limit: fail like the network, which the polling loop
            # backs off from (PTB would log it at CRITICAL and fetch it again at once, forever).
            raise TelegramError("getUpdates: the answer is nested too deeply") from None
        if endpoint != "getUpdates":
            return result
        return self._well_formed(result, (data or {}).get("offset"))

    def _well_formed(self, result: Any, offset: Any) -> list[dict[str, Any]]:
        """The items that parse; the offset moves past the others."""
        if not isinstance(result, list):
            raise TelegramError("getUpdates: the answer is not a list of updates")
        kept: list[dict[str, Any]] = []
        floor, skipped = (offset if is_update_id(offset) else 0), False
        for item in result:
            update_id = item.get("update_id") if isinstance(item, dict) else None
            # Telegram sends updates in increasing update_id order: an item whose id is missing
            # has one above the previous item's, so confirming up to that bound loses no update.
            floor = max(floor, update_id + 1) if is_update_id(update_id) else floor + 1
            if parse_update(item, self) is None:
                self._skip(update_id)
                skipped = True
            else:
                kept.append(item)
        if skipped:
            self._next_offset = max(self._next_offset, floor)
        return kept

    def _skip(self, update_id: object) -> None:
        self._skipped += 1
        name = f"update {update_id}" if is_update_id(update_id) else "an update without a valid id"
        # Only the id: the content is a user's message, and a malformed one is no exception.
        log.warning(
            "skipped %s: malformed, not processed (%d skipped since start)", name, self._skipped
        )
