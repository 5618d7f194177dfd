"""House rules that are cheap to check: core stays pure."""

from __future__ import annotations

import ast

import pytest

from tests.conftest import ROOT

FORBIDDEN_IN_CORE = {"telegram", "sqlalchemy", "bot"}


def test_core_never_imports_the_chat_layer_or_the_database() -> None:
    for path in sorted((ROOT / "core").rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names: list[str] = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            for name in names:
                assert name.split(".")[0] not in FORBIDDEN_IN_CORE, (
                    f"{path.relative_to(ROOT)} imports {name}"
                )


def test_no_utils_modules() -> None:
    assert not list(ROOT.glob("*/utils.py"))


def test_seeds_are_the_shared_documents_unchanged() -> None:
    shared = ROOT.parent / "shared" / "seeds"
    if not shared.is_dir():
        pytest.skip("the shared seeds are not beside this checkout")
    for original in shared.glob("*.txt"):
        assert (ROOT / "seeds" / original.name).read_bytes() == original.read_bytes()
