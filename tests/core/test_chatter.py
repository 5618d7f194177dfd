"""Chat that is not a draft is told how to use the assistant, never reviewed."""

from __future__ import annotations

import pytest

from core.chatter import is_chatter

CHAT = [
    "你好",
    "您好！",
    "谢谢",
    "在吗？",
    "这个怎么用？",
    "hello",
    "今天天气不错",
    "🙂",
    "请问能审阅PDF吗?",
    "收到，好的",
]
DRAFTS = [
    "一是学习不够。",
    "理论学习不够深入",
    "对分管领域的廉政风险排查不深。",
    "班子成员调查研究少，去年只下乡三次。",
    "三是执行请示报告制度不严格",
    "我在城南项目中违规干预招标。",
]


@pytest.mark.parametrize("text", CHAT)
def test_chat_is_recognised(text: str) -> None:
    assert is_chatter(text)


@pytest.mark.parametrize("text", DRAFTS)
def test_anything_in_the_genres_words_is_a_draft(text: str) -> None:
    assert not is_chatter(text)


def test_long_text_is_never_chat() -> None:
    assert not is_chatter("今天天气不错，" * 20)
