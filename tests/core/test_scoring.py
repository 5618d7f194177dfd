"""Dimension scores: right dimension on texts written for the test, bounded, deterministic."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core import Corpus, build_corpus, load_scheme, review
from core.schemes import catalogue

DATA = Path(__file__).parent / "data"
PARAGRAPHS = json.loads((DATA / "dimension_paragraphs.json").read_text(encoding="utf-8"))
LABELLED = [
    (dim, text) for dim, texts in PARAGRAPHS.items() if dim != "unrelated" for text in texts
]


@pytest.mark.parametrize(
    ("dimension", "text"), LABELLED, ids=[f"{d}{i % 5}" for i, (d, _) in enumerate(LABELLED)]
)
def test_paragraphs_without_headings_get_their_dimension(
    corpus: Corpus, dimension: str, text: str
) -> None:
    result = review(text, corpus, scheme="2023")
    assert result.dimension == dimension
    top = next(s for s in result.scores if s.dimension == dimension)
    assert top.score == max(s.score for s in result.scores)
    assert top.evidence, "the top dimension must say what drove it"
    assert all(phrase in result.text for phrase in top.evidence)


@pytest.mark.parametrize("text", PARAGRAPHS["unrelated"])
def test_unrelated_text_is_about_no_dimension(corpus: Corpus, text: str) -> None:
    result = review(text, corpus)
    assert result.dimension is None
    assert max(s.score for s in result.scores) < 30


def test_every_dimension_of_the_scheme_in_force_is_always_scored(corpus: Corpus) -> None:
    for scheme in corpus.catalogue.schemes:
        result = review("今天天气很好。", corpus, scheme=scheme.name)
        assert [s.dimension for s in result.scores] == list(scheme.names)


def test_heading_that_disagrees_with_content_is_visible(corpus: Corpus) -> None:
    draft = (
        "一、存在的问题\n（一）理论学习方面。一是落实中央八项规定精神不严格，"
        "对分管部门公务接待超标准的问题没有及时纠正，一岗双责落实不到位，廉政风险防控有漏洞。"
    )
    block = next(b for b in review(draft, corpus, scheme="2023").blocks if b.heading_dimension)
    assert block.heading_dimension == "理论学习"
    assert block.dimension == "廉洁自律"
    assert block.section == "problem"


def test_a_heading_is_not_evidence_for_its_block(corpus: Corpus) -> None:
    block = next(
        b
        for b in review(
            "（一）廉洁自律方面。今天天气很好，适合出门散步。", corpus, scheme="2023"
        ).blocks
        if b.heading_dimension
    )
    assert block.heading_dimension == "廉洁自律"
    assert block.dimension is None


@settings(
    max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    text=st.text(
        alphabet=st.sampled_from("学习理论廉洁担当作风政治能力本领不够群众，。一是\n 的了在*"),
        max_size=400,
    )
)
def test_scores_are_bounded_and_deterministic(corpus: Corpus, text: str) -> None:
    first = review(text, corpus).to_dict()
    assert first == review(text, corpus).to_dict()
    for value in first["scores"].values():
        assert 0.0 <= value <= 100.0
    for block in first["blocks"]:
        assert all(0.0 <= v <= 100.0 for v in block["scores"].values())


def test_a_new_scheme_is_data_only(tmp_path: Path, tokenizer) -> None:
    scheme_file = tmp_path / "two.json"
    scheme_file.write_text(
        json.dumps(
            {
                "name": "test-2",
                "dimensions": [
                    {
                        "name": "安全生产",
                        "aliases": ["安全"],
                        "lexicon": {"隐患排查": 3, "安全检查": 3},
                    },
                    {"name": "节能降耗", "aliases": ["节能"], "lexicon": {"能耗": 3, "用电量": 2}},
                ],
            },
            ensure_ascii=False,
        ),
        encoding="utf-8",
    )
    shipped = catalogue()
    scheme = load_scheme(scheme_file)
    corpus = build_corpus(
        [("a.txt", "（一）安全方面。隐患排查不彻底。")],
        catalogue=replace(shipped, schemes=(*shipped.schemes, scheme)),
        tokenizer=tokenizer,
    )
    result = review("今年单位能耗上升，用电量超标。", corpus, scheme="test-2")
    assert list(result.to_dict()["scores"]) == ["安全生产", "节能降耗"]
    assert result.dimension == "节能降耗"
    assert result.to_dict()["scheme"]["source"] == "chosen"


def test_learned_words_come_from_labelled_passages(corpus: Corpus) -> None:
    assert corpus.model.learned, "the seed corpus must teach the model some words"
    scorer = corpus.model.scorer(corpus.catalogue.get("2023"))
    scores, _ = scorer.score("以会代学", ["以会", "代学"])
    assert scores[0].evidence == ("以会代学",)


def test_learned_words_are_never_shown_as_evidence(corpus: Corpus) -> None:
    scorer = corpus.model.scorer(corpus.catalogue.get("2023"))
    learned = next(w for w in corpus.model.learned if w not in scorer.phrases)
    scores, _ = scorer.score(learned * 3, [learned] * 3)
    assert all(learned not in s.evidence for s in scores)
