"""Structure: sections, dimension blocks, items — on all five seeds and on written cases."""

from __future__ import annotations

import pytest

from core import load_scheme
from core.corpus import read_corpus_texts
from core.structure import parse, section_of
from core.text import normalize
from tests.conftest import SEEDS

SCHEME = load_scheme()
SIX = SCHEME.names


def _doc(raw: str):
    return parse(normalize(raw), SCHEME)


@pytest.mark.parametrize(("name", "raw"), read_corpus_texts(SEEDS), ids=lambda v: str(v)[:3])
def test_every_seed_has_the_frame_and_six_problem_dimensions(name: str, raw: str) -> None:
    doc = _doc(raw)
    sections = [b.section for b in doc.blocks if b.section]
    assert sections == sorted(sections, key=["problem", "cause", "measure"].index), name
    assert {"problem", "cause", "measure"} <= set(sections)
    problem_dims = [
        b.heading_dimension for b in doc.blocks if b.section == "problem" and b.heading_dimension
    ]
    assert problem_dims == list(SIX)
    for block in doc.blocks:
        assert doc.text[block.body.start : block.body.end].strip()
        for item in block.items:
            assert block.body.start <= item.start < item.end <= block.body.end
            assert doc.text.startswith(item.label, item.start)


def test_seed_with_run_together_headings_is_split_correctly() -> None:
    raw = dict(read_corpus_texts(SEEDS))["004_1ba1f5e5e2bd770c.txt"]
    doc = _doc(raw)
    titles = [
        doc.text[h.start : h.end] for h in doc.headings if not doc.text.startswith("（", h.start)
    ]
    assert titles == ["一、存在的主要问题", "二、原因分析", "三、今后努力方向及整改措施"]
    ability = next(
        b for b in doc.blocks if b.heading_dimension == "能力本领" and b.section == "problem"
    )
    assert [i.label for i in ability.items] == [
        "一是",
        "二是",
    ]  # the second item is on its own line


def test_seed_item_counts() -> None:
    raw = dict(read_corpus_texts(SEEDS))["000_4429b7620e03c467.txt"]
    doc = _doc(raw)
    counts = [len(b.items) for b in doc.blocks if b.section == "problem"]
    assert counts == [3, 3, 2, 2, 2, 3]


@pytest.mark.parametrize(
    ("heading", "dimension"),
    [
        ("（一）在“理论学习”方面的对照检查情况。", "理论学习"),
        ("（二）“政治素质”方面。", "政治素质"),
        ("(三)能力本领方面。", "能力本领"),
        ("（四）在担当作为方面", "担当作为"),
        ("（五）关于工作作风", "工作作风"),
        ("（六）廉洁自律方面存在的问题", "廉洁自律"),
    ],
)
def test_heading_styles(heading: str, dimension: str) -> None:
    doc = _doc(f"一、存在的问题\n{heading}\n一是某项工作做得不够。二是另一项工作也有差距。")
    block = next(
        b
        for b in doc.blocks
        if b.heading is not None and b.section == "problem" and b.heading_dimension
    )
    assert block.heading_dimension == dimension
    assert [i.label for i in block.items] == ["一是", "二是"]


def test_top_level_dimension_headings() -> None:
    doc = _doc("一、理论学习方面\n学得不深。\n二、廉洁自律方面\n管得不严。")
    assert [(b.heading_dimension, b.section) for b in doc.blocks] == [
        ("理论学习", None),
        ("廉洁自律", None),
    ]


def test_a_bare_paragraph_is_one_block() -> None:
    doc = _doc("我在学习上缺乏系统性，往往以会代学。去年只读完了两本原著，没有形成读书笔记。")
    assert len(doc.blocks) == 1
    block = doc.blocks[0]
    assert (block.section, block.heading, block.heading_dimension, block.items) == (
        None,
        None,
        None,
        (),
    )
    assert len(doc.sentences) == 2


def test_an_enumeration_inside_a_sentence_is_not_an_item() -> None:
    doc = _doc("（一）理论学习方面。我认为一是二是的写法不可取，一是形式，二是内容。")
    assert doc.blocks[-1].items == ()


@pytest.mark.parametrize(
    ("title", "section"),
    [
        ("存在的主要问题", "problem"),
        ("对照检查存在的突出问题", "problem"),
        ("问题产生的原因", "cause"),
        ("分析产生问题的原因", "cause"),
        ("根源剖析", "cause"),
        ("整改措施和努力方向", "measure"),
        ("下一步打算", "measure"),
        ("基本情况", None),
    ],
)
def test_section_titles(title: str, section: str | None) -> None:
    assert section_of(title) == section


def test_section_title_cut_where_it_runs_into_text() -> None:
    doc = _doc("二、原因分析针对上述问题，深刻剖析根源。\n三、下一步整改措施下一步，我将认真整改。")
    titles = [doc.text[h.start : h.end] for h in doc.headings]
    assert titles == ["二、原因分析", "三、下一步整改措施"]
    assert [b.section for b in doc.blocks] == ["cause", "measure"]


def test_a_numbered_heading_with_nothing_after_it_is_content() -> None:
    doc = _doc("（一）理论学习不够深入，政治理论学习缺乏深度，学用脱节。")
    [block] = doc.blocks
    assert (
        doc.text[block.body.start : block.body.end]
        == "理论学习不够深入，政治理论学习缺乏深度，学用脱节。"
    )
    assert len(doc.sentences) == 1


def test_enumeration_inside_a_paragraph_is_not_a_heading() -> None:
    doc = _doc("班子存在以下问题：一、理论学习不够。二、政治站位不高，大局意识不强。")
    [block] = doc.blocks
    assert block.heading is None and doc.headings == ()


def test_items_after_a_colon_and_the_lead_in_is_kept() -> None:
    from core.corpus import passages_of

    doc = _doc(
        "（一）理论学习方面。主要表现在：一是学习不够系统，碎片化严重；二是学用结合不紧；三是研讨不够深入。"
    )
    assert [i.label for i in doc.blocks[0].items] == ["一是", "二是", "三是"]
    first = passages_of("d", doc)[0]
    assert first.text.startswith("主要表现在：一是")


def test_a_section_title_can_name_a_dimension_too() -> None:
    doc = _doc("一、理论学习方面存在的问题\n学得不深，以会代学。")
    [block] = doc.blocks
    assert (block.section, block.heading_dimension) == ("problem", "理论学习")
