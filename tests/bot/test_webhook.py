"""Webhook mode: the secret token is checked, updates reach the real Application, /healthz;
bodies over the limit are refused unread, malformed ones with 400 and nothing private logged."""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

from bot.app import AppType, build_application
from bot.config import ConfigError, load_config
from bot.webhook import MAX_UPDATE_BYTES, SECRET_HEADER, build_web_app
from core import Corpus
from tests.bot import updates as u
from tests.bot.conftest import make_config
from tests.bot.fake_api import TOKEN, FakeBotApi
from tests.bot.recording_request import RecordingRequest
from tests.conftest import SEEDS

SECRET = "s3cret-token-for-tests_0123"


@pytest.fixture
async def webhook_app(api: FakeBotApi, tmp_path: Path, corpus: Corpus, store) -> AppType:
    config = make_config(
        tmp_path,
        bot_mode="webhook",
        webhook_url="https://bot.example.org/tg/hook",
        webhook_secret=SECRET,
    )
    application = build_application(config, corpus, store, request=RecordingRequest(api))
    async with application:
        await application.start()
        yield application
        await application.stop()


def _client(application: AppType) -> httpx.AsyncClient:
    config = application.bot_data.services.config
    return httpx.AsyncClient(
        transport=httpx.ASGITransport(app=build_web_app(application, config)),
        base_url="http://replica",
    )


@pytest.mark.parametrize("headers", [{}, {SECRET_HEADER: "wrong"}, {SECRET_HEADER: SECRET[:-1]}])
async def test_a_wrong_or_missing_secret_is_refused(
    webhook_app: AppType, api: FakeBotApi, headers: dict
) -> None:
    async with _client(webhook_app) as client:
        response = await client.post(
            "/tg/hook",
            content=json.dumps({"update_id": 1, **u.command(1, "/start")}),
            headers=headers,
        )
    assert response.status_code == 403
    assert api.sent() == []


async def test_an_update_with_the_secret_is_answered(webhook_app: AppType, api: FakeBotApi) -> None:
    async with _client(webhook_app) as client:
        response = await client.post(
            "/tg/hook",
            content=json.dumps({"update_id": 7, **u.command(42, "/start")}),
            headers={SECRET_HEADER: SECRET},
        )
        assert response.status_code == 200
        bad = await client.post("/tg/hook", content=b"not json", headers={SECRET_HEADER: SECRET})
        assert bad.status_code == 400
    # Wait in a thread: the event loop must stay free to process the queued update.
    await asyncio.to_thread(
        api.wait_for,
        lambda c: c.method == "sendMessage" and c.params.get("chat_id") == 42,
        timeout=30,
    )


async def test_health_endpoint(webhook_app: AppType) -> None:
    async with _client(webhook_app) as client:
        response = await client.get("/healthz")
    assert response.status_code == 200 and response.json()["status"] == "ok"


def test_webhook_configuration_is_validated() -> None:
    base = {"TELEGRAM_BOT_TOKEN": TOKEN, "CORPUS_DIR": str(SEEDS), "BOT_MODE": "webhook"}
    with pytest.raises(ConfigError) as info:
        load_config(base)
    assert any("WEBHOOK_URL" in p for p in info.value.problems)
    assert any("WEBHOOK_SECRET" in p for p in info.value.problems)
    config = load_config(
        {
            **base,
            "WEBHOOK_URL": "https://bot.example.org/hook",
            "WEBHOOK_SECRET": SECRET,
            "LISTEN_PORT": "9000",
        }
    )
    assert (config.bot_mode, config.listen_port) == ("webhook", 9000)
    with pytest.raises(ConfigError):
        load_config({**base, "BOT_MODE": "carrier-pigeon"})


class _Body:
    """A request body streamed in chunks, counting the chunks the server pulled."""

    def __init__(self, total: int, chunk: int = 64 * 1024) -> None:
        self.chunks, self.pulled = total // chunk, 0
        self._chunk = b" " * chunk

    async def __aiter__(self) -> AsyncIterator[bytes]:
        for _ in range(self.chunks):
            self.pulled += 1
            yield self._chunk


async def test_a_body_declared_too_large_is_refused_before_it_is_read(
    webhook_app: AppType,
) -> None:
    body = _Body(50 * 1024 * 1024)  # 50 MiB, with the right secret
    headers = {SECRET_HEADER: SECRET, "Content-Length": str(50 * 1024 * 1024)}
    async with _client(webhook_app) as client:
        response = await client.post("/tg/hook", content=body, headers=headers)
    assert response.status_code == 413
    assert body.pulled == 0


async def test_a_chunked_body_is_cut_off_at_the_limit(webhook_app: AppType) -> None:
    body = _Body(16 * 1024 * 1024)  # no Content-Length: Transfer-Encoding: chunked
    async with _client(webhook_app) as client:
        response = await client.post("/tg/hook", content=body, headers={SECRET_HEADER: SECRET})
    assert response.status_code == 413
    assert body.pulled <= MAX_UPDATE_BYTES // (64 * 1024) + 1  # read no further than the limit


DRAFT = "三是联系群众不够紧密，这是某位用户的草稿正文。"
_MESSAGE = u.text(42, DRAFT)["message"]
MALFORMED_BODIES = {
    "not JSON": DRAFT.encode(),
    "not UTF-8": b"\xff\xfe\xfa" + DRAFT.encode("gb18030"),
    "a list": json.dumps([{"update_id": 1, "message": _MESSAGE}]).encode(),
    "a string": json.dumps(DRAFT).encode(),
    "null": b"null",
    "a number": b"42",
    "nested past json's limit": b'{"update_id": 1, "x": ' + b"[" * 100_000 + b"]" * 100_000 + b"}",
    "nested 40 deep": b'{"update_id": 1, "x": ' + b"[" * 40 + b"]" * 40 + b"}",
    "a 4000-digit update_id": b'{"update_id": ' + b"9" * 4000 + b"}",
    "a 5000-digit number": b'{"update_id": 1, "x": ' + b"9" * 5000 + b"}",
    "Infinity": b'{"update_id": 1, "x": Infinity}',
    "NaN as update_id": b'{"update_id": NaN}',
    "a text update_id": json.dumps({"update_id": DRAFT, "message": _MESSAGE}).encode(),
    "a date past 9999": json.dumps(
        {"update_id": 1, "message": {**_MESSAGE, "date": 2**51}}
    ).encode(),
    "no date, no chat": json.dumps(
        {"update_id": 1, "message": {"message_id": 7, "text": DRAFT}}
    ).encode(),
}


@pytest.mark.parametrize("body", MALFORMED_BODIES.values(), ids=MALFORMED_BODIES.keys())
async def test_a_malformed_body_is_400_and_logged_without_its_content(
    webhook_app: AppType, body: bytes, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)  # libraries as in production (at DEBUG PTB logs every call)
    caplog.set_level(logging.DEBUG, logger="bot")
    async with _client(webhook_app) as client:
        response = await client.post("/tg/hook", content=body, headers={SECRET_HEADER: SECRET})
    assert response.status_code == 400
    assert "webhook: refused a malformed update" in caplog.text
    assert DRAFT[:6] not in caplog.text and "Traceback" not in caplog.text
