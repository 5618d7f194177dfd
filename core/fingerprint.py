"""What a saved corpus index was built from, so that it is rebuilt when any of it changes.

The index stores compare keys, stock-formula hashes, labelled passages and word counts, and each
is shaped by more than the corpus files: set formulas fold into keys, stopwords leave the counts,
the scheme's headings label passages, jieba's dictionary splits words. Like Whoosh storing its
schema, the manifest records these inputs; without them, adding one line to formulas.txt left a
quarter of the stored keys stale and a verbatim copy scoring 81.

The engine reads the data files once, at import; the fingerprint reads them when the index is
opened. Both happen at start-up, so editing them under a running process needs a restart anyway.
"""

from __future__ import annotations

import hashlib
import unicodedata
from collections.abc import Mapping
from importlib import resources
from importlib.resources.abc import Traversable

import jieba

from core.corpus import EXAMPLES_KEPT
from core.matching import MIN_KEY_CHARS, STOCK_MAX_CHARS, STOCK_MIN_DOCUMENTS
from core.schemes import Catalogue
from core.tokens import Tokenizer

# Bump when code changes what a built corpus stores: normalisation and sentence splitting
# (core/text.py), compare keys, document structure (core/structure.py), stock formulas or word
# counting. Data changes need no bump: the files below are fingerprinted by content.
KEY_VERSION = 1

DATA_DIR: Traversable = resources.files("core") / "data"
DATA_FILES = (
    # Each formula folds into one private-use character of every compare key, and the codes
    # follow sorted order: one added line changes the stored keys of many sentences.
    "formulas.txt",
    # Stopwords are left out of the stored word counts the dimension model learns from.
    "stopwords.txt",
)
# The other core/data files (checks.json, confusions.txt, similar_chars.txt, stock_phrases.txt,
# traditional.txt) are read only by the checks on a draft, never while building: no rebuild.


def fingerprint(schemes: Catalogue, tokenizer: Tokenizer) -> dict[str, str]:
    """Every input that shapes a built corpus, by the name a rebuild reason shows, with its
    version or a digest of its contents. It reads ~5 MB of dictionary: compute it once per load."""
    inputs = {
        "规范化与句键版本": str(KEY_VERSION),
        # Limits in code that decide which keys, stock formulas and example passages are stored.
        "建索引参数": f"{MIN_KEY_CHARS}/{STOCK_MAX_CHARS}/{STOCK_MIN_DOCUMENTS}/{EXAMPLES_KEPT}",
        # trim() and str.isalnum read Python's Unicode tables, which change between releases.
        "Unicode 版本": unicodedata.unidata_version,
        # A jieba release may split words differently even with the same dictionary.
        "jieba 版本": str(jieba.__version__),
        # Names, aliases, clues and concern maps label the passages by their headings and
        # frames; lexicons are not stored (the model learns from the counts at every load), so
        # editing them needs no rebuild.
        "维度方案 " + "+".join(schemes.ids): _digest(
            repr(
                [
                    (
                        s.name,
                        s.clues,
                        [(d.name, d.aliases, d.primary_concern) for d in s.dimensions],
                    )
                    for s in schemes.schemes
                ]
                + [c.id for c in schemes.concerns]
            ).encode()
        ),
    }
    inputs |= {name: _digest(DATA_DIR.joinpath(name).read_bytes()) for name in DATA_FILES}
    inputs |= {f"jieba 词典 {name}": _digest(data) for name, data in tokenizer.dictionaries()}
    return inputs


def changed(recorded: Mapping[str, object], current: Mapping[str, str]) -> list[str]:
    """Names of the inputs whose recorded value differs (added and dropped inputs included)."""
    names = [*current, *(name for name in recorded if name not in current)]
    return [name for name in names if recorded.get(name) != current.get(name)]


def _digest(data: bytes) -> str:
    return hashlib.blake2b(data, digest_size=16).hexdigest()
