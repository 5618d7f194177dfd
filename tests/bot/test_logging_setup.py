"""What the bot process writes: never the token, never Telegram's raw data (users' drafts).

The records here are real: python-telegram-bot's own, raised the way it raises them, written
through the handler the bot installs (bot/logging_setup.py)."""

from __future__ import annotations

import io
import logging
import subprocess
import sys
from collections.abc import Iterator

import pytest
from telegram.error import InvalidToken, TelegramError
from telegram.ext import ExtBot
from telegram.request import BaseRequest

from bot.logging_setup import WITHHELD, RedactingFormatter, make_handler
from tests.bot import updates as u
from tests.bot.fake_api import TOKEN, FakeBotApi
from tests.bot.recording_request import RecordingRequest
from tests.conftest import ROOT

SECRET_PART = TOKEN.split(":")[1]
DRAFT = "二是调查研究不够深入，这是某位用户的草稿正文。"


@pytest.fixture
def written() -> Iterator[io.StringIO]:
    """Everything the root logger writes, through the bot's handler (secrets: the token)."""
    stream = io.StringIO()
    handler = make_handler(RedactingFormatter(secrets=[TOKEN]), stream)
    root = logging.getLogger()
    root.addHandler(handler)
    try:
        yield stream
    finally:
        root.removeHandler(handler)


def _fail(message: str) -> None:
    raise RuntimeError(message)


def test_the_token_is_redacted_from_message_args_traceback_and_stack(
    written: io.StringIO,
) -> None:
    log = logging.getLogger("bot.test")
    log.error("url https://api.telegram.org/bot%s/getMe", TOKEN)
    log.error(f"encoded 7000001%3A{SECRET_PART} and bare {SECRET_PART}", stack_info=True)
    try:
        _fail(f"the token `{TOKEN}` was rejected")
    except RuntimeError:
        log.exception("failed")
    text = written.getvalue()
    assert SECRET_PART not in text
    assert text.count("<redacted>") >= 4 and "Traceback" in text and "Stack (most recent" in text


def test_ptb_logs_an_unreadable_answer_without_it(written: io.StringIO) -> None:
    with pytest.raises(TelegramError):
        BaseRequest.parse_json_payload(f'{{"ok": true, "result": [{{"text": "{DRAFT}"'.encode())
    text = written.getvalue()
    assert "Can not load invalid JSON data" in text and WITHHELD in text
    assert DRAFT not in text


async def test_ptb_logs_a_batch_it_cannot_parse_without_it(written: io.StringIO) -> None:
    """Plain ExtBot (bot/polling.py's PollingBot no longer gets there): the CRITICAL record
    PTB writes keeps its message, not the batch."""
    api = FakeBotApi()
    api.push(u.text(1, DRAFT))
    api.push_malformed({"message": {"message_id": 77, "text": DRAFT}}, numbered=True)
    request = RecordingRequest(api)
    async with ExtBot(TOKEN, request=request, get_updates_request=request) as bot:
        with pytest.raises(KeyError):  # the message has no date
            await bot.get_updates(timeout=0)
    text = written.getvalue()
    assert "Error while parsing updates!" in text and WITHHELD in text
    assert DRAFT not in text


def test_a_rejected_token_is_logged_without_its_traceback(written: io.StringIO) -> None:
    try:
        raise InvalidToken(f"The token `{TOKEN}` was rejected by the server.")
    except InvalidToken:
        logging.getLogger("telegram.ext").exception("Invalid token. Aborting retry loop.")
    text = written.getvalue()
    assert "Invalid token. Aborting retry loop." in text
    assert "Traceback" not in text and SECRET_PART not in text


def test_an_uncaught_exception_is_written_redacted() -> None:
    program = (
        "import logging\n"
        "from bot.logging_setup import configure_logging\n"
        f"configure_logging(logging.INFO, [{TOKEN!r}])\n"
        f"raise RuntimeError('the token `{TOKEN}` was rejected')\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", program], cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 1
    assert "CRITICAL bot: uncaught exception" in done.stderr and "<redacted>" in done.stderr
    assert SECRET_PART not in done.stderr + done.stdout


def test_the_history_key_and_database_password_are_redacted_too(tmp_path) -> None:
    import io
    import logging

    from bot.app import _secrets
    from bot.config import load_config
    from bot.encryption import new_key
    from bot.logging_setup import RedactingFormatter

    key = new_key()
    config = load_config(
        {
            "TELEGRAM_BOT_TOKEN": "123456:" + "B" * 35,
            "DATA_DIR": str(tmp_path),
            "HISTORY_KEY": key,
            "DATABASE_URL": "postgresql+asyncpg://bot:pw-9f8e7d6c5b@db/draftreview",
        }
    )
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(RedactingFormatter(secrets=_secrets(config)))
    logger = logging.getLogger("tests.redaction")
    logger.addHandler(handler)
    try:
        logger.error("connect failed: %s key=%s", config.database_url, key)
    finally:
        logger.removeHandler(handler)
    written = stream.getvalue()
    assert "pw-9f8e7d6c5b" not in written and key not in written and "connect failed" in written
