"""Versions of one draft: recognising a new version, and what changed between two reviews."""

from __future__ import annotations

import json

from core import Corpus, review
from core.models import review_from_dict
from core.versions import SAME_DRAFT, is_new_version, similarity
from tests.core.defects import CLEAN, DEFECTS

BY_NAME = {d.name: d for d in DEFECTS}
OTHER = (
    "一是落实基层减负要求不到位。今年上半年我分管的农业农村部门向乡镇下发通知21份，"
    "其中9份要求填报的数据此前已经报过，乡镇干部反映重复填表占去了下村的时间。"
)


def test_an_edited_draft_is_a_new_version_and_another_text_is_not() -> None:
    edited = CLEAN.replace("。", "，并已整改。", 3)
    assert similarity(CLEAN, CLEAN) == 1.0
    assert is_new_version(CLEAN, edited)
    # Half of the draft rewritten is still the same draft.
    half = len(CLEAN) // 2
    assert is_new_version(CLEAN, CLEAN[:half] + OTHER * 3)
    # One paragraph of a draft, or another draft, is not.
    assert not is_new_version(CLEAN, CLEAN[:300])
    assert similarity(CLEAN, OTHER) < SAME_DRAFT / 4
    assert similarity("", CLEAN) == 0.0


def test_a_fixed_defect_is_resolved_and_an_added_one_is_new(corpus: Corpus) -> None:
    idiom = BY_NAME["idiom_slip"]
    before = review(idiom.apply(CLEAN), corpus)
    after = review(CLEAN, corpus, previous=before)
    assert after.progress is not None
    assert [f.code for f, _ in after.progress.resolved] == [idiom.code]
    assert after.progress.resolved[0][1] in idiom.new  # quoted from the old version
    assert after.progress.new == ()
    assert after.progress.kept == len(after.findings)
    again = review(idiom.apply(CLEAN), corpus, previous=after)
    assert again.progress is not None
    assert [f.code for f, _ in again.progress.new] == [idiom.code]
    assert again.progress.resolved == ()


def test_unchanged_findings_are_kept_and_grades_reported(corpus: Corpus) -> None:
    idiom = BY_NAME["idiom_slip"]
    draft = idiom.apply(CLEAN)
    first = review(draft, corpus)
    second = review(draft + "\n", corpus, previous=first)
    assert second.progress is not None
    assert second.progress.kept == len(first.findings) > 0
    assert second.progress.resolved == () and second.progress.new == ()
    assert second.progress.previous_grade == first.verdict.grade  # type: ignore[union-attr]
    assert second.progress.grade == second.verdict.grade  # type: ignore[union-attr]


def test_progress_is_in_the_json_only_with_a_previous_version(corpus: Corpus) -> None:
    first = review(CLEAN, corpus)
    assert "progress" not in first.to_dict()
    data = review(BY_NAME["idiom_slip"].apply(CLEAN), corpus, previous=first).to_dict()
    shown = json.loads(json.dumps(data, ensure_ascii=False))["progress"]
    assert set(shown) == {"previous_grade", "grade", "resolved", "new", "kept"}
    assert [f["code"] for f in shown["new"]] == [BY_NAME["idiom_slip"].code]
    assert shown["new"][0]["quote"] and shown["resolved"] == []


def test_a_stored_review_reads_back_into_the_same_review(corpus: Corpus) -> None:
    first = review(BY_NAME["idiom_slip"].apply(CLEAN), corpus)
    second = review(CLEAN, corpus, previous=first)
    for result in (first, second):
        data = result.to_dict()
        assert review_from_dict(data).to_dict() == data
    # Rows written before findings, verdicts, notes and progress existed still read.
    old = {
        "text": "一是学习不够。",
        "scores": {"理论学习": 50.0},
        "dimension": "理论学习",
        "matches": [],
        "duplicate_ratio": 0.0,
    }
    assert review_from_dict(old).findings == () and review_from_dict(old).verdict is None


def test_a_section_or_a_paragraph_of_a_draft_is_not_a_new_version() -> None:
    problems = CLEAN.split("二、")[0]
    assert similarity(CLEAN, problems) >= SAME_DRAFT  # alike, but only a part
    assert not is_new_version(CLEAN, problems) and not is_new_version(problems, CLEAN)
