"""Corpus examples worth following for one aspect: concrete passages first, boilerplate never.

An example is offered as a model, so it must be one a review would not criticise: a passage made
mostly of stock phrasing, or shared with another document of the corpus (a template copied
around), is left out; the rest are ranked by how concrete they are (an example, a date or
figure, a named project or unit, the writer's own 我).
"""

from __future__ import annotations

from core.checks.vocabulary import vocabulary
from core.corpus import Corpus
from core.detection import AnyAspect
from core.matching import MIN_KEY_CHARS, find_matches
from core.models import Passage
from core.schemes import Scheme
from core.structure import parse
from core.text import compare_key, counted_chars, normalize, split_sentences

STOCK_LIMIT = 0.3  # a passage this much stock phrasing or shared text is not a model


def ranked_examples(corpus: Corpus, scheme: Scheme, dimension: str) -> tuple[Passage, ...]:
    """Every usable example of one aspect, best model first (problems before causes and
    measures, then the most concrete), at most one per document before any second one."""
    name = scheme.resolve(dimension).name
    key = (scheme.name, scheme.names, name)
    cached = corpus.examples_cache.get(key)
    if cached is not None:
        return cached
    keys = _sentence_keys(corpus)
    usable = [
        p for p in corpus.passages(scheme, name) if _boilerplate(corpus, p, keys) < STOCK_LIMIT
    ]
    usable.sort(key=lambda p: (p.section != "problem", -concreteness(p.text), p.document))
    firsts = list({p.document: p for p in reversed(usable)}.values())[::-1]
    ordered = tuple(firsts + [p for p in usable if p not in firsts])
    corpus.examples_cache[key] = ordered
    return ordered


def concreteness(text: str) -> int:
    """How many concrete things a passage names: examples, dates and figures, named things."""
    vocab = vocabulary()
    found = (
        len(vocab.examples.findall(text))
        + len(vocab.dates_numbers.findall(text))
        + len(vocab.named.findall(text))
    )
    return found + (1 if vocab.first_person.search(text) else 0)


def _boilerplate(corpus: Corpus, passage: Passage, keys: dict[str, set[str]]) -> float:
    """Share of the passage in stock phrases, in the corpus's stock formulas, or in sentences
    another corpus document also has (a template copied around is no model)."""
    text = normalize(passage.text)
    covered = [False] * len(text)

    def cover(start: int, end: int) -> None:
        covered[start:end] = [True] * (end - start)

    for m in vocabulary().stock.finditer(text):
        cover(m.start(), m.end())
    doc = parse(text, AnyAspect(corpus.catalogue))
    for match in find_matches(doc, corpus.index):
        if match.source != passage.document:
            cover(match.start, match.end)
    for sentence in doc.sentences:
        holders = keys.get(compare_key(text[sentence.start : sentence.end]), set())
        if holders - {passage.document}:
            cover(sentence.start, sentence.end)
        for clause in sentence.clauses:
            key = compare_key(text[clause.start : clause.end])
            if key and any(seg.is_stock(key) for seg in corpus.index.segments):
                cover(clause.start, clause.end)
    total = counted_chars(text)
    inside = sum(1 for i, c in enumerate(covered) if c and not text[i].isspace())
    return inside / total if total else 1.0


def _sentence_keys(corpus: Corpus) -> dict[str, set[str]]:
    """Sentence key → the documents whose stored example passages hold it."""
    keys: dict[str, set[str]] = {}
    for passage in corpus.example_pool:
        for sentence in split_sentences(passage.text):
            key = compare_key(passage.text[sentence.start : sentence.end])
            if len(key) >= MIN_KEY_CHARS:
                keys.setdefault(key, set()).add(passage.document)
    return keys
