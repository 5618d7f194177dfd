"""Updates as they arrive, untrusted: JSON → `Update`, or None for anything malformed.

Both ways in use it: the webhook (bot/webhook.py), where anyone holding the secret can post any
body, and long polling (bot/polling.py), where one bad item must not sink its batch. Nothing
here logs: a caller logs an update's id, never its content (the content is a user's draft).
"""

from __future__ import annotations

import json
import math
from typing import Any, TypeGuard

from telegram import Bot, Update

# Telegram's integers fit in 52 bits; anything wider in an update is forged.
MAX_INTEGER = 2**52
# Real updates nest about ten levels (a reply's quoted message's entities' user); a body nested
# far deeper is built to exhaust the recursion limit of whatever walks it next.
MAX_DEPTH = 32


def decode_update(body: bytes, bot: Bot) -> Update | None:
    """The update in a webhook request's body, or None if it is not one."""
    try:
        data = json.loads(body)
    except (ValueError, RecursionError):  # not JSON, not UTF-8, 4300+ digits, nested too deep
        return None
    return parse_update(data, bot)


def parse_update(data: object, bot: Bot) -> Update | None:
    """`data` (one item of getUpdates, or a webhook body) as an Update, or None if malformed."""
    if not isinstance(data, dict) or not is_update_id(data.get("update_id")):
        return None
    if not _plausible(data):
        return None
    try:
        return Update.de_json(data, bot)
    except Exception:  # untrusted input: any failure to parse it is the sender's fault, not ours
        return None


def is_update_id(value: object) -> TypeGuard[int]:
    """An integer Telegram could have sent as an update_id (bool is an int to Python)."""
    return type(value) is int and 0 <= value < MAX_INTEGER


def _plausible(data: dict[str, Any]) -> bool:
    """No nesting deeper than MAX_DEPTH, no integer wider than 52 bits, no NaN or infinity."""
    stack: list[tuple[object, int]] = [(data, 1)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, dict | list):
            if depth > MAX_DEPTH:
                return False
            children = value.values() if isinstance(value, dict) else value
            stack.extend((child, depth + 1) for child in children)
        elif not _plausible_number(value):
            return False
    return True


def _plausible_number(value: object) -> bool:
    """True for anything but a number Telegram never sends (a bool is a small int)."""
    if isinstance(value, float):
        return math.isfinite(value)
    return not isinstance(value, int) or abs(value) < MAX_INTEGER
