"""Load: many users sending drafts at once to the real bot process through the stand-in Bot API.

Every user's drafts are queued at once; the bot long-polls them. Latency is measured from the
moment an update is queued to the moment its review arrives at the stand-in. Afterwards each
user's history in the database must hold every draft exactly once, in the order sent.

A run fails on any lost, doubled or reordered draft and on any reply that says the review was
not saved: under ordinary load the database is there, so "not saved" means we lost a draft.

    python bench/load.py [--users 200] [--drafts 5] [--runs 1]
"""

from __future__ import annotations

import argparse
import os
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.bot import updates as u  # noqa: E402  (the stand-in lives with the tests)
from tests.bot.fake_api import TOKEN, FakeBotApi  # noqa: E402
from tests.e2e.server import StandInServer  # noqa: E402

PARAGRAPH = "一是我在推进第{n}号项目时调研不深入，{k}个问题拖了{m}个月才解决，群众意见较大。"


NOT_SAVED = "未能保存"


@dataclass(frozen=True)
class Run:
    """One run's figures and whether it kept every draft."""

    reviews: int
    elapsed: float
    latencies: list[float]
    worst_per_user: list[float]
    not_saved: int
    histories_ok: bool

    @property
    def ok(self) -> bool:
        return self.histories_ok and self.not_saved == 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=200)
    parser.add_argument("--drafts", type=int, default=5)
    parser.add_argument("--runs", type=int, default=1, help="repeat; fails if any run fails")
    args = parser.parse_args()
    runs = []
    for number in range(1, args.runs + 1):
        run = _run_once(args.users, args.drafts)
        runs.append(run)
        print(f"run {number}/{args.runs}: {_describe(run)}", flush=True)
    _summarise(args.users, args.drafts, runs)
    return 0 if all(run.ok for run in runs) else 1


def _run_once(users: int, drafts: int) -> Run:
    work = Path(tempfile.mkdtemp(prefix="draft-review-load-"))
    shutil.copytree(ROOT / "seeds", work / "corpus", ignore=shutil.ignore_patterns(".index"))
    api = FakeBotApi()
    with StandInServer(api) as server:
        env = {
            **os.environ,
            "TELEGRAM_BOT_TOKEN": TOKEN,
            "TELEGRAM_API_BASE_URL": server.base_url,
            "TELEGRAM_FILE_BASE_URL": server.file_base_url,
            "DATA_DIR": str(work / "data"),
            "CORPUS_DIR": str(work / "corpus"),
            "LOG_LEVEL": "WARNING",
            "REVIEWS_PER_MINUTE": str(drafts),
        }
        with (work / "bot.log").open("wb") as log:
            bot = subprocess.Popen(
                [sys.executable, "-m", "bot.cli", "bot"], cwd=ROOT, env=env, stdout=log, stderr=log
            )
        try:
            api.wait_for(lambda c: c.method == "setMyCommands", timeout=120)
            sent: dict[int, float] = {}
            expected: dict[int, list[str]] = {}
            started = time.perf_counter()
            for d in range(drafts):
                for user in range(1, users + 1):
                    text = PARAGRAPH.format(n=user, k=d + 2, m=d + 1)
                    expected.setdefault(user, []).append(text)
                    update_id = api.push(u.text(10_000 + user, text))
                    sent[update_id] = time.perf_counter()
            replies = api.wait_for(_is_review, count=users * drafts, timeout=600)
            elapsed = time.perf_counter() - started
            # The not-saved line follows its review; the bot's clean stop below flushes it.
        finally:
            bot.terminate()
            bot.wait(timeout=60)
    run = Run(
        reviews=len(replies),
        elapsed=elapsed,
        latencies=_latencies(api, sent),
        worst_per_user=_worst_per_user(api, sent),
        not_saved=sum(
            1 for c in api.calls if c.method == "sendMessage" and NOT_SAVED in str(c.params)
        ),
        histories_ok=_histories_in_order(work / "data" / "bot.db", expected),
    )
    if run.ok:
        shutil.rmtree(work, ignore_errors=True)
    else:
        print(f"failed run kept for inspection: {work}", file=sys.stderr)
    return run


def _is_review(call: Any) -> bool:
    return call.method == "sendMessage" and "审阅结果" in str(call.params.get("text"))


def _describe(run: Run) -> str:
    p50, p95 = _percentiles(run.latencies)
    return (
        f"{run.reviews} reviews in {run.elapsed:.1f} s ({run.reviews / run.elapsed:.1f}/s), "
        f"latency p50 {p50:.2f} s p95 {p95:.2f} s, not saved {run.not_saved}, "
        f"histories complete and in order: {run.histories_ok}"
    )


def _summarise(users: int, drafts: int, runs: list[Run]) -> None:
    latencies = [x for run in runs for x in run.latencies]
    p50, p95 = _percentiles(latencies)
    reviews = sum(run.reviews for run in runs)
    elapsed = sum(run.elapsed for run in runs)
    worst = [x for run in runs for x in run.worst_per_user]
    print(f"{len(runs)} runs of {users} users x {drafts} drafts = {reviews} reviews")
    print(f"throughput {reviews / elapsed:.1f} reviews/s on {os.cpu_count()} cores")
    print(f"reply latency p50 {p50:.2f} s, p95 {p95:.2f} s (all runs)")
    print(f"users' last replies between {min(worst):.2f} s and {max(worst):.2f} s")
    print(f"not-saved replies: {sum(run.not_saved for run in runs)}")
    failed = sum(not run.histories_ok for run in runs)
    print(f"runs with a lost, doubled or reordered draft: {failed}")
    print(f"every run kept every draft: {all(run.ok for run in runs)}")


def _percentiles(values: list[float]) -> tuple[float, float]:
    ordered = sorted(values)
    return statistics.median(ordered), ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))]


def _latencies(api: FakeBotApi, sent: dict[int, float]) -> list[float]:
    """Replies carry no update id, so pair each user's replies with that user's updates in order."""
    return [done - queued for done, queued in _pairs(api, sent)]


def _pairs(api: FakeBotApi, sent: dict[int, float]) -> list[tuple[float, float]]:
    updates: dict[int, list[float]] = {}
    for update_id, at in sorted(sent.items()):
        updates.setdefault(int(api.pushed[update_id]["message"]["chat"]["id"]), []).append(at)
    replies: dict[int, list[float]] = {}
    for call in api.calls:
        if _is_review(call):
            replies.setdefault(int(call.params["chat_id"]), []).append(call.at)
    return [
        (r, q)
        for chat, times in replies.items()
        for r, q in zip(times, updates[chat], strict=False)
    ]


def _worst_per_user(api: FakeBotApi, sent: dict[int, float]) -> list[float]:
    first = min(sent.values())
    last: dict[int, float] = {}
    for call in api.calls:
        if _is_review(call):
            last[int(call.params["chat_id"])] = call.at - first
    return list(last.values())


def _histories_in_order(database: Path, expected: dict[int, list[str]]) -> bool:
    rows = (
        sqlite3.connect(database)
        .execute("select user_id, number, draft from reviews order by user_id, number")
        .fetchall()
    )
    found: dict[int, list[str]] = {}
    for user_id, _, draft in rows:
        found.setdefault(int(user_id) - 10_000, []).append(draft)
    return found == expected


if __name__ == "__main__":
    sys.exit(main())
