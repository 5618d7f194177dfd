"""A whole review (scores, matching, checks) against synthetic indexes of 100,000 and 1,000,000
sentences built the way bench/matching.py builds them, beside the same review against the
shipped seeds alone (the baseline, measured in the same run: what the scale adds).

    python bench/review_at_scale.py [--sentences 100000,1000000]

Targets (issue 15): at 1,000,000 sentences a 2,000-character draft ≤ 50 ms median; at 100,000
a ~500-character paragraph ≤ 15 ms median.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from pathlib import Path

from core import load_corpus, review
from core.corpus import Corpus
from core.matching import MatchIndex, build_segment

sys.path.insert(0, str(Path(__file__).resolve().parent))
from matching import SENTENCES_PER_DOCUMENT, Generator

ROOT = Path(__file__).resolve().parent.parent
TARGETS = {(1_000_000, 2000): "≤ 50", (100_000, 500): "≤ 15"}


def _median_ms(drafts: list[str], corpus: Corpus) -> tuple[float, float]:
    times = []
    for draft in drafts:
        started = time.perf_counter()
        review(draft, corpus)
        times.append((time.perf_counter() - started) * 1000)
    times.sort()
    return statistics.median(times), times[int(0.95 * (len(times) - 1))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sentences", default="100000,1000000")
    args = parser.parse_args()
    seeds = load_corpus(ROOT / "seeds", persist=False)
    sample = (ROOT / "examples" / "sample_draft.txt").read_text(encoding="utf-8")
    rng = random.Random(3)
    drafts = {
        length: [
            sample[s : s + length]
            for s in (rng.randrange(0, len(sample) - length) for _ in range(40))
        ]
        for length in (2000, 500)
    }
    review(drafts[500][0], seeds)  # warm the tokenizer and the checks' vocabulary
    baseline = {length: _median_ms(texts, seeds) for length, texts in drafts.items()}
    print(f"{'':<58}{'at scale':>16}{'seeds only':>14}{'target':>10}")
    for size in (int(s) for s in args.sentences.split(",")):
        generator = Generator(seed=42)
        segment = build_segment(
            (i // SENTENCES_PER_DOCUMENT, generator.corpus_sentence()) for i in range(size)
        )
        names = tuple(f"syn-{i:06d}.txt" for i in range(size // SENTENCES_PER_DOCUMENT + 1))
        corpus = Corpus(
            seeds.catalogue,
            MatchIndex(names, (segment,)),
            seeds.model,
            seeds.example_pool,
            seeds.counts,
        )
        review(drafts[500][0], corpus)
        for length, texts in drafts.items():
            median, p95 = _median_ms(texts, corpus)
            base = baseline[length]
            label = f"review of a {length:,}-char text at {len(segment):,} sentences, ms"
            print(
                f"{label:<58}{median:>8.1f} / {p95:<6.1f}{base[0]:>7.1f} / {base[1]:<5.1f}"
                f"{TARGETS.get((size, length), ''):>10}"
            )
    print("(median / p95; 40 texts each, cut from examples/sample_draft.txt)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
