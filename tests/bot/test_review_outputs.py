"""What a drafter gets back, through the real Application: one review per split paste, a short
reply, the Word document with comments on the right words, progress between versions."""

from __future__ import annotations

import asyncio
import io

import docx
import pytest

from bot.app import AppType
from bot.storage import SqlReviewStore
from tests.bot import updates as u
from tests.bot.conftest import feed
from tests.bot.fake_api import FakeBotApi
from tests.bot.long_drafts import long_draft, split_like_a_client
from tests.bot.test_handlers import COPIED, DRAFT, assert_valid_html, texts
from tests.core.defects import CLEAN, DEFECTS
from tests.test_word_document import _anchored

ALICE, BOB = 1101, 1102
IDIOM = next(d for d in DEFECTS if d.name == "idiom_slip")
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def reviews(api: FakeBotApi, chat_id: int) -> list[str]:
    return [t for t in texts(api, chat_id) if t.startswith("<b>审阅结果</b>")]


def word_documents(api: FakeBotApi, chat_id: int) -> list[docx.document.Document]:
    return [docx.Document(io.BytesIO(data)) for _, data in api.uploads(chat_id)]


async def test_a_paste_split_into_three_messages_is_one_review(
    app: AppType, api: FakeBotApi, store: SqlReviewStore
) -> None:
    parts = split_like_a_client(long_draft())
    assert len(parts) == 3
    payloads = [u.text(ALICE, part) for part in parts]  # consecutive ids, sent together
    await asyncio.gather(*(feed(app, p) for p in payloads))
    [reply] = reviews(api, ALICE)
    assert "连续收到的 3 条消息已合并" in reply and "总评" in reply
    assert len(await store.recent(ALICE)) == 1
    stored = await store.get(ALICE, 1)
    assert stored is not None and len(stored.draft) > 8500


async def test_the_reply_fits_one_screen_and_lists_nothing_twice(
    app: AppType, api: FakeBotApi
) -> None:
    copied = CLEAN.replace("（二）政治素质方面\n", "（二）政治素质方面\n二是" + COPIED + "\n", 1)
    await feed(app, u.text(ALICE, IDIOM.apply(copied)))
    [reply] = reviews(api, ALICE)
    assert_valid_html(reply)
    head = reply.split("<blockquote", 1)[0]  # what shows before anything is unfolded
    assert "总评" in head and "最需要改的三件事" in head and "意见" in head
    assert head.count("\n") < 16
    assert "<blockquote expandable>" in reply
    # The copied sentence is a 套话 finding and a near-copy: quoted once, with its source.
    assert reply.count(COPIED[:12]) == 1 and "来源：" in reply


async def test_a_whole_draft_comes_with_its_word_document_commented_on_the_words(
    app: AppType, api: FakeBotApi
) -> None:
    await feed(app, u.text(ALICE, IDIOM.apply(CLEAN)))
    [(name, _)] = api.uploads(ALICE)
    assert name.endswith(".docx") and "第1号" in name
    [document] = word_documents(api, ALICE)
    anchored = _anchored(document)
    [slip] = [words for comment, words in anchored.items() if "错别字" in comment]
    assert slip == IDIOM.at
    assert document.paragraphs[0].text == "审阅意见摘要"


async def test_a_paragraph_gets_no_document_unless_asked(app: AppType, api: FakeBotApi) -> None:
    await feed(app, u.text(ALICE, DRAFT))
    assert api.uploads(ALICE) == []
    await feed(app, u.command(ALICE, "/word 1"))
    [(name, _)] = api.uploads(ALICE)
    assert name.endswith(".docx")
    await feed(app, u.command(ALICE, "/word 9"))
    assert "没有找到您的第 9 号记录" in texts(api, ALICE)[-1]


async def test_a_new_version_opens_with_what_changed(app: AppType, api: FakeBotApi) -> None:
    await feed(app, u.text(ALICE, IDIOM.apply(CLEAN)))
    await feed(app, u.text(ALICE, DRAFT))  # another text in between is not a version of it
    await feed(app, u.text(ALICE, CLEAN))
    first, paragraph, fixed = reviews(api, ALICE)
    assert "相比" not in first and "相比" not in paragraph
    head = fixed.split("\n")[1]
    assert head.startswith("<b>与第 1 号相比</b>") and "已解决 1 条" in head
    assert "新增 0 条" in head
    await feed(app, u.command(ALICE, "/compare 1 3"))
    compared = texts(api, ALICE)[-1]
    assert "第 1 号 → 第 3 号" in compared and "已解决 [重要·错别字]" in compared
    await feed(app, u.command(ALICE, "/compare 1"))
    assert "用法：/compare" in texts(api, ALICE)[-1]
    await feed(app, u.command(BOB, "/compare 1 3"))  # Alice's numbers are not Bob's
    assert "没有找到您的第 1、3 号记录" in texts(api, BOB)[-1]


async def test_a_users_own_docx_is_annotated_in_place(app: AppType, api: FakeBotApi) -> None:
    original = docx.Document()
    original.add_heading("个人对照检查材料", level=1)
    for line in IDIOM.apply(CLEAN).split("\n")[1:]:
        run = original.add_paragraph().add_run(line)
        run.bold = line.startswith("（")
    buffer = io.BytesIO()
    original.save(buffer)
    api.files["mine"] = buffer.getvalue()
    await feed(app, u.document(ALICE, "mine", "我的材料.docx", len(api.files["mine"]), DOCX))
    [document] = word_documents(api, ALICE)
    styles = [p.style.name for p in document.paragraphs]
    assert "Heading 1" in styles  # the user's own heading, kept
    bold = [r.text for p in document.paragraphs for r in p.runs if r.bold]
    assert any(text.startswith("（一）") for text in bold)
    anchored = _anchored(document)
    assert any(words == IDIOM.at for comment, words in anchored.items() if "错别字" in comment)


async def test_a_group_review_never_shows_progress_from_private_drafts(
    app: AppType, api: FakeBotApi, store: SqlReviewStore
) -> None:
    await feed(app, u.text(ALICE, IDIOM.apply(CLEAN)))  # privately
    own = u.text(ALICE, CLEAN, chat_id=u.GROUP_ID)
    await feed(app, u.command(ALICE, "/review", chat_id=u.GROUP_ID, reply_to=own))
    [posted] = reviews(api, u.GROUP_ID)
    assert "相比" not in posted and IDIOM.new not in posted


async def test_stored_reviews_keep_no_quotes_of_the_earlier_version(
    app: AppType, api: FakeBotApi, store: SqlReviewStore
) -> None:
    await feed(app, u.text(ALICE, IDIOM.apply(CLEAN)))
    await feed(app, u.text(ALICE, CLEAN))
    assert "已解决 1 条" in reviews(api, ALICE)[-1]
    stored = await store.get(ALICE, 2)
    assert stored is not None and "progress" not in stored.review
    await feed(app, u.command(ALICE, "/delete 1"))
    await feed(app, u.command(ALICE, "/show 2"))
    assert IDIOM.at not in texts(api, ALICE)[-1]


async def test_an_unreadable_earlier_review_does_not_stop_a_new_one(
    app: AppType, api: FakeBotApi, store: SqlReviewStore
) -> None:
    broken = {"text": CLEAN, "findings": [{"no": "fields"}], "verdict": {"grade": "x"}}
    await store.add(user_id=ALICE, chat_id=ALICE, draft=CLEAN, review=broken)
    await feed(app, u.text(ALICE, CLEAN))
    [reply] = reviews(api, ALICE)
    assert "第 2 号" in reply and "相比" not in reply


async def test_a_failing_chart_still_sends_the_word_document(
    app: AppType, api: FakeBotApi, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: object) -> bytes:
        raise RuntimeError("no chart today")

    monkeypatch.setattr("bot.handlers.score_chart", broken)
    await feed(app, u.text(ALICE, CLEAN))
    assert len(api.uploads(ALICE)) == 1


async def test_a_section_sent_alone_is_not_a_new_version(app: AppType, api: FakeBotApi) -> None:
    await feed(app, u.text(ALICE, IDIOM.apply(CLEAN)))
    problems = CLEAN.split("二、")[0]
    await feed(app, u.text(ALICE, problems))
    assert "相比" not in reviews(api, ALICE)[-1]
