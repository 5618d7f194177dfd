"""Dimension scores: how strongly a text addresses each aspect of a scheme, and the evidence.

Evidence is gathered per concern (concerns.json: 理论武装, 廉洁自律 …), which every year's aspects
are made of, so one model serves every scheme. Two sources, both data: the concerns' hand-written
lexicons plus each aspect's own heading words (phrases a reviewer would accept as naming it), and
word weights learned from the corpus's labelled passages (log-odds of a word appearing in one
concern's passages rather than the others'). Only lexicon phrases are shown as evidence: a learned
word helps the call but is not something to show a writer.
"""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from importlib import resources
from typing import Any

from core.models import DimensionScore, Passage
from core.schemes import Catalogue, Concern, Scheme
from core.tokens import Tokenizer

LEARNED_SHARE = 0.5  # learned words count less than reviewed lexicon phrases
SATURATION = 6.0  # raw evidence at which the strength reaches 63 %; 12 → 86 %; 18 → 95 %
TYPICAL_ITEM_CHARS = 300
MIN_TOP_EVIDENCE = 1.0  # below this the text is not about any dimension
EVIDENCE_SHOWN = 5
CLAIMED_SHARE = 0.5  # a phrase one aspect names as its own counts half for its siblings
MIN_SHOWN_WEIGHT = 1.0  # a phrase that moves a dimension less than this is not shown for it
OPENING_BOOST = 1.0  # the opening sentence counts twice in all: in this genre it states the point
_OPENING = re.compile(r"[^。！？\n]{2,80}[。！？]")
_SMOOTHING = 0.5
_MAX_LEARNED_WEIGHT = 2.0
_MIN_LEARNED_WEIGHT = 0.7  # weaker associations are noise at the corpus sizes we start with
_MIN_DOCUMENTS = 2


def _load_stopwords() -> frozenset[str]:
    raw = resources.files("core").joinpath("data/stopwords.txt").read_text(encoding="utf-8")
    return frozenset(
        w for line in raw.splitlines() if not line.startswith("#") for w in line.split()
    )


STOPWORDS = _load_stopwords()


@dataclass(frozen=True, slots=True)
class WordCounts:
    """What learning needs from labelled passages, in a form that adds up across corpus
    segments: passages per concern, and per word the passages and documents it appears in."""

    sizes: tuple[int, ...]
    passages: Mapping[str, tuple[int, ...]]
    documents: Mapping[str, tuple[int, ...]]

    @classmethod
    def empty(cls, concerns: int) -> WordCounts:
        return cls((0,) * concerns, {}, {})

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
    passages: Iterable[Passage],
    concerns: tuple[str, ...],
    tokenizer: Tokenizer,
    label: Callable[[Passage], str | None],
) -> WordCounts:
    """Count, for the passages `label` assigns to one of `concerns`, which words each uses."""
    passage_rows: defaultdict[str, list[int]] = defaultdict(lambda: [0] * len(concerns))
    document_sets: defaultdict[str, list[set[str]]] = defaultdict(lambda: [set() for _ in concerns])
    sizes = [0] * len(concerns)
    for passage in passages:
        concern = label(passage)
        if concern not in concerns:
            continue
        c = concerns.index(concern)
        sizes[c] += 1
        for word in set(tokenizer.words(passage.text)) - STOPWORDS:
            passage_rows[word][c] += 1
            document_sets[word][c].add(passage.document)
    return WordCounts(
        tuple(sizes),
        {w: tuple(r) for w, r in passage_rows.items()},
        {w: tuple(len(s) for s in sets) for w, sets in document_sets.items()},
    )


@dataclass(frozen=True, slots=True, eq=False)
class ConcernModel:
    """The concerns' lexicons and learned weights, and the tokenizer that reads text for them."""

    catalogue: Catalogue
    lexicon: Mapping[str, tuple[float, ...]]
    learned: Mapping[str, tuple[float, ...]]
    tokenizer: Tokenizer
    use_lexicon: bool = True
    use_learned: bool = True
    _scorers: dict[tuple[str, tuple[str, ...]], Scorer] = field(default_factory=dict)

    @property
    def concerns(self) -> tuple[str, ...]:
        return tuple(c.id for c in self.catalogue.concerns)

    def scorer(self, scheme: Scheme) -> Scorer:
        """The scorer for one scheme, built once per scheme (a declared scheme is per draft)."""
        key = (scheme.name, scheme.names)
        found = self._scorers.get(key)
        if found is None:
            found = Scorer.build(self, scheme)
            if not scheme.declared:
                self._scorers[key] = found
        return found


def learn(
    counts: WordCounts,
    catalogue: Catalogue,
    tokenizer: Tokenizer,
    *,
    use_lexicon: bool = True,
    use_learned: bool = True,
) -> ConcernModel:
    """Build a model from the concerns' lexicons and word counts of labelled passages."""
    return ConcernModel(
        catalogue=catalogue,
        lexicon=concern_lexicon(catalogue.concerns),
        learned=_learn_weights(counts) if counts.sizes else {},
        tokenizer=tokenizer,
        use_lexicon=use_lexicon,
        use_learned=use_learned,
    )


def concern_lexicon(concerns: tuple[Concern, ...]) -> dict[str, tuple[float, ...]]:
    lexicon: dict[str, list[float]] = {}
    for i, concern in enumerate(concerns):
        for term, weight in concern.lexicon:
            lexicon.setdefault(term, [0.0] * len(concerns))[i] = weight
    return {t: tuple(w) for t, w in lexicon.items()}


def _learn_weights(counts: WordCounts) -> dict[str, tuple[float, ...]]:
    """Log-odds of each word for each concern, kept only where the association recurs in
    several documents' passages of that concern (one author's habit is not evidence)."""
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


@dataclass(frozen=True, slots=True, eq=False)
class Scorer:
    """Scores text against one scheme's dimensions: each phrase's weight for each dimension is
    its concern weights times the dimension's share of those concerns, plus the dimension's
    own heading words."""

    scheme: Scheme
    phrases: Mapping[str, tuple[float, ...]]
    pattern: re.Pattern[str] | None
    learned: Mapping[str, tuple[float, ...]]
    use_learned: bool

    @classmethod
    def build(cls, model: ConcernModel, scheme: Scheme) -> Scorer:
        concerns = model.concerns
        mix = [_mix(dim.concerns, concerns) for dim in scheme.dimensions]
        phrases: dict[str, list[float]] = {}
        if model.use_lexicon:
            for term, row in model.lexicon.items():
                weights = [sum(w * m[c] for c, w in enumerate(row)) for m in mix]
                if any(weights):
                    phrases[term] = weights
            claimed: dict[str, set[int]] = {}
            for d, dim in enumerate(scheme.dimensions):
                for term, weight in dim.lexicon:
                    own = phrases.setdefault(term, [0.0] * len(mix))
                    own[d] = max(own[d], weight)
                    claimed.setdefault(term, set()).add(d)
            for term, owners in claimed.items():  # an aspect's own words speak for it first
                weights_of = phrases[term]
                for d in range(len(weights_of)):
                    if d not in owners:
                        weights_of[d] *= CLAIMED_SHARE
        for term in model.catalogue.neutral:  # matched first (longest), so its words count nil
            phrases[term] = [0.0] * len(mix)
        learned = {
            word: tuple(sum(w * m[c] for c, w in enumerate(row)) for m in mix)
            for word, row in model.learned.items()
        }
        pattern = re.compile(trie_pattern(phrases)) if phrases else None
        return cls(
            scheme,
            {t: tuple(w) for t, w in phrases.items()},
            pattern,
            {w: r for w, r in learned.items() if any(r)},
            model.use_learned,
        )

    def evidence(
        self, text: str, words: Sequence[str], edges: frozenset[int] | None = None
    ) -> list[dict[str, float]]:
        """Per dimension, each phrase's (or learned word's, keyed with a leading ~) evidence.
        With `edges` (where words begin), a phrase must begin on one: 新思想 is not read in
        创新｜思想, nor 民意 in 人民｜意愿."""
        found: list[dict[str, float]] = [{} for _ in self.scheme.dimensions]
        self._collect(text, words, found, 1.0, edges)
        opening = _OPENING.match(text)
        if opening and opening.end() < len(text.rstrip()):
            self._collect(opening.group(), None, found, OPENING_BOOST, edges)
        return found

    def _collect(
        self,
        text: str,
        words: Sequence[str] | None,
        found: list[dict[str, float]],
        share: float,
        edges: frozenset[int] | None,
    ) -> None:
        if self.pattern is not None:
            terms = Counter(
                m.group()
                for m in self.pattern.finditer(text)
                if edges is None or m.start() in edges  # 政治领悟(力) may end inside a word
            )
            for term, count in terms.items():
                _add(found, term, self.phrases[term], count, share)
        if self.use_learned and words is not None and self.learned:
            for word, count in Counter(words).items():
                row = self.learned.get(word)
                if row is not None:
                    _add(found, "~" + word, row, count, share * LEARNED_SHARE)

    def score(
        self, text: str, words: Sequence[str], edges: frozenset[int] | None = None
    ) -> tuple[tuple[DimensionScore, ...], str | None]:
        """All dimensions' scores (0–100) with evidence, and the top dimension (None if none).

        A score is the strength of the evidence (divided by the square root of the text's
        length in typical items, so a long text touching a dimension in passing does not score
        like a focused item) times its share of the strongest dimension's evidence, so the
        dimension a text is about stands clear of those it mentions in passing.
        """
        evidence = self.evidence(text, words, edges)
        totals = [sum(e.values()) for e in evidence]
        scale = math.sqrt(max(1.0, len(text) / TYPICAL_ITEM_CHARS))
        top_total = max(totals, default=0.0)
        scores = tuple(
            DimensionScore(
                dimension=name,
                score=round(
                    100.0
                    * (1.0 - math.exp(-totals[d] / scale / SATURATION))
                    * (totals[d] / top_total if top_total else 0.0),
                    1,
                ),
                evidence=_shown(evidence[d], self.phrases, d),
            )
            for d, name in enumerate(self.scheme.names)
        )
        best = max(range(len(totals)), key=lambda d: (totals[d], -d)) if totals else None
        if best is None or totals[best] < MIN_TOP_EVIDENCE:
            return scores, None
        return scores, self.scheme.names[best]


def trie_pattern(words: Iterable[str]) -> str:
    """One regex matching any of `words`, longest first (理论学习 before 学习), shaped as a trie:
    a flat alternation of two thousand phrases makes `re` try each in turn at every character."""
    trie: dict[str, Any] = {}
    for word in words:
        node = trie
        for ch in word:
            node = node.setdefault(ch, {})
        node[""] = True
    return _emit(trie)


def _emit(node: dict[str, Any]) -> str:
    branches = [re.escape(ch) + _emit(child) for ch, child in sorted(node.items()) if ch]
    if not branches:
        return ""
    body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
    return f"(?:{body})?" if "" in node else body


def _mix(weights: tuple[tuple[str, float], ...], concerns: tuple[str, ...]) -> list[float]:
    row = [0.0] * len(concerns)
    for concern, weight in weights:
        if concern in concerns:
            row[concerns.index(concern)] = weight
    return row


def _add(
    found: list[dict[str, float]], phrase: str, weights: Sequence[float], count: int, share: float
) -> None:
    repeat = 1.0 + math.log(count)  # repeating a phrase adds less and less
    for d, weight in enumerate(weights):
        if weight > 0:
            found[d][phrase] = found[d].get(phrase, 0.0) + weight * repeat * share


def _shown(
    contributions: dict[str, float], phrases: Mapping[str, tuple[float, ...]], d: int
) -> tuple[str, ...]:
    """The lexicon phrases that moved this dimension most; learned words are never shown."""
    ranked = sorted(
        (
            (p, v) for p, v in contributions.items()
            if not p.startswith("~") and phrases[p][d] >= MIN_SHOWN_WEIGHT
        ),
        key=lambda kv: (-kv[1], -len(kv[0]), kv[0]),
    )  # fmt: skip
    return tuple(p for p, _ in ranked[:EVIDENCE_SHOWN])
