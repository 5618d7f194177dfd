"""Near-duplicate matching: edited copies are found, unrelated text is not."""

from __future__ import annotations

import itertools
import json
import random
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rapidfuzz import fuzz

from core import Corpus, review
from core.index import NgramIndex
from core.matching import (
    FRAGMENT_MIN_CHARS,
    FRAGMENT_THRESHOLD,
    MIN_KEY_CHARS,
    THRESHOLD,
    similarity,
)
from core.models import Match
from core.text import normalize, unfolded

DATA = Path(__file__).parent / "data"
SOURCE = "000_4429b7620e03c467.txt"
# A sentence of seed 000 with five comma-separated clauses.
ORIGINAL = "班子成员思想不够解放，工作按部就班、因循守旧、求稳怕变。"
LONG = "对解决制约事业改革发展的瓶颈问题办法不多，思维方式上还习惯于凭经验考虑问题，对工作改革思考不深，主动思考、主动改革、主动改进的意识还不够强烈。"


def _only_match(corpus: Corpus, draft: str):
    result = review(draft, corpus)
    assert len(result.matches) == 1, result.matches
    match = result.matches[0]
    return result, match


def test_verbatim_copy_is_found_with_source_and_span(corpus: Corpus) -> None:
    draft = f"今年我们查找了一些问题。{LONG}我会认真整改。"
    result, match = _only_match(corpus, draft)
    assert result.text[match.start : match.end] == LONG
    assert match.source == SOURCE
    assert match.score == 100.0
    assert LONG in match.source_text


@pytest.mark.parametrize(
    "edited",
    [
        LONG.replace("瓶颈问题", "瓶颈难题").replace("凭经验", "靠经验"),  # characters changed
        LONG.replace("思维方式上", "思维方式上也"),  # inserted
        LONG.replace("还不够强烈", "不够强烈"),  # deleted
    ],
)
def test_lightly_edited_copies_are_found(corpus: Corpus, edited: str) -> None:
    _, match = _only_match(corpus, edited)
    assert match.source == SOURCE
    assert THRESHOLD <= match.score < 100


def test_reordered_clauses_are_found(corpus: Corpus) -> None:
    clauses = LONG.rstrip("。").split("，")
    reordered = "，".join([clauses[2], clauses[0], clauses[3], clauses[1]]) + "。"
    _, match = _only_match(corpus, reordered)
    assert match.source == SOURCE
    assert match.score >= 90


def test_a_clause_lifted_into_new_text_is_found_as_that_clause(corpus: Corpus) -> None:
    lifted = "思维方式上还习惯于凭经验考虑问题"
    draft = f"今年三月牵头推进老旧小区改造时，我{lifted}，没有提前征求住户意见，导致两个小区返工。"
    result, match = _only_match(corpus, draft)
    assert match.kind == "clause"
    assert lifted in result.text[match.start : match.end]
    assert match.end - match.start < 25  # the clause, not the whole new sentence
    assert match.source == SOURCE


def test_unrelated_and_original_text_has_no_matches(corpus: Corpus) -> None:
    paragraphs = json.loads((DATA / "dimension_paragraphs.json").read_text(encoding="utf-8"))
    for texts in paragraphs.values():
        for text in texts:
            assert review(text, corpus).matches == (), text


def test_headings_and_stock_one_liners_are_not_reported(corpus: Corpus) -> None:
    draft = "现将对照检查情况汇报如下：\n一、存在的问题\n（一）“理论学习”方面。\n二、原因分析\n三、整改措施和努力方向"
    result = review(draft, corpus)
    assert result.matches == ()
    assert result.duplicate_ratio == 0.0


def test_duplicate_ratio_counts_copied_characters_but_never_redactions(corpus: Corpus) -> None:
    copied = "对解决制约事业改革发展的瓶颈问题办法不多，思维方式上还习惯于凭经验考虑问题。"
    plain = review(copied, corpus)
    assert plain.duplicate_ratio == 1.0
    redacted = review("****" + copied, corpus)
    assert redacted.duplicate_ratio == 1.0  # the redaction is neither copied nor original text
    half = review(
        copied + "我在今年九月的专项检查中发现三个部门台账造假，却只做了口头批评。", corpus
    )
    assert 0.4 < half.duplicate_ratio < 0.7


def test_matches_are_ordered_and_disjoint(corpus: Corpus, sample_draft: str) -> None:
    result = review(sample_draft, corpus)
    spans = [(m.start, m.end) for m in result.matches]
    assert spans == sorted(spans)
    assert all(a[1] <= b[0] for a, b in itertools.pairwise(spans))


def _corpus_sentences(corpus: Corpus) -> list[str]:
    return [text for _, text in corpus.index.sentences()]


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.data())
def test_a_verbatim_corpus_sentence_matches_itself(corpus: Corpus, data: st.DataObject) -> None:
    sentences = [
        s for s in _corpus_sentences(corpus) if len(s) >= 2 * MIN_KEY_CHARS and "*" not in s
    ]
    sentence = data.draw(st.sampled_from(sentences))
    result = review(sentence, corpus)
    assert result.matches, sentence
    assert result.matches[0].score >= 99


def test_index_candidates_agree_with_an_exhaustive_scan(corpus: Corpus) -> None:
    """Whatever a scan of every sentence finds above the threshold, the index also offers —
    for the corpus's own sentences and for lightly edited copies of them."""
    [segment] = corpus.index.segments
    index = segment.ngrams
    keys = [index.key(i) for i in range(len(index))]
    queries = [keys[i] for i in range(0, len(keys), 5)]
    queries += [k[:3] + "的" + k[4:] for k in queries if len(k) > 20]
    offered, _ = index.candidates(queries, limit=len(keys))
    for query, candidates in zip(queries, offered, strict=True):
        exhaustive = {i for i, k in enumerate(keys) if similarity(query, k) >= THRESHOLD}
        assert exhaustive <= set(candidates.tolist()), query


def test_ngram_index_on_its_own() -> None:
    index = NgramIndex.build(("学习不够深入", "作风不够扎实", "廉洁 自律"))
    found, cut = index.candidates(["学习不深入", "", "洁自", "作风扎实"])
    assert not cut.any()
    assert [f.tolist() for f in found] == [[0], [], [], [1]]  # 洁自 spans a clause break
    assert [index.key(i) for i in range(3)] == ["学习不够深入", "作风不够扎实", "廉洁 自律"]
    assert NgramIndex.build(()).candidates(["学习"])[0][0].tolist() == []


def test_deep_candidates_find_a_rare_combination_of_common_clauses() -> None:
    """Thousands of keys share each clause; one key has both. A tight budget cuts the posting
    lists short, and the deep look still finds that key."""
    keys = [f"甲乙丙丁戊 {i:05d}" for i in range(3000)] + [
        f"{i:05d} 子丑寅卯辰" for i in range(3000)
    ]
    keys.append("甲乙丙丁戊 子丑寅卯辰")
    index = NgramIndex.build(keys)
    [shallow], cut = index.candidates(["甲乙丙丁戊 子丑寅卯辰"], budget=500)
    assert cut[0] and len(keys) - 1 not in shallow.tolist()
    assert index.deep_candidates("甲乙丙丁戊 子丑寅卯辰")[0] == len(keys) - 1


def test_official_formulas_are_not_copies(corpus: Corpus) -> None:
    assert review("深刻领悟“两个确立”的决定性意义。", corpus).matches == ()


def test_a_sentence_behind_a_bare_numbered_marker_is_still_matched(corpus: Corpus) -> None:
    result = review(f"（一）{LONG}", corpus)
    assert len(result.matches) == 1 and result.matches[0].source == SOURCE


def _exhaustive_matches(text: str, corpus: Corpus) -> list[tuple[int, int, float]]:
    """The same matching rules, scoring the draft against every corpus sentence and clause."""
    from core.matching import (
        CLAUSE_MARGIN,
        FRAGMENT_MIN_CHARS,
        _merge_adjacent,
        key_length,
        sentence_key,
    )
    from core.models import Match
    from core.structure import parse
    from core.text import compare_key, normalize

    doc = parse(normalize(text), corpus.catalogue.get("2023"))
    [segment] = corpus.index.segments
    rows = [(r, segment.ngrams.key(r)) for r in range(len(segment))]
    found = []
    for sentence in doc.sentences:
        key = sentence_key(doc.text, sentence)
        scores = (
            [(similarity(key, k), r) for r, k in rows if not segment.is_stock(k)]
            if key_length(key) >= MIN_KEY_CHARS
            else []
        )
        best = max(scores, default=(0.0, -1))
        if best[0] >= THRESHOLD:
            found.append(
                (
                    Match(sentence.start, sentence.end, round(best[0], 1), "", "", "sentence"),
                    (0, best[1]),
                )
            )
            continue
        long_enough = key_length(key) >= FRAGMENT_MIN_CHARS
        for clause in sentence.clauses if len(sentence.clauses) > 1 or long_enough else ():
            ckey = compare_key(doc.text[clause.start : clause.end])
            if len(ckey) < MIN_KEY_CHARS:
                continue
            options = [(*_clause_score(ckey, k, segment), r) for r, k in rows]
            best = max(((s, r) for s, stock, r in options if not stock), default=(0.0, -1))
            if best[0] >= THRESHOLD + CLAUSE_MARGIN:
                found.append(
                    (
                        Match(clause.start, clause.end, round(best[0], 1), "", "", "clause"),
                        (0, best[1]),
                    )
                )
    return [(m.start, m.end, m.score) for m in _merge_adjacent(doc.text, found)]


def _clause_score(ckey: str, key: str, segment: object) -> tuple[float, bool]:
    """A draft clause against one corpus sentence: its best clause, or (long enough, and no
    clause close) the best window of the whole sentence — the product's rules, written out."""
    best, stock = max((fuzz.ratio(ckey, c), segment.is_stock(c)) for c in key.split(" "))  # type: ignore[attr-defined]
    whole = key.replace(" ", "")
    if len(ckey) >= FRAGMENT_MIN_CHARS and len(whole) > len(ckey) and best < FRAGMENT_THRESHOLD:
        window = fuzz.partial_ratio(unfolded(ckey), unfolded(whole))
        if window >= FRAGMENT_THRESHOLD and window > best:
            return window, segment.is_stock(ckey)  # type: ignore[attr-defined]
    return best, stock


def _drafts(corpus: Corpus, count: int) -> list[str]:
    rng = random.Random(5)
    sentences = [t for _, t in corpus.index.sentences() if len(t) > 25]
    drafts = []
    for _ in range(count):
        parts = []
        for sentence in rng.sample(sentences, 4):
            chars = list(sentence)
            kind = rng.choice(["edit", "reorder", "lift", "novel"])
            if kind == "edit":
                for _ in range(max(1, len(chars) // 25)):
                    chars[rng.randrange(len(chars) - 1)] = rng.choice("的了是在和有")
                parts.append("".join(chars))
            elif kind == "reorder":
                clauses = sentence.rstrip("。").split("，")
                rng.shuffle(clauses)
                parts.append("，".join(clauses) + "。")
            elif kind == "lift":
                clause = max(sentence.rstrip("。").split("，"), key=len)
                parts.append(f"今年三月我在城南调研时发现，{clause}，群众意见很大。")
            else:
                parts.append("".join(rng.sample(sentence, len(sentence))) + "。")
        drafts.append("".join(parts))
    return drafts


def test_index_finds_the_same_matches_as_an_exhaustive_scan(corpus: Corpus) -> None:
    for draft in _drafts(corpus, 25):
        fast = [(m.start, m.end, m.score) for m in review(draft, corpus).matches]
        assert fast == _exhaustive_matches(draft, corpus), draft


# A corpus of our own with long sentences, so a fragment can lie inside one clause of it.
_LONG_SOURCE = (
    "我对水源地保护区内违规养殖场长期存在的清理整治不彻底问题态度不坚决，"
    "先后三次召开协调会都没有拿出明确的关停时间表，致使下游两个乡镇的水质监测数据连续四个月超标。"
)
_OTHER_SOURCE = (
    "在分管的城市更新工作中，我满足于听取汇报和翻阅台账，很少到拆迁安置现场了解群众的实际困难。"
)


def _own_index() -> tuple[object, object]:
    from core.matching import build_match_index
    from core.schemes import load_scheme
    from core.structure import parse

    scheme = load_scheme("2023")
    docs = [("水源地.txt", _LONG_SOURCE), ("城市更新.txt", _OTHER_SOURCE)]
    return build_match_index([(n, parse(normalize(t), scheme)) for n, t in docs]), scheme


def _found(draft: str) -> list[Match]:
    from core.matching import find_matches
    from core.structure import parse

    index, scheme = _own_index()
    return list(find_matches(parse(normalize(draft), scheme), index))  # type: ignore[arg-type]


def test_a_fragment_lifted_out_of_a_longer_clause_is_found_with_its_source_part() -> None:
    lifted = "水源地保护区内违规养殖场长期存在"
    draft = f"今年汛前检查时，{lifted}，乡里没有上报，我也没有追问到底。"
    [match] = _found(draft)
    assert match.kind == "fragment" and match.source == "水源地.txt"
    assert normalize(draft)[match.start : match.end].startswith(lifted)
    assert match.source_part.startswith("水源地保护区内违规养殖场长期存在")
    assert len(match.source_part) < len(match.source_text) / 2
    # A lightly edited fragment, standing as its own sentence, is found too.
    [edited] = _found("先后三次召开协调会都未拿出明确的关停时间表。此后我调整了分工。")
    assert edited.kind in ("fragment", "clause") and edited.source == "水源地.txt"


def test_short_or_common_stretches_inside_long_sentences_are_not_fragments() -> None:
    assert _found("我们对这个问题态度不坚决，今后要改。") == []  # 7 shared characters
    novel = (
        "今年我到东关街道调研老旧电梯加装，了解到居民对施工噪声和分摊费用意见较大，"
        "我当场协调物业公司调整了施工时段。"
    )
    assert _found(novel) == []


class _Shared:
    """A lookup holding one sentence outside the index (as a shared database would)."""

    def __init__(self, text: str) -> None:
        from core.matching import SourceSentence
        from core.text import spaced_key

        self.sentence = SourceSentence("shared/新增.txt", text, spaced_key(text))
        self.asked: list[str] = []

    def candidates(self, keys, *, limit):  # type: ignore[no-untyped-def]
        self.asked += keys
        return [[self.sentence] for _ in keys]


def test_sentences_from_a_lookup_are_verified_like_the_index_s(corpus: Corpus) -> None:
    added = "我对分管领域的安全生产隐患排查停留在看台账、听汇报，去年全年只到企业现场检查过两次。"
    shared = _Shared(added)
    draft = "一是" + added.replace("两次", "三次") + "今后每月至少到现场一次。"
    [match] = review(draft, corpus, lookup=shared).matches
    assert match.source == "shared/新增.txt" and match.source_text == added
    assert shared.asked  # the lookup was asked
    # A candidate that does not verify is not reported.
    assert (
        review("今年我到东关街道调研了老旧电梯加装的推进情况。", corpus, lookup=shared).matches
        == ()
    )


def test_a_light_rewrite_is_reported_as_a_rewrite_never_as_a_copy(corpus: Corpus) -> None:
    """A corpus sentence with words swapped for near-synonyms and its glue reworded keeps its
    content in order: a rewrite, with its score; the sentence itself stays a copy."""
    [source] = [s for _, s in corpus.index.sentences() if "凭经验考虑问题" in s]
    reworded = (
        source.replace("习惯于", "满足于")
        .replace("工作", "业务")
        .replace("思考不深", "研究不深")
        .replace("主动", "积极")
        .replace("意识", "观念")
        .replace("不够强烈", "不足")
    )
    assert fuzz.ratio(source, reworded) < THRESHOLD  # no copy by its characters
    [match] = review(reworded, corpus).matches
    assert match.kind == "rewrite" and match.score >= 80 and match.source_text == source
    [copy] = review(source, corpus).matches
    assert copy.kind == "sentence"


def test_novel_text_in_the_genre_s_words_is_no_rewrite(corpus: Corpus) -> None:
    """Sentences of our own that use the genre's common words (加强、不够、深入、落实…) are not
    rewrites of anything."""
    own = (
        "一是加强理论学习不够深入，今年只参加了三次中心组学习，没有结合分管的交通工作写心得。"
        "二是落实整改措施不够有力，去年巡察反馈的两个问题到年底仍未销号。"
        "三是联系基层群众不够经常，全年到包联村走访四次，对村里道路硬化的诉求没有跟进解决。"
    )
    assert [m for m in review(own, corpus).matches if m.kind == "rewrite"] == []


def test_a_draft_s_title_is_not_a_copy_of_other_titles(corpus: Corpus) -> None:
    [title] = [s for _, s in corpus.index.sentences() if s.endswith("对照检查材料")][:1]
    body = "一是理论学习不够系统，去年只读完两本原著，没有形成读书笔记。"
    result = review(f"{title}\n{body}", corpus)
    assert all(m.start >= len(title) for m in result.matches)
    assert review(title, corpus).matches  # the same line pasted alone is what is checked
