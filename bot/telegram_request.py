"""Talking to the Bot API without losing or doubling replies when Telegram misbehaves.

Retried, within the limits Telegram sets: 429 (after the `retry_after` it asks for), 5xx, and
connections that failed or were dropped. A read timeout is retried only for calls that are
safe to repeat (fetching updates, reading files): a `sendMessage` that timed out may have been
delivered, and sending it again could show the user the same reply twice.
"""

from __future__ import annotations

import asyncio
import json
import logging
from typing import Any

from telegram.error import NetworkError, TimedOut
from telegram.request import HTTPXRequest, RequestData

log = logging.getLogger(__name__)
MAX_ATTEMPTS = 5
MAX_WAIT_SECONDS = 30.0
_SAFE_TO_REPEAT = (
    "getUpdates",
    "getMe",
    "getFile",
    "getWebhookInfo",
    "setMyCommands",
    "setWebhook",
    "deleteWebhook",
)


class RetryingRequest(HTTPXRequest):
    """HTTPXRequest that retries what Telegram or the network asks us to retry."""

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
        for attempt in range(1, MAX_ATTEMPTS + 1):
            try:
                code, payload = await super().do_request(
                    url,
                    method,
                    request_data,
                    read_timeout,
                    write_timeout,
                    connect_timeout,
                    pool_timeout,
                )
            except TimedOut:
                if endpoint not in _SAFE_TO_REPEAT or attempt == MAX_ATTEMPTS:
                    raise
                wait = _backoff(attempt)
            except NetworkError:
                if attempt == MAX_ATTEMPTS:
                    raise
                wait = _backoff(attempt)
            else:
                if code == 429 and attempt < MAX_ATTEMPTS:
                    wait = min(MAX_WAIT_SECONDS, _retry_after(payload))
                elif code >= 500 and attempt < MAX_ATTEMPTS:
                    wait = _backoff(attempt)
                else:
                    return code, payload
            log.warning(
                "Bot API %s: attempt %d failed, retrying in %.1f s", endpoint, attempt, wait
            )
            await asyncio.sleep(wait)
        raise AssertionError("unreachable")


def _backoff(attempt: int) -> float:
    return float(min(MAX_WAIT_SECONDS, 0.5 * 2 ** (attempt - 1)))


def _retry_after(payload: bytes) -> float:
    try:
        return float(json.loads(payload)["parameters"]["retry_after"])
    except (ValueError, KeyError, TypeError):
        return 1.0
