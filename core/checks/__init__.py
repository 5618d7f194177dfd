"""The genre's quality checks. Each returns findings; `run_checks` keeps at most one finding
of a kind per sentence and sorts them by severity, then position."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from core.checks.context import CheckContext
from core.checks.frame import cause_restates_problem, structure, vague_measure
from core.checks.typos import typo
from core.checks.wording import merit_as_problem, no_example, soft_criticism, stock_phrases
from core.models import SEVERITY_ORDER, Finding

CHECKS: tuple[Callable[[CheckContext], list[Finding]], ...] = (
    stock_phrases,
    no_example,
    merit_as_problem,
    soft_criticism,
    cause_restates_problem,
    vague_measure,
    structure,
    typo,
)

__all__ = ["CHECKS", "CheckContext", "run_checks"]


def run_checks(ctx: CheckContext, only: tuple[str, ...] | None = None) -> tuple[Finding, ...]:
    """All findings (of the checks named in `only`, when given), one per check and sentence at
    most (typos: one per slip), most severe first."""
    best: dict[tuple[str, int | tuple[int, int]], Finding] = {}
    for check in CHECKS:
        if only is not None and check.__name__ not in only:
            continue
        for found in check(ctx):
            sentence = ctx.sentence_index(found.start)
            place: int | tuple[int, int] = (
                (found.start, found.end)
                if found.check in OWN_SPAN or sentence is None
                else sentence
            )
            key = (found.check, place)
            kept = best.get(key)
            best[key] = found if kept is None else _combine(kept, found)
    return tuple(
        sorted(best.values(), key=lambda f: (SEVERITY_ORDER[f.severity], f.start, f.check))
    )


LISTED_TOGETHER = {"structure"}  # each is a separate fix, so none may be dropped
OWN_SPAN = {"typo"}  # every slip is its own finding at its own place, two in a sentence included


def _combine(kept: Finding, new: Finding) -> Finding:
    """Two findings of one kind at one place: typos and structure notes are listed together,
    other kinds keep the more severe finding."""
    if kept.check not in LISTED_TOGETHER:
        return new if SEVERITY_ORDER[new.severity] < SEVERITY_ORDER[kept.severity] else kept
    first, second = sorted((kept, new), key=lambda f: f.start)
    severity = min(kept.severity, new.severity, key=SEVERITY_ORDER.__getitem__)
    # The span stays on the first place; the message names every place in the sentence.
    return replace(
        first,
        severity=severity,
        message=_join(first.message, second.message),
        suggestion=_join(first.suggestion, second.suggestion),
    )


def _join(first: str, second: str) -> str:
    return first if second in first else first + second
