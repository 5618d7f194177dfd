"""Configuration: read in one place, every problem reported at once, the token never echoed."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from bot.config import ConfigError, load_config
from tests.bot.fake_api import TOKEN
from tests.conftest import ROOT, SEEDS


def test_minimal_environment() -> None:
    config = load_config(
        {"TELEGRAM_BOT_TOKEN": TOKEN, "CORPUS_DIR": str(SEEDS), "DATA_DIR": "/tmp/x"}
    )
    assert config.database_url == "sqlite+aiosqlite:////tmp/x/bot.db"
    assert config.admin_ids == frozenset()
    assert TOKEN not in repr(config)


def test_every_bad_variable_is_listed() -> None:
    bad = {
        "TELEGRAM_BOT_TOKEN": "123:short",
        "DATABASE_URL": "mysql://x",
        "CORPUS_DIR": "/nonexistent",
        "ADMIN_IDS": "1,abc",
        "LOG_LEVEL": "LOUD",
        "TELEGRAM_API_BASE_URL": "ftp://x",
        "MAX_DRAFT_CHARS": "-1",
    }
    with pytest.raises(ConfigError) as info:
        load_config(bad)
    assert len(info.value.problems) == 7
    assert "123:short" not in str(info.value)


def test_valid_optional_values() -> None:
    config = load_config(
        {
            "TELEGRAM_BOT_TOKEN": TOKEN,
            "CORPUS_DIR": str(SEEDS),
            "ADMIN_IDS": "1, 2;3",
            "LOG_LEVEL": "debug",
            "TELEGRAM_API_BASE_URL": "http://127.0.0.1:8081/bot/",
            "DATABASE_URL": "postgresql+asyncpg://u:p@h/db",
        }
    )
    assert config.admin_ids == {1, 2, 3}
    assert config.api_base_url == "http://127.0.0.1:8081/bot"


@pytest.mark.parametrize("token", [None, "not-a-token", "12345:" + "x" * 10])
def test_bot_refuses_to_start_without_a_valid_token(token: str | None, tmp_path: Path) -> None:
    env = {"PATH": "/usr/bin:/bin", "DATA_DIR": str(tmp_path), "CORPUS_DIR": str(SEEDS)}
    if token:
        env["TELEGRAM_BOT_TOKEN"] = token
    done = subprocess.run(
        [sys.executable, "-m", "bot.cli", "bot"],
        env=env,
        cwd=ROOT,
        capture_output=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 2
    err = done.stderr.decode()
    assert "TELEGRAM_BOT_TOKEN" in err and "Traceback" not in err
    assert len(err.strip().splitlines()) == 1


def test_the_webhook_listens_on_loopback_unless_told_otherwise() -> None:
    """A reverse proxy is meant to be in front: by default the port is not reachable from
    other hosts, and a replica behind a proxy on another host says so explicitly."""
    base = {"TELEGRAM_BOT_TOKEN": TOKEN, "CORPUS_DIR": str(SEEDS)}
    assert load_config(base).listen_host == "127.0.0.1"
    assert load_config({**base, "LISTEN_HOST": " "}).listen_host == "127.0.0.1"
    assert load_config({**base, "LISTEN_HOST": "0.0.0.0"}).listen_host == "0.0.0.0"


def test_compose_replicas_listen_on_every_interface() -> None:
    """nginx reaches the replicas over the compose network, not their loopback."""
    yaml = pytest.importorskip("yaml")
    compose = yaml.safe_load((ROOT / "deploy" / "compose.yaml").read_text(encoding="utf-8"))
    assert compose["services"]["bot"]["environment"]["LISTEN_HOST"] == "0.0.0.0"
