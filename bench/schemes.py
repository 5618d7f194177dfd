"""How well the engine reads frames: scheme detection and item-level aspect accuracy.

Three measures, each printed with the number of documents or items it rests on:

- items: hand-written problem items per scheme and aspect (tests/data/scheme_items.json, written
  for this project): is each item, shown without its heading, filed under its own aspect?
- drafts: a folder of drafts whose file names start with the scheme id they are written to
  (`2024_….txt`, `2024-dangji_….txt`; a first line `FRAME: <id>` or `SOURCE:` lines are read
  and dropped). For each: is the scheme detected, and are the items under each aspect heading
  filed under that aspect from their text alone? Real documents from public sites are evaluated
  this way locally; their text is never committed.
- seeds: leave-one-document-out on a corpus folder: the model learns from the other documents.

    python bench/schemes.py [--items FILE] [--drafts DIR ...] [--seeds DIR] [--verbose]
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections import Counter
from pathlib import Path

from core.analysis import analyse
from core.corpus import Corpus, build_corpus, read_corpus_texts
from core.schemes import catalogue
from core.tokens import Tokenizer

ROOT = Path(__file__).resolve().parent.parent
_FRAME = re.compile(r"^FRAME:\s*(\S+)", re.MULTILINE)
_ALIASES = {  # folder names used for frames in evaluation sets → shipped scheme ids
    "2025-minzhu": "2025",
    "2024-minzhu": "2024",
    "2022-minzhu": "2022",
    "2023-zhuti": "2023",
    "2024-dangji-jiaoyu": "2024-dangji",
}


def item_accuracy(corpus: Corpus, path: Path, verbose: bool) -> dict[str, tuple[int, int]]:
    data = json.loads(path.read_text(encoding="utf-8"))["schemes"]
    out: dict[str, tuple[int, int]] = {}
    for scheme_id, aspects in data.items():
        scheme = corpus.catalogue.get(scheme_id)
        right = total = 0
        for aspect, items in aspects.items():
            expected = scheme.resolve(aspect).name
            for item in items:
                got = analyse(item, corpus, scheme=scheme_id).dimension
                right += got == expected
                total += 1
                if verbose and got != expected:
                    print(f"  miss {scheme_id} {expected} → {got}: {item[:50]}")
        out[scheme_id] = (right, total)
    return out


def draft_accuracy(
    corpus: Corpus, folders: list[Path], verbose: bool
) -> tuple[Counter[str], Counter[str], Counter[str], Counter[str]]:
    """Per expected scheme: drafts, drafts detected right, items, items right."""
    drafts, detected, items, right = Counter[str](), Counter[str](), Counter[str](), Counter[str]()
    for folder in folders:
        for file in sorted(folder.glob("*.txt")):
            raw = file.read_text(encoding="utf-8")
            expected = _expected(file.name, raw)
            text = "\n".join(
                line for line in raw.splitlines() if not line.startswith(("SOURCE:", "FRAME:"))
            )
            result = analyse(text, corpus)
            got = result.choice.scheme.name
            drafts[expected] += 1
            detected[expected] += got == expected
            if verbose and got != expected:
                print(
                    f"  scheme {file.name}: expected {expected}, got {got} ({result.choice.reason})"
                )
            for unit in result.units:
                block = result.doc.blocks[unit.block]
                if block.section not in ("problem", None) or block.heading_dimension is None:
                    continue
                items[expected] += 1
                right[expected] += unit.dimension == block.heading_dimension
                if verbose and unit.dimension != block.heading_dimension:
                    snippet = result.plain[unit.span.start : unit.span.start + 40]
                    said, got = block.heading_dimension, unit.dimension
                    print(f"  item {file.name} {said} → {got}: {snippet}")
    return drafts, detected, items, right


def _expected(name: str, raw: str) -> str:
    frame = _FRAME.search(raw)
    key = frame.group(1) if frame else name.rsplit("_", 1)[0]
    if key == "default":  # no clue in the draft: the newest shipped scheme
        return catalogue().newest.name
    return _ALIASES.get(key, key)


def leave_one_out(folder: Path, verbose: bool) -> tuple[int, int]:
    texts = read_corpus_texts(folder)
    tokenizer = Tokenizer()
    right = total = 0
    for held_out, text in texts:
        train = build_corpus([t for t in texts if t[0] != held_out], tokenizer=tokenizer)
        result = analyse(text, train)
        for unit in result.units:
            block = result.doc.blocks[unit.block]
            if block.section != "problem" or block.heading_dimension is None:
                continue
            total += 1
            right += unit.dimension == block.heading_dimension
            if verbose and unit.dimension != block.heading_dimension:
                snippet = result.plain[unit.span.start : unit.span.start + 40]
                print(f"  seed {held_out} {block.heading_dimension} → {unit.dimension}: {snippet}")
    return right, total


def _pct(right: int, total: int) -> str:
    return f"{right}/{total} = {100 * right / total:.0f} %" if total else "no cases"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=Path, default=ROOT / "tests/data/scheme_items.json")
    parser.add_argument(
        "--drafts", type=Path, nargs="*", default=[ROOT / "tests/data/scheme_drafts"]
    )
    parser.add_argument("--seeds", type=Path, default=ROOT / "seeds")
    parser.add_argument("--verbose", action="store_true")
    args = parser.parse_args()
    corpus = build_corpus(read_corpus_texts(args.seeds))
    print(f"schemes shipped: {', '.join(catalogue().ids)}")
    if args.items.is_file():
        print(f"\nitem accuracy on {args.items.name} (scheme given, heading hidden)")
        for scheme_id, (right, total) in item_accuracy(corpus, args.items, args.verbose).items():
            print(f"  {scheme_id:<12} {_pct(right, total)}")
    folders = [f for f in args.drafts if f.is_dir()]
    if folders:
        drafts, detected, items, right = draft_accuracy(corpus, folders, args.verbose)
        print(f"\ndrafts in {', '.join(str(f) for f in folders)}")
        print(f"  {'frame':<12} {'detected':>16} {'items under their heading':>30}")
        for key in sorted(drafts):
            found, filed = _pct(detected[key], drafts[key]), _pct(right[key], items[key])
            print(f"  {key:<12} {found:>16} {filed:>30}")
        print(
            f"  {'all':<12} {_pct(sum(detected.values()), sum(drafts.values())):>16}"
            f" {_pct(sum(right.values()), sum(items.values())):>30}"
        )
    held_out = _pct(*leave_one_out(args.seeds, args.verbose))
    print(f"\nleave-one-document-out on {args.seeds}: {held_out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
