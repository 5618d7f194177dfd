"""RetryingRequest's policy, call by call and failure by failure, through httpx's mock transport
(no socket): repeat what Telegram cannot have acted on or what is harmless to repeat; never
send a message twice; leave 429 to the rate limiter. And what the rate limiter counts."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import httpx
import pytest
from telegram.error import NetworkError, RetryAfter, TimedOut

from bot.telegram_request import FloodLimiter, RetryingRequest
from tests.bot.fake_api import TOKEN

API = f"https://api.telegram.org/bot{TOKEN}"
FILE = f"https://api.telegram.org/file/bot{TOKEN}/documents/file_7.txt"


def _raising(kind: type[httpx.TransportError]):
    def fail(request: httpx.Request) -> httpx.Response:
        raise kind("injected", request=request)

    return fail


def _status(code: int):
    def answer(request: httpx.Request) -> httpx.Response:
        body = {"ok": False, "error_code": code, "description": f"injected {code}"}
        if code == 429:
            body["parameters"] = {"retry_after": 7}
        return httpx.Response(code, json=body)

    return answer


def _ok(request: httpx.Request) -> httpx.Response:
    if request.method == "GET":
        return httpx.Response(200, content=b"file contents")
    return httpx.Response(200, json={"ok": True, "result": True})


class _Telegram:
    """Answers each attempt with the next scripted answer, then with success."""

    def __init__(self, *script) -> None:
        self.script = list(script)
        self.attempts = 0

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.attempts += 1
        answer = self.script.pop(0) if self.script else _ok
        return answer(request)


@pytest.fixture
async def make_request() -> Iterator:
    made: list[RetryingRequest] = []
    waits: list[float] = []

    async def record(seconds: float) -> None:
        waits.append(seconds)

    async def make(telegram: _Telegram) -> RetryingRequest:
        request = RetryingRequest(
            sleep=record, httpx_kwargs={"transport": httpx.MockTransport(telegram)}
        )
        await request.initialize()
        made.append(request)
        return request

    make.waits = waits  # type: ignore[attr-defined]
    yield make
    for request in made:
        await request.shutdown()


REPEATED = [
    ("sendMessage", _status(500), "Telegram failed: it did not act"),
    ("sendMessage", _status(502), "a proxy in front of Telegram failed"),
    ("sendMessage", _raising(httpx.ConnectError), "no connection: nothing was sent"),
    ("sendMessage", _raising(httpx.ConnectTimeout), "no connection: nothing was sent"),
    ("sendMessage", _raising(httpx.PoolTimeout), "no free connection: nothing was sent"),
    ("sendMessage", _raising(httpx.WriteError), "the request was never complete"),
    ("getUpdates", _raising(httpx.ReadTimeout), "the offset makes it harmless"),
    ("getUpdates", _raising(httpx.RemoteProtocolError), "dropped after writing"),
    ("getFile", _raising(httpx.ReadTimeout), "reading only"),
    ("getFile", _raising(httpx.RemoteProtocolError), "reading only"),
    ("getMe", _raising(httpx.ReadError), "reading only"),
    ("sendChatAction", _raising(httpx.ReadTimeout), "a second typing… shows nothing new"),
]


@pytest.mark.parametrize(("endpoint", "first", "why"), REPEATED)
async def test_repeated(make_request, endpoint: str, first, why: str) -> None:
    telegram = _Telegram(first)
    request = await make_request(telegram)
    assert await request.post(f"{API}/{endpoint}") is True, why
    assert telegram.attempts == 2
    assert make_request.waits == [0.5]


NOT_REPEATED = [
    (_raising(httpx.ReadTimeout), TimedOut, "the reply may have been delivered"),
    (_raising(httpx.RemoteProtocolError), NetworkError, "dropped after the request was written"),
    (_raising(httpx.ReadError), NetworkError, "reset while reading the answer"),
    pytest.param(
        _status(429),
        RetryAfter,
        "flood control is the rate limiter's to wait out",
        # PTB 22 announces that RetryAfter.retry_after becomes a timedelta; not our concern here.
        marks=pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning"),
    ),
]


@pytest.mark.parametrize(("first", "raised", "why"), NOT_REPEATED)
async def test_a_message_is_never_sent_twice(make_request, first, raised, why: str) -> None:
    telegram = _Telegram(first)
    request = await make_request(telegram)
    with pytest.raises(raised):
        await request.post(f"{API}/sendMessage", None)
    assert telegram.attempts == 1, why
    assert make_request.waits == []


async def test_a_file_download_is_repeated_after_a_timeout(make_request) -> None:
    telegram = _Telegram(_raising(httpx.ReadTimeout))
    request = await make_request(telegram)
    assert await request.retrieve(FILE) == b"file contents"
    assert telegram.attempts == 2


async def test_retries_stop_after_five_attempts_with_growing_waits(make_request) -> None:
    telegram = _Telegram(*[_status(500)] * 9)
    request = await make_request(telegram)
    with pytest.raises(NetworkError):
        await request.post(f"{API}/sendMessage")
    assert telegram.attempts == 5
    assert make_request.waits == [0.5, 1.0, 2.0, 4.0]


async def test_typing_does_not_spend_a_groups_messages() -> None:
    limiter = FloodLimiter(group_max_rate=1, group_time_period=3600)
    done: list[str] = []

    async def send(what: str) -> bool:
        done.append(what)
        return True

    group = {"chat_id": -100200300}
    async with asyncio.timeout(10):  # counted, the typing would hold the message for an hour
        for _ in range(3):
            await limiter.process_request(send, ("typing",), {}, "sendChatAction", group, None)
        await limiter.process_request(send, ("message",), {}, "sendMessage", group, None)
    assert done == ["typing", "typing", "typing", "message"]
