"""Builders for Bot API update payloads, as Telegram would send them."""

from __future__ import annotations

import itertools
import time
from typing import Any

from tests.bot.fake_api import BOT_USERNAME

_ids = itertools.count(1)
GROUP_ID = -100200300


def user(user_id: int, name: str = "张三") -> dict[str, Any]:
    return {"id": user_id, "is_bot": False, "first_name": name, "language_code": "zh-hans"}


def chat(chat_id: int) -> dict[str, Any]:
    if chat_id > 0:
        return {"id": chat_id, "type": "private", "first_name": "张三"}
    return {"id": chat_id, "type": "supergroup", "title": "起草组"}


def message(user_id: int, chat_id: int | None = None, **content: Any) -> dict[str, Any]:
    return {
        "message": {
            "message_id": next(_ids),
            "date": int(time.time()),
            "chat": chat(chat_id if chat_id is not None else user_id),
            "from": user(user_id),
            **content,
        }
    }


def text(user_id: int, body: str, chat_id: int | None = None, **extra: Any) -> dict[str, Any]:
    return message(user_id, chat_id, text=body, **extra)


def command(
    user_id: int, body: str, chat_id: int | None = None, *, reply_to: dict[str, Any] | None = None
) -> dict[str, Any]:
    """A command message: `/show 3`, or `/review@draft_review_bot` in a group."""
    name = body.split()[0]
    extra: dict[str, Any] = {
        "entities": [{"type": "bot_command", "offset": 0, "length": len(name)}]
    }
    if reply_to is not None:
        extra["reply_to_message"] = reply_to["message"]
    return text(user_id, body, chat_id, **extra)


def document(user_id: int, file_id: str, file_name: str, size: int, mime: str) -> dict[str, Any]:
    return message(
        user_id,
        document={
            "file_id": file_id,
            "file_unique_id": f"u{file_id}",
            "file_name": file_name,
            "mime_type": mime,
            "file_size": size,
        },
    )


def sticker(user_id: int) -> dict[str, Any]:
    return message(
        user_id,
        sticker={
            "file_id": "stk",
            "file_unique_id": "ustk",
            "type": "regular",
            "width": 512,
            "height": 512,
            "is_animated": False,
            "is_video": False,
        },
    )


def photo(user_id: int) -> dict[str, Any]:
    return message(
        user_id, photo=[{"file_id": "ph", "file_unique_id": "uph", "width": 90, "height": 90}]
    )


def voice(user_id: int) -> dict[str, Any]:
    return message(user_id, voice={"file_id": "vc", "file_unique_id": "uvc", "duration": 3})


def callback(user_id: int, data: str, chat_id: int | None = None) -> dict[str, Any]:
    origin = message(BOT_ID_FOR_MESSAGES, chat_id if chat_id is not None else user_id, text="…")[
        "message"
    ]
    return {
        "callback_query": {
            "id": str(next(_ids)),
            "from": user(user_id),
            "chat_instance": "ci",
            "data": data,
            "message": origin,
        }
    }


def inline(user_id: int, query: str) -> dict[str, Any]:
    return {
        "inline_query": {"id": str(next(_ids)), "from": user(user_id), "query": query, "offset": ""}
    }


BOT_ID_FOR_MESSAGES = 7000001
BOT_MENTION = f"@{BOT_USERNAME}"
OTHER_GROUP_ID = -100400500
CHANNEL_ID = -100900900

# The placeholder accounts Telegram puts in `from` when the sender is not shown as a person.
ANONYMOUS_ADMIN = {
    "id": 1087968824,
    "is_bot": True,
    "first_name": "Group",
    "username": "GroupAnonymousBot",
}
CHANNEL_BOT = {"id": 136817688, "is_bot": True, "first_name": "Channel", "username": "Channel_Bot"}
SERVICE_ACCOUNT = {"id": 777000, "is_bot": False, "first_name": "Telegram"}


def channel(channel_id: int = CHANNEL_ID) -> dict[str, Any]:
    return {"id": channel_id, "type": "channel", "title": "党建频道"}


def _sent_by(payload: dict[str, Any], sender: dict[str, Any], **extra: Any) -> dict[str, Any]:
    """`payload` as if sent by `sender` instead of a person (`reply_to` is kept)."""
    kind = next(iter(payload))
    return {kind: {**payload[kind], "from": sender, **extra}}


def as_anonymous_admin(payload: dict[str, Any]) -> dict[str, Any]:
    """An anonymous group admin: GroupAnonymousBot, with the group itself as `sender_chat`."""
    return _sent_by(payload, ANONYMOUS_ADMIN, sender_chat=payload["message"]["chat"])


def as_channel(payload: dict[str, Any], channel_id: int = CHANNEL_ID) -> dict[str, Any]:
    """Someone posting in a group "as" a channel: Channel_Bot, the channel as `sender_chat`."""
    return _sent_by(payload, CHANNEL_BOT, sender_chat=channel(channel_id))


def automatic_forward(payload: dict[str, Any], channel_id: int = CHANNEL_ID) -> dict[str, Any]:
    """A linked channel's post forwarded into its discussion group by Telegram."""
    return _sent_by(
        payload, SERVICE_ACCOUNT, sender_chat=channel(channel_id), is_automatic_forward=True
    )


def as_unknown_placeholder(payload: dict[str, Any]) -> dict[str, Any]:
    """A placeholder id we do not know yet: only `sender_chat` shows it is not a person."""
    sender = {"id": 424242, "is_bot": True, "first_name": "Someday", "username": "FutureBot"}
    return _sent_by(payload, sender, sender_chat=channel())


def from_placeholder(payload: dict[str, Any], sender: dict[str, Any]) -> dict[str, Any]:
    """A callback or inline query whose `from` is a placeholder account."""
    return _sent_by(payload, sender)


def edited(payload: dict[str, Any]) -> dict[str, Any]:
    """The same message again as an edit (same message_id, an edit_date)."""
    return {"edited_message": {**payload["message"], "edit_date": int(time.time())}}


def forwarded(payload: dict[str, Any], origin_user_id: int) -> dict[str, Any]:
    """`payload`'s message as a forward of something `origin_user_id` wrote."""
    origin = {"type": "user", "date": int(time.time()), "sender_user": user(origin_user_id)}
    return {"message": {**payload["message"], "forward_origin": origin}}
