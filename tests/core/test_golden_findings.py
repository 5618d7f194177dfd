"""Golden outputs per check: for the clean draft and each one-defect edit of it
(tests/core/defects.py), the exact findings — check, code, severity, the text they point at, the
message and the suggestion. A change to any check's wording or reach shows up here; when it is
meant, regenerate with `UPDATE_GOLDEN=1 python -m pytest tests/core/test_golden_findings.py` and
read the diff."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from core import Corpus, review
from tests.core.defects import CLEAN, DEFECTS

GOLDEN = Path(__file__).parent / "data" / "golden_findings.json"
INPUTS = {"clean": CLEAN} | {d.name: d.apply(CLEAN) for d in DEFECTS}


def _findings(corpus: Corpus, text: str) -> list[list[str]]:
    result = review(text, corpus)
    return [
        [f.check, f.code, f.severity, result.text[f.start : f.end], f.message, f.suggestion]
        for f in result.findings
    ]


@pytest.fixture(scope="module")
def golden(corpus: Corpus) -> dict[str, list[list[str]]]:
    if os.environ.get("UPDATE_GOLDEN"):
        found = {name: _findings(corpus, text) for name, text in INPUTS.items()}
        GOLDEN.write_text(json.dumps(found, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return json.loads(GOLDEN.read_text(encoding="utf-8"))  # type: ignore[no-any-return]


def test_every_input_has_a_golden_output(golden: dict[str, list[list[str]]]) -> None:
    assert set(golden) == set(INPUTS)


@pytest.mark.parametrize("name", list(INPUTS))
def test_findings_match_the_golden_output(
    corpus: Corpus, golden: dict[str, list[list[str]]], name: str
) -> None:
    assert _findings(corpus, INPUTS[name]) == golden[name]
