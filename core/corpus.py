"""The reference corpus: its match index, its dimension model, example passages and counts.

A corpus is built in segments (`CorpusPart`): parsing documents yields their sentences, labelled
passages and word counts; the sentences go into a match-index segment. Parts add up, so a
corpus on disk (core/persistence.py) grows by one segment when documents are added.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from core.matching import MatchIndex, Segment, build_segment, document_sentences
from core.models import Document, Passage
from core.reading import DraftInputError, decode_text
from core.schemes import Scheme, load_scheme
from core.scoring import DimensionModel, WordCounts, count_words, learn
from core.structure import parse
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

    scheme: Scheme
    index: MatchIndex
    model: DimensionModel
    example_pool: tuple[Passage, ...]
    counts: CorpusStats
    word_counts: WordCounts | None = None  # what the model learned from, so more can be added

    @property
    def names(self) -> tuple[str, ...]:
        return self.index.names

    def examples(self, dimension: str, n: int = 3) -> tuple[Passage, ...]:
        """Up to n problem passages for a dimension, taken from as many documents as possible."""
        name = self.scheme.resolve(dimension).name
        pool = [p for p in self.example_pool if p.dimension == name]
        pool.sort(key=lambda p: p.section != "problem")  # problems first, then causes, measures
        chosen: list[Passage] = []
        used: set[str] = set()
        for round_robin in (True, False):  # first one per document, then the rest in order
            for passage in pool:
                if len(chosen) == n:
                    return tuple(chosen)
                if passage in chosen or (round_robin and passage.document in used):
                    continue
                chosen.append(passage)
                used.add(passage.document)
        return tuple(chosen)

    def stats(self) -> CorpusStats:
        return self.counts


def passages_of(name: str, doc: Document) -> list[Passage]:
    """Each item of each block (or the block body when it has no items) as a passage."""
    out: list[Passage] = []
    for block in doc.blocks:
        spans = [(i.start, i.end) for i in block.items] or [(block.body.start, block.body.end)]
        if block.items and block.items[0].start > block.body.start:  # 主要表现在：一是…
            spans[0] = (block.body.start, spans[0][1])
        for start, end in spans:
            out.append(Passage(name, block.section, block.heading_dimension, doc.text[start:end]))
    return out


def build_part(
    named_texts: Sequence[tuple[str, str]],
    *,
    first_doc: int,
    scheme: Scheme,
    tokenizer: Tokenizer,
    on_progress: Progress | None = None,
) -> CorpusPart:
    """Parse documents (ids from `first_doc`) into an index segment, examples and counts."""
    records: list[tuple[int, str]] = []
    passages: list[Passage] = []
    for i, (name, raw) in enumerate(named_texts):
        doc = parse(normalize(raw), scheme)
        records.extend(document_sentences(first_doc + i, doc))
        passages.extend(passages_of(name, doc))
        if on_progress is not None:
            on_progress(i + 1, len(named_texts))
    labelled = tuple((d, sum(1 for p in passages if p.dimension == d)) for d in scheme.names)
    return CorpusPart(
        segment=build_segment(records),
        names=tuple(name for name, _ in named_texts),
        examples=_example_sample(passages, scheme.names),
        counts=count_words(passages, scheme.names, tokenizer),
        stats=CorpusStats(len(named_texts), len(records), len(passages), labelled),
    )


def _example_sample(passages: list[Passage], names: tuple[str, ...]) -> tuple[Passage, ...]:
    """A bounded, document-diverse sample of labelled passages per dimension."""
    kept: list[Passage] = []
    for name in names:
        pool = [p for p in passages if p.dimension == name]
        pool.sort(key=lambda p: p.section != "problem")
        firsts = list({p.document: p for p in reversed(pool)}.values())[::-1]
        chosen = firsts[:EXAMPLES_KEPT]  # one (the earliest) per document first, for variety
        chosen += [p for p in pool if p not in chosen][: EXAMPLES_KEPT - len(chosen)]
        kept.extend(chosen)
    return tuple(kept)


def assemble(
    parts: Iterable[CorpusPart],
    *,
    scheme: Scheme,
    tokenizer: Tokenizer,
    use_lexicon: bool = True,
    use_learned: bool = True,
) -> Corpus:
    """One corpus from its parts (in document-id order)."""
    parts = list(parts)
    counts = WordCounts.empty(len(scheme.names))
    stats = CorpusStats(0, 0, 0, tuple((d, 0) for d in scheme.names))
    for part in parts:
        counts, stats = counts + part.counts, stats + part.stats
    model = learn(counts, scheme, tokenizer, use_lexicon=use_lexicon, use_learned=use_learned)
    return Corpus(
        scheme=scheme,
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
    scheme = corpus.scheme
    part = build_part(named_texts, first_doc=len(corpus.names), scheme=scheme, tokenizer=tokenizer)
    counts = (corpus.word_counts or WordCounts.empty(len(scheme.names))) + part.counts
    return Corpus(
        scheme=scheme,
        index=MatchIndex(corpus.names + part.names, (*corpus.index.segments, part.segment)),
        model=learn(
            counts,
            scheme,
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
    scheme: Scheme | None = None,
    tokenizer: Tokenizer | None = None,
    use_lexicon: bool = True,
    use_learned: bool = True,
) -> Corpus:
    """Build a corpus in memory from (name, raw text) pairs; nothing is written anywhere."""
    scheme = scheme or load_scheme()
    tokenizer = tokenizer or Tokenizer()
    part = build_part(list(named_texts), first_doc=0, scheme=scheme, tokenizer=tokenizer)
    return assemble(
        [part], scheme=scheme, tokenizer=tokenizer, use_lexicon=use_lexicon, use_learned=use_learned
    )


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
