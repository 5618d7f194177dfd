"""Near-duplicate matching at scale: the bigram index against an exhaustive rapidfuzz scan.

For each corpus size it builds a synthetic corpus from the seeds by deterministic mutation
(seed clauses mixed into new sentences, edited seed sentences, and text generated from the
seeds' character bigrams), indexes it with the product's code, and plants near-duplicates in
~500-character query paragraphs: edited copies (1–8 % of characters), copies with clauses
reordered, one clause lifted into new text, a fragment (14–34 key characters from inside a
longer clause, half with one character changed), a light rewrite (two to four words swapped
for near-synonyms — some in core/data/synonyms.txt, some not — and glue added), among novel
sentences. It prints one table: build time and memory, index size, load time, matching
latency, recall per kind, false positives on novel sentences, and the same figures for the
exact baseline — `process.cdist` over every corpus sentence and clause with the same scorers
and rules (on a sample of queries when the corpus is large) — with issue 15's targets at 1M.
Each size is built and queried in its own process, so memory is its own.

    python bench/matching.py --sizes 10000,100000,1000000
"""

from __future__ import annotations

import argparse
import itertools
import json
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

import numpy as np
from rapidfuzz import fuzz, process

from core.corpus import read_corpus_texts
from core.matching import (
    CLAUSE_MARGIN,
    FRAGMENT_MIN_CHARS,
    FRAGMENT_THRESHOLD,
    MIN_KEY_CHARS,
    REWRITE_MIN_CHARS,
    REWRITE_THRESHOLD,
    THRESHOLD,
    MatchIndex,
    Segment,
    build_segment,
    find_matches,
    key_length,
    rewrite_key,
    sentence_key,
)
from core.schemes import load_scheme
from core.structure import parse
from core.text import compare_key, normalize, unfolded

ROOT = Path(__file__).resolve().parent.parent
SENTENCES_PER_DOCUMENT = 300
KINDS = ("edited", "reordered", "lifted", "fragment", "rewrite")
FRAGMENT_CHARS = (14, 34)  # a distinctive stretch of a longer corpus clause


class Generator:
    """Deterministic text in the seeds' image: their clauses, sentences and character bigrams."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        texts = [normalize(t) for _, t in read_corpus_texts(ROOT / "seeds")]
        scheme = load_scheme()
        docs = [parse(t, scheme) for t in texts]  # body sentences: headings are not copied text
        self.sentences = [d.text[s.start : s.end] for d in docs for s in d.sentences]
        self.sentences = [s for s in self.sentences if len(s) >= 12]
        self.clauses = [c for s in self.sentences for c in _clauses(s) if len(c) >= 6]
        chars = [c for t in texts for c in t if "\u4e00" <= c <= "\u9fff"]
        following: defaultdict[str, list[str]] = defaultdict(list)
        for a, b in itertools.pairwise(chars):
            following[a].append(b)
        self.following = dict(following)
        self.alphabet = chars

    def clause(self, length: int) -> str:
        ch = self.rng.choice(self.alphabet)
        out = [ch]
        for _ in range(length - 1):
            options = self.following.get(ch)
            ch = (
                self.rng.choice(options)
                if options and self.rng.random() < 0.85
                else self.rng.choice(self.alphabet)
            )
            out.append(ch)
        return "".join(out)

    def novel(self) -> str:
        return (
            "，".join(self.clause(self.rng.randint(6, 18)) for _ in range(self.rng.randint(2, 4)))
            + "。"
        )

    def mixed(self) -> str:
        return (
            "，".join(self.rng.choice(self.clauses) for _ in range(self.rng.randint(2, 4))) + "。"
        )

    def edit(self, sentence: str, share: float) -> str:
        chars = list(sentence)
        positions = [i for i, c in enumerate(chars) if "\u4e00" <= c <= "\u9fff"]
        for _ in range(max(1, round(share * len(positions)))):
            i = self.rng.choice(positions)
            op = self.rng.random()
            if op < 0.6:
                chars[i] = self.rng.choice(self.alphabet)
            elif op < 0.8:
                chars[i] = chars[i] + self.rng.choice(self.alphabet)
            else:
                chars[i] = ""
        return "".join(chars)

    def corpus_sentence(self) -> str:
        roll = self.rng.random()
        if roll < 0.4:
            return self.novel()
        if roll < 0.7:
            return self.mixed()
        return self.edit(self.rng.choice(self.sentences), self.rng.uniform(0.05, 0.15))


def _clauses(sentence: str) -> list[str]:
    return [c for c in sentence.rstrip("。！？").replace("；", "，").split("，") if c]


# -- build (child process) ------------------------------------------------------------------
def build(size: int, folder: Path) -> dict[str, Any]:
    generator = Generator(seed=42)
    started = time.perf_counter()
    records = [(i // SENTENCES_PER_DOCUMENT, generator.corpus_sentence()) for i in range(size)]
    generated = time.perf_counter() - started
    rss_before = _peak_rss_mb()
    started = time.perf_counter()
    segment = build_segment(records)
    seconds = time.perf_counter() - started
    segment.save(folder)
    names = [f"syn-{d:06d}.txt" for d in range(size // SENTENCES_PER_DOCUMENT + 1)]
    (folder / "names.json").write_text(json.dumps(names), encoding="utf-8")
    return {
        "generate_s": generated,
        "build_s": seconds,
        "peak_rss_mb": _peak_rss_mb(),
        "rss_before_build_mb": rss_before,
        "index_mb": segment.nbytes / 2**20,
        "indexed": len(segment),
    }


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


# -- queries (child process) ----------------------------------------------------------------
def plant(segment: Segment, count: int) -> list[tuple[str, list[tuple[int, int, str]]]]:
    """Query paragraphs with planted copies: (text, [(start, end, kind)]) — kind "novel" too."""
    generator = Generator(seed=7)
    rng = generator.rng
    out = []
    for _ in range(count):
        pieces: list[tuple[str, str]] = []
        for kind in (*KINDS, rng.choice(KINDS)):
            source = segment.sources[rng.randrange(len(segment))]
            while (kind == "fragment" and not _fragment_room(source)) or (
                kind == "rewrite" and not _rewritable(source)
            ):
                source = segment.sources[rng.randrange(len(segment))]
            pieces.append((_copy(generator, source, kind), kind))
        while sum(len(p) for p, _ in pieces) < 500:
            pieces.append((generator.novel(), "novel"))
        rng.shuffle(pieces)
        text, spans = "", []
        for piece, kind in pieces:
            spans.append((len(text), len(text) + len(piece), kind))
            text += piece
        out.append((text, spans))
    return out


def _copy(generator: Generator, source: str, kind: str) -> str:
    """A planted copy, always ending a sentence (a source ending in ： would run into the next)."""
    copied = _copy_of_kind(generator, source, kind).rstrip("，；：、 ")
    return copied if copied.endswith(("。", "！", "？")) else copied + "。"


def _fragment_room(source: str) -> bool:
    """A source with a clause long enough to lift a fragment out of (and leave some behind)."""
    return any(len(c) >= FRAGMENT_CHARS[0] + 6 for c in _clauses(source))


def _fragment(generator: Generator, source: str) -> str:
    """14–34 characters (of its compare key) from inside the source's longest clause, one
    character changed in half of them, standing as a clause of new text."""
    rng = generator.rng
    clause = max(_clauses(source), key=len)
    for _ in range(20):
        length = rng.randint(FRAGMENT_CHARS[0], min(FRAGMENT_CHARS[1], len(clause) - 6))
        start = rng.randint(0, len(clause) - length)
        piece = clause[start : start + length]
        if len(compare_key(piece)) >= FRAGMENT_CHARS[0]:
            break
    if rng.random() < 0.5:
        at = rng.randrange(len(piece))
        piece = piece[:at] + rng.choice(generator.alphabet) + piece[at + 1 :]
    return f"{generator.clause(8)}，{piece}，{generator.clause(9)}。"


# The bench's own near-synonym swaps, written apart from core/data/synonyms.txt: the first
# twelve are in the product's list (in-vocabulary), the rest are not.
REWRITE_SWAPS = (
    ("加强", "强化"), ("不够", "不足"), ("深入", "深刻"), ("落实", "贯彻"), ("群众", "百姓"),
    ("主动", "积极"), ("能力", "本领"), ("措施", "举措"), ("效果", "成效"), ("学习", "研读"),
    ("工作", "业务"), ("问题", "短板"),
    ("发展", "进步"), ("推进", "推行"), ("要求", "规矩"), ("思想", "思维"), ("建设", "打造"),
    ("创新", "革新"), ("重点", "要点"), ("服务", "服侍"), ("经济", "经贸"), ("领导", "带领"),
)  # fmt: skip


def _rewrite(generator: Generator, source: str) -> str:
    """The source with two to four of its words swapped for near-synonyms and a glue character
    or two added: its content in order, no copy by its characters."""
    rng = generator.rng
    out = source
    swaps = [pair for pair in REWRITE_SWAPS if pair[0] in out]
    for old, new in rng.sample(swaps, min(len(swaps), rng.randint(2, 4))):
        out = out.replace(old, new, 1)
    for _ in range(rng.randint(1, 2)):
        at = rng.randrange(1, max(2, len(out) - 1))
        out = out[:at] + rng.choice("的了在并") + out[at:]
    return out


def _rewritable(source: str) -> bool:
    return len(compare_key(source)) >= 24 and sum(old in source for old, _ in REWRITE_SWAPS) >= 2


def _copy_of_kind(generator: Generator, source: str, kind: str) -> str:
    if kind == "fragment":
        return _fragment(generator, source)
    if kind == "rewrite":
        return _rewrite(generator, source)
    clauses = _clauses(source)
    if kind == "edited" or (kind == "reordered" and len(clauses) < 2):
        return generator.edit(source, generator.rng.uniform(0.01, 0.08))
    if kind == "reordered":
        shuffled = clauses[:]
        while shuffled == clauses:
            generator.rng.shuffle(shuffled)
        return "，".join(shuffled) + "。"
    lifted = max(clauses, key=len)
    return f"{generator.clause(8)}，{lifted}，{generator.clause(9)}。"


def query(
    folder: Path, size: int, paragraphs: int, baseline_paragraphs: int, judged: int
) -> dict[str, Any]:
    started = time.perf_counter()
    segment = Segment.load(folder)
    names = tuple(json.loads((folder / "names.json").read_text(encoding="utf-8")))
    index = MatchIndex(names, (segment,))
    load_s = time.perf_counter() - started
    scheme = load_scheme()
    planted = plant(segment, paragraphs)
    docs = [parse(normalize(text), scheme) for text, _ in planted]
    find_matches(docs[0], index)  # warm up
    ours_ms, ours_found = [], []
    for doc in docs:
        t0 = time.perf_counter()
        matches = find_matches(doc, index)
        ours_ms.append((time.perf_counter() - t0) * 1000)
        ours_found.append([(m.start, m.end) for m in matches])
    rss_after = _peak_rss_mb()
    exact = Exhaustive(segment)
    base_ms = []
    for doc in docs[:baseline_paragraphs]:
        t0 = time.perf_counter()
        exact.matches(doc)
        base_ms.append((time.perf_counter() - t0) * 1000)
    verdicts = _judge(planted, ours_found, exact, scheme, judged)
    return {
        "load_s": load_s,
        "rss_after_queries_mb": rss_after,
        "ours_ms": ours_ms,
        "base_ms": base_ms,
        "ours": _score(planted, ours_found),
        "judged": verdicts,
    }


def _judge(
    planted: list[Any], ours: list[Any], exact: Exhaustive, scheme: Any, limit: int
) -> dict[str, list[int]]:
    """For `limit` pieces of each kind: [index found, baseline found, both found, total]."""
    tally: dict[str, list[int]] = {kind: [0, 0, 0, 0] for kind in (*KINDS, "novel")}
    for (text, spans), mine in zip(planted, ours, strict=True):
        for start, end, kind in spans:
            if tally[kind][3] >= limit:
                continue
            piece = parse(normalize(text[start:end]), scheme)
            theirs = bool(exact.matches(piece))
            found = _hit((start, end, kind), mine)
            tally[kind][0] += found
            tally[kind][1] += theirs
            tally[kind][2] += found and theirs
            tally[kind][3] += 1
    return tally


class Exhaustive:
    """The same matching rules, with every query scored against every corpus sentence/clause."""

    def __init__(self, segment: Segment) -> None:
        self.segment = segment
        self.keys = [segment.ngrams.key(r) for r in range(len(segment))]
        self.key_stock = np.array([segment.is_stock(k) for k in self.keys])
        self.clauses = [c for k in self.keys for c in k.split(" ")]
        self.clause_stock = np.array([segment.is_stock(c) for c in self.clauses])
        self.wholes = [unfolded(k.replace(" ", "")) for k in self.keys]
        self.rewritten: list[str] | None = None
        self.whole_lengths = np.array([len(w) for w in self.wholes])

    def matches(self, doc: Any) -> list[tuple[int, int]]:
        found = []
        for sentence in doc.sentences:
            key = sentence_key(doc.text, sentence)
            if key_length(key) >= MIN_KEY_CHARS and self._found(
                key, self.keys, self.key_stock, THRESHOLD, reorder=True
            ):
                found.append((sentence.start, sentence.end))
                continue
            if key_length(key) >= REWRITE_MIN_CHARS and self._rewrite(key):
                found.append((sentence.start, sentence.end))
                continue
            long_enough = key_length(key) >= FRAGMENT_MIN_CHARS
            for clause in sentence.clauses if len(sentence.clauses) > 1 or long_enough else ():
                ckey = compare_key(doc.text[clause.start : clause.end])
                if len(ckey) < MIN_KEY_CHARS:
                    continue
                if self._found(
                    ckey, self.clauses, self.clause_stock, THRESHOLD + CLAUSE_MARGIN, reorder=False
                ) or self._fragment(ckey):
                    found.append((clause.start, clause.end))
        return found

    def _rewrite(self, key: str) -> bool:
        """The product's rewrite rule over every corpus sentence."""
        if self.rewritten is None:
            self.rewritten = [rewrite_key(k) for k in self.keys]
        scores = process.cdist(
            [rewrite_key(key)],
            self.rewritten,
            scorer=fuzz.ratio,
            score_cutoff=REWRITE_THRESHOLD,
            workers=-1,
        )[0]
        best = int(np.argmax(scores)) if len(scores) else 0
        return bool(len(scores) and scores[best] >= REWRITE_THRESHOLD and not self.key_stock[best])

    def _fragment(self, ckey: str) -> bool:
        """The product's fragment rule over every corpus sentence: the best window of a longer
        sentence scores at least FRAGMENT_THRESHOLD and the piece is not a stock formula."""
        if len(ckey) < FRAGMENT_MIN_CHARS or self.segment.is_stock(ckey):
            return False
        scores = process.cdist(
            [unfolded(ckey)],
            self.wholes,
            scorer=fuzz.partial_ratio,
            score_cutoff=FRAGMENT_THRESHOLD,
            workers=-1,
        )[0]
        return bool(np.any((scores >= FRAGMENT_THRESHOLD) & (self.whole_lengths > len(ckey))))

    @staticmethod
    def _found(
        key: str, choices: list[str], stock: np.ndarray, threshold: float, *, reorder: bool
    ) -> bool:
        """Whether the best-scoring choice reaches the threshold and is not a stock formula."""
        scores = process.cdist([key], choices, scorer=fuzz.ratio, workers=-1)[0]
        if reorder and " " in key:
            scores = np.maximum(
                scores, process.cdist([key], choices, scorer=fuzz.token_sort_ratio, workers=-1)[0]
            )
        if not len(scores):
            return False
        best = int(np.argmax(scores))
        return bool(scores[best] >= threshold and not stock[best])


def _hit(span: tuple[int, int, str], found: list[tuple[int, int]]) -> bool:
    start, end, _ = span
    return any(a < end and start < b for a, b in found)


def _score(planted: list[Any], found: list[list[tuple[int, int]]]) -> dict[str, list[int]]:
    tally: dict[str, list[int]] = {kind: [0, 0] for kind in (*KINDS, "novel")}
    for (_, spans), hits in zip(planted, found, strict=False):
        for span in spans:
            tally[span[2]][0] += _hit(span, hits)
            tally[span[2]][1] += 1
    return tally


# -- parent ---------------------------------------------------------------------------------
def _child(*args: str) -> dict[str, Any]:
    done = subprocess.run(
        [sys.executable, __file__, *args], capture_output=True, text=True, check=True, cwd=ROOT
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def _per_size(values: str, sizes: list[int]) -> list[int]:
    numbers = [int(v) for v in values.split(",")]
    return (numbers + [numbers[-1]] * len(sizes))[: len(sizes)]


def _pct(pair: list[int]) -> str:
    return f"{100 * pair[0] / pair[1]:.1f}%" if pair[1] else "—"


def _ms(values: list[float]) -> str:
    if not values:
        return "—"
    p95 = sorted(values)[min(len(values) - 1, int(0.95 * len(values)))]
    return f"{statistics.median(values):.1f} / {p95:.1f}"


def report(size: int, b: dict[str, Any], q: dict[str, Any]) -> list[tuple[str, str, str, str]]:
    """Rows of (figure, index, exact baseline, target): targets are given at 1M sentences."""
    speedup = statistics.median(q["base_ms"]) / statistics.median(q["ours_ms"])
    at_scale = size >= 1_000_000

    def target(text: str) -> str:
        return text if at_scale else ""

    build_peak = b["peak_rss_mb"] - b["rss_before_build_mb"]
    rows = [
        ("indexed sentences", f"{b['indexed']:,}", "", ""),
        ("build time, s (corpus generation apart)", f"{b['build_s']:.1f}", "", target("≤ 30")),
        (
            "memory the build adds, MB (process peak)",
            f"{build_peak:.0f} ({b['peak_rss_mb']:.0f})",
            "",
            target("≤ 1024"),
        ),
        ("index size in memory, MB", f"{b['index_mb']:.0f}", "", target("≤ 200")),
        ("process memory after queries, MB", f"{q['rss_after_queries_mb']:.0f}", "", ""),
        ("load built index, s", f"{q['load_s']:.2f}", "", target("≤ 1")),
        (
            "matching a ~500-char paragraph, ms median / p95",
            _ms(q["ours_ms"]),
            _ms(q["base_ms"]),
            target("≤ 10 median"),
        ),
    ]
    judged = q["judged"]
    for kind in (*KINDS, "novel"):
        found, base, both, total = judged[kind]
        label = "false positives, novel sentences" if kind == "novel" else f"recall, {kind} copies"
        goal = "≥ 90%" if kind == "fragment" else ""
        rows.append(
            (f"{label} (n={total})", _pct([found, total]), _pct([base, total]), target(goal))
        )
    for kind in KINDS:
        found, base, both, total = judged[kind]
        rows.append(
            (
                f"recall relative to baseline, {kind} (n={base})",
                _pct([both, base]),
                "100%",
                target("≥ 99%"),
            )
        )
    rows.append(
        ("speed-up over the baseline (median latency)", f"{speedup:.0f}x", "", target("≥ 200x"))
    )
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000,1000000")
    parser.add_argument("--paragraphs", type=int, default=200, help="query paragraphs per size")
    parser.add_argument(
        "--baseline-paragraphs",
        default="20,6,3",
        help="per size: paragraphs timed with the exhaustive scan",
    )
    parser.add_argument(
        "--judged",
        default="200,200,120",
        help="per size: planted pieces of each kind checked against the exhaustive scan",
    )
    parser.add_argument("--child", nargs="*", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        kind, size, folder, *rest = args.child
        if kind == "build":
            result = build(int(size), Path(folder))
        else:
            result = query(Path(folder), int(size), int(rest[0]), int(rest[1]), int(rest[2]))
        print(json.dumps(result))
        return 0
    sizes = [int(s) for s in args.sizes.split(",")]
    samples = _per_size(args.baseline_paragraphs, sizes)
    judged = _per_size(args.judged, sizes)
    finals = []
    with tempfile.TemporaryDirectory() as scratch:
        for size, sample, n in zip(sizes, samples, judged, strict=True):
            folder = Path(scratch) / str(size)
            b = _child("--child", "build", str(size), str(folder))
            q = _child(
                "--child",
                "query",
                str(size),
                str(folder),
                str(args.paragraphs),
                str(sample),
                str(n),
            )
            title = (
                f"{size:,} corpus sentences ({args.paragraphs} paragraphs; baseline on {sample})"
            )
            print(f"\n== {title} ==")
            print(f"{'':<52}{'index':>28}{'exact baseline':>18}{'target':>14}")
            for label, ours, base, goal in report(size, b, q):
                print(f"{label:<52}{ours:>28}{base:>18}{goal:>14}")
            finals.append((size, q))
    size, q = finals[-1]
    speedup = statistics.median(q["base_ms"]) / statistics.median(q["ours_ms"])
    relative = {k: _pct([q["judged"][k][2], q["judged"][k][1]]) for k in KINDS}
    recall = ", ".join(f"{k} {v}" for k, v in relative.items())
    print(f"\nAt {size:,} sentences the index is {speedup:.0f}x faster than the exact baseline;")
    print(f"recall relative to it: {recall}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
