"""The bot process's logging: one handler on stderr that never writes a secret or a user's text.

Redaction happens in the formatter, on the finished text: the message with its arguments, the
traceback (`exc_text`) and `stack_info` alike, whichever library logged them. The few records in
which python-telegram-bot puts Telegram's raw data (users' messages) are written without it.
Uncaught exceptions go through the same handler rather than Python's default hook, which would
print the token inside PTB's `InvalidToken` message to the terminal.
"""

from __future__ import annotations

import logging
import sys
import threading
from collections.abc import Iterable
from types import TracebackType
from typing import TextIO

from telegram.error import InvalidToken

REDACTED = "<redacted>"
_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
# PTB's records whose arguments are Telegram's raw data: the updates, with every user's draft.
_CARRY_TELEGRAM_DATA = frozenset(
    {
        'Can not load invalid JSON data: "%s"',  # an unreadable answer, whole
        "Error while parsing updates! Received data was %r",  # a getUpdates batch
        "Error while building CallbackContext for update %s. Update will not be processed.",
        "Something went wrong processing the data received from Telegram. "
        "Received data was *not* processed! Received data was: %r",  # PTB's own webhook server
    }
)
WITHHELD = "<not logged: Telegram data>"


class RedactingFormatter(logging.Formatter):
    """A Formatter whose output never contains any of `secrets`."""

    def __init__(self, fmt: str | None = _FORMAT, *, secrets: Iterable[str]) -> None:
        super().__init__(fmt)
        self._secrets = secret_forms(secrets)

    def format(self, record: logging.LogRecord) -> str:
        return self.redact(super().format(record))

    def redact(self, text: str) -> str:
        for secret in self._secrets:
            text = text.replace(secret, REDACTED)
        return text


def secret_forms(secrets: Iterable[str]) -> tuple[str, ...]:
    """Each secret, and a token's part after the colon (alone, or with the colon URL-encoded),
    longest first so that a whole token is replaced before its part."""
    forms: set[str] = set()
    for secret in secrets:
        if secret:
            forms.add(secret)
            forms.update(part for part in secret.split(":")[1:] if len(part) >= 8)
    return tuple(sorted(forms, key=len, reverse=True))


def configure_logging(level: int, secrets: Iterable[str]) -> RedactingFormatter:
    """Our loggers at `level`; libraries never below INFO, because at DEBUG python-telegram-bot
    logs every call's parameters (the drafts) and httpx logs URLs (which contain the token).
    Returns the formatter, whose `redact` also serves text printed outside logging."""
    formatter = RedactingFormatter(_FORMAT, secrets=secrets)
    handler = make_handler(formatter)
    logging.basicConfig(level=max(level, logging.INFO), handlers=[handler], force=True)
    for ours in ("bot", "core"):
        logging.getLogger(ours).setLevel(level)
    # apscheduler logs every run of every job at INFO: twice a minute for the corpus sync.
    for noisy in ("httpx", "httpcore", "apscheduler"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    sys.excepthook = _log_uncaught
    threading.excepthook = _log_uncaught_in_thread
    return formatter


def make_handler(formatter: RedactingFormatter, stream: TextIO | None = None) -> logging.Handler:
    """The one handler: to `stream` (stderr by default), redacted, without Telegram's data."""
    handler = logging.StreamHandler(stream)
    handler.setFormatter(formatter)
    handler.addFilter(_withhold_telegram_data)
    handler.addFilter(_no_traceback_for_rejected_token)
    return handler


def _withhold_telegram_data(record: logging.LogRecord) -> bool:
    if isinstance(record.msg, str) and record.msg in _CARRY_TELEGRAM_DATA:
        record.args = tuple(WITHHELD for _ in record.args or ())
    return True


def _no_traceback_for_rejected_token(record: logging.LogRecord) -> bool:
    """run_bot reports a rejected token in one line; PTB's forty-line traceback of it would
    bury that line (and says nothing more: the cause is the token or the API's address)."""
    if record.exc_info and isinstance(record.exc_info[1], InvalidToken):
        record.exc_info, record.exc_text = None, None
    return True


def _log_uncaught(
    kind: type[BaseException], error: BaseException, traceback: TracebackType | None
) -> None:
    logging.getLogger("bot").critical("uncaught exception", exc_info=(kind, error, traceback))


def _log_uncaught_in_thread(args: threading.ExceptHookArgs) -> None:
    if args.exc_value is not None:
        _log_uncaught(args.exc_type, args.exc_value, args.exc_traceback)
