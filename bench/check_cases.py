"""Per-check precision and recall on labelled items written for this project (not the seeds).

Each case is one item with the section it belongs to and the checks a senior reviewer would flag
(tests/data/check_cases.json; [] for a clean item). The item is placed in that section of a small
draft whose other sections hold clean filler, and only findings inside the item are counted.
Structure findings are about whole drafts and are not counted here.

    python bench/check_cases.py [--cases FILE] [--verbose]
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path

from core.corpus import build_corpus, read_corpus_texts
from core.review import review

ROOT = Path(__file__).resolve().parent.parent
FILLER = {
    "problem": "一是2024年3月城南项目审批中，我没有按时组织论证，导致开工推迟两个月。",
    "cause": "一是理想信念有所松懈，放松了主观世界改造，把分管工作当作任务应付。",
    "measure": "一是2025年6月底前完成城南项目论证，每月调度一次进度。",
}
SECTIONS = {"problem": "一、存在的问题", "cause": "二、原因分析", "measure": "三、整改措施"}


def draft_with(section: str, text: str) -> tuple[str, int, int]:
    """A small draft holding `text` as the second item of `section`; its span in the draft."""
    parts, start = ["2023年主题教育专题民主生活会对照检查材料"], 0
    for kind, title in SECTIONS.items():
        parts.append(title)
        if kind == "problem":
            parts.append("（一）工作作风方面")
        parts.append(FILLER[kind])
        if kind == section:
            start = len("\n".join(parts)) + 1
            parts.append("二是" + text)
    draft = "\n".join(parts)
    return draft, start, start + len("二是" + text)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=Path, default=ROOT / "tests/data/check_cases.json")
    parser.add_argument("--verbose", action="store_true")
    args = parser.parse_args()
    corpus = build_corpus(read_corpus_texts(ROOT / "seeds"))
    cases = json.loads(args.cases.read_text(encoding="utf-8"))["cases"]
    found, right, wanted, hit = Counter[str](), Counter[str](), Counter[str](), Counter[str]()
    clean_cases = clean_silent = 0
    for case in cases:
        draft, start, end = draft_with(case["section"], case["text"])
        result = review(draft, corpus)
        said = {
            f.check for f in result.findings if f.check != "structure" and start <= f.start < end
        }
        expect = set(case["expect"])
        for check in said:
            found[check] += 1
            right[check] += check in expect
            if args.verbose and check not in expect:
                print(f"  false {check} on {case['id']}: {case['text'][:40]}")
        for check in expect:
            wanted[check] += 1
            hit[check] += check in said
            if args.verbose and check not in said:
                print(f"  missed {check} on {case['id']}: {case['text'][:40]}")
        if not expect:
            clean_cases += 1
            clean_silent += not said
    print(f"{len(cases)} labelled cases ({clean_cases} clean items)")
    print(f"{'check':<24}{'findings':>9}{'precision':>11}{'expected':>10}{'recall':>8}")
    for check in sorted(set(found) | set(wanted)):
        precision = f"{right[check] / found[check]:.0%}" if found[check] else "—"
        recall = f"{hit[check] / wanted[check]:.0%}" if wanted[check] else "—"
        print(f"{check:<24}{found[check]:>9}{precision:>11}{wanted[check]:>10}{recall:>8}")
    total_found, total_right = sum(found.values()), sum(right.values())
    print(f"{'all':<24}{total_found:>9}{total_right / max(1, total_found):>11.0%}")
    print(f"clean items with no finding: {clean_silent}/{clean_cases}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
