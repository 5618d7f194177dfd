"""Checks on the frame: causes that restate problems, vague measures, and structure."""

from __future__ import annotations

from rapidfuzz import fuzz, process

from core.checks.context import CheckContext, finding, quote
from core.models import Finding, Sentence, Span
from core.text import compare_key, counted_chars

RESTATE_RATIO = 72.0  # a cause sentence this close to a problem sentence repeats it
ANSWER_SCORE = 30.0  # generous: a wrong "no measure answers this" costs more than a miss
MISFILED_SCORE = 50.0  # the aspect a misfiled block reads as must be plainly present
MIN_KEY = 10
_SECTION_NAMES = {"problem": "存在的问题", "cause": "原因分析", "measure": "整改措施"}


def cause_restates_problem(ctx: CheckContext) -> list[Finding]:
    """Causes that repeat the problems, blame circumstances, or never reach a root cause."""
    problems = [(compare_key(ctx.text[s.start : s.end]), s) for s in ctx.sentences("problem")]
    problems = [(k, s) for k, s in problems if len(k) >= MIN_KEY]
    keys = [k for k, _ in problems]
    problem_words = [(set(ctx.analysis.words_in(span)), span) for _, span in ctx.units("problem")]
    out: list[Finding] = []
    for sentence in ctx.sentences("cause"):
        text = ctx.text[sentence.start : sentence.end]
        key = compare_key(text)
        twin = (
            process.extractOne(key, keys, scorer=fuzz.ratio, score_cutoff=RESTATE_RATIO)
            if len(key) >= MIN_KEY
            else None
        )
        echo = None if twin is not None else _echoed(ctx, sentence, problem_words)
        if twin is not None or echo is not None:
            problem: Span | Sentence | None = problems[twin[2]][1] if twin is not None else echo
            assert problem is not None
            problem_text = ctx.text[problem.start : problem.end]
            out.append(
                finding(
                    sentence,
                    "cause_restates_problem",
                    "high",
                    f"这条原因几乎重复了问题部分的“{quote(problem_text)}”，没有分析为什么。",
                    "追问一层：是理想信念、党性修养、宗旨意识还是政绩观出了偏差？写出思想上的根子。",
                    code="restates",
                )
            )
        elif (
            (blame := ctx.vocab.blame.search(text))
            and not _names_a_root(ctx, text)
            and not _confessed(ctx, text, blame.start(), blame.end())
            and "主观" not in text[blame.end() :]  # 客观上……，但是在主观上……: the writer owns it
            and text[max(0, blame.start() - 1) : blame.start()] != "主"  # 主客观原因: both
        ):
            # 表面上看是工作忙，实质是群众观点淡了: naming the pretext to reach the root is right
            out.append(
                finding(
                    sentence,
                    "cause_restates_problem",
                    "medium",
                    f"把原因归于客观（“{blame.group()}”），回避了主观责任。",
                    "从主观上找原因，例如“对理论学习重要性认识不足，把学习当软任务”。",
                    code="blames_circumstances",
                )
            )
    return out + _shallow_causes(ctx)


ECHO_SHARE = 0.6  # a cause this much made of one problem's words, naming no root, repeats it
ECHO_WORDS = 3


def _echoed(
    ctx: CheckContext, cause: Sentence, problems: list[tuple[set[str], Span]]
) -> Span | None:
    """The problem item a cause merely re-words (之所以调研不深入，是因为下基层少): most of its
    words come from that one item and it names no root (理想信念、宗旨意识…)."""
    text = ctx.text[cause.start : cause.end]
    words = set(ctx.analysis.words_in(Span(cause.start, cause.end)))
    if len(words) < ECHO_WORDS or _names_a_root(ctx, text):
        return None
    best = max(problems, key=lambda p: len(words & p[0]), default=None)
    if best is None or len(words & best[0]) < max(ECHO_WORDS, ECHO_SHARE * len(words)):
        return None
    return best[1]


PRETEXT_REACH = 6  # characters around a circumstance in which 强调…/…为由 makes it a pretext


def _confessed(ctx: CheckContext, text: str, start: int, end: int) -> bool:
    """客观上强调工作忙 / 以任务重为由: the writer owns up to using the circumstance as an excuse,
    which is the self-criticism asked for, not blame."""
    around = text[max(0, start - PRETEXT_REACH) : end + PRETEXT_REACH]
    return bool(ctx.vocab.pretexts.search(around))


def _names_a_root(ctx: CheckContext, text: str) -> bool:
    """A root cause named in its own words (群众观点淡了), not just the word 根源 announcing one."""
    markers = ctx.vocab.cause_markers
    return any(m.group() not in markers for m in ctx.vocab.root_causes.finditer(text))


def _shallow_causes(ctx: CheckContext) -> list[Finding]:
    """A cause section that never reaches the writer's thinking. The section is judged as a
    whole: its lead-in may name the circumstances first and its items the roots."""
    if not ctx.is_whole_draft:
        return []  # a pasted paragraph guessed to be a cause is too thin to judge its depth
    blocks = [b for i, b in enumerate(ctx.doc.blocks) if ctx.sections[i] == "cause"]
    if not blocks:
        return []
    body = "".join(ctx.text[b.start : b.end] for b in blocks)
    if counted_chars(body) < 20 or ctx.vocab.root_causes.search(body) or "主观" in body:
        return []
    if not any(mark in body for mark in "。；！？"):
        return []  # headings only (a table of contents, an outline): nothing to judge yet
    return [
        finding(
            ctx.first_sentence(blocks[0].body),
            "cause_restates_problem",
            "medium",
            "这部分原因停留在表面，没有触及思想根源。",
            "用理想信念、党性修养、宗旨意识、政绩观、纪律意识等角度剖析根源。",
            code="no_root_cause",
        )
    ]


def vague_measure(ctx: CheckContext) -> list[Finding]:
    """Measures without action, target, deadline or quantity; problems no measure answers."""
    out = []
    vocab = ctx.vocab
    for _, whole in ctx.units("measure"):
        unit = ctx.without_signature(whole)
        text = ctx.text[unit.start : unit.end]
        if counted_chars(text) < 8 or ctx.unfinished(unit):
            continue
        if ctx.outline_line(unit) or ctx.heading_pair(unit):
            continue
        first = ctx.first_sentence(unit)
        if not vocab.measure_words.search(ctx.text[first.start : first.end]):
            continue  # no 要、将、加强、进一步…: a label (二是避实就虚式), not a measure to judge
        if not (
            vocab.deadlines.search(text)
            or vocab.quantities.search(text)
            or vocab.concrete_actions.search(text)
        ):
            out.append(
                finding(
                    ctx.first_sentence(unit),
                    "vague_measure",
                    "medium",
                    "这条措施空泛：没有具体动作、目标、时限或数量，无法检验是否做到。",
                    "写成可检查的事项，例如“2024年3月底前制定学习计划，每月开展一次专题研讨”。",
                    code="vague",
                )
            )
    return out + _unanswered(ctx)


def measure_answers(ctx: CheckContext) -> list[set[str]]:
    """For each measure block, the dimensions it answers: the aspect its heading names (in this
    genre a measure's heading names its target), and each of its items' own aspect and any
    aspect an item scores strongly on. Worked out once per draft (the check and the verdict's
    coverage both read it)."""
    return ctx.once("measure_answers", lambda: _measure_answers(ctx))


def _measure_answers(ctx: CheckContext) -> list[set[str]]:
    answers = []
    problems = _problem_words(ctx)
    for i, block in enumerate(ctx.doc.blocks):
        if ctx.sections[i] != "measure":
            continue
        found = {block.heading_dimension} if block.heading_dimension else set()
        topic = ctx.analysis.heading_topics[i]  # （二）持之以恒锤炼党性、改进作风。 names its aim
        found |= {topic} if topic else set()
        for unit in ctx.units_by_block[i]:
            found |= {unit.dimension} if unit.dimension else set()
            found |= {s.dimension for s in unit.scores if s.score >= ANSWER_SCORE}
            words = _specific_words(ctx, unit.span)
            found |= {d for d, theirs in problems if len(words & theirs) >= SHARED_WORDS}
        answers.append(found)
    return answers


SHARED_WORDS = 2  # specific words a measure shares with a problem to answer it
SPECIFIC = 3000  # jieba frequency below which a word names something (安置, 办证, 管线)


def _problem_words(ctx: CheckContext) -> list[tuple[str, frozenset[str]]]:
    """Each problem unit's aspect and specific words: a measure that names the same things
    (城西安置小区、办证) answers it, whatever words its aspect is scored by."""
    out = []
    for i, span in ctx.units("problem"):
        block = ctx.blocks[i]
        dimension = block.heading_dimension or block.dimension
        if dimension:
            out.append((dimension, _specific_words(ctx, span)))
    return out


def _specific_words(ctx: CheckContext, span: Span) -> frozenset[str]:
    return frozenset(
        w for w in ctx.analysis.words_in(span) if ctx.tokenizer.frequency(w) < SPECIFIC
    )


def _unanswered(ctx: CheckContext) -> list[Finding]:
    """A problem dimension for which no measure block speaks (its heading counts: in this
    genre a measure's heading names what it answers)."""
    measures = [b for i, b in enumerate(ctx.doc.blocks) if ctx.sections[i] == "measure"]
    if not measures or not ctx.is_whole_draft or not ctx.frame_known:
        return []
    answered = set().union(*measure_answers(ctx))
    raised = [b.heading_dimension or b.dimension for b in ctx.blocks if b.section == "problem"]
    missing = [d for d in ctx.scheme.names if d in raised and d not in answered]
    if not missing:
        return []
    names = "、".join(f"“{d}”" for d in missing)
    return [
        finding(
            measures[0].heading or ctx.first_sentence(measures[0].body),
            "vague_measure",
            "medium",
            f"{names}方面查摆了问题，但整改措施里没有对应的措施。",
            "为每个查摆出的问题写一条对应措施，做到问题、原因、措施一一对应。",
            code="unanswered",
            figures={"aspects": len(missing)},
        )
    ]


def structure(ctx: CheckContext) -> list[Finding]:
    """Missing sections or dimensions, thin problems, misfiled blocks, paragraphs used twice."""
    if not ctx.is_whole_draft:
        return []
    # Only a whole material can lack a part or an aspect, or give them the wrong weight.
    whole = (
        _missing_sections(ctx) + _missing_dimensions(ctx) + _balance(ctx) if ctx.complete else []
    )
    return whole + _misfiled(ctx) + _repeated(ctx)


def _opening(ctx: CheckContext) -> Span:
    first_line = ctx.text.split("\n", 1)[0]
    return Span(0, max(1, len(first_line)))


def _missing_sections(ctx: CheckContext) -> list[Finding]:
    present = {b.section for b in ctx.doc.blocks}
    missing = [k for k in ("problem", "cause", "measure") if k not in present]
    if not missing:
        return []
    names = "、".join(f"“{_SECTION_NAMES[k]}”" for k in missing)
    return [
        finding(
            _opening(ctx),
            "structure",
            "high",
            f"材料缺少{names}部分。",
            "按“存在的问题—原因分析—整改措施”三部分成文。",
            code="missing_sections",
            figures={"sections": len(missing)},
        )
    ]


def _missing_dimensions(ctx: CheckContext) -> list[Finding]:
    problems = [b for b in ctx.blocks if b.section == "problem"]
    if not problems or not ctx.frame_known:
        return []  # an aspect missing from a frame the draft may not be written to is no claim
    raised = {b.heading_dimension or b.dimension for b in problems}
    missing = [d for d in ctx.scheme.names if d not in raised]
    if not missing:
        return []
    first = ctx.doc.blocks[ctx.blocks.index(problems[0])]
    titles = [h for h in ctx.doc.headings if h.end <= first.start + 1 and h != first.heading]
    return [
        finding(
            titles[-1] if titles else _opening(ctx),
            "structure",
            "medium",
            f"问题部分没有涉及{'、'.join(f'“{d}”' for d in missing)}方面。",
            f"对照{ctx.scheme.title}的 {len(ctx.scheme.names)} 个方面逐一查摆，"
            "每个方面至少写一条具体问题。",
            code="missing_aspects",
            figures={"aspects": len(missing)},
        )
    ]


def _balance(ctx: CheckContext) -> list[Finding]:
    body = dict.fromkeys(("problem", "cause", "measure", None), 0)
    for block in ctx.doc.blocks:
        body[block.section] += counted_chars(ctx.text[block.body.start : block.body.end])
    total = sum(body.values())
    share = (body["problem"] + body["cause"]) / total if total else 1.0
    if share >= 0.5:
        return []
    measures = [b for b in ctx.doc.blocks if b.section == "measure"]
    return [
        finding(
            (measures[0].heading or measures[0].body) if measures else _opening(ctx),
            "structure",
            "medium",
            f"问题和原因只占全文的 {share:.0%}，篇幅重心偏离了查摆和剖析。",
            "压缩开头和措施的铺陈，把篇幅用在问题和原因上（一般应过半）。",
            code="unbalanced",
            figures={"share": round(share, 3)},
        )
    ]


def _misfiled(ctx: CheckContext) -> list[Finding]:
    """A block whose heading names one aspect while its text plainly speaks of another. Aspects
    overlap (理论学习 sits in 2025's first and second 带头), so only a clear case is named: the
    other aspect strong, the heading's own weak, and not one item reading as the heading's."""
    out = []
    for i, (block_review, block) in enumerate(zip(ctx.blocks, ctx.doc.blocks, strict=True)):
        said, found = block.heading_dimension, block_review.dimension
        if block.section != "problem" or not said or not found or said == found:
            continue
        scores = {s.dimension: s.score for s in block_review.scores}
        if scores.get(found, 0) < MISFILED_SCORE or scores.get(said, 0) * 3 > scores[found]:
            continue  # a close call is not worth the author's time
        if any(u.dimension == said for u in ctx.units_by_block[i]):
            continue
        out.append(
            finding(
                block.heading or block.body,
                "structure",
                "low",
                f"标题是“{said}”，内容更像“{found}”方面的问题。",
                f"核对归类：把这段移到“{found}”下，或补写真正属于“{said}”的问题。",
                code="misfiled",
                figures={"heading_score": scores.get(said, 0.0), "content_score": scores[found]},
            )
        )
    return out


def _repeated(ctx: CheckContext) -> list[Finding]:
    """A sentence (compared by its key: punctuation and formulas aside) already used under
    another heading. Exact keys keep this linear in the length of the draft."""
    seen: dict[str, int] = {}
    out = []
    for i, block in enumerate(ctx.doc.blocks):
        for sentence in ctx.sentences_in(block.body):
            key = compare_key(ctx.text[sentence.start : sentence.end])
            if len(key) < 15:
                continue
            if seen.setdefault(key, i) != i:
                out.append(
                    finding(
                        sentence,
                        "structure",
                        "medium",
                        "这句话在前面另一个标题下已经用过。",
                        "同一段内容不要在两个标题下重复使用，各写各的具体问题。",
                        code="repeated",
                    )
                )
    return out
