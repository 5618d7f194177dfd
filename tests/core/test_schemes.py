"""Every year's frame: shipped schemes as data, detection, a draft's own frame, headings and
traditional text that must not change the call, and aspect calls on items written for the test."""

from __future__ import annotations

import json
import re
from dataclasses import replace
from pathlib import Path

import pytest

from core import Corpus, build_corpus, review
from core.analysis import analyse
from core.examples import ranked_examples
from core.schemes import UnknownSchemeError, catalogue
from core.tokens import Tokenizer

DATA = Path(__file__).parent.parent / "data"
DRAFTS = DATA / "scheme_drafts"
ITEMS = json.loads((DATA / "scheme_items.json").read_text(encoding="utf-8"))["schemes"]
ITEM_ACCURACY = 0.85  # per scheme, on items written for the test (bench/schemes.py prints all)


def _draft(name: str) -> str:
    return (DRAFTS / name).read_text(encoding="utf-8")


def test_every_shipped_scheme_is_data_with_its_source() -> None:
    shipped = catalogue()
    concerns = {c.id for c in shipped.concerns}
    assert {"2022", "2023", "2024", "2025", "2024-dangji", "zuzhi"} <= set(shipped.ids)
    for scheme in shipped.schemes:
        assert scheme.source and scheme.title and scheme.clues
        if "年度民主生活会" in scheme.title:
            assert str(scheme.year) in scheme.name  # a 年度 scheme's id carries its year
        for dim in scheme.dimensions:
            assert dim.description, f"{scheme.name}/{dim.name} has no official wording"
            assert dim.concerns and {c for c, _ in dim.concerns} <= concerns
    assert shipped.newest.name == "2025"


def test_official_wordings() -> None:
    shipped = catalogue()
    assert [d.description for d in shipped.get("2024").dimensions] == [
        "带头严守政治纪律和政治规矩，维护党的团结统一",
        "带头增强党性、严守纪律、砥砺作风",
        "带头在遵规守纪、清正廉洁前提下勇于担责、敢于创新",
        "带头履行全面从严治党政治责任",
    ]
    assert shipped.get("2025").dimensions[0].description == "带头强化政治忠诚、提高政治能力"
    assert shipped.get("2024-dangji").names == (
        "政治纪律",
        "组织纪律",
        "廉洁纪律",
        "群众纪律",
        "工作纪律",
        "生活纪律",
    )
    assert shipped.get("2023").names == (
        "理论学习",
        "政治素质",
        "能力本领",
        "担当作为",
        "工作作风",
        "廉洁自律",
    )


@pytest.mark.parametrize(
    ("name", "scheme", "source"),
    [
        ("2023_team.txt", "2023", "detected"),
        ("2024_team.txt", "2024", "detected"),
        ("2025_personal.txt", "2025", "detected"),
        ("2024-dangji_personal.txt", "2024-dangji", "detected"),
        ("2023_traditional.txt", "2023", "detected"),
        ("declared_2026.txt", "declared", "declared"),
        ("default_noheading.txt", "2025", "default"),
    ],
)
def test_the_scheme_is_detected_from_the_draft(
    corpus: Corpus, name: str, scheme: str, source: str
) -> None:
    result = review(_draft(name), corpus)
    assert result.scheme is not None
    data = result.to_dict()["scheme"]
    assert (data["id"], data["source"]) == (scheme, source)
    assert data["reason"]
    names = data["dimensions"]
    assert list(result.to_dict()["scores"]) == names
    assert all(b["dimension"] in (*names, None) for b in result.to_dict()["blocks"])
    if result.verdict is not None:
        assert list(result.to_dict()["verdict"]["coverage"]) == names


def test_a_draft_of_one_year_is_never_told_to_cover_another_years_aspects(corpus: Corpus) -> None:
    for name in ("2024_team.txt", "2025_personal.txt", "2024-dangji_personal.txt"):
        result = review(_draft(name), corpus)
        other = {"理论学习", "政治素质", "能力本领", "担当作为", "工作作风", "廉洁自律"}
        said = " ".join(f.message + f.suggestion for f in result.findings)
        assert not [n for n in other if f"“{n}”" in said], name
        missing = [f for f in result.findings if "没有涉及" in f.message]
        assert not missing, [f.message for f in missing]


def test_a_draft_declares_its_own_frame(corpus: Corpus) -> None:
    result = review(_draft("declared_2026.txt"), corpus)
    assert result.scheme is not None and result.scheme.source == "declared"
    names = result.to_dict()["scheme"]["dimensions"]
    assert names == [
        "学习贯彻党的创新理论、筑牢政治忠诚",
        "践行正确政绩观、推动高质量发展",
        "密切联系群众、解决急难愁盼",
        "落实中央八项规定精神、保持清正廉洁",
    ]
    problems = [b for b in result.blocks if b.section == "problem" and b.heading_dimension]
    assert [b.heading_dimension for b in problems] == names
    # Items are scored against the draft's own aspects: most read as the aspect they are under.
    analysis = analyse(_draft("declared_2026.txt"), corpus)
    filed = [
        (analysis.doc.blocks[u.block].heading_dimension, u.dimension)
        for u in analysis.units
        if analysis.doc.blocks[u.block].section == "problem"
        and analysis.doc.blocks[u.block].heading_dimension
    ]
    assert sum(said == got for said, got in filed) >= len(filed) / 2
    assert {c.dimension for c in result.verdict.coverage} == set(names)  # type: ignore[union-attr]


def test_choice_and_fallback(corpus: Corpus) -> None:
    paragraph = "一是对分管领域的廉政风险排查不深，去年两名干部违规收受礼品。"
    assert review(paragraph, corpus).to_dict()["scheme"]["source"] == "default"
    chosen = review(paragraph, corpus, preferred="2024").to_dict()["scheme"]
    assert (chosen["id"], chosen["source"]) == ("2024", "chosen")
    forced = review(_draft("2025_personal.txt"), corpus, scheme="2023").to_dict()["scheme"]
    assert (forced["id"], forced["source"]) == ("2023", "chosen")
    # A remembered choice does not override a draft that says which year it is written for.
    detected = review(_draft("2025_personal.txt"), corpus, preferred="2023").to_dict()["scheme"]
    assert (detected["id"], detected["source"]) == ("2025", "detected")
    with pytest.raises(UnknownSchemeError):
        review(paragraph, corpus, scheme="2099")


def test_traditional_text_keeps_its_frame_and_gets_one_note(corpus: Corpus) -> None:
    text = _draft("2023_traditional.txt")
    result = review(text, corpus)
    assert len(result.notes) == 1 and "繁体" in result.notes[0]
    assert not [f for f in result.findings if f.check == "typo" and "繁体" in f.message]
    assert {b.section for b in result.blocks} >= {"problem", "cause", "measure"}
    aspects = [b for b in analyse(text, corpus).doc.blocks if b.section == "problem" and b.heading]
    assert len(aspects) == 6 and all(b.heading_dimension for b in aspects)
    assert result.text.startswith(text.strip()[:5])  # offsets refer to the text the user sees
    for finding in result.findings:
        assert 0 <= finding.start < finding.end <= len(result.text)


def test_a_stray_traditional_character_is_still_a_typo(corpus: Corpus) -> None:
    result = review("一是理论学习不够系统，對原著读得不多，去年只读完两本。", corpus)
    assert not result.notes
    assert [f for f in result.findings if f.check == "typo" and "對" in f.message]


HEADING_CASES = {
    "numbered 1、": "一、存在的问题\n1、廉洁自律方面\n一是对亲属经商的情况没有如实向组织报告。",
    "long with commas": (
        "一、存在的问题\n（一）带头深刻领悟“两个确立”的决定性意义，增强“四个意识”、坚定“四个自信”、"
        "做到“两个维护”方面。一是对党中央决策部署的领悟不深，执行中有打折扣的情况。"
    ),
    "PDF break after the heading": (
        "一、存在的问题\n（二）政治素质方面。作为镇党委书记，我始终要求全\n镇干部在执行党中央"
        "决策部署上不打折扣，但自己对个别部署的领悟不深，有过变通执行的情况。"
    ),
    "heading over 40 characters": (
        "一、存在的问题\n（一）在带头在遵规守纪、清正廉洁前提下勇于担责、敢于创新，推动全县经济社会"
        "高质量发展方面：一是创新的招法不多，推进项目多沿用老办法。"
    ),
}
HEADING_EXPECTED = {
    "numbered 1、": ("2023", "廉洁自律"),
    "long with commas": ("2022", "两个确立两个维护"),
    "PDF break after the heading": ("2023", "政治素质"),
    "heading over 40 characters": ("2024", "勇于担责敢于创新"),
}


@pytest.mark.parametrize("case", list(HEADING_CASES))
def test_heading_forms_keep_their_aspect(corpus: Corpus, case: str) -> None:
    scheme, aspect = HEADING_EXPECTED[case]
    result = review(HEADING_CASES[case], corpus, scheme=scheme)
    headed = [b for b in result.blocks if b.heading_dimension]
    assert [b.heading_dimension for b in headed] == [aspect]
    assert headed[0].section == "problem"


@pytest.mark.parametrize("scheme_id", list(ITEMS))
def test_items_are_filed_under_their_own_aspect(corpus: Corpus, scheme_id: str) -> None:
    """Items written for this test (not the seeds), heading hidden, scheme given."""
    aspects = ITEMS[scheme_id]
    scheme = corpus.catalogue.get(scheme_id)
    right = total = 0
    for aspect, items in aspects.items():
        for item in items:
            got = analyse(item, corpus, scheme=scheme_id).dimension
            right += got == scheme.resolve(aspect).name
            total += 1
    assert right / total >= ITEM_ACCURACY, f"{scheme_id}: {right}/{total}"


def test_whole_draft_bars_show_coverage_not_six_bars_near_100(corpus: Corpus) -> None:
    cut = _draft("2024_team.txt").split("（三）")[0]  # only two of the four aspects raised
    result = review(cut + "\n二、原因分析\n一是学习不够。\n三、整改措施\n一是加强学习。", corpus)
    scores = {s.dimension: s.score for s in result.scores}
    raised = [n for n, v in scores.items() if v > 0]
    assert len(raised) == 2 and all(scores[n] >= 50 for n in raised)
    assert sorted(v for v in scores.values())[:2] == [0.0, 0.0]


def test_an_items_own_aspect_stands_clear_of_the_others(corpus: Corpus) -> None:
    for scheme_id, aspects in ITEMS.items():
        for aspect, items in aspects.items():
            result = analyse(items[0], corpus, scheme=scheme_id)
            if result.dimension != result.scheme.resolve(aspect).name:
                continue
            scores = sorted((s.score for s in result.scores), reverse=True)
            assert scores[0] - scores[1] >= 10, (scheme_id, aspect)


def test_evidence_is_phrases_from_the_lexicons(corpus: Corpus) -> None:
    phrases = {t for c in corpus.catalogue.concerns for t, _ in c.lexicon}
    phrases |= {t for s in corpus.catalogue.schemes for d in s.dimensions for t, _ in d.lexicon}
    for name in ("2024_team.txt", "2025_personal.txt"):
        result = review(_draft(name), corpus)
        for block in result.blocks:
            for score in block.scores:
                assert set(score.evidence) <= phrases
                assert all(len(p) >= 2 for p in score.evidence)


def test_adding_a_scheme_is_one_data_file(tmp_path: Path, tokenizer: Tokenizer) -> None:
    raw = {
        "name": "2027",
        "title": "2027年度民主生活会（测试）",
        "year": 2027,
        "source": "测试用",
        "clues": {"2027年度民主生活会": 6},
        "dimensions": [
            {"name": "学习", "official": "带头学习", "concerns": {"理论武装": 1.0}},
            {"name": "清廉", "official": "带头清廉", "concerns": {"廉洁自律": 1.0}},
        ],
    }
    (tmp_path / "2027.json").write_text(json.dumps(raw, ensure_ascii=False), encoding="utf-8")
    from core.schemes import load_scheme

    shipped = catalogue()
    extended = replace(shipped, schemes=(*shipped.schemes, load_scheme(tmp_path / "2027.json")))
    corpus = build_corpus([("a.txt", "一、存在的问题\n（一）廉洁自律方面。一是收受礼品。")],
                          catalogue=extended, tokenizer=tokenizer)  # fmt: skip
    draft = "2027年度民主生活会对照检查材料\n一、存在的问题\n一是违规收受礼品礼金，亲属经商未报告。"
    result = review(draft, corpus)
    assert result.to_dict()["scheme"]["id"] == "2027"
    assert result.dimension == "清廉"


def test_examples_are_concrete_models_never_boilerplate(tokenizer: Tokenizer) -> None:
    stock = "（一）廉洁自律方面。一是廉洁自律意识有所放松，严格要求自己不够，防微杜渐的意识有所淡化，拒腐防变的防线还不够牢固。"
    concrete = "（一）廉洁自律方面。一是2024年春节我收下了承包商送来的两盒茶叶，事后才退回，对“围猎”的警惕性不高。"
    docs = [
        ("a.txt", "一、存在的问题\n" + stock),
        ("b.txt", "一、存在的问题\n" + stock),
        ("c.txt", "一、存在的问题\n" + concrete),
    ]
    corpus = build_corpus(docs, tokenizer=tokenizer)
    found = ranked_examples(corpus, corpus.catalogue.get("2023"), "廉洁自律")
    assert [p.document for p in found] == ["c.txt"]
    # The same aspect asked under another year's frame keeps the example in its aspect.
    dangji = ranked_examples(corpus, corpus.catalogue.get("2024-dangji"), "廉洁纪律")
    assert [p.document for p in dangji] == ["c.txt"]
    assert not ranked_examples(corpus, corpus.catalogue.get("2024-dangji"), "群众纪律")


def test_one_analysis_per_draft_segments_once(
    corpus: Corpus, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[int] = []
    original = Tokenizer.tagged

    def counted(self: Tokenizer, text: str) -> list[tuple[str, str]]:
        calls.append(len(text))
        return original(self, text)

    monkeypatch.setattr(Tokenizer, "tagged", counted)
    monkeypatch.setattr(Tokenizer, "tokens", lambda *_: pytest.fail("tokens() after analysis"))
    monkeypatch.setattr(Tokenizer, "words", lambda *_: pytest.fail("words() after analysis"))
    review(_draft("2024_team.txt"), corpus)  # analysis, checks and verdict
    assert len(calls) == 1
    result = analyse(_draft("2024_team.txt"), corpus)
    assert len(result.tags) == len(result.tokens) and "".join(result.tokens) == result.plain
    assert "r" in result.tags  # 我 / 班子 … parts of speech are there for the checks


def test_json_names_the_scheme_everywhere(corpus: Corpus) -> None:
    data = review(_draft("2024_team.txt"), corpus).to_dict()
    names = data["scheme"]["dimensions"]
    assert re.fullmatch(r"\d{4}", data["scheme"]["id"])
    assert set(data["evidence"]) == set(names)
    for block in data["blocks"]:
        assert list(block["scores"]) == names


def test_a_table_of_contents_is_not_content(corpus: Corpus) -> None:
    contents = (
        "目录\n一、存在的问题\n（一）在带头强化政治忠诚、提高政治能力方面\n"
        "（二）在带头固本培元、增强党性方面\n（三）在带头敬畏人民、敬畏组织、敬畏法纪方面\n"
        "二、原因分析\n三、整改措施\n"
    )
    body = (
        "2025年度民主生活会个人对照检查材料\n一、存在的问题\n"
        "（一）在带头强化政治忠诚、提高政治能力方面。一是对党中央决策部署的领悟不深，"
        "2025年6月传达全会精神后没有结合分管工作研究落实措施。\n"
        "二、原因分析\n一是理想信念有所松懈。\n三、整改措施\n一是每月开展一次专题学习。"
    )
    result = review(contents + body, corpus)
    raised = {c.dimension: c.problems for c in result.verdict.coverage}  # type: ignore[union-attr]
    assert raised == {
        "强化政治忠诚提高政治能力": 1,
        "固本培元增强党性": 0,
        "敬畏人民敬畏组织敬畏法纪": 0,
        "干事创业担当作为": 0,
        "扛起管党治党责任": 0,
    }


def test_meeting_names_are_never_evidence(corpus: Corpus) -> None:
    result = analyse(
        "按照组织生活会的安排，会前开展了谈心谈话，征求意见12条。", corpus, scheme="2025"
    )
    assert all(not s.evidence for s in result.scores)
    assert result.dimension is None


def test_an_unknown_frame_gets_no_claims_about_its_aspects(corpus: Corpus) -> None:
    draft = (
        "对照检查材料\n一、存在的问题\n一是对分管领域的廉政风险排查不深，去年两名干部违规收受礼品。\n"
        "二、原因分析\n一是纪律意识有所松懈。\n三、整改措施\n一是本月内逐一开展廉政谈话。"
    )
    result = review(draft, corpus)
    assert result.scheme is not None and result.scheme.source == "default"
    assert not [f for f in result.findings if "没有涉及" in f.message or "没有对应" in f.message]
    assert result.verdict is not None and "coverage" not in dict(result.verdict.breakdown)


def test_a_title_reporting_the_check_opens_the_problems(corpus: Corpus) -> None:
    draft = (
        "一、个人剖析对照检查情况\n（一）理论学习方面。一是学习用劲不足，去年只读完一本原著。\n"
        "二、产生问题的原因\n一是放松了主观世界改造。\n三、整改措施\n一是每月读一本原著。"
    )
    sections = [b.section for b in review(draft, corpus).blocks]
    assert sections[:2] == ["problem", "problem"] or sections[0] == "problem"
    assert "cause" in sections and "measure" in sections


def test_phrases_are_read_on_word_boundaries_only(corpus: Corpus) -> None:
    text = "对理论创新思想认同多，运用科学理论指导实践少，人民意愿了解不够。"
    shown = {p for s in analyse(text, corpus, scheme="2023").scores for p in s.evidence}
    assert not shown & {"新思想", "学理", "民意"}
    ending_inside = analyse("一是政治领悟力有待提高，对上级精神把握不准。", corpus, scheme="2023")
    found = next(s.evidence for s in ending_inside.scores if s.dimension == "政治素质")
    assert "政治领悟" in found


def test_what_the_writer_did_right_is_never_shown_as_evidence(corpus: Corpus) -> None:
    text = (
        "一是能够坚持理论学习和第一议题制度，但对原著读得不多，学用结合不紧，2024年只写了一篇体会。"
    )
    result = analyse(text, corpus, scheme="2023")
    assert result.dimension == "理论学习"  # the praise still tells the aspect …
    shown = next(s.evidence for s in result.scores if s.dimension == "理论学习")
    assert shown and "第一议题" not in shown and "理论学习" not in shown  # … but is not evidence
