"""Telegram rejects the token: one clear line on stderr, exit code 2, the token never printed.

PTB's `InvalidToken` carries the token in its message; uncaught, its traceback reached the
terminal. The real bot process meets a stand-in that answers getMe with 401 (a wrong token, or
the right one sent to a wrong API address) or 404 (what Telegram answers a malformed path).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.bot.fake_api import TOKEN, FakeBotApi
from tests.conftest import ROOT
from tests.e2e.server import StandInServer
from tests.e2e.test_bot_process import BotProcess

OTHER_TOKEN = "7000002:AAF-a-token-this-server-does-not-know-42"
CLEAR_LINE = "Telegram 拒绝了 TELEGRAM_BOT_TOKEN"


@pytest.mark.slow
@pytest.mark.parametrize(
    ("case", "answer"),
    [
        ("wrong token", "Unauthorized"),
        ("wrong API address", "Unauthorized"),
        ("404 from the API", "injected 404"),
        ("wrong token, webhook mode", "Unauthorized"),
    ],
)
def test_a_rejected_token_is_one_clear_line_and_exit_2(
    case: str, answer: str, tmp_path: Path, seeds_copy: Path
) -> None:
    api = FakeBotApi()
    with StandInServer(api) as server:
        env = BotProcess(server, tmp_path / "data", tmp_path / "bot.log", seeds_copy).env
        token = OTHER_TOKEN if case.startswith("wrong token") else TOKEN
        env["TELEGRAM_BOT_TOKEN"] = token
        if case == "wrong API address":
            env["TELEGRAM_API_BASE_URL"] = server.base_url.replace("/bot", "/api/bot")
        if case == "404 from the API":
            api.faults["getMe"] = [404]
        if "webhook" in case:
            env.update(
                BOT_MODE="webhook",
                WEBHOOK_URL="https://bot.example.org/tg/hook",
                WEBHOOK_SECRET="s3cret-token-for-tests_0123",
            )
        done = subprocess.run(
            [sys.executable, "-m", "bot.cli", "bot"],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
    output = done.stdout + done.stderr
    assert done.returncode == 2, output[-3000:]
    assert token not in output and token.split(":")[1] not in output
    assert "Traceback" not in output
    line = next(line for line in done.stderr.splitlines() if CLEAR_LINE in line)
    assert line.startswith("draft-review bot：") and f"服务器答复：{answer}" in line
