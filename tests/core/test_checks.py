"""Every check on positive and negative examples written for these tests (not from the seeds)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from core import Corpus, review

CASES = json.loads(
    (Path(__file__).parent / "data" / "check_cases.json").read_text(encoding="utf-8")
)
PROBLEM_WRAP = "一、存在的问题\n（一）工作方面\n{}"


def _draft(check: str, case: object) -> str:
    if check == "cause_restates_problem":
        assert isinstance(case, dict)
        return f"一、存在的问题\n（一）工作方面\n{case['problem']}\n二、原因分析\n{case['cause']}"
    assert isinstance(case, str)
    if check in {"no_example", "merit_as_problem", "soft_criticism"}:
        return PROBLEM_WRAP.format(case)
    if check == "vague_measure":
        return f"三、整改措施\n（一）抓落实。{case}"
    return case


def _cases(kind: str) -> list[tuple[str, object]]:
    return [(check, case) for check, both in CASES.items() for case in both[kind]]


def _id(value: object) -> str:
    return str(value)[:18]


@pytest.mark.parametrize(("check", "case"), _cases("positive"), ids=_id)
def test_check_fires_on_positive_examples(corpus: Corpus, check: str, case: object) -> None:
    result = review(_draft(check, case), corpus)
    assert [f for f in result.findings if f.check == check], result.findings


@pytest.mark.parametrize(("check", "case"), _cases("negative"), ids=_id)
def test_check_is_quiet_on_negative_examples(corpus: Corpus, check: str, case: object) -> None:
    result = review(_draft(check, case), corpus)
    assert not [f for f in result.findings if f.check == check], result.findings


def _checks(corpus: Corpus, text: str, check: str) -> list:
    return [f for f in review(text, corpus).findings if f.check == check]


def test_structure_missing_sections(corpus: Corpus) -> None:
    section = "一、存在的问题\n（一）理论学习方面。一是去年只读完两本原著。"
    [found] = _checks(corpus, "个人对照检查材料\n" + section, "structure")[:1]
    assert "原因分析" in found.message and "整改措施" in found.message
    assert found.severity == "high"


def test_one_section_pasted_on_its_own_is_an_excerpt_not_an_incomplete_draft(
    corpus: Corpus,
) -> None:
    section = "一、存在的问题\n（一）理论学习方面。一是2024年我只读完两本原著。"
    result = review(section, corpus)
    assert [f.code for f in result.findings if f.check == "structure"] == []
    assert result.verdict is None


def test_structure_missing_dimensions(corpus: Corpus) -> None:
    draft = (
        "一、存在的问题\n（一）理论学习方面。一是我去年只读完两本原著。\n（二）廉洁自律方面。一是我对分管部门公务接待超标问题失察。\n"
        "二、原因分析\n理想信念有所动摇。\n三、整改措施\n2024年3月底前制定学习计划。"
    )
    messages = [f.message for f in _checks(corpus, draft, "structure")]
    assert any("政治素质" in m and "工作作风" in m and "理论学习" not in m for m in messages)


def test_structure_problems_and_causes_under_half(corpus: Corpus) -> None:
    measures = "。".join(
        f"第{i}项，2024年{i}月底前完成专项整治并向党组报告结果" for i in range(1, 13)
    )
    draft = f"一、存在的问题\n（一）理论学习方面。一是我学得不深。\n二、原因分析\n宗旨意识淡化。\n三、整改措施\n{measures}。"
    assert any("只占全文" in f.message for f in _checks(corpus, draft, "structure"))


def test_structure_heading_that_disagrees_with_content(corpus: Corpus) -> None:
    draft = (
        "一、存在的问题\n（一）理论学习方面。一是我落实中央八项规定精神不严格，对分管部门公务接待超标准问题没有及时纠正，"
        "一岗双责落实不到位，廉政风险防控有漏洞。\n二、原因分析\n纪律意识淡化。\n三、整改措施\n每月开展一次廉政谈话。"
    )
    assert any("内容更像“廉洁自律”" in f.message for f in _checks(corpus, draft, "structure"))


def test_structure_same_paragraph_under_two_headings(corpus: Corpus) -> None:
    repeated = "我对分管领域的重点项目跟踪不够，三个项目的前期手续拖了半年仍未办结。"
    draft = f"一、存在的问题\n（一）能力本领方面。{repeated}\n（二）担当作为方面。{repeated}\n二、原因分析\n政绩观有偏差。\n三、整改措施\n每周调度一次。"
    assert any("已经用过" in f.message for f in _checks(corpus, draft, "structure"))


def test_a_pasted_paragraph_has_no_structure_findings_and_no_verdict(corpus: Corpus) -> None:
    result = review("我去年只读完两本原著，学习不够深入。", corpus)
    assert not [f for f in result.findings if f.check == "structure"]
    assert result.verdict is None


def test_measure_that_answers_no_problem_dimension(corpus: Corpus) -> None:
    draft = (
        "一、存在的问题\n（一）廉洁自律方面。一是我对分管部门公务接待超标准问题没有及时纠正。\n"
        "（二）理论学习方面。一是我去年只读完两本原著。\n二、原因分析\n纪律意识淡化。\n"
        "三、整改措施\n（一）抓学习。2024年3月底前制定学习计划，每月精读一本原著。"
    )
    assert any(
        "“廉洁自律”方面查摆了问题" in f.message for f in _checks(corpus, draft, "vague_measure")
    )


def test_findings_are_sorted_and_one_per_kind_per_sentence(
    corpus: Corpus, sample_draft: str
) -> None:
    result = review(
        sample_draft + "\n有时个别同志学习不够深入，有所欠缺，时问不够，的的确确存在差距“。", corpus
    )
    order = {"high": 0, "medium": 1, "low": 2}
    ranks = [order[f.severity] for f in result.findings]
    assert ranks == sorted(ranks)
    seen: set[tuple[str, int]] = set()
    for f in result.findings:
        if f.check == "typo":
            continue  # every slip is its own finding (below)
        for i, (start, end) in enumerate(_sentence_spans(result.text)):
            if start <= f.start < end:
                assert (f.check, i) not in seen, f
                seen.add((f.check, i))


def _sentence_spans(text: str) -> list[tuple[int, int]]:
    from core.text import split_sentences

    return [(s.start, s.end) for s in split_sentences(text)]


def test_two_typos_in_one_sentence_are_two_findings_with_their_own_spans(corpus: Corpus) -> None:
    text = "我腾出更多时问，特续强化学习。"
    first, second = sorted(_checks(corpus, text, "typo"), key=lambda f: f.start)
    assert (text[first.start : first.end], text[second.start : second.end]) == ("时问", "特续")
    assert "时间" in first.suggestion and "持续" in second.suggestion
    assert {first.code, second.code} <= {"typo.look_alike", "typo.confusion"}


def test_look_alike_characters_jieba_cannot_place(corpus: Corpus) -> None:
    [found] = _checks(corpus, "干部与群众之问的距离拉远了，需要补课。", "typo")
    assert "之间" in found.suggestion


def test_verdict_for_a_whole_draft(corpus: Corpus, sample_draft: str) -> None:
    verdict = review(sample_draft, corpus).verdict
    assert verdict is not None
    assert 0 <= verdict.grade <= 100
    assert [k for k, _ in verdict.breakdown] == [
        "coverage",
        "specificity",
        "originality",
        "sharpness",
        "structure",
        "measures",
    ]
    assert len(verdict.fixes) <= 3
    assert [c.dimension for c in verdict.coverage] == list(corpus.catalogue.get("2023").names)
    assert all(c.problems >= 1 for c in verdict.coverage)


TEMPLATE_DRAFT = """一、存在的问题
（一）理论学习方面。一是理论学习不够深入，学用结合不够紧密，有待进一步加强。
（二）工作作风方面。一是虽然能够按照上级要求认真完成各项工作任务，取得了一定成绩，但服务意识不强，有时存在作风不够扎实的问题。
二、原因分析
主要是工作忙、任务重，学习时间不够。
三、整改措施
进一步加强学习，切实提高认识，不断增强能力。"""


def test_a_template_draft_grades_well_below_a_specific_one(
    corpus: Corpus, sample_draft: str
) -> None:
    poor = review(TEMPLATE_DRAFT, corpus)
    good = review(sample_draft, corpus)
    assert poor.verdict is not None and good.verdict is not None
    assert poor.verdict.grade + 20 < good.verdict.grade
    checks = {f.check for f in poor.findings}
    assert {
        "stock_phrases",
        "no_example",
        "merit_as_problem",
        "cause_restates_problem",
        "vague_measure",
        "structure",
    } <= checks
    assert len(poor.verdict.fixes) == 3


def test_reduplicated_words_are_not_doubled_characters(corpus: Corpus) -> None:
    assert not _checks(corpus, "确保取得实实在在的成效，认认真真抓整改。", "typo")
    found = _checks(corpus, "执行落实的的标准不高，勇于担当的的精神不足。", "typo")
    assert [f.code for f in found] == ["typo.doubled", "typo.doubled"]


@pytest.mark.parametrize(
    ("paragraph", "check"),
    [
        ("一是理论学习不够系统，学用结合不够紧密，对新思想的理解停留在字面上。", "no_example"),
        ("产生问题的根源在于工作忙、任务重，没有时间学习。", "cause_restates_problem"),
        ("进一步加强理论学习，不断提高政治素养。", "vague_measure"),
    ],
)
def test_a_pasted_paragraph_is_checked_as_what_it_looks_like(
    corpus: Corpus, paragraph: str, check: str
) -> None:
    assert _checks(corpus, paragraph, check)


@pytest.mark.parametrize(
    ("text", "slip", "right"),
    [
        ("坚持走中国特色社会主意道路不动摇。", "中国特色社会主意", "中国特色社会主义"),
        ("深刻领悟“两个确定”的决定性意义。", "两个确定", "两个确立"),
        ("增强四个意识、坚定四个自性。", "四个自性", "四个自信"),
    ],
)
def test_an_official_formula_one_character_off_is_the_worst_slip(
    corpus: Corpus, text: str, slip: str, right: str
) -> None:
    [found] = [f for f in _checks(corpus, text, "typo") if f.code == "typo.formula"]
    assert (text[found.start : found.end], found.severity) == (slip, "high")
    assert f"“{right}”" in found.suggestion


@pytest.mark.parametrize(
    "text",
    [
        "从四个方面查摆问题，从两个维度分析原因。",
        "坚持以人民为中心的发展思想，增强四个意识、坚定四个自信、做到两个维护。",
        "提出了四个意见，班子逐条研究。",
    ],
)
def test_ordinary_words_near_a_formula_are_not_slips(corpus: Corpus, text: str) -> None:
    assert not [f for f in _checks(corpus, text, "typo") if f.code == "typo.formula"]


def test_leaving_out_the_subject_is_the_genres_first_person(corpus: Corpus) -> None:
    head = "个人对照检查材料\n一、存在的问题\n（一）理论学习方面\n"
    tail = "\n二、原因分析\n一是放松了学习。\n三、整改措施\n一是每月读一本原著。"
    omitted = review(head + "一是学习不够系统，2024年只读完两本原著。" + tail, corpus)
    assert not [f for f in omitted.findings if f.code == "no_example.not_first_person"]
    others = review(head + "一是有的同志学习不够系统，2024年只读完两本原著。" + tail, corpus)
    [found] = [f for f in others.findings if f.code == "no_example.not_first_person"]
    assert "有的同志" in found.message


def test_measures_alone_get_no_figures_for_problems(corpus: Corpus) -> None:
    measures = "三、整改措施\n一是2025年3月底前制定学习计划。\n二是每月开展一次专题研讨。"
    assert review(measures, corpus).verdict is None  # one part pasted on its own: not graded
    titled = review("个人对照检查材料\n" + measures, corpus).verdict
    assert titled is not None
    assert not {"specificity", "sharpness"} & set(dict(titled.breakdown))


def test_the_verdict_reads_codes_not_messages(corpus: Corpus, sample_draft: str) -> None:
    result = review(sample_draft, corpus)
    assert all(f.code.startswith(f.check + ".") for f in result.findings)
    assert all(isinstance(v, float | int) for f in result.findings for _, v in f.figures)


def test_a_neighbouring_word_is_not_a_formula_slip(corpus: Corpus) -> None:
    text = "坚持以人民为中心的发展理念，厚植人民情怀。"
    assert not [f for f in _checks(corpus, text, "typo") if f.code == "typo.formula"]


def test_idiom_slips_from_every_confusion_list(corpus: Corpus) -> None:
    found = _checks(corpus, "班子墨守陈规，一如继往地按老办法推进工作。", "typo")
    assert {f.suggestion for f in found} >= {"改为“墨守成规”。", "改为“一如既往”。"}


def test_naming_the_pretext_to_reach_the_root_is_not_blame(corpus: Corpus) -> None:
    head = "一、存在的问题\n（一）工作作风方面\n一是2024年只下乡三次。\n二、原因分析\n"
    tail = "\n三、整改措施\n一是每月下乡两次。"
    root = review(head + "一是表面上看是工作忙，实质是群众观点淡了。" + tail, corpus)
    assert not [f for f in root.findings if f.code == "cause_restates_problem.blames_circumstances"]
    blame = review(head + "一是主要是工作忙、任务重，没有时间下乡。" + tail, corpus)
    assert [f for f in blame.findings if f.code == "cause_restates_problem.blames_circumstances"]


def _codes(corpus: Corpus, text: str) -> list[tuple[str, str]]:
    result = review(text, corpus)
    return [(f.code, result.text[f.start : f.end]) for f in result.findings]


@pytest.mark.parametrize(
    ("text", "slip", "right"),
    [
        ("对群众反映的问题熟视无堵，拖了半年才答复。", "熟视无堵", "熟视无睹"),
        ("遇到矛盾优柔寡短，错过了最佳处置时机。", "优柔寡短", "优柔寡断"),
        ("班子议事没有严格执行民主集中治。", "民主集中治", "民主集中制"),
        ("对分管工作得过切过，标准一降再降。", "得过切过", "得过且过"),
    ],
)
def test_an_idiom_or_fixed_term_one_alike_character_off_is_a_slip(
    corpus: Corpus, text: str, slip: str, right: str
) -> None:
    found = [f for f in review(text, corpus).findings if f.code == "typo.fixed_expression"]
    assert [(text[f.start : f.end], f.suggestion) for f in found] == [(slip, f"改为“{right}”。")]


@pytest.mark.parametrize(
    "text",
    [
        "推进法治建设，完善基层治理。",  # 法治 + 建设: two words, not a slip of 法制建设
        "对它们来说也是一个机会。",  # 说也是一 straddles words: not 说一是一
        "我们现在在研究下一步方案。",  # 现在 + 在: not a doubled 在
        "坚持按部就班推进，久久为功。",  # written right
        "对群众的关心可谓无所不至。",  # an idiom of its own, common enough: not 无所不知
        "各地攻城略地抢项目。",  # 攻城略地 is as common as 攻城掠地
    ],
)
def test_right_words_near_an_idiom_are_not_slips(corpus: Corpus, text: str) -> None:
    assert [c for c in _codes(corpus, text) if c[0].startswith("typo")] == []


def test_a_long_formula_with_a_character_left_out_is_a_slip(corpus: Corpus) -> None:
    codes = _codes(corpus, "坚持用近平新时代中国特色社会主义思想武装头脑。")
    assert ("typo.formula", "近平新时代中国特色社会主义思想") in codes
    right = _codes(corpus, "坚持用习近平新时代中国特色社会主义思想武装头脑。")
    assert [c for c in right if c[0].startswith("typo")] == []


def test_a_fault_before_但_is_not_praise(corpus: Corpus) -> None:
    text = PROBLEM_WRAP.format(
        "一是班子没有从总体上把握分管领域的风险，但却习惯于2023年那样就事论事，"
        "全年3起安全事故都是事后才研究。"
    )
    assert not [c for c in _codes(corpus, text) if c[0].startswith("merit")]


def test_praise_after_an_item_marker_or_a_topic_is_a_praise_opening(corpus: Corpus) -> None:
    for item in (
        "一是虽然能够按时完成上级交办的各项任务，但在2023年防汛中预案演练走了过场。",
        "对分管领域的安全生产检查能够按时开展，但今年5月两处隐患整改没有跟踪到底。",
    ):
        codes = _codes(corpus, PROBLEM_WRAP.format(item))
        assert [c for c in codes if c[0] == "merit_as_problem.merit_opening"], item


def test_an_example_that_only_points_at_某_is_not_concrete(corpus: Corpus) -> None:
    anonymous = PROBLEM_WRAP.format("一是舆情应对迟缓。例如，在某网络热点事件中，回应不及时。")
    named = PROBLEM_WRAP.format("一是舆情应对迟缓。例如，在城南拆迁网帖传播时，回应不及时。")
    assert [c for c in _codes(corpus, anonymous) if c[0] == "no_example.no_concrete"]
    assert not [c for c in _codes(corpus, named) if c[0] == "no_example.no_concrete"]


def test_the_last_item_of_a_paste_cut_short_is_not_judged(corpus: Corpus) -> None:
    cut = PROBLEM_WRAP.format("一是学习不够深入。二是调研走过场，往往")
    whole = PROBLEM_WRAP.format("一是学习不够深入。二是调研走过场，往往浮在面上。")
    assert len([c for c in _codes(corpus, cut) if c[0] == "no_example.no_concrete"]) == 1
    assert len([c for c in _codes(corpus, whole) if c[0] == "no_example.no_concrete"]) == 2


def test_a_hedge_repeated_to_list_what_happened_is_candour(corpus: Corpus) -> None:
    listed = PROBLEM_WRAP.format("一是纪律松弛，2024年有时迟到，有时上班处理私事，有时不请假外出。")
    hedged = PROBLEM_WRAP.format("一是个别时候纪律有所松弛，2024年考勤还有待加强。")
    assert not [c for c in _codes(corpus, listed) if c[0].startswith("soft")]
    assert [c for c in _codes(corpus, hedged) if c[0] == "soft_criticism.hedged"]


def test_a_stock_jingle_is_stock_phrasing(corpus: Corpus) -> None:
    text = PROBLEM_WRAP.format("一是看问题看表面多、看根源少，看现象多、看本质少，停留在表面。")
    assert [c for c in _codes(corpus, text) if c[0] == "stock_phrases.stock"]


def test_a_cause_that_rewords_its_problem_is_a_restatement(corpus: Corpus) -> None:
    text = (
        "一、存在的问题\n（一）工作作风方面\n一是下基层少。2024年我只到城南社区调研过2次，"
        "听汇报多、进农户少。\n二、原因分析\n一是之所以调研少，是因为到城南社区调研次数少，"
        "听汇报多、进农户少。\n三、整改措施\n一是2025年起每月到城南社区调研1次。"
    )
    assert [c for c in _codes(corpus, text) if c[0] == "cause_restates_problem.restates"]


def test_a_meeting_report_or_an_article_is_checked_for_typos_only(corpus: Corpus) -> None:
    report = (
        "2024年12月20日下午，城关镇党委召开年度民主生活会。会议指出，一是理论学习不够深入，"
        "二是调查研究不够扎实，要以一如继往的干劲抓好整改。"
    )
    result = review(report, corpus)
    assert [f.code for f in result.findings] == ["typo.confusion"]
    assert result.verdict is None
    assert any("会议报道" in n for n in result.notes)
    article = "关于机关理论学习情况的调研报告\n一是学习不够深入。二是学用结合不够紧密。"
    assert review(article, corpus).findings == ()
    draft = "一、存在的问题\n（一）工作方面\n一是学习不够深入。二是学用结合不够紧密。"
    assert review(draft, corpus).notes == ()


def test_two_stock_phrases_carry_a_sentence_that_names_nothing(corpus: Corpus) -> None:
    two = "一是存在畏难情绪，调查研究不够深入，下去的时候看得少听得少。"  # about 47 % stock
    one = "一是调查研究不够深入，下去看得少。"  # about 47 % stock, one phrase
    anchored = "一是存在畏难情绪，调查研究不够深入，2024年只下去过2次。"
    assert [c for c in _codes(corpus, two) if c[0] == "stock_phrases.stock"]
    assert not [c for c in _codes(corpus, one) if c[0] == "stock_phrases.stock"]
    assert not [c for c in _codes(corpus, anchored) if c[0] == "stock_phrases.stock"]


def test_an_outline_of_headings_is_not_judged_as_problems_or_measures(corpus: Corpus) -> None:
    outline = (
        "个人对照检查材料\n一、存在的问题\n（一）接待群众态度生硬\n（二）办件效率不高\n"
        "二、原因分析\n（一）宗旨意识淡化\n三、整改措施\n（一）提高办件效率\n（二）加强业务培训，提升服务水平\n"
    )
    codes = [c[0] for c in _codes(corpus, outline)]
    assert "no_example.no_concrete" not in codes
    assert "vague_measure.vague" not in codes


@pytest.mark.parametrize(
    "text",
    [
        "对照“五问”自查：一问责任心强不强，二问工作激情高不高。",  # a numeral joins any character
        "我努力增强四种意识：一是责任意识，二是表率意识。",  # one's own list, not 四个意识
        "要把重要条件和主要矛盾分析清楚。",  # 重要 + 条件, not 充要条件
        "深入开展不忘初心牢记使命主题教育。",  # the formula without its 、 is the same formula
    ],
)
def test_numbers_lists_and_two_words_are_not_slips(corpus: Corpus, text: str) -> None:
    assert [c for c in _codes(corpus, text) if c[0].startswith("typo")] == []


def test_a_paste_that_starts_inside_a_quote_has_no_unmatched_quote(corpus: Corpus) -> None:
    text = "抓不好党建是不称职”的要求，2024年我带头讲党课3次。\n他说“好”。"
    assert [c for c in _codes(corpus, text) if c[0] == "typo.quotes"] == []
    later = "2024年我带头讲党课3次。\n抓不好党建是不称职”的要求。"
    assert [c for c in _codes(corpus, later) if c[0] == "typo.quotes"]


def test_the_cause_section_is_judged_as_a_whole_for_roots(corpus: Corpus) -> None:
    head = "个人对照检查材料\n一、存在的问题\n（一）工作作风方面\n一是2024年我只下乡3次。\n二、原因分析\n"
    tail = "\n三、整改措施\n一是2025年起每月下乡2次。"
    lead = "除了客观上人手少以外，更多要从主观上找原因：我把下乡当成可去可不去的事。"
    shallow = "一是下乡的时间被会议挤占了，日程安排得不够合理。"
    codes = [c[0] for c in _codes(corpus, head + lead + tail)]
    assert "cause_restates_problem.no_root_cause" not in codes
    assert "cause_restates_problem.no_root_cause" in [
        c[0] for c in _codes(corpus, head + shallow + tail)
    ]


def test_both_subjective_and_objective_causes_are_not_blame(corpus: Corpus) -> None:
    head = "个人对照检查材料\n一、存在的问题\n（一）理论学习方面\n一是2024年我只读了2本原著。\n二、原因分析\n"
    tail = "\n三、整改措施\n一是2025年读完5本原著。"
    both = "一是没有从产生的历史背景等主客观原因方面深入学习。"
    codes = [c[0] for c in _codes(corpus, head + both + tail)]
    assert "cause_restates_problem.blames_circumstances" not in codes


@pytest.mark.parametrize(
    "text",
    [
        "深入学习贯彻习近平新时代中国特色社会主义思想。",  # 学习贯彻 holds 习贯
        "不愿做为民服务的实践者。",  # 做 + 为民服务 holds 做为
    ],
)
def test_a_listed_slip_is_not_read_across_a_dictionary_word(corpus: Corpus, text: str) -> None:
    assert [c for c in _codes(corpus, text) if c[0].startswith("typo")] == []


def test_counting_the_people_who_erred_is_not_hedging(corpus: Corpus) -> None:
    counted = PROBLEM_WRAP.format(
        "一是我搞好人主义，2024年个别干部值班脱岗，少数村官请假太多，我都没有批评。"
    )
    hedged = PROBLEM_WRAP.format("一是个别干部的作风有所松散，2024年纪律还有待加强。")
    assert not [c for c in _codes(corpus, counted) if c[0].startswith("soft")]
    assert [c for c in _codes(corpus, hedged) if c[0] == "soft_criticism.hedged"]


def test_a_traditional_form_in_an_idiom_is_not_an_idiom_slip(corpus: Corpus) -> None:
    text = "有的幹部熱衷於封妻蔭子，對家屬要求不嚴。"
    assert [c for c in _codes(corpus, text) if c[0] == "typo.fixed_expression"] == []


def test_a_measure_written_as_a_heading_pair_is_not_judged_vague(corpus: Corpus) -> None:
    outline = PROBLEM_WRAP.format("一是2024年我只下乡3次。") + (
        "\n二、原因分析\n一是宗旨意识淡化。\n三、整改措施\n（一）强化理论武装，筑牢政治忠诚。\n"
        "（二）锤炼党性修养，强化责任担当。"
    )
    sentence = outline.replace(
        "强化理论武装，筑牢政治忠诚。", "进一步加强理论学习，不断提高政治素质。"
    )
    assert "vague_measure.vague" not in [c[0] for c in _codes(corpus, outline)]
    assert "vague_measure.vague" in [c[0] for c in _codes(corpus, sentence)]


@pytest.mark.parametrize(
    ("text", "twice"),
    [("有时用公款用公款请客。", "用公款用公款"), ("办公楼围墙问题问题至今没有解决。", "问题问题")],
)
def test_words_written_twice_are_a_slip(corpus: Corpus, text: str, twice: str) -> None:
    assert ("typo.doubled", twice) in _codes(corpus, text)


@pytest.mark.parametrize(
    "text", ["大家研究研究再定。", "学习学习再学习。", "认认真真、实实在在地干。"]
)
def test_a_doubled_verb_or_an_aabb_word_is_not_a_slip(corpus: Corpus, text: str) -> None:
    assert [c for c in _codes(corpus, text) if c[0] == "typo.doubled"] == []


def test_getting_an_explanation_is_not_an_achievement(corpus: Corpus) -> None:
    own = PROBLEM_WRAP.format("一是我查阅资料后得到了这样的解释，却没有用到2024年的工作中。")
    praise = PROBLEM_WRAP.format("一是分管工作得到了上级肯定，但2024年我调研只有3次。")
    assert not [c for c in _codes(corpus, own) if c[0].startswith("merit")]
    assert [c for c in _codes(corpus, praise) if c[0] == "merit_as_problem.praise"]


def test_a_table_of_contents_has_no_shallow_cause(corpus: Corpus) -> None:
    contents = (
        "个人对照检查材料\n一、存在的问题\n（一）案例查摆\n二、原因分析\n（一）案例原因剖析\n"
        "（二）对照案例查摆自身差距\n三、整改措施\n（一）立行立改事项"
    )
    assert "cause_restates_problem.no_root_cause" not in [c[0] for c in _codes(corpus, contents)]


@pytest.mark.parametrize(
    "text",
    [
        "对分管领域发展的思考不深，满足于完成上级交办的任务。",  # 的思考 in a draft's own line
        "3月12日召开的党委会上，我对城南项目的风险没有表态，会后也没有跟进。",  # I, at a meeting
    ],
)
def test_a_draft_is_never_taken_for_a_report_or_an_article(corpus: Corpus, text: str) -> None:
    assert review(text, corpus).notes == ()


def test_a_problem_that_starts_like_a_measure_is_read_as_a_problem(corpus: Corpus) -> None:
    text = "一是规范意识不强，对制度执行打折扣，工作中有时存在一定程度的随意性。"
    codes = [c[0] for c in _codes(corpus, text)]
    assert "vague_measure.vague" not in codes and "no_example.no_concrete" in codes


def test_a_signature_or_date_after_the_last_measure_does_not_hide_it(corpus: Corpus) -> None:
    draft = PROBLEM_WRAP.format("一是2024年我只下乡3次。") + (
        "\n二、原因分析\n一是宗旨意识淡化。\n三、整改措施\n一是进一步加强学习，不断提高思想认识。"
    )
    signed = draft + "\n张三\n2024年1月10日"
    assert "vague_measure.vague" in [c[0] for c in _codes(corpus, signed)]


@pytest.mark.parametrize(
    ("text", "slip"),
    [
        ("要认真布署", "布署"),
        ("要增强“四各意识”。", "四各意识"),
        ("存在的问题问题问题很多。", "问题问题"),
    ],
)
def test_slips_at_the_end_or_in_a_formula_are_found_once(
    corpus: Corpus, text: str, slip: str
) -> None:
    typos = [c for c in _codes(corpus, text) if c[0].startswith("typo")]
    assert len(typos) == 1 and slip in typos[0][1]


def test_an_example_at_某次座谈会_is_anonymous(corpus: Corpus) -> None:
    text = PROBLEM_WRAP.format("一是调研不深入，在某次座谈会上发言照本宣科，没有提出意见。")
    assert "no_example.no_concrete" in [c[0] for c in _codes(corpus, text)]


def test_a_very_long_sentence_with_many_concessions_is_reviewed(corpus: Corpus) -> None:
    text = "一是" + "，虽然学习" * 4000 + "，但不够深入。"  # 20,000 characters in one sentence
    assert review(text, corpus).text
