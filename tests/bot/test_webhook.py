"""Webhook mode: the secret token is checked, updates reach the real Application, /healthz."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import httpx
import pytest

from bot.app import AppType, build_application
from bot.config import ConfigError, load_config
from bot.webhook import SECRET_HEADER, build_web_app
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
