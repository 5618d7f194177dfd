"""Shared fixtures: the seed corpus (built once) and a clean environment for every test."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from core import Corpus, Tokenizer, load_corpus

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
EXAMPLES = ROOT / "examples"
_ENV_READ_BY_THE_PRODUCT = ("CORPUS_DIR", "NO_COLOR", "XDG_CACHE_HOME")


@pytest.fixture(autouse=True)
def clean_environment(
    monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[None]:
    """No test depends on the developer's environment; caches go to a temporary folder."""
    for name in _ENV_READ_BY_THE_PRODUCT:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path_factory.getbasetemp() / "cache"))
    yield


@pytest.fixture(scope="session", autouse=True)
def seeds_stay_untouched() -> Iterator[None]:
    """The shipped corpus is read-only for tests: nothing (no .index) may appear in it."""
    before = sorted(p.name for p in SEEDS.iterdir())
    yield
    assert sorted(p.name for p in SEEDS.iterdir()) == before


@pytest.fixture
def seeds_copy(tmp_path: Path) -> Path:
    """A writable copy of the seed corpus, for code that saves its index next to the corpus."""
    target = tmp_path / "corpus"
    target.mkdir()
    for file in SEEDS.glob("*.txt"):
        (target / file.name).write_bytes(file.read_bytes())
    return target


@pytest.fixture(scope="session")
def tokenizer(tmp_path_factory: pytest.TempPathFactory) -> Tokenizer:
    return Tokenizer(cache_dir=tmp_path_factory.mktemp("jieba"))


@pytest.fixture(scope="session")
def corpus(tokenizer: Tokenizer) -> Corpus:
    return load_corpus(SEEDS, tokenizer=tokenizer, persist=False)  # tests never write to seeds/


@pytest.fixture(scope="session")
def sample_draft() -> str:
    return (EXAMPLES / "sample_draft.txt").read_text(encoding="utf-8")
