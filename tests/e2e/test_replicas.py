"""Two webhook replicas on one PostgreSQL serve the same users: every update posted to either
replica is answered once and stored once, numbered without gaps; SIGTERM loses nothing."""

from __future__ import annotations

import os
import signal
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy import text

from tests.bot import updates as u
from tests.conftest import ROOT

sys.path.insert(0, str(ROOT / "deploy"))
from local_production import SECRET, LocalProduction

USERS = (601, 602, 603, 604)
DRAFTS = 5


@pytest.fixture
def postgres_url() -> str:
    url = os.environ.get("TEST_POSTGRES_URL")
    if not url:
        pytest.skip("TEST_POSTGRES_URL is not set (.ci/run starts a PostgreSQL server)")
    return url


def _reset(url: str) -> None:
    import asyncio

    from bot.db import Base, make_engine

    async def run() -> None:
        engine = make_engine(url)
        async with engine.begin() as connection:
            await connection.run_sync(Base.metadata.drop_all)
            await connection.execute(text("DROP TABLE IF EXISTS alembic_version"))
        await engine.dispose()

    asyncio.run(run())


@pytest.fixture
def shape(postgres_url: str, tmp_path: Path, seeds_copy: Path) -> Iterator[LocalProduction]:
    """deploy/local_production.py's production shape, on CI's PostgreSQL."""
    _reset(postgres_url)
    with LocalProduction(tmp_path, seeds_copy, database_url=postgres_url) as running:
        yield running


def _history(url: str) -> dict[int, list[tuple[int, str]]]:
    import asyncio

    from bot.db import make_engine

    async def run() -> dict[int, list[tuple[int, str]]]:
        engine = make_engine(url)
        async with engine.connect() as connection:
            rows = (
                await connection.execute(
                    text("select user_id, number, draft from reviews order by user_id, number")
                )
            ).all()
        await engine.dispose()
        out: dict[int, list[tuple[int, str]]] = {}
        for user, number, draft in rows:
            out.setdefault(int(user), []).append((int(number), str(draft)))
        return out

    return asyncio.run(run())


@pytest.mark.slow
def test_two_replicas_share_one_history(shape: LocalProduction, postgres_url: str) -> None:
    api, ports = shape.api, shape.ports
    sent: dict[int, list[str]] = {user: [] for user in USERS}
    with httpx.Client(timeout=30) as client:
        for i in range(DRAFTS):
            for n, user in enumerate(USERS):
                draft = (
                    f"第{i}稿：我在{user}号项目推进中调研不深入，三个问题拖了{i + 2}个月才解决。"
                )
                sent[user].append(draft)
                port = ports[(i + n) % 2]  # alternate: each user's drafts land on both replicas
                response = client.post(
                    f"http://127.0.0.1:{port}/hook",
                    json={"update_id": 1000 + i * 10 + n, **u.text(user, draft)},
                    headers={"X-Telegram-Bot-Api-Secret-Token": SECRET},
                )
                assert response.status_code == 200
        refused = client.post(
            f"http://127.0.0.1:{ports[0]}/hook", json={"update_id": 1, **u.text(USERS[0], "伪造")}
        )
        assert refused.status_code == 403
        assert client.get(f"http://127.0.0.1:{ports[1]}/healthz").json()["status"] == "ok"
    total = len(USERS) * DRAFTS
    api.wait_for(
        lambda c: c.method == "sendMessage" and "审阅结果" in str(c.params.get("text")),
        count=total,
        timeout=120,
    )
    # Graceful stop of both replicas: whatever was accepted is finished and stored.
    assert shape.stop_replicas() == [0, 0]
    history = _history(postgres_url)
    for user in USERS:
        numbers = [n for n, _ in history[user]]
        assert numbers == list(range(1, DRAFTS + 1)), numbers  # none lost, none twice
        assert sorted(d for _, d in history[user]) == sorted(sent[user])
    replies = [
        c
        for c in api.calls
        if c.method == "sendMessage" and "审阅结果" in str(c.params.get("text"))
    ]
    assert len(replies) == total  # each update answered exactly once


@pytest.mark.slow
def test_sigterm_finishes_an_update_in_flight(shape: LocalProduction, postgres_url: str) -> None:
    api, ports, processes = shape.api, shape.ports, shape.processes
    long_draft = (
        "我分管的三个项目推进缓慢，根子在于前期论证不充分、调度不及时。" * 4000
    )  # seconds of work
    with httpx.Client(timeout=30) as client:
        response = client.post(
            f"http://127.0.0.1:{ports[0]}/hook",
            json={"update_id": 5000, **u.text(USERS[0], long_draft)},
            headers={"X-Telegram-Bot-Api-Secret-Token": SECRET},
        )
    assert response.status_code == 200
    api.wait_for(
        lambda c: c.method == "sendChatAction" and c.params.get("chat_id") == USERS[0], timeout=60
    )
    processes[0].send_signal(signal.SIGTERM)  # while the review is running
    assert processes[0].wait(timeout=120) == 0
    assert [n for n, _ in _history(postgres_url)[USERS[0]]] == [1]
    assert any(
        c.method == "sendMessage" and "审阅结果" in str(c.params.get("text")) for c in api.calls
    )
