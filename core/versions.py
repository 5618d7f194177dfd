"""Two versions of one draft: whether a text is a new version of another, and what changed
between their reviews (findings resolved, new and kept; the grade before and after)."""

from __future__ import annotations

from collections import Counter

from core.models import Finding, Progress, Review
from core.text import compare_key

SHINGLE = 4  # characters: a light edit keeps most of a sentence's 4-grams
# Share of character 4-grams two texts hold in common (Jaccard) from which the later is taken for
# a new version of the earlier. A rewritten half of a draft stays above it; one paragraph of a
# whole draft, or another draft on the same year's aspects, stays far below.
SAME_DRAFT = 0.35
# And the shorter at least this share of the longer: a section or a paragraph of a draft sent on
# its own is not a new version of the whole (nothing in the rest was "resolved").
SAME_LENGTH = 0.6


def similarity(earlier: str, later: str) -> float:
    """Jaccard similarity of the two texts' character 4-grams (punctuation and spacing left
    out), 0–1."""
    a, b = _shingles(earlier), _shingles(later)
    if not a or not b:
        return 0.0
    return len(a & b) / len(a | b)


def is_new_version(earlier: str, later: str) -> bool:
    a, b = len(compare_key(earlier)), len(compare_key(later))
    if not a or not b or min(a, b) / max(a, b) < SAME_LENGTH:
        return False
    return similarity(earlier, later) >= SAME_DRAFT


def _shingles(text: str) -> set[str]:
    key = compare_key(text)
    return {key[i : i + SHINGLE] for i in range(len(key) - SHINGLE + 1)}


def progress(previous: Review, current: Review) -> Progress:
    """Findings are the same when they are of the same kind on the same words: a finding on a
    passage the writer rewrote counts as resolved, and whatever the rewrite drew as new."""
    before = [(f, _key(previous.text, f)) for f in previous.findings]
    after = [(f, _key(current.text, f)) for f in current.findings]
    unmatched = Counter(key for _, key in before)
    new, kept = [], 0
    for finding, key in after:
        if unmatched[key] > 0:
            unmatched[key] -= 1
            kept += 1
        else:
            new.append((finding, _quote(current.text, finding)))
    still = Counter(key for _, key in after)
    resolved = []
    for finding, key in before:
        if still[key] > 0:
            still[key] -= 1
        else:
            resolved.append((finding, _quote(previous.text, finding)))
    return Progress(
        previous_grade=None if previous.verdict is None else previous.verdict.grade,
        grade=None if current.verdict is None else current.verdict.grade,
        resolved=tuple(resolved),
        new=tuple(new),
        kept=kept,
    )


def _key(text: str, finding: Finding) -> tuple[str, str]:
    return (finding.code or finding.check, compare_key(text[finding.start : finding.end]))


def _quote(text: str, finding: Finding) -> str:
    return text[finding.start : finding.end].replace("\n", " ")
