"""draft-review's review engine: pure, deterministic, no chat layer and no database.

from core import load_corpus, review
corpus = load_corpus("seeds")
result = review(text, corpus)      # a frozen Review; result.to_dict() is the JSON contract
"""

from core.corpus import Corpus, CorpusError, build_corpus
from core.models import BlockReview, DimensionScore, Match, Passage, Review
from core.persistence import load_corpus
from core.reading import DraftInputError, read_draft
from core.review import review
from core.schemes import Scheme, UnknownDimensionError, load_scheme
from core.tokens import Tokenizer

__all__ = [
    "BlockReview",
    "Corpus",
    "CorpusError",
    "DimensionScore",
    "DraftInputError",
    "Match",
    "Passage",
    "Review",
    "Scheme",
    "Tokenizer",
    "UnknownDimensionError",
    "build_corpus",
    "load_corpus",
    "load_scheme",
    "read_draft",
    "review",
]
