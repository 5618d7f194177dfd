"""A whole draft's verdict: a 0–100 grade, its breakdown, the three fixes that matter most,
and per-dimension coverage."""

from __future__ import annotations

from collections import Counter

from core.checks.context import CheckContext
from core.checks.frame import measure_answers
from core.checks.wording import hedge_density, stock_share
from core.models import DimensionCoverage, Finding, Span, Verdict

WEIGHTS = {
    "coverage": 0.15,
    "specificity": 0.20,
    "originality": 0.20,
    "sharpness": 0.15,
    "structure": 0.15,
    "measures": 0.15,
}
FIX_BELOW = 90.0  # a component at or above this is not worth naming as a top fix
_FIX = {
    "coverage": "补齐各方面：{detail}",
    "specificity": "问题要见人见事：{detail}",
    "originality": "减少套话和照搬：{detail}",
    "sharpness": "批评要直接：{detail}",
    "structure": "理顺结构：{detail}",
    "measures": "措施要可检验：{detail}",
}


def make_verdict(ctx: CheckContext, findings: tuple[Finding, ...]) -> Verdict | None:
    """None for a pasted paragraph; a verdict for a draft with the frame's sections."""
    if not ctx.complete:
        return None  # a paragraph, or one section pasted on its own: nothing to grade as a whole
    by_check = Counter[str](f.check for f in findings)
    parts, details = _components(ctx, findings, by_check)
    if not ctx.frame_known:  # coverage of a frame the draft may not be written to says nothing
        del parts["coverage"]
    if not ctx.units("problem"):  # measures alone: how concrete or sharp problems are, unknown
        del parts["specificity"], parts["sharpness"]
    total = sum(WEIGHTS[k] for k in parts)
    grade = round(sum(WEIGHTS[k] * v for k, v in parts.items()) / total, 1)
    worst = sorted(parts, key=lambda k: (-(100 - parts[k]) * WEIGHTS[k], k))
    fixes = tuple(_FIX[k].format(detail=details[k]) for k in worst[:3] if parts[k] < FIX_BELOW)
    return Verdict(grade, tuple(parts.items()), fixes, _coverage(ctx))


def _components(
    ctx: CheckContext, findings: tuple[Finding, ...], by_check: Counter[str]
) -> tuple[dict[str, float], dict[str, str]]:
    problem_units = len(ctx.units("problem"))
    measure_units = len(ctx.units("measure"))
    raised = {b.heading_dimension or b.dimension for b in ctx.blocks if b.section == "problem"}
    covered = sum(1 for d in ctx.scheme.names if d in raised)
    vague = sum(1 for f in findings if f.code == "vague_measure.vague")
    share, _ = stock_share(ctx, Span(0, len(ctx.text)))
    density = hedge_density(ctx)
    parts = {
        "coverage": 100.0 * covered / len(ctx.scheme.names),
        "specificity": _share_ok(problem_units, by_check["no_example"]),
        "originality": max(0.0, 100.0 * (1 - share)),
        "sharpness": max(0.0, 100.0 - 12 * density - 10 * _soft_count(by_check)),
        "structure": max(0.0, 100.0 - 20 * by_check["structure"] - 5 * by_check["typo"]),
        "measures": _share_ok(measure_units, vague) if measure_units else 0.0,
    }
    details = {
        "coverage": f"问题部分涉及 {covered}/{len(ctx.scheme.names)} 个方面，缺的方面要逐一查摆。",
        "specificity": f"{by_check['no_example']} 条问题没有具体事例，补上时间、事情和后果。",
        "originality": f"约 {share:.0%} 的文字是套话或与已有材料近似，改写成本人本单位的实情。",
        "sharpness": f"限定词每百字约 {density:.1f} 个；"
        f"批评不痛不痒 {by_check['soft_criticism']} 处、以成绩代替问题 "
        f"{by_check['merit_as_problem']} 处、原因没有剖析到思想根子 "
        f"{by_check['cause_restates_problem']} 处。",
        "structure": f"{by_check['structure']} 处结构问题、{by_check['typo']} 处错别字。",
        "measures": f"{vague} 条措施缺少动作、时限或数量。" if measure_units else "缺少整改措施。",
    }
    return {k: round(v, 1) for k, v in parts.items()}, details


SOFT = ("merit_as_problem", "soft_criticism", "cause_restates_problem")


def _soft_count(by_check: Counter[str]) -> int:
    """Findings that make the self-criticism softer: praise, hedges and hopes, and causes that
    stop short of the writer's own thinking."""
    return sum(by_check[check] for check in SOFT)


def _share_ok(total: int, bad: int) -> float:
    return 100.0 if total == 0 else max(0.0, 100.0 * (total - bad) / total)


def _coverage(ctx: CheckContext) -> tuple[DimensionCoverage, ...]:
    answers = measure_answers(ctx)
    out = []
    for name in ctx.scheme.names:
        problems = [
            (b, d) for b, d in zip(ctx.blocks, ctx.doc.blocks, strict=True)
            if b.section == "problem" and (b.heading_dimension or b.dimension) == name
        ]  # fmt: skip
        measures = sum(1 for answered in answers if name in answered)
        count = sum(max(1, len(d.items)) for _, d in problems)
        score = next((s.score for s in ctx.analysis.scores if s.dimension == name), 0.0)
        out.append(DimensionCoverage(name, count, measures, score))
    return tuple(out)
