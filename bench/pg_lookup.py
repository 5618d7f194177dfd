"""The PostgreSQL corpus backend at scale: pg_trgm proposes, the engine verifies.

For each corpus size it generates the synthetic sentences bench/matching.py generates (same
generator, same seed), loads them with COPY into the product's `corpus_sentences` table (schema
from the migrations) in a scratch database, builds the trigram index, and plants copies in
~500-character paragraphs exactly as bench/matching.py does. It then matches every paragraph
with `find_matches`: with the in-process index built from the same sentences (`build_segment`),
and with the PostgreSQL lookup (bot/pg_corpus.py, through the same thread-to-event-loop bridge
the bot uses) as the only candidate source — an in-process index with no sentences that still
knows the corpus's stock formulas, so that the two differ only in where candidates come from.
It prints load and index build time, table and index size, latency (median / p95), recall per
kind of copy for both, the lookup's recall relative to the in-process index, false positives on
novel sentences, how many rows pass pg_trgm's thresholds per key (the work the index hands to
the recheck), how close the copies the lookup missed were to their sources, and once the recall
with no stock formulas at all (what the backend gives for shared documents).

    python bench/pg_lookup.py --url postgresql+asyncpg://postgres@127.0.0.1:54339/postgres \\
        --sizes 100000,1000000 [--thresholds 0.3/0.4,0.4/0.5]

`--thresholds` takes similarity/word-similarity pairs and repeats the lookup run for each (the
sweep the defaults in bot/pg_corpus.py were chosen from). The scratch database (`--database`)
is created for each size (replacing the previous one) and dropped at the end (`--keep` leaves
it); the server must allow `CREATE DATABASE`.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import threading
import time
from collections.abc import Coroutine, Sequence
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import urlsplit, urlunsplit

import asyncpg

from bot.db import create_schema, make_engine, make_sessions
from bot.pg_corpus import (
    SIMILARITY_THRESHOLD,
    TRIGRAM_INDEX,
    WORD_SIMILARITY_THRESHOLD,
    PgSentenceLookup,
    Thresholds,
)
from core.matching import CANDIDATES, MatchIndex, SourceSentence, build_segment, find_matches
from core.models import Document, Match
from core.schemes import load_scheme
from core.structure import parse
from core.text import compare_key, normalize, spaced_key

sys.path.insert(0, str(Path(__file__).resolve().parent))
from matching import KINDS, SENTENCES_PER_DOCUMENT, Generator, _hit, _ms, _pct, _score, plant

T = TypeVar("T")
EMPTY = MatchIndex((), ())  # no in-process candidates and no stock formulas


class Loop:
    """An event loop in its own thread, as the bot's loop is while reviews run in workers."""

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()

    def run(self, coro: Coroutine[Any, Any, T]) -> T:
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result()

    def close(self) -> None:
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join()
        self.loop.close()


class Counting:
    """The lookup, timed, with the number of keys and candidates it was asked and gave."""

    def __init__(self, lookup: PgSentenceLookup) -> None:
        self.lookup = lookup
        self.reset()

    def reset(self) -> None:
        self.seconds, self.keys, self.found, self.calls = 0.0, 0, 0, 0

    def candidates(self, keys: Sequence[str], *, limit: int) -> list[list[SourceSentence]]:
        started = time.perf_counter()
        found = self.lookup.candidates(keys, limit=limit)
        self.seconds += time.perf_counter() - started
        self.calls += 1
        self.keys += len(keys)
        self.found += sum(len(f) for f in found)
        return found


def _with_database(url: str, database: str | None, scheme: str) -> str:
    parts = urlsplit(url)
    path = parts.path if database is None else f"/{database}"
    return urlunsplit((scheme, parts.netloc, path, parts.query, parts.fragment))


def _dsn(url: str, database: str | None = None) -> str:
    """asyncpg's form of the URL (no +asyncpg), optionally for another database."""
    return _with_database(url, database, "postgresql")


def _sa_url(url: str, database: str) -> str:
    return _with_database(url, database, "postgresql+asyncpg")


async def _recreate(url: str, database: str) -> None:
    admin = await asyncpg.connect(_dsn(url))
    try:
        await admin.execute(f'DROP DATABASE IF EXISTS "{database}"')
        await admin.execute(
            f"CREATE DATABASE \"{database}\" TEMPLATE template0 ENCODING 'UTF8' "
            "LC_COLLATE 'C.UTF-8' LC_CTYPE 'C.UTF-8'"
        )
    finally:
        await admin.close()


async def _drop(url: str, database: str) -> None:
    admin = await asyncpg.connect(_dsn(url))
    try:
        await admin.execute(f'DROP DATABASE IF EXISTS "{database}"')
    finally:
        await admin.close()


async def load(url: str, database: str, segment: Any, documents: int) -> dict[str, float]:
    """Schema by the migrations, rows by COPY, then the trigram index; timings and sizes."""
    await _recreate(url, database)
    engine = make_engine(_sa_url(url, database))
    await create_schema(engine)
    await engine.dispose()
    connection = await asyncpg.connect(_dsn(url, database))
    try:
        await connection.execute(f"DROP INDEX {TRIGRAM_INDEX}")
        now = datetime.now(UTC)
        started = time.perf_counter()
        await connection.copy_records_to_table(
            "corpus_documents",
            records=[(d + 1, f"syn-{d:06d}.txt", "", 0, now) for d in range(documents)],
            columns=["id", "name", "text", "added_by", "added_at"],
        )
        rows = (
            (int(segment.documents[r]) + 1, r, segment.sources[r], segment.ngrams.key(r))
            for r in range(len(segment))
        )
        await connection.copy_records_to_table(
            "corpus_sentences",
            records=rows,
            columns=["document_id", "position", "text", "key"],
        )
        loaded = time.perf_counter() - started
        started = time.perf_counter()
        await connection.execute("SET maintenance_work_mem = '512MB'")
        await connection.execute(
            f"CREATE INDEX {TRIGRAM_INDEX} ON corpus_sentences USING gin (key gin_trgm_ops)"
        )
        indexed = time.perf_counter() - started
        await connection.execute("VACUUM ANALYZE corpus_sentences")
        sizes = await connection.fetchrow(
            "SELECT pg_table_size('corpus_sentences') AS t,"
            f" pg_relation_size('{TRIGRAM_INDEX}') AS g,"
            " pg_total_relation_size('corpus_sentences') AS a"
        )
        assert sizes is not None
        return {
            "load_s": loaded,
            "index_s": indexed,
            "table_mb": sizes["t"] / 2**20,
            "gin_mb": sizes["g"] / 2**20,
            "total_mb": sizes["a"] / 2**20,
        }
    finally:
        await connection.close()


async def over_threshold(
    url: str, database: str, keys: list[str], thresholds: Thresholds
) -> list[int]:
    """For each key, how many rows pass the threshold of its arm (before LIMIT)."""
    connection = await asyncpg.connect(_dsn(url, database))
    try:
        await connection.execute(
            f"SET pg_trgm.similarity_threshold = {thresholds.similarity};"
            f"SET pg_trgm.word_similarity_threshold = {thresholds.word_similarity}"
        )
        counts = []
        for key in keys:
            if " " in key:
                sql = "SELECT count(*) FROM corpus_sentences WHERE key % $1"
            else:
                sql = "SELECT count(*) FROM corpus_sentences WHERE $1 <% key"
            counts.append(int(await connection.fetchval(sql, key)))
        return counts
    finally:
        await connection.close()


def _run(
    docs: list[Document], index: MatchIndex, lookup: Any
) -> tuple[list[float], list[tuple[Match, ...]]]:
    find_matches(docs[0], index, lookup=lookup)  # warm up
    ms, found = [], []
    for doc in docs:
        started = time.perf_counter()
        matches = find_matches(doc, index, lookup=lookup)
        ms.append((time.perf_counter() - started) * 1000)
        found.append(matches)
    return ms, found


def _relative(planted: list[Any], ours: list[Any], reference: list[Any]) -> dict[str, list[int]]:
    """Per kind: [found by both, found by the reference]."""
    tally = {kind: [0, 0] for kind in KINDS}
    for (_, spans), mine, theirs in zip(planted, ours, reference, strict=True):
        for span in spans:
            if span[2] in tally and _hit(span, theirs):
                tally[span[2]][1] += 1
                tally[span[2]][0] += _hit(span, mine)
    return tally


def bench_size(
    loop: Loop, url: str, database: str, size: int, paragraphs: int, sweep: list[Thresholds]
) -> None:
    generator = Generator(seed=42)  # as bench/matching.py `build`
    started = time.perf_counter()
    records = [(i // SENTENCES_PER_DOCUMENT, generator.corpus_sentence()) for i in range(size)]
    generated = time.perf_counter() - started
    started = time.perf_counter()
    segment = build_segment(records)
    built = time.perf_counter() - started
    del records
    documents = size // SENTENCES_PER_DOCUMENT + 1
    names = tuple(f"syn-{d:06d}.txt" for d in range(documents))
    index = MatchIndex(names, (segment,))
    # No candidates, but the corpus's stock formulas: isolates the candidate search. (The
    # backend itself gives none for shared documents: EMPTY, reported once below.)
    nothing = build_segment([])
    stock_only = MatchIndex(names, (replace(nothing, stock=segment.stock),))
    _progress(f"{size:,}: generated {generated:.1f} s, in-process index {built:.1f} s; loading")
    loaded = loop.run(load(url, database, segment, documents))
    scheme = load_scheme()
    _progress("loaded; planting")
    planted = plant(segment, paragraphs)
    docs = [parse(normalize(text), scheme) for text, _ in planted]
    _progress("planted; matching with the in-process index")
    memory_ms, memory_matches = _run(docs, index, None)
    memory_found = _spans(memory_matches)
    memory_score = _score(planted, memory_found)

    print(f"\n== {size:,} corpus sentences ({len(segment):,} indexed; {paragraphs} paragraphs) ==")
    print(f"generated in {generated:.1f} s; in-process index built in {built:.1f} s")
    print(
        f"PostgreSQL: COPY {loaded['load_s']:.1f} s, trigram index build {loaded['index_s']:.1f} s"
        f" (maintenance_work_mem 512MB); table {loaded['table_mb']:.0f} MB,"
        f" GIN index {loaded['gin_mb']:.0f} MB, total with other indexes"
        f" {loaded['total_mb']:.0f} MB"
    )
    print(f"in-process index: matching ms median / p95 {_ms(memory_ms)}")
    engine = loop.run(_engine(_sa_url(url, database)))
    try:
        sessions = make_sessions(engine)
        for n, thresholds in enumerate(sweep):
            lookup = PgSentenceLookup(
                sessions, loop.loop, thresholds=thresholds, timeout=120.0, pause_after_failure=0
            )
            counting = Counting(lookup)
            _run(docs[:1], stock_only, counting)
            counting.reset()
            ms, matches = _run(docs, stock_only, counting)
            found = _spans(matches)
            score = _score(planted, found)
            relative = _relative(planted, found, memory_found)
            sample = _sample_keys(docs[:20])
            passing = loop.run(over_threshold(url, database, sample, thresholds))
            _print_run(thresholds, ms, counting, score, memory_score, relative, passing)
            missed = _missed(planted, found, memory_matches)
            if missed:
                closeness = loop.run(_closeness(url, database, missed))
                print("missed (kind, similarity, word similarity to the source the index found):")
                print("  " + "; ".join(f"{k} {a:.2f}/{b:.2f}" for k, a, b in closeness))
            if n == 0:
                _, bare = _run(docs, EMPTY, counting)
                plain = _score(planted, _spans(bare))
                print(
                    "without the corpus's stock formulas (what the backend gives for shared "
                    "documents): " + ", ".join(f"{k} {_pct(plain[k])}" for k in (*KINDS, "novel"))
                )
    finally:
        loop.run(engine.dispose())


def _progress(what: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {what}", file=sys.stderr, flush=True)


def _spans(matches: list[tuple[Match, ...]]) -> list[list[tuple[int, int]]]:
    return [[(m.start, m.end) for m in found] for found in matches]


def _missed(
    planted: list[Any], found: list[list[tuple[int, int]]], reference: list[tuple[Match, ...]]
) -> list[tuple[str, str, str]]:
    """(kind, draft key, source key) of planted copies the in-process index found and the lookup
    did not."""
    out = []
    for (text, spans), mine, theirs in zip(planted, found, reference, strict=True):
        for start, end, kind in spans:
            if kind == "novel" or _hit((start, end, kind), mine):
                continue
            for m in theirs:
                if m.start < end and start < m.end:
                    piece = normalize(text)[m.start : m.end]
                    whole = m.kind in ("sentence", "rewrite")
                    draft = spaced_key(piece) if whole else compare_key(piece)
                    out.append((kind, draft, spaced_key(m.source_text)))
                    break
    return out


async def _closeness(
    url: str, database: str, missed: list[tuple[str, str, str]]
) -> list[tuple[str, float, float]]:
    connection = await asyncpg.connect(_dsn(url, database))
    try:
        out = []
        for kind, draft, source in missed:
            row = await connection.fetchrow(
                "SELECT similarity($2, $1), word_similarity($1, $2)", draft, source
            )
            assert row is not None
            out.append((kind, float(row[0]), float(row[1])))
        return out
    finally:
        await connection.close()


async def _engine(url: str) -> Any:
    return make_engine(url)


def _sample_keys(docs: list[Document]) -> list[str]:
    """The keys the engine sends for these paragraphs (whole sentences and clauses)."""
    keys: list[str] = []

    class Recorder:
        def candidates(self, asked: Sequence[str], *, limit: int) -> list[list[SourceSentence]]:
            keys.extend(asked)
            return [[] for _ in asked]

    for doc in docs:
        find_matches(doc, EMPTY, lookup=Recorder())
    return keys


def _print_run(
    thresholds: Thresholds,
    ms: list[float],
    counting: Counting,
    score: dict[str, list[int]],
    memory: dict[str, list[int]],
    relative: dict[str, list[int]],
    passing: list[int],
) -> None:
    print(
        f"\n-- lookup only, similarity {thresholds.similarity} / word similarity "
        f"{thresholds.word_similarity} --"
    )
    per_call = counting.seconds * 1000 / max(1, counting.calls)
    rows = [
        ("matching a ~500-char paragraph, ms median / p95", _ms(ms), ""),
        (
            "of which the lookup (SQL, 2 calls), ms mean per call",
            f"{per_call:.1f}",
            f"{counting.keys / max(1, counting.calls):.0f} keys/call",
        ),
        (
            "candidates returned per key, mean",
            f"{counting.found / max(1, counting.keys):.1f}",
            f"limit {CANDIDATES}",
        ),
        (
            "rows over threshold per key, median / p95 / max",
            f"{statistics.median(passing):.0f} / "
            f"{sorted(passing)[int(0.95 * (len(passing) - 1))]} / {max(passing)}",
            f"{len(passing)} keys",
        ),
    ]
    for kind in (*KINDS, "novel"):
        label = "false positives, novel sentences" if kind == "novel" else f"recall, {kind}"
        rows.append((f"{label} (n={score[kind][1]})", _pct(score[kind]), _pct(memory[kind])))
    for kind in KINDS:
        label = f"recall relative to in-process, {kind} (n={relative[kind][1]})"
        rows.append((label, _pct(relative[kind]), ""))
    print(f"{'':<56}{'postgres lookup':>22}{'in-process':>14}")
    for label, ours, theirs in rows:
        print(f"{label:<56}{ours:>22}{theirs:>14}")
    sys.stdout.flush()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", required=True, help="postgresql+asyncpg://… of a server")
    parser.add_argument("--database", default="draft_review_pg_bench")
    parser.add_argument("--sizes", default="100000")
    parser.add_argument("--paragraphs", type=int, default=200)
    parser.add_argument("--keep", action="store_true", help="keep the last scratch database")
    parser.add_argument(
        "--thresholds",
        default=f"{SIMILARITY_THRESHOLD}/{WORD_SIMILARITY_THRESHOLD}",
        help="similarity/word-similarity pairs, comma-separated",
    )
    args = parser.parse_args()
    sweep = [
        Thresholds(float(pair.split("/")[0]), float(pair.split("/")[1]))
        for pair in args.thresholds.split(",")
    ]
    loop = Loop()
    try:
        for size in (int(s) for s in args.sizes.split(",")):
            bench_size(loop, args.url, args.database, size, args.paragraphs, sweep)
        if not args.keep:
            loop.run(_drop(args.url, args.database))
    finally:
        loop.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
