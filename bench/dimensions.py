"""Leave-one-document-out accuracy of the dimension scorer on a corpus folder.

For each document: learn from the others, then predict the dimension of each item (一是/二是…)
of the held-out document's problem section, whose true label is its block's heading. Headings
are never shown to the scorer. Also reports block-level accuracy and the lexicon-only and
learned-only variants, so the contribution of each source of evidence is visible.

    python bench/dimensions.py [--corpus seeds] [--verbose]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from core.corpus import build_corpus, read_corpus_texts
from core.schemes import load_scheme
from core.scoring import score
from core.structure import parse
from core.text import normalize
from core.tokens import Tokenizer

VARIANTS = {
    "lexicon+learned": (True, True),
    "lexicon only": (True, False),
    "learned only": (False, True),
}


def evaluate(
    corpus_dir: Path, *, use_lexicon: bool, use_learned: bool, verbose: bool
) -> dict[str, tuple[int, int]]:
    texts = read_corpus_texts(corpus_dir)
    scheme, tokenizer = load_scheme(), Tokenizer()
    tally = {"items": [0, 0], "blocks": [0, 0]}
    for held_out, _ in texts:
        train = [t for t in texts if t[0] != held_out]
        test = [t for t in texts if t[0] == held_out]
        model = build_corpus(
            train,
            scheme=scheme,
            tokenizer=tokenizer,
            use_lexicon=use_lexicon,
            use_learned=use_learned,
        ).model
        doc = parse(normalize(test[0][1]), scheme)
        for block in doc.blocks:
            if block.section != "problem" or block.heading_dimension is None:
                continue
            units = [("blocks", block.body.start, block.body.end)]
            units += [("items", i.start, i.end) for i in block.items] or [
                ("items", block.body.start, block.body.end)
            ]
            for level, start, end in units:
                _, top = score(model, doc.text[start:end])
                ok = top == block.heading_dimension
                tally[level][0] += ok
                tally[level][1] += 1
                if verbose and not ok and level == "items":
                    opening = doc.text[start : start + 40]
                    print(f"  miss {held_out} {block.heading_dimension}→{top}: {opening}")
    return {k: (v[0], v[1]) for k, v in tally.items()}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=Path("seeds"))
    parser.add_argument("--verbose", action="store_true")
    args = parser.parse_args()
    print(f"leave-one-document-out dimension accuracy on {args.corpus}")
    print(f"{'variant':<18}{'items':>16}{'blocks':>16}{'seconds':>10}")
    for name, (lex, learned) in VARIANTS.items():
        started = time.perf_counter()
        result = evaluate(
            args.corpus,
            use_lexicon=lex,
            use_learned=learned,
            verbose=args.verbose and lex and learned,
        )
        cells = [
            f"{ok}/{n} {100 * ok / max(n, 1):5.1f}%"
            for ok, n in (result["items"], result["blocks"])
        ]
        print(f"{name:<18}{cells[0]:>16}{cells[1]:>16}{time.perf_counter() - started:>10.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
