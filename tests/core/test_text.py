"""Normalisation, sentence and clause splitting, compare keys."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.text import compare_key, counted_chars, normalize, split_sentences


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("(二)政治素质方面。", "（二）政治素质方面。"),
        ("（二)政治素质方面.", "（二）政治素质方面。"),
        ("见附件(PDF)说明", "见附件(PDF)说明"),
        ("第(1)条", "第（1）条"),
        ("学习不够,效果不好;需要改进:如下", "学习不够，效果不好；需要改进：如下"),
        ("合计1,000元,约3.5万", "合计1,000元，约3.5万"),
        ("共１２条ＡＢ", "共12条AB"),
        ("衷心拥护“两个确立〞", "衷心拥护“两个确立”"),
        ('他说"好"。', "他说“好”。"),
        ('他说"好。', '他说"好。'),
        ("不够##paidbegin##适应新形势", "不够适应新形势"),
        ("结束。\n##paidend##\n", "结束。"),
        ("\u3000\u3000一、存在的问题", "一、存在的问题"),
        ("时间上难以 保证", "时间上难以保证"),
        ("在学 习上的自觉性", "在学习上的自觉性"),
        ("a  b", "a b"),
        ("第一行\r\n第二行。", "第一行\n第二行。"),
        ("零\u200b宽\ufeff字符", "零宽字符"),
        ("*单位领导班子", "*单位领导班子"),
        ("\n\n\n", ""),
    ],
)
def test_normalize_table(raw: str, expected: str) -> None:
    assert normalize(raw) == expected


def test_pdf_line_breaks_inside_a_sentence_are_joined() -> None:
    raw = "班子成员平时在具体工作上安排的多，而在学\n习上的自觉性、积极性和主动性不足。\n二是学习方式不够灵活。"
    assert (
        normalize(raw)
        == "班子成员平时在具体工作上安排的多，而在学习上的自觉性、积极性和主动性不足。\n二是学习方式不够灵活。"
    )


def test_titles_and_headings_keep_their_line_breaks() -> None:
    raw = "党委班子2023年主题教育专题民主生活会对照检查材料\n依据本次民主生活会议程，现汇报如下：\n一、存在的问题\n（一）理论学习方面"
    assert normalize(raw).split("\n") == [
        "党委班子2023年主题教育专题民主生活会对照检查材料",
        "依据本次民主生活会议程，现汇报如下：",
        "一、存在的问题",
        "（一）理论学习方面",
    ]


def test_a_broken_line_before_a_list_marker_is_not_joined() -> None:
    raw = "对发展进程中出现的新情况、新问题，解决的思路不宽\n二是办法不多"
    assert normalize(raw).split("\n")[1] == "二是办法不多"


@given(st.text())
def test_normalize_is_idempotent(raw: str) -> None:
    once = normalize(raw)
    assert normalize(once) == once
    assert "\r" not in once


@given(st.text(alphabet=st.sampled_from("学习理论不够，。；：、“”（）*一二是\n 　abc12")))
def test_sentences_and_clauses_are_ordered_spans_inside_the_text(raw: str) -> None:
    text = normalize(raw)
    last_end = 0
    for sentence in split_sentences(text):
        assert last_end <= sentence.start < sentence.end <= len(text)
        assert "\n" not in text[sentence.start : sentence.end]
        for clause in sentence.clauses:
            assert sentence.start <= clause.start < clause.end <= sentence.end
        last_end = sentence.end


def test_split_sentences_and_clauses() -> None:
    text = "一是学习不深。虽然有制度，但落实不够；效果不好！“两个维护”还有欠缺。"
    sentences = split_sentences(text)
    assert [text[s.start : s.end] for s in sentences] == [
        "一是学习不深。",
        "虽然有制度，但落实不够；效果不好！",
        "“两个维护”还有欠缺。",
    ]
    assert [text[c.start : c.end] for c in sentences[1].clauses] == [
        "虽然有制度",
        "但落实不够",
        "效果不好！",
    ]


def test_compare_key_drops_punctuation_markers_and_redactions() -> None:
    assert compare_key("二是*单位学习，不够深入。") == "单位学习不够深入"


def test_compare_key_folds_set_formulas_into_one_character() -> None:
    key = compare_key("深入学习习近平新时代中国特色社会主义思想")
    assert len(key) == 5
    assert compare_key(
        "对照理论学习、政治素质、能力本领、担当作为、工作作风、廉洁自律六个方面"
    ) == compare_key("对照理论学习政治素质能力本领担当作为工作作风廉洁自律六个方面")


def test_redactions_and_spaces_are_not_counted() -> None:
    assert counted_chars("*单位 领导**班子") == 6


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("理,,", "理，，"),
        ("问?!", "问？！"),
        ('a",b"文', "a“，b”文"),
        ("学习不够...", "学习不够……"),
        ("文##paidend####paidbegin##文", "文文"),
    ],
)
def test_runs_of_ascii_punctuation_are_widened_in_one_pass(raw: str, expected: str) -> None:
    assert normalize(raw) == expected
    assert normalize(expected) == expected


@given(st.text(alphabet=st.sampled_from('理学,.;:?!"()（）“” \n#paidbegn*abc1'), max_size=60))
def test_normalize_is_idempotent_on_mixed_chinese_and_ascii_punctuation(raw: str) -> None:
    once = normalize(raw)
    assert normalize(once) == once


@pytest.mark.parametrize(
    "raw",
    [
        "能够按照要求参加党委理论学习中心组的集中学习和专题研讨交流\n活动，但自学不够。",
        "参加集中学习，但是\n自学不够深入。",
    ],
)
def test_page_width_breaks_are_joined(raw: str) -> None:
    assert "\n" not in normalize(raw)


def test_blank_means_nothing_left_after_normalising() -> None:
    from core.text import is_blank

    assert is_blank("\u200b##paidbegin##\u200b\n\u3000")
    assert is_blank("，。！")
    assert not is_blank("学")


def test_tokenizer_without_a_cache_dir_writes_nothing(tmp_path, monkeypatch) -> None:
    import tempfile

    from core import Tokenizer

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    assert Tokenizer().words("理论学习不够深入") == ["理论", "学习", "不够", "深入"]
    assert list(tmp_path.iterdir()) == []
