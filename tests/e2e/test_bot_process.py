"""End to end: the real bot process, long polling a stand-in Bot API server on 127.0.0.1.

Every step waits on the calls the server records; nothing sleeps.
"""

from __future__ import annotations

import io
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import docx
import pytest

from tests.bot import updates as u
from tests.bot.fake_api import TOKEN, Call, FakeBotApi
from tests.bot.long_drafts import long_draft, split_like_a_client
from tests.conftest import EXAMPLES, ROOT
from tests.core.defects import DEFECTS
from tests.e2e.server import StandInServer
from tests.pdf_files import text_pdf
from tests.test_word_document import _anchored

ALICE, BOB = 501, 502
PASTED = "一是理论学习不够系统，往往以会代学，去年只读完两本原著，没有形成读书笔记。"
IDIOM = next(d for d in DEFECTS if d.name == "idiom_slip")
COPIED = "班子成员思想不够解放，工作按部就班、因循守旧、求稳怕变。对解决制约事业改革发展的瓶颈问题办法不多，思维方式上还习惯于凭经验考虑问题，对工作改革思考不深，主动思考、主动改革、主动改进的意识还不够强烈。"


class BotProcess:
    """`draft-review bot` as a child process, its output captured to a log file."""

    def __init__(self, server: StandInServer, data_dir: Path, log_file: Path, corpus: Path) -> None:
        self.env = {
            **{k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "DATABASE_"))},
            "TELEGRAM_BOT_TOKEN": TOKEN,
            "TELEGRAM_API_BASE_URL": server.base_url,
            "TELEGRAM_FILE_BASE_URL": server.file_base_url,
            "DATA_DIR": str(data_dir),
            "CORPUS_DIR": str(corpus),
            "LOG_LEVEL": "DEBUG",
            "MAX_DRAFT_CHARS": "1000000",
            "MAX_FILE_BYTES": str(8 * 1024 * 1024),
            # The deployment default for drafts with no clue of their year (DEFAULT_SCHEME).
            "DEFAULT_SCHEME": "2023",
        }
        self.log_file = log_file
        self.process: subprocess.Popen[bytes] | None = None

    def start(self, api: FakeBotApi) -> None:
        started = len([c for c in api.calls if _ready(c)])
        with self.log_file.open("ab") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "bot.cli", "bot"],
                cwd=ROOT,
                env=self.env,
                stdout=log,
                stderr=log,
            )
        api.wait_for(_ready, count=started + 1, timeout=60)

    def stop(self) -> None:
        assert self.process is not None
        self.process.send_signal(signal.SIGTERM)
        assert self.process.wait(timeout=60) == 0, self.log_file.read_text(errors="replace")[-3000:]


def _ready(call: Call) -> bool:
    """Start-up's last call (bot/menus.py): the private chats' menu."""
    scope = call.params.get("scope") or {}
    return call.method == "setMyCommands" and scope.get("type") == "all_private_chats"


def ask(api: FakeBotApi, payload: dict, chat_id: int, expect: str = "") -> str:
    """Push one update; wait for a new message to `chat_id` containing `expect`; return it."""

    def wanted(c: Call) -> bool:
        to_chat = (
            c.method in {"sendMessage", "editMessageText"} and c.params.get("chat_id") == chat_id
        )
        return to_chat and expect in str(c.params.get("text", ""))

    before = len([c for c in api.calls if wanted(c)])
    api.push(payload)
    return str(api.wait_for(wanted, count=before + 1, timeout=60)[before].params["text"])


def docx_bytes(paragraphs: list[str]) -> bytes:
    document = docx.Document()
    for paragraph in paragraphs:
        document.add_paragraph(paragraph)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


@pytest.mark.slow
def test_the_bot_end_to_end(api: FakeBotApi, bot: BotProcess) -> None:
    help_text = ask(api, u.command(ALICE, "/start"), ALICE)
    assert "材料审阅助手" in help_text

    first = ask(api, u.text(ALICE, PASTED), ALICE, "审阅结果")
    assert "主要维度：<b>理论学习</b>" in first and "第 1 号" in first

    api.files["doc1"] = docx_bytes(
        [
            "（六）廉洁自律方面",
            "一是落实一岗双责不到位，对分管部门廉政风险排查不深，公务接待存在超标准问题。",
        ]
    )
    from_docx = ask(
        api,
        u.document(
            ALICE,
            "doc1",
            "我的草稿.docx",
            len(api.files["doc1"]),
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
        ALICE,
        "审阅结果",
    )
    assert "主要维度：<b>廉洁自律</b>" in from_docx and "第 2 号" in from_docx

    examples = ask(api, u.command(ALICE, "/dimension 廉洁自律"), ALICE, "语料示例")
    assert examples.count("来源：") == 3
    more = api.sent(ALICE)[-1].params["reply_markup"]["inline_keyboard"][0][0]["callback_data"]
    page_two = ask(api, u.callback(ALICE, more), ALICE, "语料示例")
    assert "\n\n4." in page_two

    listing = ask(api, u.command(ALICE, "/history"), ALICE, "最近的审阅记录")
    assert "<b>2</b>." in listing and "<b>1</b>." in listing
    shown = ask(api, u.command(ALICE, "/show 1"), ALICE, "审阅结果")
    assert "第 1 号" in shown and "理论学习" in shown

    refused = ask(api, u.command(BOB, "/show 1"), BOB)
    assert "没有找到您的第 1 号记录" in refused
    empty = ask(api, u.command(BOB, "/history"), BOB)
    assert "还没有审阅记录" in empty

    original = u.text(ALICE, COPIED, chat_id=u.GROUP_ID)  # her own: others' are not kept
    group_review = ask(
        api,
        u.command(ALICE, f"/review{u.BOT_MENTION}", chat_id=u.GROUP_ID, reply_to=original),
        u.GROUP_ID,
        "审阅结果",
    )
    assert "第 3 号" in group_review
    shared = ask(api, u.command(ALICE, "/share 3", chat_id=u.GROUP_ID), u.GROUP_ID, "分享")
    assert "分享的审阅结果" in shared and COPIED[:12] not in shared

    sticker_reply = ask(api, u.sticker(ALICE), ALICE)
    assert "只能审阅文字" in sticker_reply

    # A long review in one chat does not hold up another user.
    api.files["big"] = (
        "今年以来我分管的三个项目推进缓慢，根子在于前期论证不充分、调度不及时。\n" * 9000
    ).encode()
    api.push(u.document(ALICE, "big", "长稿.txt", len(api.files["big"]), "text/plain"))
    ask(api, u.command(BOB, "/start"), BOB, "材料审阅助手")
    assert not any("第 4 号" in str(c.params["text"]) for c in api.sent(ALICE)), (
        "Bob waited for Alice"
    )
    api.wait_for(
        lambda c: c.params.get("chat_id") == ALICE and "第 4 号" in str(c.params.get("text")),
        timeout=120,
    )

    sample = (EXAMPLES / "sample_draft.txt").read_text(encoding="utf-8")
    long_draft = "\n".join([sample] * 7)[:20_000]
    assert len(long_draft) == 20_000
    before = len(api.sent(ALICE))
    ask(api, u.text(ALICE, long_draft), ALICE, "第 5 号")
    listing_after = ask(api, u.command(ALICE, "/history"), ALICE, "最近的审阅记录")
    long_replies = [str(c.params["text"]) for c in api.sent(ALICE)[before:-1]]
    assert len(long_replies) <= 2, "a 20,000-character draft's reply fits a screen or two"
    assert all(len(t) <= 4096 for t in long_replies)
    assert "<b>5</b>." in listing_after

    bot.stop()  # finishes what it accepted and confirms the updates it processed
    restarted_at = time.perf_counter()
    bot.start(api)
    after_restart = ask(api, u.command(ALICE, "/history"), ALICE, "最近的审阅记录")
    assert all(f"<b>{n}</b>." in after_restart for n in (1, 2, 3, 4, 5))
    since = [c for c in api.sent() if c.at > restarted_at]
    assert len(since) == 1  # only the new /history: no update before the restart answered again
    bot.stop()

    log = bot.log_file.read_text(encoding="utf-8", errors="replace")
    assert TOKEN not in log and TOKEN.split(":")[1] not in log
    for secret in (PASTED[:15], COPIED[:15], sample[60:80]):
        assert secret not in log


@pytest.mark.slow
def test_sigterm_in_polling_mode_finishes_the_review_in_flight(
    api: FakeBotApi, bot: BotProcess
) -> None:
    long_draft = "我分管的三个项目推进缓慢，根子在于前期论证不充分、调度不及时。" * 4000
    api.push(u.text(BOB, long_draft))
    api.wait_for(
        lambda c: c.method == "sendChatAction" and c.params.get("chat_id") == BOB, timeout=60
    )
    bot.stop()  # SIGTERM while the review runs: it must finish, be sent and be stored
    reviews = [c for c in api.sent(BOB) if "审阅结果" in str(c.params.get("text"))]
    assert len(reviews) == 1
    restarted_at = time.perf_counter()
    bot.start(api)
    listing = ask(api, u.command(BOB, "/history"), BOB, "最近的审阅记录")
    assert "<b>1</b>." in listing
    assert [c for c in api.sent(BOB) if c.at > restarted_at] == [api.sent(BOB)[-1]]  # nothing twice


def _sent_to(chat_id: int, method: str) -> Callable[[Call], bool]:
    return lambda c: c.method == method and c.params.get("chat_id") == chat_id


@pytest.mark.slow
def test_a_split_paste_its_word_document_a_new_version_sharing_and_files(
    api: FakeBotApi, bot: BotProcess
) -> None:
    """Issue 14's path through the real process: three split messages → one review, one history
    entry and a .docx with comments on the right words; the fixed version → progress first;
    /share with grade and fixes; 你好 not stored; a PDF and a UTF-16 file reviewed."""
    draft = long_draft().replace(IDIOM.old, IDIOM.new, 1)
    parts = split_like_a_client(draft)
    assert len(draft) > 9000 and len(parts) == 3
    with api.batch():  # sent back to back, as a client sends a long paste
        for part in parts:
            api.push(u.text(ALICE, part))
    first = api.wait_for(lambda c: "审阅结果" in str(c.params.get("text")), timeout=60)[0]
    assert "3 条消息已合并" in first.params["text"] and "第 1 号" in first.params["text"]
    api.wait_for(_sent_to(ALICE, "sendDocument"), timeout=60)
    [(name, data)] = api.uploads(ALICE)
    assert name.endswith(".docx")
    anchored = _anchored(docx.Document(io.BytesIO(data)))
    assert [w for c, w in anchored.items() if "错别字" in c] == [IDIOM.new[-4:]]
    listing = ask(api, u.command(ALICE, "/history"), ALICE, "最近的审阅记录")
    assert "<b>1</b>." in listing and "<b>2</b>." not in listing

    fixed = split_like_a_client(long_draft())
    with api.batch():
        for part in fixed:
            api.push(u.text(ALICE, part))
    second = api.wait_for(lambda c: "第 2 号" in str(c.params.get("text")), timeout=60)[0]
    opening = str(second.params["text"]).split("\n")
    assert opening[1] == "<i>连续收到的 3 条消息已合并为一篇材料审阅。</i>"
    assert opening[2].startswith("<b>与第 1 号相比</b>") and "已解决 1 条" in opening[2]

    shared = ask(api, u.command(ALICE, "/share 2", chat_id=u.GROUP_ID), u.GROUP_ID, "分享")
    assert ("总评" in shared and "最需要改" in shared) or "未发现需要修改的问题" in shared

    chat = ask(api, u.text(ALICE, "你好"), ALICE)
    assert "不是对照检查材料" in chat
    api.files["pdf"] = text_pdf([PASTED])
    from_pdf = ask(
        api,
        u.document(ALICE, "pdf", "稿.pdf", len(api.files["pdf"]), "application/pdf"),
        ALICE,
        "第 3 号",
    )
    assert "理论学习" in from_pdf
    api.files["u16"] = "\ufeff".encode("utf-16-le") + PASTED.encode("utf-16-le")
    from_utf16 = ask(
        api,
        u.document(ALICE, "u16", "稿.txt", len(api.files["u16"]), "text/plain"),
        ALICE,
        "第 4 号",
    )
    assert "理论学习" in from_utf16
    listing = ask(api, u.command(ALICE, "/history"), ALICE, "最近的审阅记录")
    assert "<b>4</b>." in listing and "<b>5</b>." not in listing  # 你好 was not stored
    bot.stop()
    log = bot.log_file.read_text(encoding="utf-8", errors="replace")
    assert parts[0][200:230] not in log and PASTED[:15] not in log
