"""Load: many users sending drafts at once to the real bot process through the stand-in Bot API.

Every user's drafts are queued at once; the bot long-polls them. Latency is measured from the
moment an update is queued to the moment its review arrives at the stand-in. Afterwards each
user's history in the database must hold every draft exactly once, in the order sent.

    python bench/load.py [--users 200] [--drafts 5]
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
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.bot import updates as u  # noqa: E402  (the stand-in lives with the tests)
from tests.bot.fake_api import TOKEN, FakeBotApi  # noqa: E402
from tests.e2e.server import StandInServer  # noqa: E402

PARAGRAPH = "一是我在推进第{n}号项目时调研不深入，{k}个问题拖了{m}个月才解决，群众意见较大。"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=200)
    parser.add_argument("--drafts", type=int, default=5)
    args = parser.parse_args()
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
            "REVIEWS_PER_MINUTE": str(args.drafts),
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
            for d in range(args.drafts):
                for user in range(1, args.users + 1):
                    text = PARAGRAPH.format(n=user, k=d + 2, m=d + 1)
                    expected.setdefault(user, []).append(text)
                    update_id = api.push(u.text(10_000 + user, text))
                    sent[update_id] = time.perf_counter()
            total = args.users * args.drafts
            replies = api.wait_for(
                lambda c: c.method == "sendMessage" and "审阅结果" in str(c.params.get("text")),
                count=total,
                timeout=600,
            )
            elapsed = time.perf_counter() - started
        finally:
            bot.terminate()
            bot.wait(timeout=60)
    latencies = _latencies(api, sent)
    order_ok = _histories_in_order(work / "data" / "bot.db", expected)
    per_user_worst = _worst_per_user(api, sent)
    p95 = sorted(latencies)[int(0.95 * len(latencies))]
    print(f"{args.users} users x {args.drafts} drafts = {len(replies)} reviews in {elapsed:.1f} s")
    print(f"throughput {len(replies) / elapsed:.1f} reviews/s on {os.cpu_count()} cores")
    print(f"reply latency p50 {statistics.median(latencies):.2f} s, p95 {p95:.2f} s")
    print(
        f"users' last replies between {min(per_user_worst):.2f} s and {max(per_user_worst):.2f} s"
    )
    print(f"every history complete, each draft once, in the order sent: {order_ok}")
    shutil.rmtree(work, ignore_errors=True)
    return 0 if order_ok else 1


def _latencies(api: FakeBotApi, sent: dict[int, float]) -> list[float]:
    """Replies carry no update id, so pair each user's replies with that user's updates in order."""
    return [done - queued for done, queued in _pairs(api, sent)]


def _pairs(api: FakeBotApi, sent: dict[int, float]) -> list[tuple[float, float]]:
    updates: dict[int, list[float]] = {}
    for update_id, at in sorted(sent.items()):
        updates.setdefault(int(api.pushed[update_id]["message"]["chat"]["id"]), []).append(at)
    replies: dict[int, list[float]] = {}
    for call in api.calls:
        if call.method == "sendMessage" and "审阅结果" in str(call.params.get("text")):
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
        if call.method == "sendMessage" and "审阅结果" in str(call.params.get("text")):
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
