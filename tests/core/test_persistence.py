"""The saved index: built once, loaded memory-mapped, extended by new documents, rebuilt when
something changed or broke."""

from __future__ import annotations

from pathlib import Path

import pytest

from core import Tokenizer, review
from core.persistence import INDEX_FOLDER, LoadReport, load_corpus

NEW_DOCUMENT = "一、存在的问题\n（一）廉洁自律方面。一是我对分管的城南片区旧改项目招投标监督不到位，三个标段的评标记录缺少签字。"
PROBE = "对分管的城南片区旧改项目招投标监督不到位，三个标段的评标记录缺少签字。"


def _load(folder: Path, tokenizer: Tokenizer, **options: object) -> tuple[object, LoadReport]:
    reports: list[LoadReport] = []
    corpus = load_corpus(folder, tokenizer=tokenizer, report=reports.append, **options)  # type: ignore[arg-type]
    return corpus, reports[-1]


def test_built_once_then_loaded(seeds_copy: Path, tokenizer: Tokenizer, sample_draft: str) -> None:
    first, report = _load(seeds_copy, tokenizer)
    assert report.action == "rebuilt" and (seeds_copy / INDEX_FOLDER / "manifest.json").exists()
    again, report = _load(seeds_copy, tokenizer)
    assert report.action == "loaded"
    assert review(sample_draft, again).to_dict() == review(sample_draft, first).to_dict()
    assert again.stats() == first.stats()
    assert again.examples("廉洁自律", 3) == first.examples("廉洁自律", 3)


def test_a_new_document_adds_a_segment(
    seeds_copy: Path, tokenizer: Tokenizer, sample_draft: str
) -> None:
    before, _ = _load(seeds_copy, tokenizer)
    (seeds_copy / "new.txt").write_text(NEW_DOCUMENT, encoding="utf-8")
    after, report = _load(seeds_copy, tokenizer)
    assert (report.action, report.new_documents) == ("extended", 1)
    assert len(after.index.segments) == 2
    [match] = review(PROBE, after).matches
    assert match.source == "new.txt"
    assert review(PROBE, before).matches == ()
    assert review(sample_draft, after).matches == review(sample_draft, before).matches
    assert after.stats().documents == 6
    _, report = _load(seeds_copy, tokenizer)
    assert report.action == "loaded"


@pytest.mark.parametrize("change", ["edit", "delete"])
def test_a_changed_or_deleted_document_rebuilds(
    seeds_copy: Path, tokenizer: Tokenizer, change: str
) -> None:
    _load(seeds_copy, tokenizer)
    target = seeds_copy / "004_1ba1f5e5e2bd770c.txt"
    if change == "edit":
        target.write_text(target.read_text(encoding="utf-8") + "\n补充一句。", encoding="utf-8")
    else:
        target.unlink()
    corpus, report = _load(seeds_copy, tokenizer)
    assert report.action == "rebuilt"
    assert corpus.stats().documents == (5 if change == "edit" else 4)
    assert len(list((seeds_copy / INDEX_FOLDER).glob("seg-*"))) == 1  # the old segment is gone


@pytest.mark.parametrize("damage", ["manifest", "segment", "truncated"])
def test_a_damaged_index_is_detected_and_rebuilt(
    seeds_copy: Path, tokenizer: Tokenizer, damage: str, sample_draft: str
) -> None:
    good, _ = _load(seeds_copy, tokenizer)
    store = seeds_copy / INDEX_FOLDER
    [segment] = store.glob("seg-*")
    if damage == "manifest":
        (store / "manifest.json").write_text("{not json", encoding="utf-8")
    elif damage == "segment":
        (segment / "postings.npy").unlink()
    else:
        data = (segment / "documents.npy").read_bytes()
        (segment / "documents.npy").write_bytes(data[: len(data) // 2])
    corpus, report = _load(seeds_copy, tokenizer)
    assert report.action == "rebuilt"
    assert review(sample_draft, corpus).to_dict() == review(sample_draft, good).to_dict()


def test_forced_rebuild_and_in_memory_mode(seeds_copy: Path, tokenizer: Tokenizer) -> None:
    _load(seeds_copy, tokenizer)
    _, report = _load(seeds_copy, tokenizer, rebuild=True)
    assert report.action == "rebuilt"
    fresh = seeds_copy.parent / "fresh"
    fresh.mkdir()
    (fresh / "a.txt").write_text(NEW_DOCUMENT, encoding="utf-8")
    _, report = _load(fresh, tokenizer, persist=False)
    assert report.action == "built in memory"
    assert not (fresh / INDEX_FOLDER).exists()


def test_a_read_only_corpus_is_built_in_memory(
    seeds_copy: Path, tokenizer: Tokenizer, monkeypatch: pytest.MonkeyPatch
) -> None:
    # chmod does not stop root (CI runs as root), so the writability probe is what we replace.
    monkeypatch.setattr("core.persistence._can_write", lambda folder: False)
    _, report = _load(seeds_copy, tokenizer)
    assert report.action == "built in memory"
    assert not (seeds_copy / INDEX_FOLDER).exists()


def test_too_many_segments_are_merged(seeds_copy: Path, tokenizer: Tokenizer) -> None:
    from core.persistence import MAX_SEGMENTS

    _load(seeds_copy, tokenizer)
    for i in range(MAX_SEGMENTS):
        (seeds_copy / f"extra{i}.txt").write_text(
            NEW_DOCUMENT.replace("三个", f"{i + 3}个"), encoding="utf-8"
        )
        corpus, report = _load(seeds_copy, tokenizer)
    assert report.action == "rebuilt" and len(corpus.index.segments) == 1
    assert corpus.stats().documents == 5 + MAX_SEGMENTS
