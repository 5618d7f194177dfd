"""Fixtures shared by the end-to-end tests: the stand-in Bot API and the real bot process."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.bot.fake_api import FakeBotApi
from tests.e2e.server import StandInServer
from tests.e2e.test_bot_process import BotProcess


@pytest.fixture
def api() -> FakeBotApi:
    return FakeBotApi()


@pytest.fixture
def bot(api: FakeBotApi, tmp_path: Path, seeds_copy: Path) -> Iterator[BotProcess]:
    with StandInServer(api) as server:
        process = BotProcess(server, tmp_path / "data", tmp_path / "bot.log", seeds_copy)
        process.start(api)
        try:
            yield process
        finally:
            if process.process and process.process.poll() is None:
                process.process.kill()
                process.process.wait()
