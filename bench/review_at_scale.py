"""A whole review (scores, matching, checks) of 2,000-character drafts against a synthetic
index of a million sentences, built the way bench/matching.py builds it.

    python bench/review_at_scale.py [--sentences 1000000]
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


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sentences", type=int, default=1_000_000)
    args = parser.parse_args()
    generator = Generator(seed=42)
    records = [
        (i // SENTENCES_PER_DOCUMENT, generator.corpus_sentence()) for i in range(args.sentences)
    ]
    segment = build_segment(records)
    del records
    seeds = load_corpus(ROOT / "seeds", persist=False)
    names = tuple(f"syn-{i:06d}.txt" for i in range(args.sentences // SENTENCES_PER_DOCUMENT + 1))
    corpus = Corpus(
        seeds.catalogue,
        MatchIndex(names, (segment,)),
        seeds.model,
        seeds.example_pool,
        seeds.counts,
    )
    sample = (ROOT / "examples" / "sample_draft.txt").read_text(encoding="utf-8")
    rng = random.Random(3)
    drafts = [
        sample[s : s + 2000] for s in (rng.randrange(0, len(sample) - 2000) for _ in range(30))
    ]
    review(drafts[0], corpus)  # warm the tokenizer
    times = []
    for draft in drafts:
        started = time.perf_counter()
        review(draft, corpus)
        times.append((time.perf_counter() - started) * 1000)
    times.sort()
    print(
        f"whole review() of a 2,000-character draft at {len(segment):,} indexed sentences: "
        f"median {statistics.median(times):.1f} ms, p95 {times[int(0.95 * len(times))]:.1f} ms"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
