"""The reference corpus: its match index, its dimension model, example passages and counts.

A corpus is built in segments (`CorpusPart`): parsing documents yields their sentences, labelled
passages and word counts; the sentences go into a match-index segment. Parts add up, so a
corpus on disk (core/persistence.py) grows by one segment when documents are added.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from core.detection import structure_of
from core.matching import MatchIndex, Segment, build_segment, document_sentences
from core.models import Document, Passage
from core.reading import DraftInputError, decode_text
from core.schemes import Catalogue, Scheme, catalogue
from core.scoring import ConcernModel, WordCounts, count_words, learn
from core.text import normalize
from core.tokens import Tokenizer

EXAMPLES_KEPT = 30  # per dimension and segment: enough for paging, small enough to load fast
Progress = Callable[[int, int], None]


class CorpusError(ValueError):
    """The corpus folder cannot be used; the message says why."""


@dataclass(frozen=True, slots=True)
class CorpusStats:
    """Counts for `draft-review corpus stats`; they add up across segments."""

    documents: int
    sentences: int
    passages: int
    labelled: tuple[tuple[str, int], ...]

    def __add__(self, other: CorpusStats) -> CorpusStats:
        mine = dict(self.labelled)
        return CorpusStats(
            self.documents + other.documents,
            self.sentences + other.sentences,
            self.passages + other.passages,
            tuple((name, mine.get(name, 0) + n) for name, n in other.labelled),
        )


@dataclass(frozen=True, slots=True, eq=False)
class CorpusPart:
    """What a batch of documents contributes: an index segment, examples, counts."""

    segment: Segment
    names: tuple[str, ...]
    examples: tuple[Passage, ...]
    counts: WordCounts
    stats: CorpusStats


@dataclass(frozen=True, slots=True, eq=False)
class Corpus:
    """Everything a review needs from the reference documents. Build once, share freely."""

    catalogue: Catalogue
    index: MatchIndex
    model: ConcernModel
    example_pool: tuple[Passage, ...]
    counts: CorpusStats
    word_counts: WordCounts | None = None  # what the model learned from, so more can be added
    # Ranked examples per (scheme, names, dimension): ranking reads the index, so do it once.
    examples_cache: dict[tuple[str, tuple[str, ...], str], tuple[Passage, ...]] = field(
        default_factory=dict
    )

    @property
    def names(self) -> tuple[str, ...]:
        return self.index.names

    def passages(self, scheme: Scheme, dimension: str) -> list[Passage]:
        """Stored example passages of one aspect of `scheme`: those filed under it by their own
        heading, and those from other frames whose text this scheme's scorer files there (so
        every example stays in its aspect whichever year's frame the document was written to)."""
        name = scheme.resolve(dimension).name
        scorer = self.model.scorer(scheme)
        out = []
        for passage in self.example_pool:
            if passage.scheme == scheme.name:
                if passage.dimension == name:
                    out.append(passage)
                continue
            words = self.model.tokenizer.words(passage.text)
            if scorer.score(passage.text, words)[1] == name:
                out.append(passage)
        return out

    def stats(self) -> CorpusStats:
        return self.counts


def passages_of(name: str, doc: Document, scheme: str | None = None) -> list[Passage]:
    """Each item of each block (or the block body when it has no items) as a passage."""
    out: list[Passage] = []
    for block in doc.blocks:
        spans = [(i.start, i.end) for i in block.items] or [(block.body.start, block.body.end)]
        if block.items and block.items[0].start > block.body.start:  # 主要表现在：一是…
            spans[0] = (block.body.start, spans[0][1])
        for start, end in spans:
            out.append(
                Passage(name, block.section, block.heading_dimension, doc.text[start:end], scheme)
            )
    return out


def build_part(
    named_texts: Sequence[tuple[str, str]],
    *,
    first_doc: int,
    catalogue: Catalogue,
    tokenizer: Tokenizer,
    on_progress: Progress | None = None,
) -> CorpusPart:
    """Parse documents (ids from `first_doc`) into an index segment, examples and counts. Each
    document's headings are read under the frame it is written to; its passages teach the
    concern their aspect stands for, so what is learned serves every year's scheme."""
    records: list[tuple[int, str]] = []
    passages: list[Passage] = []
    for i, (name, raw) in enumerate(named_texts):
        doc, choice = structure_of(normalize(raw), catalogue)
        records.extend(document_sentences(first_doc + i, doc))
        passages.extend(passages_of(name, doc, choice.scheme.name))
        if on_progress is not None:
            on_progress(i + 1, len(named_texts))
    label = concern_labeller(catalogue)
    concerns = tuple(c.id for c in catalogue.concerns)
    labelled = tuple((c, sum(1 for p in passages if label(p) == c)) for c in concerns)
    return CorpusPart(
        segment=build_segment(records),
        names=tuple(name for name, _ in named_texts),
        examples=_example_sample(passages),
        counts=count_words(passages, concerns, tokenizer, label),
        stats=CorpusStats(len(named_texts), len(records), len(passages), labelled),
    )


def concern_labeller(catalogue: Catalogue) -> Callable[[Passage], str | None]:
    """A passage's concern: the main concern of the aspect its heading files it under."""
    primary = {(s.name, d.name): d.primary_concern for s in catalogue.schemes for d in s.dimensions}
    return lambda p: primary.get((p.scheme or "", p.dimension or ""))


def _example_sample(passages: list[Passage]) -> tuple[Passage, ...]:
    """A bounded, document-diverse sample of labelled passages per scheme and dimension."""
    kept: list[Passage] = []
    for key in dict.fromkeys((p.scheme, p.dimension) for p in passages if p.dimension):
        pool = [p for p in passages if (p.scheme, p.dimension) == key]
        pool.sort(key=lambda p: p.section != "problem")
        firsts = list({p.document: p for p in reversed(pool)}.values())[::-1]
        chosen = firsts[:EXAMPLES_KEPT]  # one (the earliest) per document first, for variety
        chosen += [p for p in pool if p not in chosen][: EXAMPLES_KEPT - len(chosen)]
        kept.extend(chosen)
    return tuple(kept)


def assemble(
    parts: Iterable[CorpusPart],
    *,
    catalogue: Catalogue,
    tokenizer: Tokenizer,
    use_lexicon: bool = True,
    use_learned: bool = True,
) -> Corpus:
    """One corpus from its parts (in document-id order)."""
    parts = list(parts)
    concerns = tuple(c.id for c in catalogue.concerns)
    counts = WordCounts.empty(len(concerns))
    stats = CorpusStats(0, 0, 0, tuple((c, 0) for c in concerns))
    for part in parts:
        counts, stats = counts + part.counts, stats + part.stats
    model = learn(counts, catalogue, tokenizer, use_lexicon=use_lexicon, use_learned=use_learned)
    return Corpus(
        catalogue=catalogue,
        index=MatchIndex(tuple(n for p in parts for n in p.names), tuple(p.segment for p in parts)),
        model=model,
        example_pool=tuple(e for p in parts for e in p.examples),
        counts=stats,
        word_counts=counts,
    )


def extend_corpus(
    corpus: Corpus, named_texts: Sequence[tuple[str, str]], *, tokenizer: Tokenizer
) -> Corpus:
    """A new corpus with more documents: one more index segment, the model relearned from the
    added counts. The old corpus is untouched (reviews running on it finish on it)."""
    if not named_texts:
        return corpus
    cat = corpus.catalogue
    part = build_part(named_texts, first_doc=len(corpus.names), catalogue=cat, tokenizer=tokenizer)
    counts = (corpus.word_counts or WordCounts.empty(len(cat.concerns))) + part.counts
    return Corpus(
        catalogue=cat,
        index=MatchIndex(corpus.names + part.names, (*corpus.index.segments, part.segment)),
        model=learn(
            counts,
            cat,
            tokenizer,
            use_lexicon=corpus.model.use_lexicon,
            use_learned=corpus.model.use_learned,
        ),
        example_pool=corpus.example_pool + part.examples,
        counts=corpus.counts + part.stats,
        word_counts=counts,
    )


def build_corpus(
    named_texts: Iterable[tuple[str, str]],
    *,
    catalogue: Catalogue | None = None,
    tokenizer: Tokenizer | None = None,
    use_lexicon: bool = True,
    use_learned: bool = True,
) -> Corpus:
    """Build a corpus in memory from (name, raw text) pairs; nothing is written anywhere."""
    cat = catalogue or _shipped_catalogue()
    tokenizer = tokenizer or Tokenizer()
    part = build_part(list(named_texts), first_doc=0, catalogue=cat, tokenizer=tokenizer)
    return assemble(
        [part], catalogue=cat, tokenizer=tokenizer, use_lexicon=use_lexicon, use_learned=use_learned
    )


def _shipped_catalogue() -> Catalogue:
    return catalogue()


def corpus_files(path: Path) -> list[Path]:
    """Every .txt under `path` (hidden folders skipped), in a stable order."""
    if not path.is_dir():
        raise CorpusError(f"语料目录不存在：{path}")
    files = [
        f
        for f in sorted(path.rglob("*.txt"))
        if not any(part.startswith(".") for part in f.relative_to(path).parts)
    ]
    if not files:
        raise CorpusError(f"语料目录中没有 .txt 文件：{path}")
    return files


def read_corpus_file(path: Path, file: Path) -> tuple[str, str]:
    """(name relative to the corpus folder, text) of one corpus file, UTF-8 or GB18030."""
    try:
        return file.relative_to(path).as_posix(), decode_text(file.read_bytes())
    except (DraftInputError, OSError) as exc:
        raise CorpusError(f"语料文件无法读取：{file}（{exc}）") from None


def read_corpus_texts(path: Path) -> list[tuple[str, str]]:
    """(name, text) for every .txt under `path`."""
    return [read_corpus_file(path, f) for f in corpus_files(path)]
