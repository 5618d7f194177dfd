"""Precision of the reviewer's checks on the seed documents, against hand-made judgements.

Each seed is reviewed with the other seeds as its corpus (so near-duplicates are cross-document).
Every finding is keyed by document, check and the text it points at; `bench/check_labels.json`
holds a human judgement per key (true: a reviewer would agree; false: noise). The script prints
precision per check and lists findings nobody has judged yet.

    python bench/checks.py                  # precision table
    python bench/checks.py --dump out.json  # every finding with context, for judging
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path

from core import build_corpus, review
from core.corpus import read_corpus_texts
from core.tokens import Tokenizer

ROOT = Path(__file__).resolve().parent.parent
LABELS = ROOT / "bench" / "check_labels.json"


def finding_key(document: str, check: str, text: str) -> str:
    return f"{document}|{check}|{text[:40]}"


def collect(corpus_dir: Path) -> list[dict[str, str]]:
    texts = read_corpus_texts(corpus_dir)
    tokenizer = Tokenizer()
    rows: list[dict[str, str]] = []
    seen: Counter[str] = Counter()
    for name, raw in texts:
        others = build_corpus([t for t in texts if t[0] != name], tokenizer=tokenizer)
        result = review(raw, others)
        for f in result.findings:
            span = result.text[f.start : f.end]
            context = result.text[max(0, f.start - 30) : f.end + 30]
            key = finding_key(name, f.check, span)
            seen[key] += 1
            rows.append(
                {
                    "key": key if seen[key] == 1 else f"{key}#{seen[key]}",
                    "document": name,
                    "check": f.check,
                    "severity": f.severity,
                    "span": span,
                    "context": context,
                    "message": f.message,
                }
            )
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=ROOT / "seeds")
    parser.add_argument("--dump", type=Path, help="write all findings here for judging")
    args = parser.parse_args()
    rows = collect(args.corpus)
    if args.dump:
        args.dump.write_text(json.dumps(rows, ensure_ascii=False, indent=1), encoding="utf-8")
        print(f"{len(rows)} findings written to {args.dump}")
        return 0
    labels: dict[str, bool] = (
        json.loads(LABELS.read_text(encoding="utf-8")) if LABELS.exists() else {}
    )
    found, judged, right = Counter[str](), Counter[str](), Counter[str]()
    unjudged = []
    for row in rows:
        check = row["check"]
        found[check] += 1
        if row["key"] in labels:
            judged[check] += 1
            right[check] += labels[row["key"]]
        else:
            unjudged.append(row)
    print(f"checks on {args.corpus} (each seed reviewed against the other four)")
    print(f"{'check':<24}{'findings':>9}{'judged':>8}{'correct':>9}{'precision':>11}")
    for check in sorted(found):
        precision = f"{100 * right[check] / judged[check]:.0f}%" if judged[check] else "—"
        print(f"{check:<24}{found[check]:>9}{judged[check]:>8}{right[check]:>9}{precision:>11}")
    total_judged, total_right = sum(judged.values()), sum(right.values())
    overall = f"{100 * total_right / total_judged:.0f}%" if total_judged else "—"
    print(f"{'all':<24}{sum(found.values()):>9}{total_judged:>8}{total_right:>9}{overall:>11}")
    for row in unjudged:
        print(f"  unjudged: {row['key']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
