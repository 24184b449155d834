"""A per-host limiter so repeated probes cannot hammer a carrier with OPTIONS or REGISTER.

The composition root owns one `RateLimiter` and hands it to every probe; the clock is
injectable for tests. It never sleeps: a refused attempt says how long to wait.

With ``state`` (a file, e.g. in the config dir) the limit holds across processes: the
last attempt per host is kept there, read and written under an exclusive ``flock`` on
``<state>.lock``, so two trunkwiz runs of the same user cannot probe one host within the
interval either. The clock is then ``time.monotonic`` (CLOCK_MONOTONIC, shared by every
process of the machine); an entry from before a reboot (later than now) is ignored. A
state file that cannot be used (unwritable, garbage) falls back to the per-process table.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import time
from collections.abc import Callable, Iterator
from pathlib import Path

from trunkwiz.domain.jsonbounds import loads as json_loads

DEFAULT_INTERVAL = 5.0
STATE_FILE = "probe-hosts.json"
"""The name of the shared state file in the config dir."""


class RateLimiter:
    """Allows one attempt per ``interval`` seconds per key (a host name)."""

    def __init__(
        self,
        interval: float = DEFAULT_INTERVAL,
        *,
        clock: Callable[[], float] = time.monotonic,
        state: Path | None = None,
    ) -> None:
        self.interval = interval
        self._clock = clock
        self._last: dict[str, float] = {}
        self.state = state

    def try_acquire(self, key: str) -> float:
        """Record an attempt and return 0.0, or return the seconds to wait (nothing recorded)."""
        key = key.strip().lower()
        if self.state is not None:
            try:
                with self._shared() as table:
                    wait = self._acquire(table, key)
                    self._last.update(table)
                    return wait
            except OSError:
                pass  # no usable state file: this process's own table still limits
        return self._acquire(self._last, key)

    def _acquire(self, table: dict[str, float], key: str) -> float:
        now = self._clock()
        last = table.get(key)
        if last is not None and 0 <= now - last < self.interval:
            return self.interval - (now - last)
        table[key] = now
        # forget hosts whose window has passed (or that predate a reboot)
        for old in [k for k, t in table.items() if k != key and not 0 <= now - t < self.interval]:
            del table[old]
        return 0.0

    @contextlib.contextmanager
    def _shared(self) -> Iterator[dict[str, float]]:
        """The shared table, locked; written back when the block ends without error."""
        assert self.state is not None
        flags = os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW
        lock = os.open(f"{self.state}.lock", flags, 0o600)
        try:
            fcntl.flock(lock, fcntl.LOCK_EX)
            table = _read(self.state)
            yield table
            tmp = self.state.with_name(f".{self.state.name}.{os.getpid()}")
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_NOFOLLOW, 0o600)
            with os.fdopen(fd, "w", encoding="utf-8") as f:
                json.dump(table, f)
            os.replace(tmp, self.state)
        finally:
            os.close(lock)  # releases the flock


def _read(path: Path) -> dict[str, float]:
    try:
        data = json_loads(path.read_bytes())
    except (OSError, ValueError):
        return {}
    if not isinstance(data, dict):
        return {}
    return {
        str(k): float(v)
        for k, v in data.items()
        if isinstance(v, int | float) and not isinstance(v, bool)
    }
