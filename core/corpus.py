"""The reference corpus: documents, their labelled passages, the match index and the model."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from core.matching import MatchIndex, build_match_index
from core.models import Document, Passage
from core.reading import DraftInputError, decode_text
from core.schemes import Scheme, load_scheme
from core.scoring import DimensionModel, learn
from core.structure import parse
from core.text import normalize
from core.tokens import Tokenizer


class CorpusError(ValueError):
    """The corpus folder cannot be used; the message says why."""


@dataclass(frozen=True, slots=True)
class CorpusStats:
    """Counts for `draft-review corpus stats`."""

    documents: int
    sentences: int
    passages: int
    labelled: tuple[tuple[str, int], ...]


@dataclass(frozen=True, slots=True, eq=False)
class Corpus:
    """Everything a review needs from the reference documents. Build once, share freely."""

    scheme: Scheme
    names: tuple[str, ...]
    documents: tuple[Document, ...]
    passages: tuple[Passage, ...]
    index: MatchIndex
    model: DimensionModel

    def examples(self, dimension: str, n: int = 3) -> tuple[Passage, ...]:
        """Up to n problem passages for a dimension, taken from as many documents as possible."""
        name = self.scheme.resolve(dimension).name
        pool = [p for p in self.passages if p.dimension == name and p.section == "problem"]
        pool += [p for p in self.passages if p.dimension == name and p.section != "problem"]
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
        labelled = tuple(
            (name, sum(1 for p in self.passages if p.dimension == name))
            for name in self.scheme.names
        )
        return CorpusStats(
            documents=len(self.documents),
            sentences=sum(len(d.sentences) for d in self.documents),
            passages=len(self.passages),
            labelled=labelled,
        )


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


def build_corpus(
    named_texts: Iterable[tuple[str, str]],
    *,
    scheme: Scheme | None = None,
    tokenizer: Tokenizer | None = None,
    use_lexicon: bool = True,
    use_learned: bool = True,
) -> Corpus:
    """Build a corpus from (name, raw text) pairs; pure apart from the tokenizer's cache."""
    scheme = scheme or load_scheme()
    names: list[str] = []
    documents: list[Document] = []
    for name, raw in named_texts:
        names.append(name)
        documents.append(parse(normalize(raw), scheme))
    passages = [
        p for name, doc in zip(names, documents, strict=True) for p in passages_of(name, doc)
    ]
    model = learn(
        passages,
        scheme,
        tokenizer or Tokenizer(),
        use_lexicon=use_lexicon,
        use_learned=use_learned,
    )
    return Corpus(
        scheme=scheme,
        names=tuple(names),
        documents=tuple(documents),
        passages=tuple(passages),
        index=build_match_index(list(zip(names, documents, strict=True))),
        model=model,
    )


def read_corpus_texts(path: Path) -> list[tuple[str, str]]:
    """(name, text) for every .txt under `path`, in a stable order; names are relative paths."""
    if not path.is_dir():
        raise CorpusError(f"语料目录不存在：{path}")
    texts = []
    for file in sorted(path.rglob("*.txt")):
        if any(part.startswith(".") for part in file.relative_to(path).parts):
            continue
        try:
            texts.append((file.relative_to(path).as_posix(), decode_text(file.read_bytes())))
        except (DraftInputError, OSError) as exc:
            raise CorpusError(f"语料文件无法读取：{file}（{exc}）") from None
    if not texts:
        raise CorpusError(f"语料目录中没有 .txt 文件：{path}")
    return texts


def load_corpus(
    path: str | Path, *, scheme: Scheme | None = None, tokenizer: Tokenizer | None = None
) -> Corpus:
    """Read every .txt under a folder (UTF-8 or GB18030) and build the corpus."""
    folder = Path(path)
    return build_corpus(
        read_corpus_texts(folder),
        scheme=scheme,
        tokenizer=tokenizer or Tokenizer(),
    )
