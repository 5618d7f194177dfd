"""What start-up does before the first update: the dictionary loaded, the periodic jobs
scheduled; and jobs that fail are logged and run again."""

from __future__ import annotations

import logging
from dataclasses import replace
from datetime import timedelta

import pytest
from telegram.ext import AIORateLimiter

from bot.app import build_application
from bot.jobs import PURGE, SYNC
from bot.storage import SqlReviewStore
from core import Corpus, Tokenizer
from core.checks.idioms import built_for
from tests.bot.fake_api import FakeBotApi
from tests.bot.recording_request import RecordingRequest

pytestmark = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)


class _FlakyShared:
    """A shared corpus whose database is away while `away` is set."""

    def __init__(self) -> None:
        self.away = False
        self.syncs = 0

    async def sync(self, corpus: Corpus) -> Corpus:
        self.syncs += 1
        if self.away:
            raise OSError("database unreachable")
        return corpus


async def test_start_up_loads_the_dictionary_before_any_review(
    api: FakeBotApi, config, corpus: Corpus, store: SqlReviewStore
) -> None:
    fresh = Tokenizer()
    cold = replace(corpus, model=replace(corpus.model, tokenizer=fresh))
    app = build_application(config, cold, store, request=RecordingRequest(api))
    async with app:
        assert not fresh.ready and not built_for(fresh)
        await app.post_init(app)  # run_polling and the webhook server call it before updates
        assert fresh.ready and built_for(fresh)  # the dictionary and the idiom index
    assert api.sent() == []  # no review ran


async def test_sends_are_paced_by_the_rate_limiter(
    api: FakeBotApi, config, corpus: Corpus, store: SqlReviewStore
) -> None:
    app = build_application(config, corpus, store, request=RecordingRequest(api))
    assert isinstance(app.bot.rate_limiter, AIORateLimiter)


async def test_periodic_work_is_on_the_job_queue(
    api: FakeBotApi, config, corpus: Corpus, store: SqlReviewStore
) -> None:
    app = build_application(
        config, corpus, store, request=RecordingRequest(api), shared=_FlakyShared()
    )
    async with app:
        await app.post_init(app)
        assert app.job_queue is not None
        intervals = {job.name: job.job.trigger.interval for job in app.job_queue.jobs()}
    assert intervals == {
        PURGE: timedelta(hours=1),
        SYNC: timedelta(seconds=config.corpus_sync_seconds),
    }


async def test_no_sync_job_without_a_shared_corpus(
    api: FakeBotApi, config, corpus: Corpus, store: SqlReviewStore
) -> None:
    app = build_application(config, corpus, store, request=RecordingRequest(api))
    async with app:
        await app.post_init(app)
        assert app.job_queue is not None
        assert [job.name for job in app.job_queue.jobs()] == [PURGE]


async def test_a_failing_job_is_logged_and_runs_again(
    api: FakeBotApi, config, corpus: Corpus, store: SqlReviewStore, caplog: pytest.LogCaptureFixture
) -> None:
    shared = _FlakyShared()
    app = build_application(config, corpus, store, request=RecordingRequest(api), shared=shared)
    async with app:
        await app.post_init(app)  # the start-up sync
        await app.start()
        try:
            assert app.job_queue is not None
            [job] = app.job_queue.jobs(SYNC)
            shared.away = True
            await job.run(app)  # what the timer does; the error handler has run when it returns
            shared.away = False
            await job.run(app)
            assert shared.syncs == 3
            assert job in app.job_queue.jobs() and job.next_t is not None  # still scheduled
        finally:
            await app.stop()
    [failure] = [r for r in caplog.records if r.levelno == logging.ERROR]
    assert failure.getMessage() == f"job {SYNC!r} failed"
    assert failure.exc_info is not None and isinstance(failure.exc_info[1], OSError)
    assert api.sent() == []  # nobody to apologise to
