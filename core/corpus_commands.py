"""`draft-review corpus add|build|stats`: growing the reference corpus and its saved index."""

from __future__ import annotations

import time
from pathlib import Path
from typing import TextIO

from core.corpus import Corpus, CorpusError
from core.persistence import LoadReport, load_corpus
from core.progress import ProgressBar
from core.reading import read_draft
from core.shipped import sync_shipped
from core.terminal import Style, render_stats
from core.text import is_blank
from core.tokens import Tokenizer

_ACTIONS = {
    "loaded": "索引已是最新，直接加载",
    "extended": "新增 {n} 篇文档，已追加为新的索引分段",
    "rebuilt": "已重建索引（{n} 篇文档；原因：{why}）",
    "built in memory": "语料目录不可写，索引只建在内存中（{n} 篇文档）",
}


def open_corpus(
    folder: Path, tokenizer: Tokenizer, *, rebuild: bool = False, err: TextIO | None = None
) -> tuple[Corpus, LoadReport]:
    """Load (building or extending the saved index as needed), with a progress bar."""
    reports: list[LoadReport] = []
    corpus = load_corpus(
        folder,
        tokenizer=tokenizer,
        rebuild=rebuild,
        on_progress=ProgressBar("解析语料", err),
        report=reports.append,
    )
    return corpus, reports[-1]


def describe(report: LoadReport) -> str:
    return _ACTIONS[report.action].format(n=report.new_documents, why=report.reason)


def build(
    folder: Path, tokenizer: Tokenizer, *, rebuild: bool, out: TextIO, err: TextIO, style: Style
) -> int:
    started = time.perf_counter()
    corpus, report = open_corpus(folder, tokenizer, rebuild=rebuild, err=err)
    out.write(f"{describe(report)}（{time.perf_counter() - started:.1f} 秒）\n")
    out.write(render_stats(str(folder), corpus.stats(), style))
    return 0


def add(
    folder: Path, files: list[Path], tokenizer: Tokenizer, *, out: TextIO, err: TextIO, style: Style
) -> int:
    """Copy .txt/.docx files into the corpus as UTF-8 .txt, then extend the index."""
    if not folder.is_dir():
        raise CorpusError(f"语料目录不存在：{folder}")
    prepared = [(file, read_draft(file)) for file in files]  # read all first: all or nothing
    for file, text in prepared:
        if is_blank(text):
            raise CorpusError(f"文件内容为空，未加入：{file}")
    added = [_store(folder, file, text) for file, text in prepared]
    out.write("已加入：" + "、".join(p.name for p in added) + "\n")
    return build(folder, tokenizer, rebuild=False, out=out, err=err, style=style)


def sync(folder: Path, tokenizer: Tokenizer, *, out: TextIO, err: TextIO, style: Style) -> int:
    """Bring the shipped documents into `folder/shipped/` (an upgrade's new ones included),
    leave the operator's own documents alone, then bring the index up to date."""
    if not folder.is_dir():
        raise CorpusError(f"语料目录不存在：{folder}")
    report = sync_shipped(folder)
    out.write(
        f"随程序附带的语料：新增 {len(report.added)} 篇，更新 {len(report.updated)} 篇，"
        f"移除 {len(report.removed)} 篇，未变 {report.unchanged} 篇\n"
    )
    return build(folder, tokenizer, rebuild=False, out=out, err=err, style=style)


def _store(folder: Path, file: Path, text: str) -> Path:
    target = folder / f"{file.stem}.txt"
    n = 2
    while target.exists():  # never overwrite a corpus document: that would force a rebuild
        target = folder / f"{file.stem}-{n}.txt"
        n += 1
    target.write_text(text, encoding="utf-8")
    return target
