"""The shared corpus searched in PostgreSQL (CORPUS_BACKEND=postgres).

Every sentence of an administrator's document is stored with its compare key in
`corpus_sentences` (migration 0005), in the transaction that stores the document, and the key
has a pg_trgm GIN index. `PgSentenceLookup` is the engine's `SentenceLookup`: one statement
per call proposes, for every key of a draft, the corpus sentences whose trigrams are closest;
the engine verifies them with rapidfuzz exactly as it verifies its own index's candidates. So a
document added on one replica is matched on every replica as soon as it is committed, and no
replica loads the shared documents into memory.

What this backend does not give: the shared documents do not feed the example passages
(/dimension), the learned word weights of the aspect scores, or the corpus's stock formulas
(short pieces found in several documents are recognised in the in-process corpus only). Those
come from the corpus folder, as with the memory backend before any /addcorpus.

pg_trgm reads Chinese only when the database's LC_CTYPE is a UTF-8 locale: under C or POSIX an
ideograph is no word character, every key has no trigram and nothing is ever found.
`check_backend` refuses such a database at start-up.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import logging
import re
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from sqlalchemy import bindparam, text
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker
from sqlalchemy.types import Text

from core.detection import AnyAspect
from core.matching import MIN_KEY_CHARS, SentenceLookup, SourceSentence, key_length
from core.schemes import catalogue
from core.structure import parse
from core.text import normalize, spaced_key

log = logging.getLogger(__name__)

SHARED_PREFIX = "shared/"  # how a shared document is named in matches: shared/<its name>
TRIGRAM_INDEX = "ix_corpus_sentences_key_trgm"

# Thresholds, measured with bench/pg_lookup.py (figures in README, Deployment): the highest
# values that still let through what the engine accepts. Lower ones only cost time (0.2 / 0.3:
# 60 % slower at 100,000 sentences, nothing more found); higher ones lose copies.
# A whole sentence (clause keys joined by spaces) is looked for by the trigram similarity of the
# whole keys (`%`). Clause order does not change a key's trigrams, so a reordered copy scores
# about 1; edited copies score 0.35 and up, light rewrites (near-synonyms) 0.33 and up: at 0.4,
# 4 of 223 rewrites were lost at 1,000,000 sentences.
SIMILARITY_THRESHOLD = 0.3
# A key with no space (a clause, or a sentence of one clause) may lie inside a longer sentence:
# it is looked for by word similarity (`<%`: the share of its trigrams found in one stretch of
# the sentence). A fragment of 14 characters with one changed keeps about half of them: at 0.5,
# 1 % of the fragments were lost, at 0.6, 19 %.
WORD_SIMILARITY_THRESHOLD = 0.4
# The statement for a ~500-character paragraph (about 13 keys a call) takes ~30 ms at 100,000
# sentences and ~200 ms at 1,000,000. The budget grows with the number of keys, so that a
# 200,000-character draft (thousands of keys) is not cut short; the server stops the
# statement when the review stops waiting for it.
TIMEOUT_SECONDS = 5.0
TIMEOUT_PER_KEY_SECONDS = 0.02
# After a failure (the database away, a timeout), reviews go on without shared candidates for
# this long instead of each one waiting for the same failure.
PAUSE_AFTER_FAILURE_SECONDS = 10.0

_SETTINGS = text(
    "SELECT set_config('pg_trgm.similarity_threshold', :similarity, true),"
    " set_config('pg_trgm.word_similarity_threshold', :word_similarity, true),"
    " set_config('statement_timeout', :statement_timeout, true)"
)
# One statement for every key of the call. For each key (with its position), the closest
# sentences by the measure that fits it, through the trigram index: a whole sentence by `%`, a
# key without spaces (a clause, or a sentence of one clause) by `<%`. Only one of the two arms
# runs for a key: its test of q.key is a one-time filter. Most of the time goes into computing
# the measure again for the ORDER BY on every row that passed (the operators' own test may stop
# early): a second, tie-breaking measure cost a third more in bench/pg_lookup.py and found
# nothing more (a clause that is a whole clause of a sentence already scores 1 there).
_CANDIDATES = text(
    """
    SELECT q.ord, d.name, s.text
    FROM unnest(CAST(:keys AS text[])) WITH ORDINALITY AS q(key, ord)
    CROSS JOIN LATERAL (
        (SELECT c.document_id, c.text, similarity(c.key, q.key) AS rank
         FROM corpus_sentences AS c
         WHERE strpos(q.key, ' ') > 0 AND c.key % q.key
         ORDER BY rank DESC
         LIMIT :limit)
        UNION ALL
        (SELECT c.document_id, c.text, word_similarity(q.key, c.key) AS rank
         FROM corpus_sentences AS c
         WHERE strpos(q.key, ' ') = 0 AND q.key <% c.key
         ORDER BY rank DESC
         LIMIT :limit)
    ) AS s
    JOIN corpus_documents AS d ON d.id = s.document_id
    ORDER BY q.ord, s.rank DESC
    """
).bindparams(bindparam("keys", type_=ARRAY(Text)))


def sentence_rows(document: str) -> list[tuple[int, str, str]]:
    """(position, sentence, compare key) of every sentence of a document the engine would index:
    split as the in-process corpus splits its documents (core/corpus.py build_part), keeping
    the keys long enough to match (core/matching.py build_segment)."""
    doc = parse(normalize(document), AnyAspect(catalogue()))
    rows = []
    for position, sentence in enumerate(doc.sentences):
        written = doc.text[sentence.start : sentence.end]
        key = spaced_key(written)
        if key_length(key) >= MIN_KEY_CHARS:
            rows.append((position, written, key))
    return rows


@dataclass(frozen=True, slots=True)
class Thresholds:
    """pg_trgm's thresholds for one lookup (bench/pg_lookup.py tries others)."""

    similarity: float = SIMILARITY_THRESHOLD
    word_similarity: float = WORD_SIMILARITY_THRESHOLD


class PgSentenceLookup(SentenceLookup):
    """Candidate shared sentences from PostgreSQL for the engine's matching.

    The engine calls `candidates` from the worker thread a review runs in; the query runs on the
    bot's event loop (the loop given here, where its database engine lives) and the thread
    waits for it. Whatever goes wrong — the database away, a timeout, a loop shut down — the
    review goes on without shared candidates: empty lists, and a log line that names the failure
    and the number of keys, never the draft's words.
    """

    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        loop: asyncio.AbstractEventLoop,
        *,
        thresholds: Thresholds | None = None,
        timeout: float = TIMEOUT_SECONDS,
        timeout_per_key: float = TIMEOUT_PER_KEY_SECONDS,
        pause_after_failure: float = PAUSE_AFTER_FAILURE_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._sessions = sessions
        self._loop = loop
        self.thresholds = thresholds or Thresholds()
        self._timeout = timeout
        self._timeout_per_key = timeout_per_key
        self._pause = pause_after_failure
        self._clock = clock
        self._paused_until = float("-inf")

    @classmethod
    def on_running_loop(cls, sessions: async_sessionmaker[AsyncSession]) -> PgSentenceLookup:
        """A lookup bound to the running loop (call it from the bot's async start-up)."""
        return cls(sessions, asyncio.get_running_loop())

    def candidates(self, keys: Sequence[str], *, limit: int) -> list[list[SourceSentence]]:
        empty: list[list[SourceSentence]] = [[] for _ in keys]
        if not keys or self._clock() < self._paused_until:
            return empty
        if _running_loop() is self._loop:  # waiting here would stop the loop that must answer
            log.error("corpus lookup called on the event loop's own thread: skipped")
            return empty
        unique = list(dict.fromkeys(keys))
        budget = self._timeout + self._timeout_per_key * len(unique)
        started = self._clock()
        try:
            future = asyncio.run_coroutine_threadsafe(self.fetch(unique, limit, budget), self._loop)
        except RuntimeError:  # the loop is closed: the bot is stopping
            return self._failed("event loop closed", len(keys), started)
        try:
            rows = future.result(timeout=budget)
        except concurrent.futures.TimeoutError:
            future.cancel()
            return self._failed(f"no answer in {budget:.1f} s", len(keys), started)
        except Exception as exc:  # the database's text may quote a key: its class only
            return self._failed(type(exc).__name__, len(keys), started)
        found: dict[str, list[SourceSentence]] = {}
        keyed: dict[str, str] = {}  # a sentence proposed for several keys is keyed once
        for position, name, sentence in rows:
            # The key is computed again here, so verification always uses this version's rules
            # even if the stored key was written by an earlier one.
            if sentence not in keyed:
                keyed[sentence] = spaced_key(sentence)
            found.setdefault(unique[position - 1], []).append(
                SourceSentence(SHARED_PREFIX + name, sentence, keyed[sentence])
            )
        return [list(found.get(key, ())) for key in keys]

    def _failed(self, why: str, count: int, started: float) -> list[list[SourceSentence]]:
        self._paused_until = self._clock() + self._pause
        log.warning(
            "corpus lookup failed (%s) after %.2f s: %d keys matched without the shared "
            "documents; next try in %.0f s",
            why,
            self._clock() - started,
            count,
            self._pause,
        )
        return [[] for _ in range(count)]

    async def fetch(self, keys: list[str], limit: int, budget: float) -> list[tuple[int, str, str]]:
        """(1-based key position, document name, sentence) rows, best first per key."""
        settings = {
            "similarity": str(self.thresholds.similarity),
            "word_similarity": str(self.thresholds.word_similarity),
            "statement_timeout": f"{max(1, round(budget * 1000))}ms",
        }
        async with self._sessions() as session, session.begin():
            await session.execute(_SETTINGS, settings)
            result = await session.execute(_CANDIDATES, {"keys": keys, "limit": limit})
            return [(int(row[0]), str(row[1]), str(row[2])) for row in result]


def _running_loop() -> asyncio.AbstractEventLoop | None:
    try:
        return asyncio.get_running_loop()
    except RuntimeError:
        return None


class BackendUnusable(RuntimeError):
    """The database cannot serve CORPUS_BACKEND=postgres; the message says how to fix it."""


_UTF8 = re.compile(r"utf-?8", re.IGNORECASE)
PROBE = "审阅材料"  # four ideographs: pg_trgm must find their trigrams


def locale_fix(ctype: str) -> str:
    """The start-up refusal for a database whose LC_CTYPE is not a UTF-8 locale."""
    return (
        f"CORPUS_BACKEND=postgres 需要数据库的 LC_CTYPE 为 UTF-8 区域，当前为 {ctype!r}："
        "在这种区域下 pg_trgm 把汉字当作非文字字符，提取不出三元组，共享语料永远检索不到。"
        "LC_CTYPE 只能在建库时指定（ALTER DATABASE 改不了）。请新建数据库："
        "CREATE DATABASE draftreview_utf8 TEMPLATE template0 ENCODING 'UTF8' "
        "LC_COLLATE 'C.UTF-8' LC_CTYPE 'C.UTF-8'（或 createdb -T template0 -E UTF8 "
        "--locale=C.UTF-8 draftreview_utf8；新集群可用 initdb --locale=C.UTF-8），"
        "用 pg_dump -Fc 与 pg_restore 把现有数据迁过去，再把 DATABASE_URL 指向新库；"
        "或者改回 CORPUS_BACKEND=memory（默认）"
    )


async def check_backend(engine: AsyncEngine) -> None:
    """At start-up with CORPUS_BACKEND=postgres: the database's LC_CTYPE is a UTF-8 locale,
    pg_trgm is installed and reads Chinese, and the trigram index exists; else BackendUnusable."""
    async with engine.connect() as connection:
        ctype = str(await connection.scalar(text("SHOW lc_ctype")))
        if not _UTF8.search(ctype):
            raise BackendUnusable(locale_fix(ctype))
        version = await connection.scalar(
            text("SELECT extversion FROM pg_extension WHERE extname = 'pg_trgm'")
        )
        if version is None:
            raise BackendUnusable(
                "CORPUS_BACKEND=postgres 需要 PostgreSQL 扩展 pg_trgm，但数据库中没有安装。"
                "请运行 draft-review db upgrade（它执行 CREATE EXTENSION pg_trgm，需要对该库有 "
                "CREATE 权限；Debian/Ubuntu 的服务器还需安装 postgresql-contrib）"
            )
        trigrams = await connection.scalar(
            text("SELECT cardinality(show_trgm(:probe))"), {"probe": PROBE}
        )
        if not trigrams:
            raise BackendUnusable(locale_fix(ctype))
        indexed = await connection.scalar(
            text("SELECT 1 FROM pg_indexes WHERE indexname = :name"), {"name": TRIGRAM_INDEX}
        )
        if indexed is None:
            raise BackendUnusable(
                f"CORPUS_BACKEND=postgres 需要 corpus_sentences 上的三元组索引 {TRIGRAM_INDEX}，"
                "但数据库中没有。请先备份数据库，再运行：draft-review db upgrade"
            )
