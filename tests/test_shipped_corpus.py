"""The corpus shipped inside the package: found from any directory, synced into a deployment's
corpus folder without touching the operator's own documents."""

from __future__ import annotations

from pathlib import Path

import pytest

from core.cli import main
from core.shipped import SHIPPED_CORPUS, SHIPPED_SUBFOLDER, default_corpus_dir, sync_shipped
from tests.conftest import SEEDS


def _names(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.glob("*.txt"))


def test_the_package_ships_the_seed_documents_byte_for_byte() -> None:
    assert _names(SHIPPED_CORPUS) == _names(SEEDS)
    for seed in SEEDS.glob("*.txt"):
        assert (SHIPPED_CORPUS / seed.name).read_bytes() == seed.read_bytes()


def test_default_corpus_order(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)
    assert default_corpus_dir({}) == SHIPPED_CORPUS
    assert default_corpus_dir({"CORPUS_DIR": "  "}) == SHIPPED_CORPUS  # blank means unset
    (tmp_path / "seeds").mkdir()
    assert default_corpus_dir({}) == Path("seeds")
    assert default_corpus_dir({"CORPUS_DIR": "/srv/corpus"}) == Path("/srv/corpus")


def _shipped(tmp_path: Path, docs: dict[str, str]) -> Path:
    source = tmp_path / "package"
    source.mkdir(exist_ok=True)
    for old in source.glob("*.txt"):
        old.unlink()
    for name, text in docs.items():
        (source / name).write_text(text, encoding="utf-8")
    return source


def test_sync_adds_updates_and_removes_only_shipped_documents(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    (corpus / "local").mkdir(parents=True)
    own = corpus / "local" / "我们单位的材料.txt"
    own.write_text("运营方自己的文档。", encoding="utf-8")
    loose = corpus / "根目录下的文档.txt"
    loose.write_text("也是运营方的。", encoding="utf-8")

    v1 = _shipped(tmp_path, {"a.txt": "甲", "b.txt": "乙"})
    first = sync_shipped(corpus, source=v1)
    assert (first.added, first.updated, first.removed, first.unchanged) == (
        ("a.txt", "b.txt"),
        (),
        (),
        0,
    )

    v2 = _shipped(tmp_path, {"a.txt": "甲", "b.txt": "乙（修订）", "c.txt": "丙"})
    second = sync_shipped(corpus, source=v2)
    assert (second.added, second.updated, second.removed, second.unchanged) == (
        ("c.txt",),
        ("b.txt",),
        (),
        1,
    )
    v3 = _shipped(tmp_path, {"b.txt": "乙（修订）", "c.txt": "丙"})
    third = sync_shipped(corpus, source=v3)
    assert third.removed == ("a.txt",)

    shipped = corpus / SHIPPED_SUBFOLDER
    assert _names(shipped) == ["b.txt", "c.txt"]
    assert (shipped / "b.txt").read_text(encoding="utf-8") == "乙（修订）"
    assert own.read_text(encoding="utf-8") == "运营方自己的文档。"
    assert loose.read_text(encoding="utf-8") == "也是运营方的。"
    assert not list(shipped.glob(".*"))  # no partial copies left behind


def test_cli_sync_shipped_keeps_own_documents_and_indexes_both(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "own.txt").write_text(
        "一、存在的问题\n（一）理论学习方面。一是学得不深，没有做到学思用贯通。", encoding="utf-8"
    )
    assert main(["corpus", "sync-shipped", "--corpus", str(corpus), "--color", "never"]) == 0
    out = capsys.readouterr().out
    assert f"新增 {len(_names(SEEDS))} 篇" in out
    assert f"文档 {len(_names(SEEDS)) + 1} 篇" in out  # the operator's document is indexed too
    assert _names(corpus / SHIPPED_SUBFOLDER) == _names(SEEDS)
    assert (corpus / "own.txt").exists()
    assert main(["corpus", "sync-shipped", "--corpus", str(corpus)]) == 0
    again = capsys.readouterr().out
    assert "新增 0 篇" in again and "索引已是最新" in again


def test_cli_sync_shipped_into_a_missing_folder_is_one_clear_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["corpus", "sync-shipped", "--corpus", str(tmp_path / "nowhere")])
    assert code == 2
    assert "语料目录不存在" in capsys.readouterr().err


def test_the_installed_copy_is_never_written_to(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """Installed (a real folder in site-packages): indexed in memory. In a checkout the shipped
    corpus is a link to seeds/, which keeps its index like any other corpus folder."""
    import core.persistence
    import core.shipped
    from core import Tokenizer
    from core.persistence import INDEX_FOLDER, load_corpus

    installed = tmp_path / "site-packages" / "core" / "shipped_corpus"
    installed.mkdir(parents=True)
    for seed in SEEDS.glob("*.txt"):
        (installed / seed.name).write_bytes(seed.read_bytes())
    monkeypatch.setattr(core.shipped, "SHIPPED_CORPUS", installed)
    reports: list[core.persistence.LoadReport] = []
    load_corpus(installed, tokenizer=Tokenizer(cache_dir=None), report=reports.append)
    assert reports[-1].action == "built in memory"
    assert not (installed / INDEX_FOLDER).exists()
    assert SHIPPED_CORPUS.is_symlink()  # this checkout: the link, so seeds/ is not "installed"
    assert not core.shipped.is_installed_copy(SEEDS)
