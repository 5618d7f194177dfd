"""Pure rendering of reviews and corpus facts for a terminal (ANSI colour optional)."""

from __future__ import annotations

from dataclasses import dataclass

from core import labels
from core.corpus import CorpusStats
from core.models import BlockReview, DimensionScore, Finding, Match, Passage, Review, Verdict
from core.schemes import Catalogue, Scheme

BAR_WIDTH = 20
MAX_FINDINGS_SHOWN = 30
_SECTION_NAMES = labels.SECTIONS


@dataclass(frozen=True, slots=True)
class Style:
    """ANSI escape codes, or empty strings when colour is off."""

    bold: str = ""
    dim: str = ""
    mark: str = ""
    warn: str = ""
    good: str = ""
    reset: str = ""

    @classmethod
    def colour(cls, enabled: bool) -> Style:
        if not enabled:
            return cls()
        return cls("\x1b[1m", "\x1b[2m", "\x1b[30;43m", "\x1b[33m", "\x1b[32m", "\x1b[0m")


def bar(score: float, width: int = BAR_WIDTH) -> str:
    """A bar of `width` cells for a 0–100 score, in eighths for a smooth look."""
    eighths = round(max(0.0, min(100.0, score)) / 100 * width * 8)
    full, part = divmod(eighths, 8)
    partial = "" if part == 0 else "▏▎▍▌▋▊▉"[part - 1]
    return ("█" * full + partial).ljust(width, "·")


def render_review(result: Review, style: Style) -> str:
    """The whole report: scores, duplicates highlighted in the text, sources, blocks."""
    parts = [
        _header(result, style),
        _verdict(result.verdict, style),
        _scores(result.scores, style, whole=result.verdict is not None),
        _findings(result.text, result.findings, style),
        _highlighted(result, style),
        _sources(result.matches, style),
        _blocks(result, style),
    ]
    return "\n\n".join(p for p in parts if p) + "\n"


def _header(result: Review, style: Style) -> str:
    top = result.dimension or "（未能判断，文字中缺少与各方面相关的表述）"
    share = f"{result.duplicate_ratio * 100:.1f}%"
    lines = [
        f"{style.bold}材料审阅结果{style.reset}（{len(result.text)} 字，{len(result.blocks)} 块）",
    ]
    if result.scheme is not None:
        lines.append(f"方案：{result.scheme.reason}")
    lines += [
        f"主要维度：{style.bold}{top}{style.reset}",
        f"与语料库近似：{len(result.matches)} 处，占全文 {share}",
    ]
    lines += [f"{style.warn}注：{note}{style.reset}" for note in result.notes]
    return "\n".join(lines)


def _verdict(verdict: Verdict | None, style: Style) -> str:
    if verdict is None:
        return ""
    lines = [f"{style.bold}总评 {verdict.grade:.0f} 分{style.reset}"]
    for key, value in verdict.breakdown:
        lines.append(f"  {bar(value, 10)} {value:5.1f}  {labels.BREAKDOWN[key]}")
    if verdict.fixes:
        lines.append(f"{style.bold}最需要改的三件事{style.reset}")
        lines += [f"  {n}. {fix}" for n, fix in enumerate(verdict.fixes, 1)]
    lines.append(f"{style.bold}各方面覆盖{style.reset}（问题条数 / 对应措施 / 得分）")
    for c in verdict.coverage:
        mark = "" if c.problems else f"  {style.warn}未查摆{style.reset}"
        lines.append(f"  {c.dimension}  {c.problems} / {c.measures} / {c.score:.0f}{mark}")
    return "\n".join(lines)


def _findings(text: str, findings: tuple[Finding, ...], style: Style) -> str:
    if not findings:
        return f"{style.good}没有发现需要修改的问题。{style.reset}"
    lines = [f"{style.bold}审阅意见（{len(findings)} 条）{style.reset}"]
    for n, f in enumerate(findings[:MAX_FINDINGS_SHOWN], 1):
        colour = style.warn if f.severity == "high" else ""
        where = text[f.start : f.end].replace("\n", " ")
        where = where if len(where) <= 30 else where[:29] + "…"
        lines.append(
            f"  {n}. {colour}[{labels.SEVERITIES[f.severity]}·{labels.CHECKS[f.check]}]"
            f"{style.reset} 「{where}」\n     {f.message}\n"
            f"     {style.dim}建议：{f.suggestion}{style.reset}"
        )
    if len(findings) > MAX_FINDINGS_SHOWN:
        lines.append(f"  另有 {len(findings) - MAX_FINDINGS_SHOWN} 条，用 --json 查看全部。")
    return "\n".join(lines)


def _scores(scores: tuple[DimensionScore, ...], style: Style, *, whole: bool) -> str:
    title = "各方面覆盖度（按查摆的问题条数：1 条 50，2 条 75，3 条 88…）" if whole else "维度得分"
    lines = [f"{style.bold}{title}{style.reset}"]
    for s in scores:
        evidence = "、".join(s.evidence[:4])
        why = f"  {style.dim}依据：{evidence}{style.reset}" if evidence else ""
        lines.append(f"  {s.dimension}  {bar(s.score)} {s.score:5.1f}{why}")
    return "\n".join(lines)


def _highlighted(result: Review, style: Style) -> str:
    if not result.matches:
        return ""
    out = [f"{style.bold}原文（标出处与语料库近似）{style.reset}"]
    text, pos, pieces = result.text, 0, []
    for n, m in enumerate(result.matches, 1):
        copied = text[m.start : m.end]
        pieces.append(text[pos : m.start])
        if style.mark:
            pieces.append(f"{style.mark}{copied}{style.reset}{style.warn}[{n}]{style.reset}")
        else:  # without colour, brackets show where a near-copy starts and ends
            pieces.append(f"【{copied}】[{n}]")
        pos = m.end
    pieces.append(text[pos:])
    out.append("".join(pieces))
    return "\n".join(out)


def _sources(matches: tuple[Match, ...], style: Style) -> str:
    if not matches:
        return f"{style.good}未发现与语料库近似的段落。{style.reset}"
    lines = [f"{style.bold}近似来源{style.reset}"]
    for n, m in enumerate(matches, 1):
        kind = "整句" if m.kind == "sentence" else "分句"
        lines.append(f"  [{n}] {kind}相似度 {m.score:.1f} · 来源：{m.source}")
        lines.append(f"      {style.dim}来源原文：{m.source_text}{style.reset}")
    lines.append(
        "  建议：以上表述与已有材料高度近似，请结合本人本单位的具体事例重写，避免照搬照抄。"
    )
    return "\n".join(lines)


def _blocks(result: Review, style: Style) -> str:
    if len(result.blocks) < 2:
        return ""
    lines = [f"{style.bold}分块{style.reset}"]
    for block in result.blocks:
        lines.append("  " + _block_line(result.text, block, style))
    return "\n".join(lines)


def _block_line(text: str, block: BlockReview, style: Style) -> str:
    opening = text[block.start : block.end].split("\n", 1)[0][:24]
    where = _SECTION_NAMES[block.section]
    found = block.dimension or "—"
    line = f"[{where}] {opening}… → {found}"
    if block.heading_dimension and block.dimension and block.heading_dimension != block.dimension:
        line += (
            f"  {style.warn}标题为“{block.heading_dimension}”，"
            f"内容更接近“{block.dimension}”，请核对归类。{style.reset}"
        )
    return line


def render_examples(
    scheme: Scheme, dimension: str, passages: tuple[Passage, ...], style: Style
) -> str:
    if not passages:
        return (
            f"语料库中暂无“{dimension}”方面（{scheme.title}）可作范例的段落"
            "（套话较多或与其他材料雷同的段落不作范例）。\n"
        )
    lines = [
        f"{style.bold}“{dimension}”方面的语料示例（{len(passages)} 条）{style.reset}",
        f"{style.dim}方案：{scheme.title}；按具体程度排序，套话和雷同段落不列入{style.reset}",
    ]
    for n, p in enumerate(passages, 1):
        where = _SECTION_NAMES[p.section]
        lines.append(f"\n[{n}] {style.dim}来源：{p.document} · {where}{style.reset}\n{p.text}")
    return "\n".join(lines) + "\n"


def render_schemes(catalogue: Catalogue, style: Style) -> str:
    """Every shipped scheme: id, title, aspects and where the wording comes from."""
    lines = [f"{style.bold}可用方案{style.reset}（审阅时自动识别；--scheme ID 指定）"]
    for scheme in reversed(catalogue.schemes):
        newest = "（无线索时默认）" if scheme is catalogue.newest else ""
        lines.append(f"\n{style.bold}{scheme.name}{style.reset}  {scheme.title}{newest}")
        lines += [f"  {n}. {d.name}：{d.description}" for n, d in enumerate(scheme.dimensions, 1)]
        lines.append(f"  {style.dim}出处：{scheme.source}{style.reset}")
    lines.append("\n方面标题与以上方案都不对应的材料，按材料自拟的方面标题审阅。")
    return "\n".join(lines) + "\n"


def render_stats(path: str, stats: CorpusStats, style: Style) -> str:
    lines = [
        f"{style.bold}语料库：{path}{style.reset}",
        f"  文档 {stats.documents} 篇，句子 {stats.sentences} 句，段落 {stats.passages} 段",
        "  各关注点的已标注段落（按材料自身的方面标题归类）：",
    ]
    lines += [f"    {name}  {count}" for name, count in stats.labelled]
    return "\n".join(lines) + "\n"
