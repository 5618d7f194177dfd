"""Checks on how problems are worded: 套话, 不见人不见事, 以成绩代替问题, 批评不辣."""

from __future__ import annotations

import re
from bisect import bisect_left

from core.checks.context import CheckContext, finding, quote
from core.models import Finding, Sentence, Span
from core.text import counted_chars, without_formulas

WORST_SENTENCES = 5
STOCK_SHARE = 0.5  # a sentence at least half stock phrasing is named
STOCK_SHARE_BARE = 0.4  # enough when two stock phrases carry a sentence that names nothing
MIN_STOCK_SENTENCE = 15
WEAK_HEDGES = ("不够", "还不够", "不太", "不是很", "部分")  # criticism words more than hedges
_TURN = re.compile(r"但|可是|然而|不过")
MERIT_SHARE = 0.4
MERIT_REACH = 300
MERIT_CHARS = 10  # a praise opening this long is worth naming whatever the sentence's length


def stock_share(ctx: CheckContext, span: Span) -> tuple[float, list[str]]:
    """Share of a span's characters inside stock phrases or corpus matches, and the phrases."""
    text, base = ctx.text, span.start
    covered = bytearray(span.end - span.start)
    phrases: list[str] = []
    for pattern in (ctx.vocab.stock, ctx.vocab.stock_patterns):
        for m in pattern.finditer(text, span.start, span.end):
            phrases.append(m.group().strip("，、；。：“（"))
            covered[m.start() - base : m.end() - base] = b"\x01" * (m.end() - m.start())
    first = bisect_left(ctx.match_ends, span.start + 1)  # matches are in text order
    for match in ctx.matches[first:]:
        if match.start >= span.end:
            break
        a, b = max(match.start, span.start) - base, min(match.end, span.end) - base
        covered[a:b] = b"\x01" * (b - a)
    piece = text[span.start : span.end]
    total = counted_chars(piece)
    inside = sum(1 for c, ch in zip(covered, piece, strict=True) if c and not ch.isspace())
    return (inside / total if total else 0.0), phrases


def stock_phrases(ctx: CheckContext) -> list[Finding]:
    """The sentences made mostly of template phrasing, worst first."""
    scored: list[tuple[float, Sentence, list[str]]] = []
    for sentence in ctx.sentences(everywhere=True):
        if counted_chars(ctx.text[sentence.start : sentence.end]) < MIN_STOCK_SENTENCE:
            continue  # short sentences are item titles: summaries by design
        if _title_line(ctx.text, sentence):
            continue  # the draft's title (……民主生活会对照检查材料) is the genre's by design
        share, phrases = stock_share(ctx, Span(sentence.start, sentence.end))
        if share >= STOCK_SHARE or (
            share >= STOCK_SHARE_BARE
            and len(set(phrases)) >= 2
            and not _anchored(ctx, ctx.text[sentence.start : sentence.end])
        ):
            scored.append((share, sentence, phrases))
    scored.sort(key=lambda t: (-t[0], t[1].start))
    out = []
    for share, sentence, phrases in scored[:WORST_SENTENCES]:
        unique = list(dict.fromkeys(phrases))
        named = "、".join(f"“{p}”" for p in unique if not any(p in q and p != q for q in unique))
        copied = any(m.start < sentence.end and sentence.start < m.end for m in ctx.matches)
        why = "、".join(x for x in ("与已有材料近似" if copied else "", named) if x)
        out.append(
            finding(
                sentence,
                "stock_phrases",
                "high" if share >= 0.8 else "medium",
                f"这句约 {share:.0%} 是套话（{why}），读不出具体内容。",
                "换成本人本单位的实际情况：哪件事、什么时候、做得怎样、差在哪里。",
                code="stock",
                figures={"share": round(share, 3)},
            )
        )
    return out


def _anchored(ctx: CheckContext, text: str) -> bool:
    """A date, number, named thing or example: the sentence says something of its own."""
    vocab = ctx.vocab
    return (
        bool(vocab.dates_numbers.search(text)) or _names(ctx, text) or _anchored_example(ctx, text)
    )


def _title_line(text: str, sentence: Sentence) -> bool:
    """A whole line with no sentence punctuation: a title or heading, not prose."""
    line_start = sentence.start == 0 or text[sentence.start - 1] == "\n"
    line_end = sentence.end >= len(text) or text[sentence.end : sentence.end + 1] in ("\n", "")
    body = text[sentence.start : sentence.end]
    return line_start and line_end and not any(ch in body for ch in "。！？；，")


def no_example(ctx: CheckContext) -> list[Finding]:
    """Problem items with no example, number, date or named thing (and, if personal, no 我)."""
    out = []
    personal = ctx.declared_personal  # a team material may well speak of 有的同志
    for _, unit in ctx.units("problem"):
        if ctx.unfinished(unit) or ctx.reads_as_measure(unit) or ctx.outline_line(unit):
            continue
        text = without_formulas(ctx.text[unit.start : unit.end])
        vocab = ctx.vocab
        concrete = (
            _anchored_example(ctx, text) or vocab.dates_numbers.search(text) or _names(ctx, text)
        )
        mine = vocab.first_person.search(text)
        title = ctx.first_sentence(unit)
        if not concrete:
            out.append(
                finding(
                    title,
                    "no_example",
                    "medium",
                    "这条问题没有具体事例、时间、数字或具体事项，不见人不见事。",
                    "补一件实例，例如：“今年3月推进××项目时，因……导致……”，写明时间、事情和后果。",
                    code="no_concrete",
                )
            )
        elif personal and not mine and (others := vocab.others.search(text)):
            # Leaving out the subject is the genre's usual first person; writing about others
            # (有的同志、部分干部) instead of oneself is the fault.
            out.append(
                finding(
                    title,
                    "no_example",
                    "low",
                    f"个人对照检查中，这条问题写的是“{others.group()}”，没有落到自己身上。",
                    "写清自己的责任，例如“我在……时……”，别人的问题不写进个人材料。",
                    code="not_first_person",
                )
            )
    return out


def _names(ctx: CheckContext, text: str) -> bool:
    """A named thing (城南项目、《条例》、张某同志), not one left anonymous (某网络热点事件)."""
    return any(
        ctx.vocab.person.fullmatch(m.group())  # 张某某: a person, as published drafts redact names
        or not ctx.vocab.anonymous.search(text[max(0, m.start() - 1) : m.end()])
        for m in ctx.vocab.named.finditer(text)
    )  # 某次座谈会, 某网络热点事件: 某 before or inside the name leaves it anonymous


def _anchored_example(ctx: CheckContext, text: str) -> bool:
    """An example (比如、例如、以……为例) that names something: one whose sentence only points at
    某网络热点事件 or 某项政策 names nothing a reader could check."""
    for m in ctx.vocab.examples.finditer(text):
        sentence = re.split(r"[。；！？]", text[m.start() :], maxsplit=1)[0]
        if not ctx.vocab.anonymous.search(sentence):
            return True
    return False


def merit_as_problem(ctx: CheckContext) -> list[Finding]:
    """Achievements and praise inside the problems section."""
    out = []
    for sentence in ctx.sentences("problem"):
        text = ctx.text[sentence.start : sentence.end]
        praise = ctx.vocab.merit_words.search(text)
        if praise:
            out.append(
                finding(
                    sentence,
                    "merit_as_problem",
                    # 虽然取得了一定成绩，但……: a lead-in before the turn is milder than a boast
                    "medium" if _TURN.search(text, praise.end()) else "high",
                    f"问题部分写成绩（“{praise.group()}”），冲淡了查摆。",
                    "删去成绩表述，直接写存在的问题和具体表现。",
                    code="praise",
                )
            )
            continue
        merit = _merit_opening(ctx, text)
        if merit is not None:
            out.append(
                finding(
                    sentence,
                    "merit_as_problem",
                    "medium",
                    f"先肯定自己（“{quote(merit, 16)}”），再转到问题，冲淡了查摆。",
                    "去掉“虽然……但”“能够……但”的铺垫，开门见山写问题。",
                    code="merit_opening",
                )
            )
    return out


def _merit_opening(ctx: CheckContext, text: str) -> str | None:
    """The praise before 但 that opens a problem (虽然能够……，但; 能够……，但), if any."""
    if ctx.vocab.examples.match(text):
        return None  # 例如，……虽然多次强调……，但: the concession is part of the example
    text = text[:MERIT_REACH]  # an opening opens: a 20,000-character sentence is not scanned whole
    for pattern in ctx.vocab.merit_openings:
        m = pattern.search(text)
        if not m:
            continue
        merit, lead = m.group("merit"), m.group("lead") or ""
        opening = len(lead) + len(merit)
        if opening < MERIT_CHARS and opening / max(len(text), 1) < MERIT_SHARE:
            continue
        if ctx.vocab.praise_negations.search(without_formulas(lead + merit)):
            continue  # 没有从总体上…认识，但却 / 没有…，虽然也写心得，但: the fault comes first
        return merit.strip("，")
    return None


def soft_criticism(ctx: CheckContext) -> list[Finding]:
    """Criticism hedged until it no longer bites, or ending in a hope."""
    out = []
    for sentence in ctx.sentences("problem") + ctx.sentences("cause"):
        text = ctx.text[sentence.start : sentence.end]
        # Distinct hedges: 有时……，有时……，有时…… lists how often each thing happened, which is
        # candour, not softening; 个别……有所……有待 is.
        hedges = list(dict.fromkeys(m.group() for m in ctx.vocab.hedges.finditer(text)))
        strong = sum(1 for h in hedges if h not in WEAK_HEDGES)
        weak = len(hedges) - strong
        hope = ctx.vocab.hopes.search(text)
        if hope:
            out.append(
                finding(
                    sentence,
                    "soft_criticism",
                    "medium",
                    f"批评里用“{hope.group().lstrip('，。；：')}”，成了提希望而不是查问题。",
                    "把希望改成问题本身，写明差在哪里、后果是什么。",
                    code="hope",
                )
            )
        elif strong >= 2 and any(h not in ctx.vocab.quantity_hedges for h in hedges):
            # 个别干部……一些村官……: counting the people who erred is no softening; a degree
            # word (有所、有待、一定程度上、有时) among the hedges is
            named = "、".join(f"“{h}”" for h in hedges)
            out.append(
                finding(
                    sentence,
                    "soft_criticism",
                    "high" if strong >= 3 or weak >= 2 else "medium",
                    f"限定词过多（{named}），批评不痛不痒。",
                    "去掉“有时”“个别”“有所”等，直说问题和程度，例如“全年12次集中学习有5次以会代学”。",
                    code="hedged",
                    figures={"hedges": float(strong + weak)},
                )
            )
    return out


def hedge_density(ctx: CheckContext) -> float:
    """Hedges per 100 characters of criticism (problems and causes)."""
    text = "".join(
        ctx.text[s.start : s.end] for s in ctx.sentences("problem") + ctx.sentences("cause")
    )
    if not text:
        return 0.0
    hedges = [m.group() for m in ctx.vocab.hedges.finditer(text)]
    weight = sum(0.5 if h in WEAK_HEDGES else 1.0 for h in hedges)
    return 100 * weight / len(text)
