"""Privacy holes an attacker's probe found, each pinned by the case that reopens it.

Placeholder senders (anonymous admins, posting as a channel) sharing one history across groups;
copies of someone else's message kept in the asker's history; edits processed a second time;
one's own records posted to a whole group.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from telegram import Update
from telegram.ext import CommandHandler

from bot import history_handlers
from bot.app import AppType
from bot.handlers import EDITED, OTHERS_UNSAVED
from bot.menus import GROUP_COMMANDS, PRIVATE_COMMANDS
from bot.senders import NOT_A_PERSON, NOT_A_PERSON_UNSAVED, is_person
from bot.storage import SqlReviewStore
from core import Corpus, review
from tests.bot import updates as u
from tests.bot.conftest import feed
from tests.bot.fake_api import FakeBotApi

ALICE, BOB = 1001, 1002
DRAFT = "一是理论学习不够系统，往往以会代学，去年只读完两本原著，没有形成读书笔记。"
ANONYMOUS = int(u.ANONYMOUS_ADMIN["id"])
PERSONAL = {"history", "show", "word", "compare", "delete", "forget"}

# A channel's own post: no `from` at all, the channel as `sender_chat`.
CHANNEL_POST = {
    "message_id": 1,
    "date": 0,
    "chat": u.channel(),
    "sender_chat": u.channel(),
    "text": DRAFT,
}

Disguise = Callable[[dict[str, Any]], dict[str, Any]]
DISGUISES: list[Disguise] = [
    u.as_anonymous_admin,
    u.as_channel,
    u.automatic_forward,
    u.as_unknown_placeholder,
]


def texts(api: FakeBotApi, chat_id: int) -> list[str]:
    return [str(c.params["text"]) for c in api.sent(chat_id)]


def in_group(body: str, chat_id: int = u.GROUP_ID, **extra: Any) -> dict[str, Any]:
    return u.command(ALICE, body, chat_id=chat_id, **extra)


@pytest.mark.parametrize(
    ("payload", "expected"),
    [
        (u.text(ALICE, DRAFT), True),
        (u.text(ALICE, DRAFT, chat_id=u.GROUP_ID), True),
        (u.callback(ALICE, "forget:1001:1"), True),  # the button's message is the bot's own
        (u.inline(ALICE, "1"), True),
        (u.as_anonymous_admin(in_group("/history")), False),
        (u.as_channel(in_group("/history")), False),
        (u.automatic_forward(u.text(ALICE, DRAFT, chat_id=u.GROUP_ID)), False),
        (u.as_unknown_placeholder(in_group("/history")), False),  # caught by sender_chat alone
        (u.edited(u.as_anonymous_admin(in_group("/review"))), False),
        (u.from_placeholder(u.callback(ALICE, "forget:1:1"), u.ANONYMOUS_ADMIN), False),
        (u.from_placeholder(u.inline(ALICE, "1"), u.CHANNEL_BOT), False),
        (u.from_placeholder(u.inline(ALICE, "1"), u.SERVICE_ACCOUNT), False),  # not is_bot
        ({"channel_post": CHANNEL_POST}, False),
    ],
)
def test_is_person(payload: dict[str, Any], expected: bool) -> None:
    update = Update.de_json({"update_id": 1, **payload}, None)
    assert is_person(update) is expected


@pytest.mark.parametrize("disguise", DISGUISES)
async def test_a_placeholder_sender_review_is_shown_but_never_stored(
    app: AppType, api: FakeBotApi, store: SqlReviewStore, disguise: Disguise
) -> None:
    original = disguise(u.text(ALICE, DRAFT, chat_id=u.GROUP_ID))
    asked = disguise(in_group(f"/review{u.BOT_MENTION}", reply_to=original))
    await feed(app, asked)
    posted = texts(api, u.GROUP_ID)
    assert posted[0].startswith("<b>审阅结果</b>\n")  # shown, with no number to cite
    assert posted[-1] == NOT_A_PERSON_UNSAVED
    assert await store.recent(int(asked["message"]["from"]["id"])) == []


async def test_anonymous_admins_of_another_group_cannot_reach_a_placeholders_history(
    app: AppType, api: FakeBotApi, store: SqlReviewStore, corpus: Corpus
) -> None:
    """Rows under the placeholder id (kept before this fix) are never served or deleted."""
    kept = review(DRAFT, corpus).to_dict()
    await store.add(user_id=ANONYMOUS, chat_id=u.GROUP_ID, draft=DRAFT, review=kept)
    elsewhere = u.OTHER_GROUP_ID
    for body in ["/share 1 full", "/share 1"]:
        await feed(app, u.as_anonymous_admin(in_group(body, chat_id=elsewhere)))
        assert texts(api, elsewhere)[-1] == NOT_A_PERSON
    for body in ["/history", "/show 1", "/delete 1", "/forget"]:
        await feed(app, u.as_anonymous_admin(in_group(body, chat_id=elsewhere)))
        assert texts(api, elsewhere)[-1].startswith("为保护隐私，请在与我的私聊中使用 /")
    await feed(app, u.from_placeholder(u.inline(ALICE, "1"), u.ANONYMOUS_ADMIN))
    [answer] = [c for c in api.calls if c.method == "answerInlineQuery"]
    assert answer.params["results"] == [] and "私聊" in answer.params["button"]["text"]
    forged = u.callback(ALICE, f"forget:{ANONYMOUS}:1", chat_id=elsewhere)
    await feed(app, u.from_placeholder(forged, u.ANONYMOUS_ADMIN))
    [alert] = [c for c in api.calls if c.method == "answerCallbackQuery"]
    assert alert.params["text"] == NOT_A_PERSON and alert.params["show_alert"] is True
    assert all(DRAFT[:10] not in t for t in texts(api, elsewhere))
    assert len(await store.recent(ANONYMOUS)) == 1  # nothing was deleted either


@pytest.mark.parametrize(
    "target",
    [
        u.text(BOB, DRAFT, chat_id=u.GROUP_ID),
        u.forwarded(u.text(ALICE, DRAFT, chat_id=u.GROUP_ID), BOB),  # Bob's words, forwarded
        u.as_anonymous_admin(u.text(BOB, DRAFT, chat_id=u.GROUP_ID)),
    ],
    ids=["bobs", "forwarded", "anonymous"],
)
async def test_a_review_of_someone_elses_message_is_shown_but_not_kept(
    app: AppType, api: FakeBotApi, store: SqlReviewStore, target: dict[str, Any]
) -> None:
    await feed(app, in_group("/review", reply_to=target))
    posted = texts(api, u.GROUP_ID)
    assert "主要维度：<b>理论学习</b>" in posted[0] and "号）" not in posted[0]
    assert posted[-1] == OTHERS_UNSAVED
    assert await store.recent(ALICE) == [] and await store.recent(BOB) == []
    await feed(app, in_group("/share 1 full"))  # nothing the author's /forget could miss
    assert "没有找到您的第 1 号记录" in texts(api, u.GROUP_ID)[-1]


async def test_an_edited_review_command_is_not_reviewed_or_stored_again(
    app: AppType, api: FakeBotApi, store: SqlReviewStore
) -> None:
    asked = in_group("/review", reply_to=u.text(ALICE, DRAFT, chat_id=u.GROUP_ID))
    await feed(app, asked)
    replies = len(api.sent())
    await feed(app, u.edited(asked))
    assert len(api.sent()) == replies  # a group is not told: edits there are silent
    assert [s.number for s in await store.recent(ALICE)] == [1]


@pytest.mark.parametrize("command", sorted(c.command for c in PRIVATE_COMMANDS))
async def test_no_command_runs_again_when_edited(
    app: AppType, api: FakeBotApi, command: str
) -> None:
    await feed(app, u.edited(in_group(f"/{command} 1")))
    assert api.sent() == []
    await feed(app, u.edited(u.command(ALICE, f"/{command} 1")))
    assert texts(api, ALICE) == [EDITED]


@pytest.mark.parametrize(
    "edit",
    [
        u.edited(u.text(ALICE, DRAFT + "补充一句。")),
        u.edited(u.document(ALICE, "f1", "草稿.txt", 100, "text/plain")),
        u.edited(u.command(ALICE, "/delete 1")),
    ],
    ids=["text", "document", "delete"],
)
async def test_an_edit_in_private_is_answered_not_processed(
    app: AppType, api: FakeBotApi, store: SqlReviewStore, edit: dict[str, Any]
) -> None:
    await feed(app, u.text(ALICE, DRAFT))
    await feed(app, edit)
    assert texts(api, ALICE)[-1] == EDITED
    assert [s.number for s in await store.recent(ALICE)] == [1]
    assert not any(c.method == "getFile" for c in api.calls)


@pytest.mark.parametrize("body", ["/history", "/show 1", "/delete 1", "/forget", "/history@x"])
async def test_own_records_are_never_posted_to_a_group(
    app: AppType, api: FakeBotApi, store: SqlReviewStore, body: str
) -> None:
    await feed(app, u.text(ALICE, DRAFT))
    await feed(app, in_group(body.replace("@x", u.BOT_MENTION)))
    name = body.split()[0].split("@")[0]
    assert texts(api, u.GROUP_ID) == [f"为保护隐私，请在与我的私聊中使用 {name}。"]
    assert len(await store.recent(ALICE)) == 1


async def test_the_group_menu_offers_only_what_groups_are_answered(
    app: AppType, api: FakeBotApi
) -> None:
    private_only = {
        name
        for handler in app.handlers[0]
        if isinstance(handler, CommandHandler) and handler.callback is history_handlers.private_only
        for name in handler.commands
    }
    assert private_only == PERSONAL
    assert private_only <= {c.command for c in PRIVATE_COMMANDS}
    assert not private_only & {c.command for c in GROUP_COMMANDS}
    for command in GROUP_COMMANDS:
        await feed(app, in_group(f"/{command.command}"))
    replies = texts(api, u.GROUP_ID)
    assert len(replies) == len(GROUP_COMMANDS)
    assert not any("为保护隐私" in t for t in replies)
