"""Dimension scores: how strongly a text addresses each dimension, and the evidence.

Two sources of evidence, both data: the scheme's hand-written lexicon (phrases a reviewer would
accept as naming a dimension) and word weights learned from the corpus's labelled passages
(log-odds of a word appearing in one dimension's passages rather than the others').
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from core.models import DimensionScore, Passage
from core.schemes import Scheme
from core.tokens import Tokenizer

LEARNED_SHARE = 0.6  # learned words count a little less than reviewed lexicon phrases
SATURATION = 6.0  # raw evidence at which a score reaches 63; 12 → 86; 18 → 95
MIN_TOP_EVIDENCE = 1.5  # below this the text is not about any dimension
EVIDENCE_SHOWN = 6
_SMOOTHING = 0.5
_MAX_LEARNED_WEIGHT = 2.5
_MIN_DOCUMENTS = 2  # a learned word must recur across documents, not be one author's habit


@dataclass(frozen=True, slots=True, eq=False)
class DimensionModel:
    """Lexicon and learned weights for one scheme, and the tokenizer that reads text for it."""

    scheme: Scheme
    lexicon: Mapping[str, tuple[float, ...]]
    learned: Mapping[str, tuple[float, ...]]
    tokenizer: Tokenizer
    use_lexicon: bool = True
    use_learned: bool = True


def learn(
    passages: Iterable[Passage],
    scheme: Scheme,
    tokenizer: Tokenizer,
    *,
    use_lexicon: bool = True,
    use_learned: bool = True,
) -> DimensionModel:
    """Build a model from the scheme's lexicon and the passages labelled with a dimension."""
    names = scheme.names
    lexicon: dict[str, list[float]] = {}
    for i, dim in enumerate(scheme.dimensions):
        for term, weight in dim.lexicon:
            lexicon.setdefault(term, [0.0] * len(names))[i] = weight
    labelled = [p for p in passages if p.dimension in names]
    learned = _learn_weights(labelled, names, tokenizer) if labelled else {}
    return DimensionModel(
        scheme=scheme,
        lexicon={t: tuple(w) for t, w in lexicon.items()},
        learned=learned,
        tokenizer=tokenizer,
        use_lexicon=use_lexicon,
        use_learned=use_learned,
    )


def _learn_weights(
    passages: list[Passage], names: tuple[str, ...], tokenizer: Tokenizer
) -> dict[str, tuple[float, ...]]:
    per_dim: list[Counter[str]] = [Counter() for _ in names]
    docs_of: defaultdict[str, set[str]] = defaultdict(set)
    sizes = [0] * len(names)
    for passage in passages:
        d = names.index(str(passage.dimension))
        sizes[d] += 1
        for word in set(tokenizer.words(passage.text)):
            per_dim[d][word] += 1
            docs_of[word].add(passage.document)
    total = sum(sizes)
    weights: dict[str, tuple[float, ...]] = {}
    for word, documents in docs_of.items():
        if len(documents) < _MIN_DOCUMENTS:
            continue
        counts = [c[word] for c in per_dim]
        row = tuple(_log_odds(counts[d], sizes[d], sum(counts) - counts[d], total - sizes[d])
                    for d in range(len(names)))  # fmt: skip
        if any(w > 0 for w in row):
            weights[word] = row
    return weights


def _log_odds(in_count: int, in_size: int, out_count: int, out_size: int) -> float:
    p_in = (in_count + _SMOOTHING) / (in_size + 2 * _SMOOTHING)
    p_out = (out_count + _SMOOTHING) / (out_size + 2 * _SMOOTHING)
    return max(0.0, min(_MAX_LEARNED_WEIGHT, math.log(p_in / p_out)))


def raw_evidence(model: DimensionModel, text: str) -> list[dict[str, float]]:
    """Per dimension, each phrase's contribution to the evidence in `text`."""
    found: list[dict[str, float]] = [{} for _ in model.scheme.dimensions]
    if model.use_lexicon:
        for term, weights in model.lexicon.items():
            count = text.count(term)
            if count:
                _add(found, term, weights, count, 1.0)
    if model.use_learned and model.learned:
        for word, count in Counter(model.tokenizer.words(text)).items():
            weights = model.learned.get(word)
            if weights is not None:
                _add(found, word, weights, count, LEARNED_SHARE)
    return found


def _add(
    found: list[dict[str, float]], phrase: str, weights: tuple[float, ...], count: int, share: float
) -> None:
    repeat = 1.0 + math.log(count)  # repeating a phrase adds less and less
    for d, weight in enumerate(weights):
        if weight > 0:
            found[d][phrase] = found[d].get(phrase, 0.0) + weight * repeat * share


def score(model: DimensionModel, text: str) -> tuple[tuple[DimensionScore, ...], str | None]:
    """All dimensions' scores (0–100) with evidence, and the top dimension (None if none)."""
    evidence = raw_evidence(model, text)
    totals = [sum(e.values()) for e in evidence]
    scores = tuple(
        DimensionScore(
            dimension=name,
            score=round(100.0 * (1.0 - math.exp(-totals[d] / SATURATION)), 1),
            evidence=tuple(
                p for p, _ in sorted(evidence[d].items(), key=lambda kv: (-kv[1], kv[0]))
            )[:EVIDENCE_SHOWN],
        )
        for d, name in enumerate(model.scheme.names)
    )
    best = max(range(len(totals)), key=lambda d: (totals[d], -d)) if totals else None
    if best is None or totals[best] < MIN_TOP_EVIDENCE:
        return scores, None
    return scores, model.scheme.names[best]
