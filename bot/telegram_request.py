"""Talking to the Bot API without losing or doubling replies when Telegram misbehaves.

Who retries what, so that nothing is waited out twice:

- 429 (flood control) is not retried here. Sends go through PTB's `AIORateLimiter`
  (`flood_limiter`): it keeps under Telegram's limits, and on a 429 it holds back *every*
  outgoing request for the `retry_after` Telegram asked for, then repeats the one refused.
  The limit is the bot's, so waiting in this class would hold back only the refused request
  while the others run into the same 429. getUpdates bypasses the limiter; PTB's polling loop
  waits out its 429 itself.
- 5xx, and failures before the request was written (no connection, no free connection in the
  pool, a write that failed), are retried here for every call: Telegram cannot have acted on them.
- A read timeout or a connection dropped after the request was written are retried only for
  calls that are safe to repeat (fetching updates and files, reading the bot's settings, …).
  A `sendMessage` in that state may have been delivered, and sending it again could show the
  user the same reply twice: it is given up (at most once) and the error handler apologises.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any

import httpx
from telegram.error import NetworkError
from telegram.ext import AIORateLimiter
from telegram.request import HTTPXRequest, RequestData

log = logging.getLogger(__name__)
_Json = dict[str, Any]  # PTB's JSONDict, which it keeps private
MAX_ATTEMPTS = 5
MAX_WAIT_SECONDS = 30.0
FLOOD_RETRIES = 3
_SAFE_TO_REPEAT = frozenset(
    {
        "getUpdates",  # the offset makes fetching again harmless
        "getMe",
        "getFile",
        "getWebhookInfo",
        "setMyCommands",
        "setMyDescription",
        "setMyShortDescription",
        "setWebhook",
        "deleteWebhook",
        "sendChatAction",  # a second "typing…" shows nothing new
    }
)
# Raised before Telegram can have received the whole request.
_NOT_SENT = (
    httpx.ConnectError,
    httpx.ConnectTimeout,
    httpx.PoolTimeout,
    httpx.WriteError,
    httpx.WriteTimeout,
)


def flood_limiter() -> FloodLimiter:
    """Telegram's limits on sends (30 a second in all, 20 a minute per group), and the one
    owner of 429 retries (see the module docstring)."""
    return FloodLimiter(max_retries=FLOOD_RETRIES)


class FloodLimiter(AIORateLimiter):
    """PTB's limiter, except for "typing…": Telegram limits messages, and counting the indicator
    that a long review refreshes every 4 s would spend most of a group's 20 a minute on it,
    holding back the review's own messages."""

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, bool | _Json | list[_Json]]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: int | None,
    ) -> bool | _Json | list[_Json]:
        if endpoint == "sendChatAction":
            return await callback(*args, **kwargs)
        return await super().process_request(
            callback, args, kwargs, endpoint, data, rate_limit_args
        )


class RetryingRequest(HTTPXRequest):
    """HTTPXRequest that retries what Telegram or the network lets us retry safely."""

    def __init__(
        self, *, sleep: Callable[[float], Awaitable[None]] = asyncio.sleep, **kwargs: Any
    ) -> None:
        """`sleep` waits between attempts (tests pass one that records instead)."""
        super().__init__(**kwargs)
        self._sleep = sleep

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: Any = HTTPXRequest.DEFAULT_NONE,
        write_timeout: Any = HTTPXRequest.DEFAULT_NONE,
        connect_timeout: Any = HTTPXRequest.DEFAULT_NONE,
        pool_timeout: Any = HTTPXRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        endpoint = url.rsplit("/", 1)[-1]
        timeouts = (read_timeout, write_timeout, connect_timeout, pool_timeout)
        for attempt in range(1, MAX_ATTEMPTS + 1):
            try:
                code, payload = await super().do_request(url, method, request_data, *timeouts)
            except NetworkError as exc:  # TimedOut included
                if attempt == MAX_ATTEMPTS or not _may_repeat(endpoint, method, exc):
                    raise
            else:
                if code < 500 or attempt == MAX_ATTEMPTS:
                    return code, payload
            wait = _backoff(attempt)
            log.warning(
                "Bot API %s: attempt %d failed, retrying in %.1f s", endpoint, attempt, wait
            )
            await self._sleep(wait)
        raise AssertionError("unreachable")


def _may_repeat(endpoint: str, method: str, error: NetworkError) -> bool:
    """Whether sending the request again can do no harm."""
    if isinstance(error.__cause__, _NOT_SENT):
        return True
    return method == "GET" or endpoint in _SAFE_TO_REPEAT  # GET: a file download


def _backoff(attempt: int) -> float:
    return float(min(MAX_WAIT_SECONDS, 0.5 * 2 ** (attempt - 1)))
