"""A stand-in for the Telegram Bot API: records every call and answers like Telegram.

Used in process by `RecordingRequest` (offline handler tests, no socket at all) and over HTTP
on 127.0.0.1 by `tests/e2e/server.py` (end-to-end tests). Tests synchronise by waiting on the
recorded calls (a condition variable), never by sleeping.
"""

from __future__ import annotations

import contextlib
import itertools
import json
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

BOT_ID = 7000001
BOT_USERNAME = "draft_review_bot"
TOKEN = f"{BOT_ID}:AAE-fake-token-for-tests-only-0123456789"
_JSON_KEYS = {
    "chat_id", "message_id", "reply_markup", "commands", "results", "reply_parameters",
    "entities", "offset", "limit", "timeout", "allowed_updates", "cache_time", "is_personal",
    "show_alert", "link_preview_options", "disable_notification", "protect_content", "scope",
}  # fmt: skip
_SERVED_AS = "__served_as__"  # a queued item served as something Telegram would never send


@dataclass(frozen=True)
class Call:
    method: str
    params: dict[str, Any]
    at: float = field(default_factory=time.perf_counter)


@dataclass
class FakeBotApi:
    """The Bot API's behaviour, thread-safe, shared by the in-process and HTTP front ends."""

    calls: list[Call] = field(default_factory=list)  # what "Telegram" acted on
    attempts: list[Call] = field(default_factory=list)  # every request received over HTTP
    files: dict[str, bytes] = field(default_factory=dict)
    pushed: dict[int, dict[str, Any]] = field(default_factory=dict)
    # Faults to serve over HTTP instead of answering: per method, a queue of HTTP status codes
    # (429 asks to retry after 1 s), "drop" (read the request, close the connection without
    # acting or answering), "stall" (act on the request, never answer) or "garbled" (the next
    # answer that holds something, cut short: JSON that cannot be read).
    faults: dict[str, list[int | str]] = field(default_factory=dict)
    update_offsets: list[int] = field(default_factory=list)  # the offset of every getUpdates
    _updates: list[dict[str, Any]] = field(default_factory=list)
    _changed: threading.Condition = field(default_factory=threading.Condition)
    _message_ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1000))
    _update_ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))
    _markup_removed: set[tuple[int, int]] = field(default_factory=set)

    # -- what tests do -------------------------------------------------------------------------
    def push(self, update: dict[str, Any]) -> int:
        """Queue an update for getUpdates; returns its update_id."""
        with self._changed:
            update = {"update_id": next(self._update_ids), **update}
            self._updates.append(update)
            self.pushed[int(update["update_id"])] = update
            self._changed.notify_all()
            return int(update["update_id"])

    def push_malformed(self, payload: dict[str, Any], *, numbered: bool = False) -> int:
        """Queue an item Telegram would never send, served exactly as `payload` (so without an
        update_id unless it holds one, valid or not), or with its update_id added if `numbered`.
        It takes the next update_id, which an offset past it confirms like any other; returned."""
        with self._changed:
            update_id = next(self._update_ids)
            served = {"update_id": update_id, **payload} if numbered else payload
            self._updates.append({"update_id": update_id, _SERVED_AS: served})
            self._changed.notify_all()
            return update_id

    @contextlib.contextmanager
    def batch(self) -> Iterator[None]:
        """What is pushed inside arrives in one getUpdates answer: none is served before the end."""
        with self._changed:  # a reentrant lock: push() takes it again
            yield

    def wait_for(
        self, predicate: Callable[[Call], bool], *, count: int = 1, timeout: float = 30.0
    ) -> list[Call]:
        """Block until `count` recorded calls satisfy `predicate`; fail after `timeout`."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while True:
                found = [c for c in self.calls if predicate(c)]
                if len(found) >= count:
                    return found
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    methods = [c.method for c in self.calls[-15:]]
                    raise AssertionError(
                        f"timed out waiting for {count} calls; last calls: {methods}"
                    )
                self._changed.wait(remaining)

    def sent(self, chat_id: int | None = None) -> list[Call]:
        with self._changed:
            return [
                c
                for c in self.calls
                if c.method in {"sendMessage", "editMessageText"}
                and (chat_id is None or c.params.get("chat_id") == chat_id)
            ]

    # -- what the bot does ---------------------------------------------------------------------
    def take_fault(self, method: str, params: dict[str, Any]) -> int | str | None:
        """Record an attempt at `method`; the fault to serve instead of an answer, if any."""
        with self._changed:
            if method != "getUpdates":
                self.attempts.append(Call(method, params))
                self._changed.notify_all()
            queue = self.faults.get(method)
            return queue.pop(0) if queue else None

    def handle(self, method: str, params: dict[str, Any]) -> tuple[bool, Any]:
        """Answer one Bot API call: (ok, result or error description)."""
        if method != "getUpdates":
            with self._changed:
                self.calls.append(Call(method, params))
                self._changed.notify_all()
        answer = getattr(self, f"_{method}", None)
        if answer is None:
            return False, f"Not Found: method {method} is not faked"
        try:
            return True, answer(params)
        except BadRequestAnswer as refused:  # Telegram's 400, e.g. "message is not modified"
            return False, refused

    def _editMessageReplyMarkup(self, params: dict[str, Any]) -> dict[str, Any]:
        key = (int(params.get("chat_id") or 0), int(params.get("message_id") or 0))
        with self._changed:
            if key in self._markup_removed:
                raise BadRequestAnswer(
                    "Bad Request: message is not modified: specified new message content and "
                    "reply markup are exactly the same as a current content and reply markup of "
                    "the message"
                )
            self._markup_removed.add(key)
        return self._message(params, message_id=key[1])

    def _getMe(self, params: dict[str, Any]) -> dict[str, Any]:
        return {
            "id": BOT_ID, "is_bot": True, "first_name": "材料审阅助手", "username": BOT_USERNAME,
            "can_join_groups": True, "can_read_all_group_messages": False, "supports_inline_queries": True,
        }  # fmt: skip

    def _getUpdates(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        offset = int(params.get("offset") or 0)
        timeout = min(float(params.get("timeout") or 0), 5.0)
        deadline = time.monotonic() + timeout
        with self._changed:
            self.update_offsets.append(offset)
            self._updates = [u for u in self._updates if u["update_id"] >= offset]
            while not self._updates and time.monotonic() < deadline:
                self._changed.wait(deadline - time.monotonic())
            return [u.get(_SERVED_AS, u) for u in self._updates[:100]]

    def _sendMessage(self, params: dict[str, Any]) -> dict[str, Any]:
        return self._message(params)

    def _editMessageText(self, params: dict[str, Any]) -> dict[str, Any]:
        return self._message(params, message_id=int(params.get("message_id", 0)))

    def _message(self, params: dict[str, Any], message_id: int | None = None) -> dict[str, Any]:
        chat_id = int(params.get("chat_id") or 0)
        chat = {"id": chat_id, "type": "private" if chat_id > 0 else "group"}
        if chat_id <= 0:
            chat["title"] = "测试群"
        return {
            "message_id": message_id or next(self._message_ids),
            "date": int(time.time()),
            "chat": chat,
            "from": self._getMe({}),
            "text": str(params.get("text", "")),
        }

    def _sendDocument(self, params: dict[str, Any]) -> dict[str, Any]:
        sent = self._message(params)
        name, data = _upload(params, "document")
        sent["document"] = {
            "file_id": f"sent-{len(data)}",
            "file_unique_id": "s",
            "file_name": name,
        }
        return sent

    def _sendPhoto(self, params: dict[str, Any]) -> dict[str, Any]:
        sent = self._message(params)
        sent["photo"] = [{"file_id": "p", "file_unique_id": "p", "width": 1, "height": 1}]
        return sent

    def uploads(self, chat_id: int, method: str = "sendDocument") -> list[tuple[str, bytes]]:
        """The files sent to `chat_id` by `method`: (file name, bytes)."""
        with self._changed:
            return [
                _upload(c.params, "document" if method == "sendDocument" else "photo")
                for c in self.calls
                if c.method == method and c.params.get("chat_id") == chat_id
            ]

    def _getFile(self, params: dict[str, Any]) -> dict[str, Any]:
        file_id = str(params["file_id"])
        return {
            "file_id": file_id,
            "file_unique_id": f"u-{file_id}",
            "file_size": len(self.files.get(file_id, b"")),
            "file_path": f"documents/{file_id}",
        }

    def download(self, file_path: str) -> bytes | None:
        return self.files.get(file_path.rsplit("/", 1)[-1])

    def _true(self, params: dict[str, Any]) -> bool:
        return True

    _deleteWebhook = _setMyCommands = _sendChatAction = _answerCallbackQuery = _true
    _answerInlineQuery = _setWebhook = _close = _logOut = _true
    _setMyDescription = _setMyShortDescription = _true


class BadRequestAnswer(Exception):
    """What a faked method raises to answer 400 with this description."""

    status = 400


FILES = "__files__"  # uploaded files: field name -> (file name, bytes)


def _upload(params: dict[str, Any], field: str) -> tuple[str, bytes]:
    """The file a send method uploaded in `field` ("attach://name" points into the upload)."""
    reference = str(params.get(field, ""))
    files: dict[str, tuple[str, bytes]] = params.get(FILES, {})
    key = reference.removeprefix("attach://")
    return files.get(key) or files.get(field) or ("", b"")


def decode_form(form: dict[str, str]) -> dict[str, Any]:
    """Form fields as PTB sends them: JSON for structured values, raw for plain strings."""
    decoded: dict[str, Any] = {}
    for key, value in form.items():
        if key in _JSON_KEYS:
            try:
                decoded[key] = json.loads(value)
                continue
            except ValueError:
                pass
        decoded[key] = value
    return decoded
