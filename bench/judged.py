"""Per-check precision on real documents, as judged by a reviewer who did not write the rules.

Real drafts from public sites are evaluation material only: they stay outside the repository
(their text is never committed). The loop is:

    python bench/judged.py dump DOC_DIR... --out findings.json
        every finding on every document (structure findings left out: the documents are
        excerpts), with its check, code, message, the text it points at and some context;
    (a reviewer writes verdicts.json: {"verdicts": [{"id": 1, "verdict": "correct" | "wrong" |
        "debatable", "why": "..."}]} — a helper briefed as a senior reviewer, or a person)
    python bench/judged.py score DOC_DIR... --judged findings.json:verdicts.json [...]
        reviews the documents again with the current rules and prints, per check, how many of
        today's findings were judged correct, wrong or debatable, and how many are new; with
        --out, writes the new ones (numbered afresh) for the next round of judging.

A finding is recognised across runs by its document, code and the first 30 characters of the
text it points at. Documents are read as UTF-8; lines starting SOURCE:, KIND:, NOTE:, FRAME: are
metadata and are dropped.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter, defaultdict
from pathlib import Path

from core.corpus import build_corpus, read_corpus_texts
from core.review import review

ROOT = Path(__file__).resolve().parent.parent
META = ("SOURCE:", "KIND:", "NOTE:", "FRAME:")
VERDICTS = ("correct", "wrong", "debatable", "new")


def documents(folders: list[Path]) -> list[tuple[str, str]]:
    out = []
    for folder in folders:
        for path in sorted(folder.glob("*.txt")):
            lines = path.read_text(encoding="utf-8").split("\n")
            body = "\n".join(line for line in lines if not line.startswith(META))
            out.append((f"{folder.name}/{path.name}", body))
    return out


def findings(folders: list[Path]) -> list[dict[str, object]]:
    corpus = build_corpus(read_corpus_texts(ROOT / "seeds"))
    rows: list[dict[str, object]] = []
    for name, body in documents(folders):
        result = review(body, corpus)
        for f in result.findings:
            if f.check == "structure":
                continue
            rows.append(
                {
                    "id": len(rows) + 1,
                    "doc": name,
                    "check": f.check,
                    "code": f.code,
                    "severity": f.severity,
                    "message": f.message,
                    "suggestion": f.suggestion,
                    "span": result.text[f.start : f.end][:300],
                    "context": result.text[max(0, f.start - 60) : f.end + 60],
                }
            )
    return rows


def key(row: dict[str, object]) -> tuple[str, str, str]:
    return (str(row["doc"]).split("/")[-1], str(row["code"]), str(row["span"])[:30])


def judged(pairs: list[str]) -> dict[tuple[str, str, str], str]:
    known: dict[tuple[str, str, str], str] = {}
    for pair in pairs:
        dumped, _, verdicts = pair.partition(":")
        rows = json.loads(Path(dumped).read_text(encoding="utf-8"))
        said = {
            v["id"]: v["verdict"]
            for v in json.loads(Path(verdicts).read_text(encoding="utf-8"))["verdicts"]
        }
        for row in rows:
            if row["id"] in said:
                known[key(row)] = said[row["id"]]
    return known


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("mode", choices=("dump", "score"))
    parser.add_argument("folders", nargs="+", type=Path)
    parser.add_argument("--out", type=Path)
    parser.add_argument("--judged", nargs="*", default=[], help="findings.json:verdicts.json")
    args = parser.parse_args()
    rows = findings(args.folders)
    if args.mode == "dump":
        text = json.dumps(rows, ensure_ascii=False, indent=1)
        if args.out:
            args.out.write_text(text, encoding="utf-8")
        else:
            print(text)
        print(f"{len(rows)} findings", file=sys.stderr)
        return 0
    known = judged(args.judged)
    table: defaultdict[str, Counter[str]] = defaultdict(Counter)
    seen: set[tuple[str, str]] = set()
    for row in rows:
        same = (str(row["code"]), str(row["span"]))
        if same in seen:
            continue  # one page published on two sites: count its findings once
        seen.add(same)
        table[str(row["check"])][known.get(key(row), "new")] += 1
    if args.out:  # the findings not judged yet, numbered for the next round of judging
        fresh = [r for r in rows if key(r) not in known]
        for number, row in enumerate(fresh, 1):
            row["id"] = number
        args.out.write_text(json.dumps(fresh, ensure_ascii=False, indent=1), encoding="utf-8")
    print(f"{'check':<24}" + "".join(f"{v:>10}" for v in VERDICTS) + f"{'correct':>10}")
    total: Counter[str] = Counter()
    for check in sorted(table):
        counts = table[check]
        total.update(counts)
        share = counts["correct"] / max(1, sum(counts[v] for v in VERDICTS[:3]))
        print(f"{check:<24}" + "".join(f"{counts[v]:>10}" for v in VERDICTS) + f"{share:>10.0%}")
    share = total["correct"] / max(1, sum(total[v] for v in VERDICTS[:3]))
    print(f"{'all':<24}" + "".join(f"{total[v]:>10}" for v in VERDICTS) + f"{share:>10.0%}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
