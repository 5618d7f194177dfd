"""The built corpus, kept next to the corpus in `.index/` so start-up only maps it from disk.

`.index/manifest.json` lists the segments and, for each, the files (size and modification time)
it was built from; it also records what else shaped the keys and counts (core/fingerprint.py:
formulas, stopwords, scheme headings, key version, jieba and its dictionary). On load:
- nothing changed → the segments are memory-mapped (no parsing, no indexing);
- files were added → one new segment is built for them alone;
- a file changed or disappeared, any of those inputs changed (or was never recorded), the
  manifest or a segment is unreadable, or there are too many segments → everything is rebuilt,
  and the report names what changed.
A new manifest is written last and atomically, so a half-written build is never used.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from core.corpus import (
    Corpus,
    CorpusPart,
    CorpusStats,
    Progress,
    assemble,
    build_part,
    corpus_files,
    read_corpus_file,
)
from core.fingerprint import changed, fingerprint
from core.matching import Segment
from core.models import Passage
from core.schemes import Catalogue, catalogue
from core.scoring import WordCounts
from core.shipped import is_installed_copy
from core.tokens import Tokenizer

INDEX_FOLDER = ".index"
FORMAT = 1
MAX_SEGMENTS = 8
Stamp = tuple[int, int]  # (size, modification time in ns)


@dataclass(frozen=True, slots=True)
class LoadReport:
    """What `load_corpus` had to do, for the command line to tell the user."""

    action: str  # "loaded" | "extended" | "rebuilt" | "built in memory"
    new_documents: int
    reason: str = ""


def load_corpus(
    path: str | Path,
    *,
    schemes: Catalogue | None = None,
    tokenizer: Tokenizer | None = None,
    persist: bool = True,
    rebuild: bool = False,
    on_progress: Progress | None = None,
    report: Callable[[LoadReport], None] | None = None,
) -> Corpus:
    """Load the corpus under `path`, building or extending its saved index as needed."""
    folder = Path(path)
    schemes = schemes or catalogue()
    tokenizer = tokenizer or Tokenizer(
        cache_dir=_writable(folder / INDEX_FOLDER / "cache") if persist else None
    )
    files = {f.relative_to(folder).as_posix(): _stamp(f) for f in corpus_files(folder)}
    store = folder / INDEX_FOLDER
    if not persist or not _can_write(folder):
        part = _build(folder, sorted(files), 0, schemes, tokenizer, on_progress)
        _tell(report, LoadReport("built in memory", len(files)))
        return assemble([part], catalogue=schemes, tokenizer=tokenizer)
    built_from = fingerprint(schemes, tokenizer)  # once per load: it hashes jieba's dictionary
    manifest, why = (None, "--rebuild") if rebuild else _read_manifest(store, schemes, built_from)
    known = (
        {}
        if manifest is None
        else {n: tuple(s) for seg in manifest["segments"] for n, s in seg["files"].items()}
    )
    stale = [n for n, s in known.items() if files.get(n) != s]
    if manifest is not None and stale:
        manifest, why = None, f"{len(stale)} 个文件已修改或删除"
    if (
        manifest is not None
        and len(manifest["segments"]) >= MAX_SEGMENTS
        and set(files) - set(known)
    ):
        manifest, why = None, "分段过多，合并重建"
    try:
        parts = (
            []
            if manifest is None
            else [_load_part(store / seg["id"], schemes) for seg in manifest["segments"]]
        )
    except (OSError, ValueError, KeyError) as exc:
        manifest, parts, why = None, [], f"索引损坏（{type(exc).__name__}）"
    if manifest is None:
        return _rebuild(
            folder, store, files, built_from, schemes, tokenizer, on_progress, report, why
        )
    new = sorted(set(files) - set(known))
    if new:
        first_doc = sum(len(p.names) for p in parts)
        part = _build(folder, new, first_doc, schemes, tokenizer, on_progress)
        _save_part(store, manifest, part, {n: files[n] for n in new})
        parts.append(part)
        _tell(report, LoadReport("extended", len(new)))
    else:
        _tell(report, LoadReport("loaded", 0))
    return assemble(parts, catalogue=schemes, tokenizer=tokenizer)


def _rebuild(
    folder: Path,
    store: Path,
    files: dict[str, Stamp],
    built_from: dict[str, str],
    schemes: Catalogue,
    tokenizer: Tokenizer,
    on_progress: Progress | None,
    report: Callable[[LoadReport], None] | None,
    why: str,
) -> Corpus:
    part = _build(folder, sorted(files), 0, schemes, tokenizer, on_progress)
    manifest: dict[str, Any] = {
        "format": FORMAT,
        "scheme": "+".join(schemes.ids),
        "built_from": built_from,  # what shaped the keys and counts (core/fingerprint.py)
        "segments": [],
    }
    for old in store.glob("seg-*") if store.is_dir() else ():
        shutil.rmtree(old, ignore_errors=True)
    _save_part(store, manifest, part, files)
    _tell(report, LoadReport("rebuilt", len(files), why))
    return assemble([part], catalogue=schemes, tokenizer=tokenizer)


def _build(
    folder: Path,
    names: list[str],
    first_doc: int,
    schemes: Catalogue,
    tokenizer: Tokenizer,
    on_progress: Progress | None,
) -> CorpusPart:
    texts = [read_corpus_file(folder, folder / name) for name in names]
    return build_part(
        texts, first_doc=first_doc, catalogue=schemes, tokenizer=tokenizer, on_progress=on_progress
    )


def _save_part(
    store: Path, manifest: dict[str, Any], part: CorpusPart, files: dict[str, Stamp]
) -> None:
    """Write the segment into a fresh folder, then publish it by replacing the manifest."""
    store.mkdir(parents=True, exist_ok=True)
    target = Path(tempfile.mkdtemp(prefix="seg-", dir=store))
    part.segment.save(target)
    meta = {
        "names": list(part.names),
        "examples": [[p.document, p.section, p.dimension, p.text, p.scheme] for p in part.examples],
        "counts": part.counts.to_json(),
        "stats": [
            part.stats.documents,
            part.stats.sentences,
            part.stats.passages,
            list(part.stats.labelled),
        ],
    }
    (target / "meta.json").write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")
    manifest["segments"].append(
        {"id": target.name, "files": {n: list(s) for n, s in files.items()}}
    )
    _write_atomically(store / "manifest.json", json.dumps(manifest, ensure_ascii=False))


def _load_part(folder: Path, schemes: Catalogue) -> CorpusPart:
    meta = json.loads((folder / "meta.json").read_text(encoding="utf-8"))
    documents, sentences, passages, labelled = meta["stats"]
    segment = Segment.load(folder)
    if len(segment.documents) != len(segment.ngrams) or len(segment.sources) != len(segment.ngrams):
        raise ValueError("segment arrays disagree")
    return CorpusPart(
        segment=segment,
        names=tuple(meta["names"]),
        examples=tuple(Passage(*row) for row in meta["examples"]),
        counts=WordCounts.from_json(meta["counts"]),
        stats=CorpusStats(documents, sentences, passages, tuple((n, c) for n, c in labelled)),
    )


def _read_manifest(
    store: Path, schemes: Catalogue, built_from: dict[str, str]
) -> tuple[dict[str, Any] | None, str]:
    try:
        manifest = json.loads((store / "manifest.json").read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None, "首次建立索引"
    except (OSError, ValueError):
        return None, "索引清单损坏"
    if (
        not isinstance(manifest, dict)
        or manifest.get("format") != FORMAT
        or manifest.get("scheme") != "+".join(schemes.ids)
    ):
        return None, "索引格式或维度方案已变化"
    recorded = manifest.get("built_from")
    if not isinstance(recorded, dict):
        return None, "旧索引未记录构建依据"
    if different := changed(recorded, built_from):
        return None, f"索引构建依据已变化：{'、'.join(different)}"
    return manifest, ""


def _stamp(file: Path) -> Stamp:
    info = file.stat()
    return info.st_size, info.st_mtime_ns


def _can_write(folder: Path) -> bool:
    # The corpus installed inside the package is never written to: an index left in
    # site-packages would outlive an uninstall and serve every user of that interpreter.
    return os.access(folder, os.W_OK) and not is_installed_copy(folder)


def _writable(folder: Path) -> Path | None:
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        return None
    return folder if os.access(folder, os.W_OK) else None


def _write_atomically(path: Path, text: str) -> None:
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
    with os.fdopen(handle, "w", encoding="utf-8") as out:
        out.write(text)
    Path(temporary).replace(path)


def _tell(report: Callable[[LoadReport], None] | None, what: LoadReport) -> None:
    if report is not None:
        report(what)
