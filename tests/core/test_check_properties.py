"""Properties of the checks and the grade, on a clean draft written for these tests and one edit
per defect (tests/core/defects.py): each defect is found where it was put, the grade never rises
when a defect is added, and undoing a defect removes its finding and only its finding."""

from __future__ import annotations

import itertools
import random

import pytest

from core import Corpus, review
from core.models import Review
from tests.core.defects import CLEAN, DEFECTS, Defect


def _grade(result: Review) -> float:
    assert result.verdict is not None
    return result.verdict.grade


def _found(result: Review, defect: Defect) -> bool:
    start, end = defect.place(result.text)
    return any(f.code == defect.code and f.start < end and start < f.end for f in result.findings)


def test_the_defects_edit_separate_passages() -> None:
    spans = sorted((CLEAN.index(d.old), CLEAN.index(d.old) + len(d.old), d.name) for d in DEFECTS)
    overlapping = [(a[2], b[2]) for a, b in itertools.pairwise(spans) if b[0] < a[1]]
    assert overlapping == []


def test_the_clean_draft_has_no_findings(corpus: Corpus) -> None:
    result = review(CLEAN, corpus)
    assert [f.code for f in result.findings] == []
    assert _grade(result) >= 95


@pytest.mark.parametrize("defect", DEFECTS, ids=lambda d: d.name)
def test_a_defect_is_found_where_it_was_put_and_nothing_else_is_said(
    corpus: Corpus, defect: Defect
) -> None:
    result = review(defect.apply(CLEAN), corpus)
    assert _found(result, defect)
    assert {f.code for f in result.findings} == {defect.code, *defect.also}


@pytest.mark.parametrize("defect", DEFECTS, ids=lambda d: d.name)
def test_the_grade_drops_when_a_defect_is_added(corpus: Corpus, defect: Defect) -> None:
    assert _grade(review(defect.apply(CLEAN), corpus)) < _grade(review(CLEAN, corpus))


@pytest.mark.parametrize("seed", [None, -1, 7, 2024])
def test_the_grade_never_rises_as_defects_pile_up(corpus: Corpus, seed: int | None) -> None:
    order = list(DEFECTS)
    if seed == -1:
        order.reverse()
    elif seed is not None:
        random.Random(seed).shuffle(order)
    text, grade = CLEAN, _grade(review(CLEAN, corpus))
    for defect in order:
        text = defect.apply(text)
        after = _grade(review(text, corpus))
        assert after <= grade, f"adding {defect.name} raised the grade {grade} → {after}"
        grade = after


def test_every_defect_is_found_among_all_the_others(corpus: Corpus) -> None:
    text = CLEAN
    for defect in DEFECTS:
        text = defect.apply(text)
    result = review(text, corpus)
    missed = [d.name for d in DEFECTS if not _found(result, d)]
    assert missed == []


@pytest.mark.parametrize("defect", DEFECTS, ids=lambda d: d.name)
def test_undoing_a_defect_removes_its_finding_and_keeps_the_others(
    corpus: Corpus, defect: Defect
) -> None:
    text = CLEAN
    for each in DEFECTS:
        text = each.apply(text)
    assert text.count(defect.new) == 1
    before = review(text, corpus)
    undone = review(text.replace(defect.new, defect.old), corpus)
    others = [d for d in DEFECTS if d is not defect]
    assert [d.name for d in others if not _found(undone, d)] == []
    count = [sum(f.code == defect.code for f in r.findings) for r in (before, undone)]
    assert count[1] == count[0] - 1
    assert _grade(undone) >= _grade(before)
