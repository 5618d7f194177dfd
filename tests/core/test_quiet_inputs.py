"""Silence where a reviewer would say nothing: clean, concrete paragraphs of every part of the
frame (alone, and under their section heading) get no finding, and chat is not a draft.
tests/data/quiet_inputs.json was written for these tests, not taken from the seeds or any page."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from core import Corpus, review
from core.chatter import is_chatter

DATA = json.loads(
    (Path(__file__).parent.parent / "data" / "quiet_inputs.json").read_text(encoding="utf-8")
)
HEADINGS = {
    "problem": "一、存在的问题\n（一）工作方面\n",
    "cause": "二、原因分析\n",
    "measure": "三、整改措施\n",
}


@pytest.mark.parametrize("paragraph", DATA["paragraphs"], ids=lambda p: p["text"][:12])
@pytest.mark.parametrize("headed", [False, True], ids=["alone", "headed"])
def test_a_clean_concrete_paragraph_gets_no_finding(
    corpus: Corpus, paragraph: dict[str, str], headed: bool
) -> None:
    text = (HEADINGS[paragraph["section"]] if headed else "") + paragraph["text"]
    result = review(text, corpus)
    assert [(f.code, result.text[f.start : f.end]) for f in result.findings] == []


@pytest.mark.parametrize("message", DATA["chat"])
def test_chat_is_not_a_draft(message: str) -> None:
    assert is_chatter(message)


@pytest.mark.parametrize("paragraph", DATA["paragraphs"], ids=lambda p: p["text"][:12])
def test_a_paragraph_of_a_draft_is_not_chat(paragraph: dict[str, str]) -> None:
    assert not is_chatter(paragraph["text"])
