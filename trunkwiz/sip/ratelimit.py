"""A per-host limiter so repeated probes cannot hammer a carrier with REGISTERs.

The composition root owns one `RateLimiter` for the process and hands it to every probe;
the clock is injectable for tests. It never sleeps: a refused attempt says how long to wait.
"""

from __future__ import annotations

import time
from collections.abc import Callable

DEFAULT_INTERVAL = 5.0


class RateLimiter:
    """Allows one attempt per ``interval`` seconds per key (a host name)."""

    def __init__(
        self, interval: float = DEFAULT_INTERVAL, *, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.interval = interval
        self._clock = clock
        self._last: dict[str, float] = {}

    def try_acquire(self, key: str) -> float:
        """Record an attempt and return 0.0, or return the seconds to wait (nothing recorded)."""
        key = key.strip().lower()
        now = self._clock()
        last = self._last.get(key)
        if last is not None and now - last < self.interval:
            return self.interval - (now - last)
        self._last[key] = now
        # forget hosts whose window has passed so the table stays small
        for old in [k for k, t in self._last.items() if now - t >= self.interval and k != key]:
            del self._last[old]
        return 0.0
