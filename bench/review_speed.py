"""Start-up time and review latency against the seed corpus, with an exact baseline.

Start-up is measured in a fresh interpreter (import, jieba dictionary, corpus, index, model),
once with jieba's cache cold and once warm. Latency is a full `review()` of 500-character
paragraphs cut from the sample draft and from edited seed text. In the same run, the matching
step is repeated with an exhaustive rapidfuzz scan of every corpus unit using the same scorer,
so the index's speed-up and its agreement with the exact answer are printed side by side.

    python bench/review_speed.py [--corpus seeds] [--paragraphs 200]
"""

from __future__ import annotations

import argparse
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from rapidfuzz import process

from core import Corpus, load_corpus, review
from core.matching import CLAUSE_MARGIN, MIN_KEY_CHARS, THRESHOLD, sentence_key, similarity
from core.structure import parse
from core.text import compare_key, normalize

ROOT = Path(__file__).resolve().parent.parent
STARTUP = """
import time
from pathlib import Path
started = time.perf_counter()
from core import Tokenizer, load_corpus
load_corpus({corpus!r}, tokenizer=Tokenizer(cache_dir=Path({cache!r})))
"""


def startup_seconds(corpus: Path, cache: Path) -> float:
    code = STARTUP.format(corpus=str(corpus), cache=str(cache))
    started = time.perf_counter()
    subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, cwd=ROOT)
    return time.perf_counter() - started


def paragraphs(corpus: Corpus, count: int, seed: int = 7) -> list[str]:
    """500-character windows of corpus and sample text with about 3% of characters replaced."""
    rng = random.Random(seed)
    sources = [d.text for d in corpus.documents]
    sample = ROOT / "examples" / "sample_draft.txt"
    sources.append(normalize(sample.read_text(encoding="utf-8")))
    out = []
    for _ in range(count):
        text = rng.choice(sources)
        start = rng.randrange(0, max(1, len(text) - 500))
        chars = list(text[start : start + 500])
        for _ in range(len(chars) // 30):  # about 3% of characters replaced
            chars[rng.randrange(len(chars))] = rng.choice("的了在是和与及对把")
        out.append("".join(chars))
    return out


def whole_drafts(corpus: Corpus, count: int, seed: int = 11) -> list[str]:
    """3,000-character drafts with the full frame: the sample draft and corpus documents."""
    rng = random.Random(seed)
    sample = (ROOT / "examples" / "sample_draft.txt").read_text(encoding="utf-8")
    sources = [sample, *(d.text for d in corpus.documents)]
    return [rng.choice(sources)[:3000] for _ in range(count)]


def exact_units(text: str, corpus: Corpus) -> list[tuple[str, float]]:
    """The draft units the matcher queries, with the threshold each must reach."""
    doc = parse(normalize(text), corpus.scheme)
    units = []
    for sentence in doc.sentences:
        whole = sentence_key(doc.text, sentence)
        if len(whole.replace(" ", "")) >= MIN_KEY_CHARS:
            units.append((whole, THRESHOLD))
        for clause in sentence.clauses if len(sentence.clauses) > 1 else ():
            key = compare_key(doc.text[clause.start : clause.end])
            if len(key) >= MIN_KEY_CHARS:
                units.append((key, THRESHOLD + CLAUSE_MARGIN))
    return units


def indexed_hits(units: list[tuple[str, float]], corpus: Corpus) -> set[tuple[str, int]]:
    keys = corpus.index.ngrams.keys
    hits = set()
    for key, threshold in units:
        for unit in corpus.index.ngrams.candidates(key):
            if similarity(key, keys[unit]) >= threshold:
                hits.add((key, int(unit)))
    return hits


def exhaustive_hits(units: list[tuple[str, float]], corpus: Corpus) -> set[tuple[str, int]]:
    keys = corpus.index.ngrams.keys
    hits = set()
    for key, threshold in units:
        for _, _, unit in process.extract(
            key, keys, scorer=similarity, score_cutoff=threshold, limit=None
        ):
            hits.add((key, int(unit)))
    return hits


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=ROOT / "seeds")
    parser.add_argument("--paragraphs", type=int, default=200)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as cache:
        cold = startup_seconds(args.corpus, Path(cache))
        warm = statistics.median(startup_seconds(args.corpus, Path(cache)) for _ in range(3))
    corpus = load_corpus(args.corpus)
    texts = paragraphs(corpus, args.paragraphs)
    review(texts[0], corpus)  # warm the tokenizer
    drafts = whole_drafts(corpus, 40)
    whole_ms = []
    for draft in drafts:
        started = time.perf_counter()
        review(draft, corpus)
        whole_ms.append((time.perf_counter() - started) * 1000)
    full, index_ms, exact_ms, agree, total = [], [], [], 0, 0
    for text in texts:
        started = time.perf_counter()
        review(text, corpus)
        full.append((time.perf_counter() - started) * 1000)
        units = exact_units(text, corpus)
        started = time.perf_counter()
        fast = indexed_hits(units, corpus)
        index_ms.append((time.perf_counter() - started) * 1000)
        started = time.perf_counter()
        exact = exhaustive_hits(units, corpus)
        exact_ms.append((time.perf_counter() - started) * 1000)
        agree += len(fast & exact)
        total += len(exact)
    print(f"corpus: {args.corpus} ({len(corpus.index.ngrams)} indexed units)")
    print(f"start-up, fresh process: cold jieba cache {cold:.2f} s, warm {warm:.2f} s")
    print(f"{'review latency, ms':<34}{'median':>10}{'p95':>10}")
    rows = [("500-char paragraph, full review()", full), ("  matching via index", index_ms)]
    rows.insert(0, ("3,000-char draft, all checks", whole_ms))
    rows.append(("  matching, exhaustive baseline", exact_ms))
    for label, values in rows:
        print(f"{label:<34}{statistics.median(values):>10.2f}{percentile(values, 0.95):>10.2f}")
    speedup = statistics.median(exact_ms) / max(statistics.median(index_ms), 1e-9)
    recall = agree / total if total else 1.0
    print(
        f"index vs exhaustive: {speedup:.1f}x faster, recall {recall:.3f} ({agree}/{total} pairs)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
