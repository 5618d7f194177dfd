"""Offline handler tests: real Update objects through the real Application and a real store."""

from __future__ import annotations

import io
from html.parser import HTMLParser

import docx
import pytest

from bot.app import AppType
from bot.storage import SqlReviewStore
from tests.bot import updates as u
from tests.bot.conftest import feed
from tests.bot.fake_api import FakeBotApi
from tests.pdf_files import text_pdf

ALICE, BOB = 1001, 1002
DRAFT = "一是理论学习不够系统，往往以会代学，去年只读完两本原著，没有形成读书笔记。"
COPIED = "班子成员思想不够解放，工作按部就班、因循守旧、求稳怕变。对解决制约事业改革发展的瓶颈问题办法不多，思维方式上还习惯于凭经验考虑问题，对工作改革思考不深，主动思考、主动改革、主动改进的意识还不够强烈。"


def texts(api: FakeBotApi, chat_id: int) -> list[str]:
    return [str(c.params["text"]) for c in api.sent(chat_id)]


class _Checker(HTMLParser):
    """Telegram's HTML subset must be well formed: every tag closed, in order."""

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[str] = []

    def handle_starttag(self, tag: str, attrs: object) -> None:
        self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        assert self.stack and self.stack.pop() == tag, tag


def assert_valid_html(message: str) -> None:
    checker = _Checker()
    checker.feed(message)
    checker.close()
    assert checker.stack == []
    assert len(message) <= 4096


async def test_start_explains_with_an_example(app: AppType, api: FakeBotApi) -> None:
    await feed(app, u.command(ALICE, "/start"))
    [reply] = texts(api, ALICE)
    assert "材料审阅助手" in reply and "例如" in reply


async def test_menus_per_chat_kind_and_descriptions(api: FakeBotApi, app: AppType) -> None:
    await app.post_init(app)  # run_polling calls it; process_update alone does not
    menus = {
        c.params["scope"]["type"]: {
            cmd["command"]: cmd["description"] for cmd in c.params["commands"]
        }
        for c in api.calls
        if c.method == "setMyCommands"
    }
    assert set(menus) == {"all_private_chats", "all_group_chats"}  # no default-scope menu
    private, group = menus["all_private_chats"], menus["all_group_chats"]
    assert set(group) == {"review", "share", "dimension", "help"}
    assert set(private) >= set(group) | {"start", "history", "show", "delete", "forget"}
    assert "示例" in private["dimension"] and "示例" in group["dimension"]
    [description] = [c.params["description"] for c in api.calls if c.method == "setMyDescription"]
    [short] = [
        c.params["short_description"] for c in api.calls if c.method == "setMyShortDescription"
    ]
    assert "对照检查材料" in description and "/review" in description and len(description) <= 512
    assert "对照检查材料" in short and len(short) <= 120
    last = api.calls[-1]  # start-up's last call, which the end-to-end tests wait for
    assert last.params.get("scope") == {"type": "all_private_chats"}


async def test_every_command_is_in_the_private_menu_and_handled(app: AppType) -> None:
    from telegram.ext import CommandHandler

    from bot.menus import GROUP_COMMANDS, PRIVATE_COMMANDS

    handled = {
        name
        for handlers in app.handlers.values()
        for handler in handlers
        if isinstance(handler, CommandHandler)
        for name in handler.commands
    }
    assert {c.command for c in PRIVATE_COMMANDS} == handled
    assert {c.command for c in GROUP_COMMANDS} < handled
    assert handled == {c.command for c in PRIVATE_COMMANDS}


async def test_a_pasted_paragraph_is_reviewed_and_stored(
    app: AppType, api: FakeBotApi, store: SqlReviewStore
) -> None:
    await feed(app, u.text(ALICE, DRAFT))
    replies = texts(api, ALICE)
    assert "主要维度：<b>理论学习</b>" in replies[0]
    assert "第 1 号" in replies[0]
    assert any(c.method == "sendChatAction" for c in api.calls)
    for reply in replies:
        assert_valid_html(reply)
    [summary] = await store.recent(ALICE)
    assert (summary.number, summary.top_dimension) == (1, "理论学习")


async def test_near_copies_are_quoted_with_source(app: AppType, api: FakeBotApi) -> None:
    await feed(app, u.text(ALICE, COPIED))
    joined = "\n".join(texts(api, ALICE))
    # Both sentences are 套话 findings quoted among the top fixes, each with its source.
    assert joined.count("（来源：000_4429b7620e03c467.txt，相似度 100）") == 2
    assert "近似 2 处" in joined


async def test_user_text_is_html_escaped(app: AppType, api: FakeBotApi) -> None:
    await feed(
        app, u.text(ALICE, "<b>班子成员思想不够解放</b>，工作按部就班、因循守旧、求稳怕变。&amp;")
    )
    for reply in texts(api, ALICE):
        assert "<b>班子" not in reply
        assert_valid_html(reply)


async def test_a_long_draft_is_split_into_valid_messages(
    app: AppType, api: FakeBotApi, sample_draft: str
) -> None:
    await feed(app, u.text(ALICE, (sample_draft + "\n") * 7))
    replies = texts(api, ALICE)
    assert 1 <= len(replies) <= 2  # one screen first; the rest folded and capped
    for reply in replies:
        assert_valid_html(reply)


async def test_docx_upload_is_reviewed(app: AppType, api: FakeBotApi) -> None:
    document = docx.Document()
    document.add_paragraph(
        "（六）廉洁自律方面。一是落实一岗双责不到位，对分管部门廉政风险排查不深，公务接待存在超标准问题。"
    )
    buffer = io.BytesIO()
    document.save(buffer)
    api.files["f1"] = buffer.getvalue()
    await feed(
        app,
        u.document(
            ALICE,
            "f1",
            "草稿.docx",
            len(api.files["f1"]),
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
    )
    assert "主要维度：<b>廉洁自律</b>" in texts(api, ALICE)[0]


async def test_txt_upload_in_gb18030(app: AppType, api: FakeBotApi) -> None:
    api.files["f2"] = DRAFT.encode("gb18030")
    await feed(app, u.document(ALICE, "f2", "draft.TXT", len(api.files["f2"]), "text/plain"))
    assert "理论学习" in texts(api, ALICE)[0]


@pytest.mark.parametrize(
    ("payload", "expected"),
    [
        (u.sticker(ALICE), "只能审阅文字"),
        (u.photo(ALICE), "只能审阅文字"),
        (u.voice(ALICE), "只能审阅文字"),
        (u.document(ALICE, "f3", "setup.exe", 1000, "application/octet-stream"), "只能审阅文字"),
        (u.document(ALICE, "f4", "huge.txt", 50 * 1024 * 1024, "text/plain"), "文件过大"),
        (u.command(ALICE, "/nonsense"), "未知命令"),
        (u.command(ALICE, "/show"), "用法：/show"),
        (u.command(ALICE, "/show abc"), "用法：/show"),
        (u.command(ALICE, "/show -1"), "用法：/show"),
        (u.command(ALICE, "/show ²"), "用法：/show"),
        (u.command(ALICE, "/show 99999999999999999999"), "用法：/show"),
        (u.command(ALICE, "/show 7"), "没有找到您的第 7 号记录"),
        (u.command(ALICE, "/delete x"), "用法：/delete"),
        (u.command(ALICE, "/dimension 廉洁"), "廉洁自律"),
        (u.command(ALICE, "/dimension 天气"), "的方面："),
        (u.command(ALICE, "/dimension 廉政自律"), "？2023"),  # a suggestion, then the list
        (u.command(ALICE, "/review"), "用法：回复"),
    ],
)
async def test_odd_input_gets_a_clear_polite_line(
    app: AppType, api: FakeBotApi, payload: dict, expected: str
) -> None:
    await feed(app, payload)
    replies = texts(api, ALICE)
    assert replies, "every odd input gets an answer"
    assert expected in replies[0]


async def test_a_utf16_txt_upload_is_reviewed(app: AppType, api: FakeBotApi) -> None:
    api.files["f6"] = DRAFT.encode("utf-16")  # what Notepad saves as "Unicode": a BOM first
    await feed(app, u.document(ALICE, "f6", "草稿.txt", len(api.files["f6"]), "text/plain"))
    assert "理论学习" in texts(api, ALICE)[0]


@pytest.mark.parametrize(
    ("name", "data", "expected"),
    [
        ("草稿.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "另存为"),
        ("草稿.wps", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "另存为"),
        ("坏的.pdf", b"%PDF-1.7\n" + b"\x00" * 100, "无法打开这份 PDF"),
    ],
)
async def test_old_word_and_broken_pdf_files_get_how_to_send_them(
    app: AppType, api: FakeBotApi, name: str, data: bytes, expected: str
) -> None:
    api.files["f7"] = data
    await feed(app, u.document(ALICE, "f7", name, len(data), "application/octet-stream"))
    [reply] = texts(api, ALICE)
    assert expected in reply and ".docx" in reply


async def test_a_text_pdf_upload_is_reviewed(app: AppType, api: FakeBotApi) -> None:
    api.files["f8"] = text_pdf(["（一）理论学习方面\n" + DRAFT])
    await feed(app, u.document(ALICE, "f8", "范文.pdf", len(api.files["f8"]), "application/pdf"))
    assert "理论学习" in texts(api, ALICE)[0]


async def test_a_broken_docx_is_refused_politely(app: AppType, api: FakeBotApi) -> None:
    api.files["f5"] = b"PK\x03\x04 not really a zip"
    await feed(app, u.document(ALICE, "f5", "bad.docx", 30, "application/octet-stream"))
    assert "无法打开该 .docx 文件" in texts(api, ALICE)[0]


async def test_too_long_text_is_refused(app: AppType, api: FakeBotApi, config) -> None:
    app.bot_data.services = type(app.bot_data.services)(
        corpus=app.bot_data.services.corpus,
        store=app.bot_data.services.store,
        config=type(config)(
            **{**{f: getattr(config, f) for f in config.__slots__}, "max_draft_chars": 10}
        ),
    )
    await feed(app, u.text(ALICE, DRAFT))
    assert "材料过长" in texts(api, ALICE)[0]


async def test_dimension_examples_and_more_button(app: AppType, api: FakeBotApi) -> None:
    await feed(app, u.command(ALICE, "/dimension 廉洁自律"))
    [call] = api.sent(ALICE)
    assert call.params["text"].count("来源：") == 3
    [[button]] = call.params["reply_markup"]["inline_keyboard"]
    await feed(app, u.callback(ALICE, button["callback_data"]))
    second = api.sent(ALICE)[-1].params["text"]
    assert second.startswith("<b>“廉洁自律”方面的语料示例</b>（2023")
    assert "第 4–" in second and "\n\n4." in second


async def test_more_pages_on_to_the_end_once_per_press(app: AppType, api: FakeBotApi) -> None:
    await feed(app, u.command(ALICE, "/dimension 廉洁自律"))
    pages = 1
    while True:
        markup = api.sent(ALICE)[-1].params.get("reply_markup")
        if not markup:
            break
        [[button]] = markup["inline_keyboard"]
        press = u.callback(ALICE, button["callback_data"])
        before = len(api.sent(ALICE))
        await feed(app, press)
        await feed(app, press)  # the same button pressed twice: one page
        assert len(api.sent(ALICE)) == before + 1
        pages += 1
    assert pages >= 2
    assert "以上是全部" in api.sent(ALICE)[-1].params["text"]
    said = [c.params.get("text") for c in api.calls if c.method == "answerCallbackQuery"]
    assert "这几条已经发出，请查看下方消息。" in said


async def test_dimension_without_a_name_offers_six_buttons(app: AppType, api: FakeBotApi) -> None:
    await feed(app, u.command(ALICE, "/dimension"))
    keyboard = api.sent(ALICE)[0].params["reply_markup"]["inline_keyboard"]
    assert [row[0]["text"] for row in keyboard] == [
        "理论学习",
        "政治素质",
        "能力本领",
        "担当作为",
        "工作作风",
        "廉洁自律",
    ]


@pytest.mark.parametrize(
    "data",
    ["dim:99:0:0", "dim:a:b:c", "dim:1:0:-3", "dim:", "dim:1:0", "dim:1:0:0:0", "dim:0:99:0"],
)
async def test_forged_dimension_buttons_are_refused(
    app: AppType, api: FakeBotApi, data: str
) -> None:
    await feed(app, u.callback(ALICE, data))
    [answer] = [c for c in api.calls if c.method == "answerCallbackQuery"]
    assert "失效" in answer.params.get("text", "")
    assert api.sent(ALICE) == []


async def test_dimensions_lists_six_with_descriptions(app: AppType, api: FakeBotApi) -> None:
    await feed(app, u.command(ALICE, "/dimensions"))
    reply = texts(api, ALICE)[0]
    assert reply.count("· <b>") == 6


async def test_history_show_delete(app: AppType, api: FakeBotApi, store: SqlReviewStore) -> None:
    await feed(app, u.text(ALICE, DRAFT))
    await feed(app, u.text(ALICE, COPIED))
    await feed(app, u.command(ALICE, "/history"))
    listing = texts(api, ALICE)[-1]
    assert listing.index("<b>2</b>.") < listing.index("<b>1</b>.")
    await feed(app, u.command(ALICE, "/show 1"))
    assert "第 1 号" in texts(api, ALICE)[-1] and "理论学习" in texts(api, ALICE)[-1]
    await feed(app, u.command(ALICE, "/delete 1"))
    assert "已删除第 1 号" in texts(api, ALICE)[-1]
    assert [s.number for s in await store.recent(ALICE)] == [2]


async def test_users_only_ever_see_their_own_reviews(
    app: AppType, api: FakeBotApi, store: SqlReviewStore
) -> None:
    await feed(app, u.text(ALICE, DRAFT))
    for forged in ["/show 1", "/word 1", "/delete 1", "/share 1"]:
        await feed(app, u.command(BOB, forged))
        assert "没有找到您的第 1 号记录" in texts(api, BOB)[-1]
    await feed(app, u.command(BOB, "/history"))
    assert "还没有审阅记录" in texts(api, BOB)[-1]
    await feed(app, u.inline(BOB, "1"))
    [answer] = [c for c in api.calls if c.method == "answerInlineQuery"]
    assert answer.params["results"] == []
    assert len(await store.recent(ALICE)) == 1
    assert all(DRAFT[:10] not in t for t in texts(api, BOB))


async def test_forget_needs_confirmation_by_the_same_user(
    app: AppType, api: FakeBotApi, store: SqlReviewStore
) -> None:
    await feed(app, u.text(ALICE, DRAFT))
    await feed(app, u.command(ALICE, "/forget"))
    buttons = api.sent(ALICE)[-1].params["reply_markup"]["inline_keyboard"][0]
    yes = buttons[0]["callback_data"]
    await feed(app, u.callback(BOB, yes, chat_id=ALICE))  # someone else presses Alice's button
    assert len(await store.recent(ALICE)) == 1
    await feed(app, u.callback(ALICE, buttons[1]["callback_data"]))
    assert len(await store.recent(ALICE)) == 1
    await feed(app, u.callback(ALICE, yes))
    assert await store.recent(ALICE) == []
    assert "已删除您的全部审阅记录（1 条）" in texts(api, ALICE)[-1]


async def test_group_review_as_reply_and_share(
    app: AppType, api: FakeBotApi, store: SqlReviewStore
) -> None:
    original = u.text(ALICE, COPIED, chat_id=u.GROUP_ID)  # her own message
    await feed(
        app, u.command(ALICE, f"/review{u.BOT_MENTION}", chat_id=u.GROUP_ID, reply_to=original)
    )
    posted = texts(api, u.GROUP_ID)
    assert "来源：000_4429b7620e03c467.txt" in "\n".join(posted)
    [summary] = await store.recent(ALICE)  # stored for its author, who asked
    assert f"第 {summary.number} 号" in posted[0]
    await feed(app, u.command(ALICE, f"/share {summary.number}", chat_id=u.GROUP_ID))
    shared = texts(api, u.GROUP_ID)[-1]
    assert "分享的审阅结果" in shared
    assert COPIED[:12] not in shared  # the draft is not posted unless asked
    await feed(app, u.command(ALICE, f"/share {summary.number} full", chat_id=u.GROUP_ID))
    assert COPIED[:12] in "\n".join(texts(api, u.GROUP_ID)[-2:])


async def test_group_chatter_is_never_reviewed(app: AppType, api: FakeBotApi) -> None:
    await feed(app, u.text(BOB, COPIED, chat_id=u.GROUP_ID))
    await feed(app, u.command(BOB, "/nonsense", chat_id=u.GROUP_ID))
    await feed(
        app, u.sticker(BOB) | {"message": {**u.sticker(BOB)["message"], "chat": u.chat(u.GROUP_ID)}}
    )
    assert api.sent() == []


async def test_inline_mode_offers_the_users_own_review(app: AppType, api: FakeBotApi) -> None:
    await feed(app, u.text(ALICE, DRAFT))
    await feed(app, u.inline(ALICE, "1"))
    [answer] = [c for c in api.calls if c.method == "answerInlineQuery"]
    [result] = answer.params["results"]
    assert result["title"].startswith("审阅结果 第 1 号：")  # with the grade or the findings
    assert result["description"] == DRAFT[:40]  # the draft's name: its title, or how it opens
    assert "理论学习" in result["input_message_content"]["message_text"]


async def test_one_user_cannot_monopolise_the_bot(api: FakeBotApi, tmp_path, corpus, store) -> None:
    from bot.app import build_application
    from tests.bot.conftest import make_config
    from tests.bot.recording_request import RecordingRequest

    application = build_application(
        make_config(tmp_path, reviews_per_minute=2), corpus, store, request=RecordingRequest(api)
    )
    async with application:
        for _ in range(3):
            await feed(application, u.text(ALICE, DRAFT))
        await feed(application, u.text(BOB, DRAFT))  # another user is not held back
    alice = texts(api, ALICE)
    assert sum("审阅结果" in t for t in alice) == 2
    assert "每分钟最多 2 次" in alice[-1]
    assert any("审阅结果" in t for t in texts(api, BOB))
    assert len(await store.recent(ALICE)) == 2


def test_rate_limiter_window() -> None:
    from bot.limits import RateLimiter

    now = [0.0]
    limiter = RateLimiter(2, clock=lambda: now[0])
    assert limiter.allow(1) and limiter.allow(1) and not limiter.allow(1)
    assert limiter.allow(2)
    now[0] = 59.0
    assert not limiter.allow(1) and limiter.wait_seconds(1) == 2
    now[0] = 60.0
    assert limiter.allow(1)


async def test_a_locked_database_still_gets_the_user_a_review(
    api: FakeBotApi, tmp_path, corpus, caplog: pytest.LogCaptureFixture
) -> None:
    """The database goes away (an SQLite file locked by someone else): the review is still sent,
    the user is told it was not saved, and saving works again once the lock is gone."""
    import sqlite3

    from bot.app import build_application
    from bot.db import create_schema, make_engine, make_sessions
    from bot.storage import SqlReviewStore
    from tests.bot.conftest import make_config
    from tests.bot.recording_request import RecordingRequest

    path = tmp_path / "locked.db"
    engine = make_engine(f"sqlite+aiosqlite:///{path}?timeout=0.2")
    await create_schema(engine)
    store = SqlReviewStore(make_sessions(engine))
    application = build_application(
        make_config(tmp_path), corpus, store, request=RecordingRequest(api)
    )
    holder = sqlite3.connect(path)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        async with application:
            await feed(application, u.text(ALICE, DRAFT))
            replies = texts(api, ALICE)
            assert "审阅结果" in replies[0] and "未能保存" in replies[-1]
            holder.rollback()
            await feed(application, u.text(ALICE, COPIED))
    finally:
        holder.close()
    assert "第 1 号" in texts(api, ALICE)[-1] or any("第 1 号" in t for t in texts(api, ALICE)[2:])
    assert [s.number for s in await store.recent(ALICE)] == [1]
    await engine.dispose()
    assert "could not store" in caplog.text  # logged, with the error …
    assert DRAFT[:10] not in caplog.text  # … but never the draft


def test_database_errors_never_carry_statement_parameters(tmp_path) -> None:
    """SQLAlchemy puts the parameters (a draft) into error messages unless told not to."""
    from bot.db import make_engine

    engine = make_engine(f"sqlite+aiosqlite:///{tmp_path / 'x.db'}")
    assert engine.sync_engine.hide_parameters is True


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
async def test_hostile_text_through_the_handlers(api: FakeBotApi, tmp_path, corpus, store) -> None:
    """Random Unicode (control, zero-width, RTL, emoji, HTML look-alikes) as messages and as
    command arguments: every reply is well-formed HTML and nothing of another user's shows up."""
    import random

    from bot.app import build_application
    from tests.bot.conftest import make_config
    from tests.bot.recording_request import RecordingRequest

    config = make_config(tmp_path, reviews_per_minute=1000)  # every message is really reviewed
    app = build_application(config, corpus, store, request=RecordingRequest(api))
    await app.initialize()
    await feed(app, u.text(BOB, "鲍勃的私密草稿：我在城南项目中违规干预招标。"))
    rng = random.Random(20261121)
    alphabet = [
        *list("<>&\"'/*#学习理论一是（一）不够，。"),
        "\u200b",
        "\u202e",
        "\x00",
        "\n",
        "🙂",
        "\x7f",
    ]
    for i in range(60):
        body = "".join(
            rng.choice(alphabet) if rng.random() < 0.7 else chr(rng.randrange(1, 0x2FFFF))
            for _ in range(rng.randrange(1, 300))
        ).replace("\ud800", "")
        command = rng.choice(["", "/show ", "/delete ", "/share ", "/dimension ", "/review "])
        before = len(api.sent(ALICE))
        await feed(app, u.command(ALICE, command + body) if command else u.text(ALICE, body))
        for call in api.sent(ALICE)[before:]:
            assert_valid_html(str(call.params["text"]))
            assert "鲍勃的私密草稿" not in str(call.params["text"]), i
    await app.shutdown()
