"""The saved index: built once, loaded memory-mapped, extended by new documents, rebuilt when
something changed or broke."""

from __future__ import annotations

import dataclasses
import hashlib
import json
import shutil
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace

import jieba
import pytest

import core.text
from core import Tokenizer, review
from core.fingerprint import DATA_FILES, changed
from core.persistence import INDEX_FOLDER, LoadReport, load_corpus
from core.schemes import Catalogue, Dimension, catalogue
from tests.conftest import ROOT

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
    scheme = first.catalogue.get("2023")
    assert again.passages(scheme, "廉洁自律") == first.passages(scheme, "廉洁自律")


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


# A set phrase longer than any shipped one sorts first, so every formula's key character shifts.
NEW_FORMULA = "这是一条新增的很长很长的固定提法用来在排序中排在所有提法最前面"
VERBATIM = "运用习近平新时代中国特色社会主义思想指导工作、推动实践上，与实际结合不够紧密。"


def _digests(folder: Path) -> dict[str, str]:
    return {f.name: hashlib.blake2b(f.read_bytes()).hexdigest() for f in sorted(folder.iterdir())}


@pytest.fixture
def data_copy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A writable copy of core/data that the fingerprint reads instead; core/data stays as is."""
    shipped = ROOT / "core" / "data"
    before = _digests(shipped)
    target = tmp_path / "package" / "data"
    shutil.copytree(shipped, target)
    monkeypatch.setattr("core.fingerprint.DATA_DIR", target)
    yield target
    assert _digests(shipped) == before


def test_the_manifest_records_what_built_the_index(
    seeds_copy: Path, tokenizer: Tokenizer, data_copy: Path
) -> None:
    _load(seeds_copy, tokenizer)
    manifest = json.loads((seeds_copy / INDEX_FOLDER / "manifest.json").read_text("utf-8"))
    assert set(DATA_FILES) | {"jieba 版本", "jieba 词典 dict.txt"} <= set(manifest["built_from"])
    for name in DATA_FILES:  # the same bytes again (a new mtime) are the same input
        (data_copy / name).write_bytes((data_copy / name).read_bytes())
    _, report = _load(seeds_copy, tokenizer)
    assert report.action == "loaded"


@pytest.mark.parametrize("name", DATA_FILES)
def test_a_changed_data_file_rebuilds_and_names_it(
    seeds_copy: Path, tokenizer: Tokenizer, data_copy: Path, name: str
) -> None:
    _load(seeds_copy, tokenizer)
    with (data_copy / name).open("a", encoding="utf-8") as out:
        out.write("\n新增一行\n")
    _, report = _load(seeds_copy, tokenizer)
    assert (report.action, report.reason) == ("rebuilt", f"索引构建依据已变化：{name}")
    _, report = _load(seeds_copy, tokenizer)
    assert report.action == "loaded"


def test_another_jieba_version_rebuilds(
    seeds_copy: Path, tokenizer: Tokenizer, monkeypatch: pytest.MonkeyPatch
) -> None:
    _load(seeds_copy, tokenizer)
    monkeypatch.setattr(jieba, "__version__", "9.9.9")
    _, report = _load(seeds_copy, tokenizer)
    assert (report.action, report.reason) == ("rebuilt", "索引构建依据已变化：jieba 版本")


def test_scheme_headings_rebuild_but_its_lexicon_does_not(
    seeds_copy: Path, tokenizer: Tokenizer
) -> None:
    shipped = catalogue()
    _load(seeds_copy, tokenizer, schemes=shipped)
    scheme = shipped.get("2023")
    first, *rest = scheme.dimensions

    def with_first(dim: Dimension) -> Catalogue:
        changed = dataclasses.replace(scheme, dimensions=(dim, *rest))
        return dataclasses.replace(
            shipped, schemes=tuple(changed if s is scheme else s for s in shipped.schemes)
        )

    reweighed = dataclasses.replace(first, lexicon=(("新增词语", 9.0),))
    _, report = _load(seeds_copy, tokenizer, schemes=with_first(reweighed))
    assert report.action == "loaded"  # the lexicon is applied at load time, never stored
    renamed = dataclasses.replace(first, aliases=(*first.aliases, "新增别名"))
    _, report = _load(seeds_copy, tokenizer, schemes=with_first(renamed))
    assert report.action == "rebuilt"
    assert report.reason.startswith("索引构建依据已变化：维度方案 ")


def test_an_index_without_a_fingerprint_rebuilds(seeds_copy: Path, tokenizer: Tokenizer) -> None:
    _load(seeds_copy, tokenizer)
    path = seeds_copy / INDEX_FOLDER / "manifest.json"
    manifest = json.loads(path.read_text("utf-8"))
    del manifest["built_from"]  # as written before the fingerprint existed
    path.write_text(json.dumps(manifest, ensure_ascii=False), encoding="utf-8")
    _, report = _load(seeds_copy, tokenizer)
    assert (report.action, report.reason) == ("rebuilt", "旧索引未记录构建依据")
    _, report = _load(seeds_copy, tokenizer)
    assert report.action == "loaded"


def test_a_verbatim_copy_scores_100_after_a_formula_is_added(
    seeds_copy: Path, tokenizer: Tokenizer, data_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _load(seeds_copy, tokenizer)
    formulas = data_copy / "formulas.txt"
    formulas.write_text(formulas.read_text("utf-8") + NEW_FORMULA + "\n", encoding="utf-8")
    # The engine reads formulas.txt once, at import: load its tables from the copy, as a restart
    # would. Before the fingerprint, the saved index stayed "loaded" and this copy scored 95.5.
    monkeypatch.setattr(core.text, "resources", SimpleNamespace(files=lambda _: data_copy.parent))
    pattern, codes = core.text._load_formulas()
    monkeypatch.setattr(core.text, "_FORMULA", pattern)
    monkeypatch.setattr(core.text, "_FORMULA_CODES", codes)
    corpus, report = _load(seeds_copy, tokenizer)
    assert report.reason == "索引构建依据已变化：formulas.txt"
    [match] = review(VERBATIM, corpus).matches
    assert (match.score, match.source) == (100.0, "000_4429b7620e03c467.txt")


@pytest.mark.parametrize(
    ("recorded", "current", "expected"),
    [
        ({"a": "1"}, {"a": "1"}, []),
        ({"a": "1"}, {"a": "2"}, ["a"]),
        ({"a": "1"}, {"a": "1", "new": "x"}, ["new"]),
        ({"a": "1", "gone": "x"}, {"a": "1"}, ["gone"]),
    ],
)
def test_changed_names_every_differing_input(
    recorded: dict[str, str], current: dict[str, str], expected: list[str]
) -> None:
    assert changed(recorded, current) == expected
