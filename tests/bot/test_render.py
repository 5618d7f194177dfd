"""Rendering is pure: tested on its own, including the 4096-character split."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from hypothesis import given
from hypothesis import strategies as st

from bot.render import (
    MESSAGE_LIMIT,
    bar,
    clip,
    history_message,
    review_messages,
    split_messages,
    summary_message,
)
from bot.storage import ReviewSummary, StoredReview
from core import Corpus, review
from core.presentation import present
from tests.bot.test_handlers import assert_valid_html


def test_bar_is_ten_cells() -> None:
    assert bar(0) == "▁" * 10
    assert bar(100) == "▇" * 10
    assert bar(55) == "▇" * 6 + "▁" * 4
    assert bar(-5) == bar(0) and bar(500) == bar(100)


def test_clip_keeps_both_ends() -> None:
    assert clip("短句") == "短句"
    clipped = clip("甲" * 100 + "乙" * 100, 21)
    assert clipped == "甲" * 10 + "…" + "乙" * 10


def test_split_never_breaks_a_block_and_respects_the_limit() -> None:
    blocks = [f"<b>{i}</b> " + "字" * 1000 for i in range(12)]
    messages = split_messages(blocks)
    assert all(len(m) <= MESSAGE_LIMIT for m in messages)
    assert "\n\n".join(messages) == "\n\n".join(blocks)


@given(st.text(alphabet=st.sampled_from("字<>&\n\"' ab"), max_size=20000))
def test_any_escaped_text_splits_into_valid_messages(raw: str) -> None:
    from html import escape

    block = "<b>标题</b>\n" + escape(raw)
    for message in split_messages([block]):
        assert_valid_html(message)
        assert len(message) <= MESSAGE_LIMIT


def test_review_rendering_escapes_and_quotes(corpus: Corpus) -> None:
    text = "<i>班子成员思想不够解放</i>，工作按部就班、因循守旧、求稳怕变。"
    messages = review_messages(present(review(text, corpus)), number=5)
    joined = "\n".join(messages)
    assert "第 5 号" in joined
    assert "&lt;/i&gt;" in joined and "<i>班子成员思想不够解放</i>" not in joined
    for message in messages:
        assert_valid_html(message)


def test_review_without_dimension_or_matches(corpus: Corpus) -> None:
    [message] = review_messages(present(review("今天天气很好。", corpus)))
    assert "未能判断" in message and "未发现" in message


def test_history_and_summary() -> None:
    moment = datetime(2026, 1, 2, 3, 4, tzinfo=UTC)
    listing = history_message([ReviewSummary(3, moment, "一是<学习>不够", "理论学习", 0.25)])
    assert "<b>3</b>. 一是&lt;学习&gt;不够\n    2026-01-02 03:04 · 理论学习 · 近似 25%" in listing
    shanghai = history_message(
        [ReviewSummary(3, moment, "张三2024年度民主生活会对照检查材料", None, 0.0)],
        ZoneInfo("Asia/Shanghai"),
    )
    assert "张三2024年度民主生活会对照检查材料" in shanghai and "2026-01-02 11:04" in shanghai
    assert "还没有" in history_message([])
    stored = StoredReview(
        3,
        1,
        1,
        moment,
        "草稿<原文>",
        {
            "scores": {"理论学习": 50.0},
            "dimension": "理论学习",
            "matches": [],
            "duplicate_ratio": 0.0,
        },
        "理论学习",
        0.0,
    )
    [short] = summary_message(stored, owner="张<三>")
    assert "张&lt;三&gt; 分享的审阅结果" in short and "草稿" not in short
    assert "草稿&lt;原文&gt;" in "\n".join(summary_message(stored, full=True))


def test_a_shared_review_carries_the_grade_and_fixes_and_with_full_the_findings(
    corpus: Corpus, sample_draft: str
) -> None:
    moment = datetime(2026, 1, 2, 3, 4, tzinfo=UTC)
    result = review(sample_draft, corpus).to_dict()
    stored = StoredReview(4, 1, 1, moment, sample_draft, result, result["dimension"], 0.1)
    short = "\n".join(summary_message(stored, zone=ZoneInfo("Asia/Shanghai")))
    assert "总评" in short and "最需要改的三件事" in short and "11:04" in short
    assert "审阅意见" not in short
    full = "\n".join(summary_message(stored, full=True))
    assert "审阅意见" in full and "原文" in full


def test_findings_and_verdict_are_rendered(corpus: Corpus, sample_draft: str) -> None:
    messages = review_messages(present(review(sample_draft, corpus)), number=1)
    joined = "\n".join(messages)
    assert "总评" in joined and "最需要改的三件事" in joined
    assert "审阅意见" in joined and "[重要·错别字]" in joined and "建议：改为“时间”" in joined
    for message in messages:
        assert_valid_html(message)


def test_a_clean_paragraph_says_nothing_needs_fixing(corpus: Corpus) -> None:
    text = "一是调查研究走过场。今年4月我到石桥镇调研高标准农田建设，只听了汇报，没有进村入户，导致6月灌溉渠漏水没有及时发现。"
    result = review(text, corpus)
    assert result.findings == ()
    assert "未发现需要修改的问题" in "\n".join(review_messages(present(result)))
