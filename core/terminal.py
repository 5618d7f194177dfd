"""Pure rendering of reviews and corpus facts for a terminal (ANSI colour optional)."""

from __future__ import annotations

from dataclasses import dataclass

from core import labels
from core.corpus import CorpusStats
from core.models import Passage
from core.presentation import CopyItem, Report, progress_line
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


def render_review(report: Report, style: Style) -> str:
    """The whole report: what changed, verdict, scores, findings, the text with near-copies
    marked, their sources, blocks."""
    parts = [
        _header(report, style),
        _verdict(report, style),
        _scores(report, style),
        _findings(report, style),
        _highlighted(report, style),
        _sources(report.copies, style),
        _blocks(report, style),
    ]
    return "\n\n".join(p for p in parts if p) + "\n"


def _header(report: Report, style: Style) -> str:
    top = report.top_dimension or "（未能判断，文字中缺少与各方面相关的表述）"
    lines = [f"{style.bold}材料审阅结果{style.reset}（{len(report.text)} 字）"]
    if report.progress is not None:
        lines.append(f"{style.bold}与上一版相比{style.reset}：{progress_line(report.progress)}")
        lines += [
            f"  {style.good}已解决{style.reset} [{c.label}] 「{_cut(c.quote)}」"
            for c in report.progress.resolved
        ]
        lines += [
            f"  {style.warn}新增{style.reset} [{c.label}] 「{_cut(c.quote)}」"
            for c in report.progress.new
        ]
    if report.scheme_reason is not None:
        lines.append(f"方案：{report.scheme_reason}")
    lines += [f"主要维度：{style.bold}{top}{style.reset}", report.counts_line]
    lines += [f"{style.warn}注：{note}{style.reset}" for note in report.notes]
    return "\n".join(lines)


def _cut(text: str, limit: int = 30) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _verdict(report: Report, style: Style) -> str:
    if report.grade is None:
        return ""
    lines = [f"{style.bold}总评 {report.grade:.0f} 分{style.reset}"]
    for label, value in report.breakdown:
        lines.append(f"  {bar(value, 10)} {value:5.1f}  {label}")
    if report.top_fixes:
        lines.append(f"{style.bold}{report.fixes_title}{style.reset}")
        # A finding's fix points at it in the list below instead of quoting it twice.
        lines += [
            f"  {n}. {fix.shown(quoted=False)}"
            + (f"（见意见 {fix.finding}）" if fix.finding else "")
            for n, fix in enumerate(report.top_fixes, 1)
        ]
    lines.append(f"{style.bold}各方面覆盖{style.reset}（问题条数 / 对应措施 / 得分）")
    for name, problems, measures, score in report.coverage:
        mark = "" if problems else f"  {style.warn}未查摆{style.reset}"
        lines.append(f"  {name}  {problems} / {measures} / {score:.0f}{mark}")
    return "\n".join(lines)


def _findings(report: Report, style: Style) -> str:
    if not report.findings:
        return f"{style.good}没有发现需要修改的问题。{style.reset}"
    lines = [f"{style.bold}审阅意见（{len(report.findings)} 条）{style.reset}"]
    for f in report.findings[:MAX_FINDINGS_SHOWN]:
        colour = style.warn if f.severity == "high" else ""
        copies = "".join(f"[{c.number}]" for c in f.copies)
        seen = f"\n     {style.dim}近似来源见 {copies}{style.reset}" if copies else ""
        lines.append(
            f"  {f.number}. {colour}[{f.label}]{style.reset} 「{_cut(f.quote)}」\n"
            f"     {f.message}\n     {style.dim}建议：{f.suggestion}{style.reset}{seen}"
        )
    if len(report.findings) > MAX_FINDINGS_SHOWN:
        rest = len(report.findings) - MAX_FINDINGS_SHOWN
        lines.append(f"  另有 {rest} 条，用 --json 或 --docx 查看全部。")
    return "\n".join(lines)


def _scores(report: Report, style: Style) -> str:
    lines = [f"{style.bold}{report.bars_title}{style.reset}"]
    for b in report.bars:
        evidence = "、".join(b.evidence[:4])
        why = f"  {style.dim}依据：{evidence}{style.reset}" if evidence else ""
        lines.append(f"  {b.name}  {bar(b.score)} {b.score:5.1f}{why}")
    return "\n".join(lines)


def _highlighted(report: Report, style: Style) -> str:
    if not report.copies:
        return ""
    out = [f"{style.bold}原文（标出处与语料库近似）{style.reset}"]
    text, pos, pieces = report.text, 0, []
    for c in report.copies:
        copied = text[c.start : c.end]
        pieces.append(text[pos : c.start])
        if style.mark:
            pieces.append(f"{style.mark}{copied}{style.reset}{style.warn}[{c.number}]{style.reset}")
        else:  # without colour, brackets show where a near-copy starts and ends
            pieces.append(f"【{copied}】[{c.number}]")
        pos = c.end
    pieces.append(text[pos:])
    out.append("".join(pieces))
    return "\n".join(out)


def _sources(copies: tuple[CopyItem, ...], style: Style) -> str:
    if not copies:
        return f"{style.good}未发现与语料库近似的段落。{style.reset}"
    lines = [f"{style.bold}近似来源{style.reset}"]
    for c in copies:
        lines.append(f"  [{c.number}] {c.kind}相似度 {c.score:.1f} · 来源：{c.source}")
        lines.append(f"      {style.dim}来源原文：{c.source_words}{style.reset}")
    lines.append(
        "  建议：以上表述与已有材料高度近似，请结合本人本单位的具体事例重写，避免照搬照抄。"
    )
    return "\n".join(lines)


def _blocks(report: Report, style: Style) -> str:
    if not report.heading_hints:
        return ""
    lines = [f"{style.bold}归类提示{style.reset}"]
    lines += [f"  {style.warn}{hint}{style.reset}" for hint in report.heading_hints]
    return "\n".join(lines)


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
