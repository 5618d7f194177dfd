"""A per-user limit on reviews, so one user's flood cannot monopolise the bot."""

from __future__ import annotations

import asyncio
import time
import weakref
from collections import defaultdict, deque
from collections.abc import Callable


class RateLimiter:
    """At most `per_minute` reviews per user in any 60 seconds (per process: each replica
    counts its own, which bounds a user at replicas × per_minute)."""

    def __init__(self, per_minute: int, clock: Callable[[], float] = time.monotonic) -> None:
        self._per_minute = per_minute
        self._clock = clock
        self._recent: defaultdict[int, deque[float]] = defaultdict(deque)

    def allow(self, user_id: int) -> bool:
        """Count a review for `user_id` if the limit allows it."""
        now = self._clock()
        recent = self._recent[user_id]
        while recent and now - recent[0] >= 60:
            recent.popleft()
        if len(recent) >= self._per_minute:
            return False
        recent.append(now)
        return True

    def wait_seconds(self, user_id: int) -> int:
        recent = self._recent.get(user_id)
        if not recent:
            return 0
        return max(1, int(60 - (self._clock() - recent[0])) + 1)


class UserQueues:
    """One lock per user, so a user's drafts are reviewed and stored in the order they were
    sent while different users still run side by side (asyncio locks are first come, first
    served). Locks nobody holds or waits for are dropped."""

    def __init__(self) -> None:
        self._locks: weakref.WeakValueDictionary[int, asyncio.Lock] = weakref.WeakValueDictionary()

    def lock(self, user_id: int) -> asyncio.Lock:
        found = self._locks.get(user_id)
        if found is None:
            found = asyncio.Lock()
            self._locks[user_id] = found
        return found
