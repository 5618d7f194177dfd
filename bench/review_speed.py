"""Start-up time and review latency against a corpus folder (the seeds by default).

Start-up is measured in a fresh interpreter (import, jieba dictionary, corpus, index, model):
once building the saved index from scratch, then loading it. Latency is a full `review()`
(scores, matching, checks) of 500-character paragraphs and of 3,000-character drafts.
For matching at scale against an exhaustive baseline see bench/matching.py.

    python bench/review_speed.py [--corpus seeds] [--paragraphs 200]
"""

from __future__ import annotations

import argparse
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from core import Corpus, load_corpus, review
from core.corpus import read_corpus_texts
from core.text import normalize

ROOT = Path(__file__).resolve().parent.parent
STARTUP = """
from core import load_corpus
load_corpus({corpus!r})
"""


def startup_seconds(corpus: Path) -> float:
    started = time.perf_counter()
    subprocess.run([sys.executable, "-c", STARTUP.format(corpus=str(corpus))], check=True, cwd=ROOT)
    return time.perf_counter() - started


def texts(corpus_dir: Path) -> list[str]:
    sample = (ROOT / "examples" / "sample_draft.txt").read_text(encoding="utf-8")
    return [normalize(sample), *(normalize(t) for _, t in read_corpus_texts(corpus_dir))]


def paragraphs(sources: list[str], count: int, seed: int = 7) -> list[str]:
    """500-character windows with about 3% of characters replaced."""
    rng = random.Random(seed)
    out = []
    for _ in range(count):
        text = rng.choice(sources)
        start = rng.randrange(0, max(1, len(text) - 500))
        chars = list(text[start : start + 500])
        for _ in range(len(chars) // 30):
            chars[rng.randrange(len(chars))] = rng.choice("的了在是和与及对把")
        out.append("".join(chars))
    return out


def timed(corpus: Corpus, drafts: list[str]) -> list[float]:
    times = []
    for draft in drafts:
        started = time.perf_counter()
        review(draft, corpus)
        times.append((time.perf_counter() - started) * 1000)
    return times


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=ROOT / "seeds")
    parser.add_argument("--paragraphs", type=int, default=200)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        copy = Path(scratch) / "corpus"
        shutil.copytree(args.corpus, copy, ignore=shutil.ignore_patterns(".index"))
        build = startup_seconds(copy)
        load = statistics.median(startup_seconds(copy) for _ in range(3))
        corpus = load_corpus(copy)
        sources = texts(args.corpus)
        rng = random.Random(11)
        whole = [rng.choice(sources)[:3000] for _ in range(40)]
        review(whole[0], corpus)  # warm the tokenizer
        rows = [
            ("3,000-char draft, all checks", timed(corpus, whole)),
            ("500-char paragraph", timed(corpus, paragraphs(sources, args.paragraphs))),
        ]
    print(f"corpus: {args.corpus} ({len(corpus.index)} indexed sentences)")
    print(f"start-up in a fresh process: building the index {build:.2f} s, loading it {load:.2f} s")
    print(f"{'full review() latency, ms':<34}{'median':>10}{'p95':>10}")
    for label, values in rows:
        print(f"{label:<34}{statistics.median(values):>10.2f}{percentile(values, 0.95):>10.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
