"""The entry point and its JSON contract."""

from __future__ import annotations

import json

import pytest

import core
from core import Corpus, review
from core.examples import ranked_examples

CONTRACT_KEYS = {
    "text",
    "scores",
    "dimension",
    "blocks",
    "matches",
    "duplicate_ratio",
    "findings",
    "verdict",
    "scheme",
    "notes",
}
FINDING_KEYS = {"start", "end", "check", "code", "severity", "message", "suggestion", "figures"}
CHECK_NAMES = {
    "stock_phrases",
    "no_example",
    "merit_as_problem",
    "soft_criticism",
    "cause_restates_problem",
    "vague_measure",
    "structure",
    "typo",
}
BLOCK_KEYS = {"start", "end", "section", "heading_dimension", "dimension", "scores", "evidence"}
MATCH_KEYS = {"start", "end", "score", "source", "source_text"}


def test_public_api_is_pinned() -> None:
    assert {"load_corpus", "review", "Review", "Corpus"} <= set(core.__all__)
    for name in core.__all__:
        assert hasattr(core, name)


def test_json_contract(corpus: Corpus, sample_draft: str) -> None:
    data = json.loads(json.dumps(review(sample_draft, corpus).to_dict(), ensure_ascii=False))
    assert set(data) >= CONTRACT_KEYS
    names = corpus.catalogue.get("2023").names
    assert data["scheme"] == {
        "id": "2023",
        "title": corpus.catalogue.get("2023").title,
        "dimensions": list(names),
        "source": "detected",
        "confidence": data["scheme"]["confidence"],
        "reason": data["scheme"]["reason"],
    }
    assert set(data["scores"]) == set(names)
    assert set(data["verdict"]["coverage"]) == set(names)
    assert data["dimension"] in names
    text = data["text"]
    for block in data["blocks"]:
        assert set(block) >= BLOCK_KEYS
        assert block["section"] in {"problem", "cause", "measure", None}
        assert 0 <= block["start"] < block["end"] <= len(text)
    for match in data["matches"]:
        assert set(match) >= MATCH_KEYS
        assert 0 <= match["start"] < match["end"] <= len(text)
        assert 0 <= match["score"] <= 100
    assert 0.0 <= data["duplicate_ratio"] <= 1.0
    assert data["findings"]
    for finding in data["findings"]:
        assert set(finding) == FINDING_KEYS
        assert finding["check"] in CHECK_NAMES
        assert finding["severity"] in {"high", "medium", "low"}
        assert 0 <= finding["start"] < finding["end"] <= len(text)
        assert finding["message"] and finding["suggestion"]
    verdict = data["verdict"]
    assert set(verdict) == {"grade", "breakdown", "fixes", "coverage"}
    assert set(verdict["breakdown"]) == {
        "coverage",
        "specificity",
        "originality",
        "sharpness",
        "structure",
        "measures",
    }
    assert set(verdict["coverage"]) == set(names)
    assert json.loads(json.dumps(review("一段话。", corpus).to_dict()))["verdict"] is None


def test_offsets_refer_to_the_normalised_text(corpus: Corpus) -> None:
    raw = "（一)理论学习方面.\u3000一是学习不够系统,往往以会代学。"
    result = review(raw, corpus)
    assert result.text == "（一）理论学习方面。一是学习不够系统，往往以会代学。"
    block = result.blocks[0]
    assert result.text[block.start : block.end] == result.text


# The planted copies listed in examples/README.md: (draft fragment, source document).
PLANTED = [
    ("以民为本、执政为民的理念", "000_4429b7620e03c467.txt"),
    ("工作上习惯于抓小放大", "001_600840ff22d7da34.txt"),
    ("习惯于坐在办公室，闭门造车", "003_bd559e0d7dd58c1e.txt"),
    ("对严格遵守纪律的要求认识不够深刻", "002_edabf4a0fb341e20.txt"),
    ("整合政策资源打好资金组合拳的能力还有待提升", "004_1ba1f5e5e2bd770c.txt"),
]


@pytest.mark.parametrize(("fragment", "source"), PLANTED)
def test_sample_draft_planted_copies_are_found(
    corpus: Corpus, sample_draft: str, fragment: str, source: str
) -> None:
    result = review(sample_draft, corpus)
    hits = [m for m in result.matches if fragment in result.text[m.start : m.end]]
    assert len(hits) == 1
    assert hits[0].source == source


def test_sample_draft_has_no_other_matches(corpus: Corpus, sample_draft: str) -> None:
    assert len(review(sample_draft, corpus).matches) == len(PLANTED)


def test_sample_draft_blocks_carry_their_dimensions(corpus: Corpus, sample_draft: str) -> None:
    problems = [b for b in review(sample_draft, corpus).blocks if b.section == "problem"]
    names = list(corpus.catalogue.get("2023").names)
    assert [b.heading_dimension for b in problems] == names
    assert [b.dimension for b in problems] == names


def test_examples_come_from_several_documents(corpus: Corpus) -> None:
    scheme = corpus.catalogue.get("2023")
    examples = ranked_examples(corpus, scheme, "廉洁自律")[:3]
    assert len(examples) == 3
    assert len({p.document for p in examples}) == 3
    assert all(p.dimension == "廉洁自律" and p.section == "problem" for p in examples)


def test_a_fragment_names_one_aspect_or_lists_the_candidates(corpus: Corpus) -> None:
    found = corpus.catalogue.find_dimension("自律")
    assert (found[0].name, found[1].name) == ("2023", "廉洁自律")
    with pytest.raises(core.UnknownDimensionError) as info:
        corpus.catalogue.find_dimension("廉洁")
    assert set(info.value.choices) == {"廉洁自律", "廉洁纪律"}
    with pytest.raises(core.UnknownDimensionError) as info:
        corpus.catalogue.find_dimension("财务审计")
    assert not info.value.choices


def test_corpus_reads_gb18030_and_utf8_with_bom(tmp_path, tokenizer) -> None:
    (tmp_path / "gb.txt").write_bytes(
        "一、存在的问题\n（一）廉洁自律方面。一是落实一岗双责不到位，对分管部门廉政风险排查不深。".encode(
            "gb18030"
        )
    )
    (tmp_path / "bom.txt").write_bytes(
        "\ufeff（二）工作作风方面。调查研究不深入，习惯于坐在办公室听汇报。".encode()
    )
    (tmp_path / ".hidden").mkdir()
    (tmp_path / ".hidden" / "x.txt").write_text("不应读取", encoding="utf-8")
    corpus = core.load_corpus(tmp_path, tokenizer=tokenizer)
    assert corpus.names == ("bom.txt", "gb.txt")
    assert corpus.stats().documents == 2
    [passage] = corpus.passages(corpus.catalogue.get("2023"), "廉洁自律")
    assert passage.text.startswith("一是落实一岗双责不到位")
    assert (
        review("落实一岗双责不到位，对分管部门廉政风险排查不深。", corpus).matches[0].source
        == "gb.txt"
    )
