"""Dimension scores: how strongly a text addresses each dimension, and the evidence.

Two sources of evidence, both data: the scheme's hand-written lexicon (phrases a reviewer would
accept as naming a dimension) and word weights learned from the corpus's labelled passages
(log-odds of a word appearing in one dimension's passages rather than the others').
"""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from importlib import resources
from typing import Any

from core.models import DimensionScore, Passage
from core.schemes import Scheme
from core.tokens import Tokenizer

LEARNED_SHARE = 0.6  # learned words count a little less than reviewed lexicon phrases
SATURATION = 6.0  # raw evidence at which a score reaches 63; 12 → 86; 18 → 95
TYPICAL_ITEM_CHARS = 300
MIN_TOP_EVIDENCE = 2.0  # below this the text is not about any dimension
EVIDENCE_SHOWN = 6
OPENING_BOOST = 2.0  # the opening sentence counts three times in all
_OPENING = re.compile(r"[^。！？\n]{2,80}[。！？]")
_SMOOTHING = 0.5
_MAX_LEARNED_WEIGHT = 2.5
_MIN_LEARNED_WEIGHT = 0.7  # weaker associations are noise at the corpus sizes we start with
_MIN_DOCUMENTS = 2


def _load_stopwords() -> frozenset[str]:
    raw = resources.files("core").joinpath("data/stopwords.txt").read_text(encoding="utf-8")
    return frozenset(
        w for line in raw.splitlines() if not line.startswith("#") for w in line.split()
    )


_STOPWORDS = _load_stopwords()


@dataclass(frozen=True, slots=True, eq=False)
class DimensionModel:
    """Lexicon and learned weights for one scheme, and the tokenizer that reads text for it."""

    scheme: Scheme
    lexicon: Mapping[str, tuple[float, ...]]
    learned: Mapping[str, tuple[float, ...]]
    tokenizer: Tokenizer
    use_lexicon: bool = True
    use_learned: bool = True


@dataclass(frozen=True, slots=True)
class WordCounts:
    """What learning needs from labelled passages, in a form that adds up across corpus
    segments: passages per dimension, and per word the passages and documents it appears in."""

    sizes: tuple[int, ...]
    passages: Mapping[str, tuple[int, ...]]
    documents: Mapping[str, tuple[int, ...]]

    @classmethod
    def empty(cls, dimensions: int) -> WordCounts:
        return cls((0,) * dimensions, {}, {})

    def __add__(self, other: WordCounts) -> WordCounts:
        return WordCounts(
            tuple(a + b for a, b in zip(self.sizes, other.sizes, strict=True)),
            _add_rows(self.passages, other.passages),
            _add_rows(self.documents, other.documents),
        )

    def to_json(self) -> dict[str, object]:
        return {"sizes": list(self.sizes), "passages": self.passages, "documents": self.documents}

    @classmethod
    def from_json(cls, raw: dict[str, Any]) -> WordCounts:
        return cls(
            tuple(raw["sizes"]),
            {w: tuple(r) for w, r in raw["passages"].items()},
            {w: tuple(r) for w, r in raw["documents"].items()},
        )


def _add_rows(
    a: Mapping[str, tuple[int, ...]], b: Mapping[str, tuple[int, ...]]
) -> dict[str, tuple[int, ...]]:
    merged = dict(a)
    for word, row in b.items():
        old = merged.get(word)
        merged[word] = row if old is None else tuple(x + y for x, y in zip(old, row, strict=True))
    return merged


def count_words(
    passages: Iterable[Passage], names: tuple[str, ...], tokenizer: Tokenizer
) -> WordCounts:
    """Count, for the passages labelled with one of `names`, which words each dimension uses."""
    passage_rows: defaultdict[str, list[int]] = defaultdict(lambda: [0] * len(names))
    document_sets: defaultdict[str, list[set[str]]] = defaultdict(lambda: [set() for _ in names])
    sizes = [0] * len(names)
    for passage in passages:
        if passage.dimension not in names:
            continue
        d = names.index(passage.dimension)
        sizes[d] += 1
        for word in set(tokenizer.words(passage.text)) - _STOPWORDS:
            passage_rows[word][d] += 1
            document_sets[word][d].add(passage.document)
    return WordCounts(
        tuple(sizes),
        {w: tuple(r) for w, r in passage_rows.items()},
        {w: tuple(len(s) for s in sets) for w, sets in document_sets.items()},
    )


def learn(
    counts: WordCounts,
    scheme: Scheme,
    tokenizer: Tokenizer,
    *,
    use_lexicon: bool = True,
    use_learned: bool = True,
) -> DimensionModel:
    """Build a model from the scheme's lexicon and word counts of labelled passages."""
    names = scheme.names
    lexicon: dict[str, list[float]] = {}
    for i, dim in enumerate(scheme.dimensions):
        for term, weight in dim.lexicon:
            lexicon.setdefault(term, [0.0] * len(names))[i] = weight
    return DimensionModel(
        scheme=scheme,
        lexicon={t: tuple(w) for t, w in lexicon.items()},
        learned=_learn_weights(counts),
        tokenizer=tokenizer,
        use_lexicon=use_lexicon,
        use_learned=use_learned,
    )


def _learn_weights(counts: WordCounts) -> dict[str, tuple[float, ...]]:
    """Log-odds of each word for each dimension, kept only where the association recurs in
    several documents' passages of that dimension (one author's habit is not evidence)."""
    sizes = counts.sizes
    total = sum(sizes)
    weights: dict[str, tuple[float, ...]] = {}
    for word, row_counts in counts.passages.items():
        in_docs = counts.documents[word]
        row = tuple(
            _log_odds(n, sizes[d], sum(row_counts) - n, total - sizes[d])
            if in_docs[d] >= _MIN_DOCUMENTS else 0.0
            for d, n in enumerate(row_counts)
        )  # fmt: skip
        if any(w > 0 for w in row):
            weights[word] = row
    return weights


def _log_odds(in_count: int, in_size: int, out_count: int, out_size: int) -> float:
    p_in = (in_count + _SMOOTHING) / (in_size + 2 * _SMOOTHING)
    p_out = (out_count + _SMOOTHING) / (out_size + 2 * _SMOOTHING)
    weight = math.log(p_in / p_out)
    return 0.0 if weight < _MIN_LEARNED_WEIGHT else min(_MAX_LEARNED_WEIGHT, weight)


def raw_evidence(model: DimensionModel, text: str) -> list[dict[str, float]]:
    """Per dimension, each phrase's contribution to the evidence in `text`.

    The opening sentence counts once more: in this genre it states the point (一是…不够深入).
    """
    found: list[dict[str, float]] = [{} for _ in model.scheme.dimensions]
    _collect(model, text, found, 1.0)
    opening = _OPENING.match(text)
    if opening and opening.end() < len(text.rstrip()):
        _collect(model, opening.group(), found, OPENING_BOOST)
    return found


def _collect(model: DimensionModel, text: str, found: list[dict[str, float]], share: float) -> None:
    if model.use_lexicon:
        for term, weights in model.lexicon.items():
            count = text.count(term)
            if count:
                _add(found, term, weights, count, share)
    if model.use_learned and model.learned:
        for word, count in Counter(model.tokenizer.words(text)).items():
            learned = model.learned.get(word)
            if learned is not None:
                _add(found, word, learned, count, share * LEARNED_SHARE)


def _add(
    found: list[dict[str, float]], phrase: str, weights: tuple[float, ...], count: int, share: float
) -> None:
    repeat = 1.0 + math.log(count)  # repeating a phrase adds less and less
    for d, weight in enumerate(weights):
        if weight > 0:
            found[d][phrase] = found[d].get(phrase, 0.0) + weight * repeat * share


def score(model: DimensionModel, text: str) -> tuple[tuple[DimensionScore, ...], str | None]:
    """All dimensions' scores (0–100) with evidence, and the top dimension (None if none).

    Evidence is divided by the square root of the text's length in units of a typical item,
    so a long draft that touches a dimension in passing does not score like a focused item.
    """
    evidence = raw_evidence(model, text)
    totals = [sum(e.values()) for e in evidence]
    scale = math.sqrt(max(1.0, len(text) / TYPICAL_ITEM_CHARS))
    scores = tuple(
        DimensionScore(
            dimension=name,
            score=round(100.0 * (1.0 - math.exp(-totals[d] / scale / SATURATION)), 1),
            evidence=_strongest(evidence[d], model.lexicon),
        )
        for d, name in enumerate(model.scheme.names)
    )
    best = max(range(len(totals)), key=lambda d: (totals[d], -d)) if totals else None
    if best is None or totals[best] < MIN_TOP_EVIDENCE:
        return scores, None
    return scores, model.scheme.names[best]


def _strongest(
    contributions: dict[str, float], lexicon: Mapping[str, tuple[float, ...]]
) -> tuple[str, ...]:
    """The phrases that contributed most, reviewed lexicon phrases before learned words; a
    stem (学习) gives way to a longer hit (理论学习)."""
    ranked = sorted(
        contributions.items(), key=lambda kv: (kv[0] not in lexicon, -kv[1], -len(kv[0]), kv[0])
    )
    specific = [p for p, _ in ranked if not any(p != q and p in q for q in contributions)]
    return tuple(specific[:EVIDENCE_SHOWN])
