"""The reference corpus that ships inside the package, and where a corpus is looked for.

`core/shipped_corpus` is a link to the repository's top-level `seeds/`; a wheel carries its
documents as package data, so a plain `pip install .` reviews from any directory.
"""

from __future__ import annotations

import filecmp
import shutil
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

SHIPPED_CORPUS = Path(__file__).resolve().parent / "shipped_corpus"
# Inside an operator's corpus folder, the shipped documents live here and nowhere else, so an
# upgrade can replace them without touching the operator's own documents beside them.
SHIPPED_SUBFOLDER = "shipped"


def default_corpus_dir(env: Mapping[str, str]) -> Path:
    """$CORPUS_DIR, else ./seeds (a checkout), else the corpus shipped with the package."""
    if given := env.get("CORPUS_DIR", "").strip():
        return Path(given)
    local = Path("seeds")
    return local if local.is_dir() else SHIPPED_CORPUS


def is_installed_copy(folder: Path) -> bool:
    """Whether `folder` is the shipped corpus as installed in site-packages (in a checkout the
    shipped corpus is a link to seeds/, which keeps its index like any corpus folder)."""
    return not SHIPPED_CORPUS.is_symlink() and folder.resolve() == SHIPPED_CORPUS.resolve()


@dataclass(frozen=True, slots=True)
class SyncReport:
    """What `sync_shipped` changed in `<folder>/shipped/`."""

    added: tuple[str, ...]
    updated: tuple[str, ...]
    removed: tuple[str, ...]
    unchanged: int


def sync_shipped(folder: Path, *, source: Path = SHIPPED_CORPUS) -> SyncReport:
    """Make `<folder>/shipped/` hold exactly the shipped documents (new ones added, changed ones
    replaced, withdrawn ones removed); everything else in `folder` is left alone."""
    target = folder / SHIPPED_SUBFOLDER
    target.mkdir(parents=True, exist_ok=True)
    shipped = {p.name: p for p in sorted(source.glob("*.txt"))}
    present = {p.name: p for p in sorted(target.glob("*.txt"))}
    added = tuple(n for n in shipped if n not in present)
    updated = tuple(
        n for n in shipped if n in present and not filecmp.cmp(shipped[n], present[n], False)
    )
    removed = tuple(n for n in present if n not in shipped)
    for name in (*added, *updated):
        _copy_atomically(shipped[name], target / name)
    for name in removed:
        present[name].unlink()
    unchanged = len(shipped) - len(added) - len(updated)
    return SyncReport(added=added, updated=updated, removed=removed, unchanged=unchanged)


def _copy_atomically(source: Path, target: Path) -> None:
    # A replica reading the folder mid-sync must never see half a document.
    partial = target.with_name(f".{target.name}.partial")
    shutil.copyfile(source, partial)
    partial.replace(target)
