"""Fault switches for tests: fail or drop the Nth call, slow replies, expire tokens, and
serve ``skip`` 1-based.

Only calls under ``/api`` count. "The Nth call" counts from the moment the switch is set:
``fail_nth(1)`` fails the very next API call. Over HTTP (for a sandbox in another process)
the same switches are ``POST /_sandbox/faults`` with a JSON body such as
``{"fail_nth": 2, "fail_status": 503, "delay_ms": 200, "drop_nth": 1,
"expire_tokens": true, "expire_refresh_tokens": false, "one_based_paging": true,
"switch_scopes_trunks": true, "hold_from": 3, "hold_method": "POST", "release": true,
"reset": true}`` (every key optional; ``reset`` is applied first, ``release`` last).
``GET /_sandbox/faults`` shows the current switches and how many calls are held.

The gate holds a run in the middle for as long as a test needs: ``hold_from(n, method)``
lets the next ``n - 1`` calls (of that HTTP method, when given) through and holds the Nth
and every later one before it reaches the PBX, until ``release()`` (or ``reset()``);
``wait_held(k, timeout)`` blocks until ``k`` calls are waiting. A held call waits at most
``HOLD_LIMIT`` seconds, so a forgotten gate cannot hang the server.

``switch_scopes_trunks`` is a mode rather than a fault: the spec says only "Switch between
tenants" for ``POST /tenants/switch``, so whether a System Admin session that switched to
tenant T still creates, shares and deletes trunks at system level is unknown. By default
the sandbox keeps trunk calls at system level; with the switch on, they act inside T (the
session is then a Tenant Admin of T for trunks: it creates T's own trunks, sees and
changes only T's trunks and T's view of shared ones, and may not share or unshare).
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from trunkwiz import compat

HOLD_LIMIT = 120.0
"""Seconds a held call waits for ``release()`` at most."""


class Gate:
    """Where held calls wait (on the server's loop) until it is opened (any thread)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._open = False
        self._waiting: list[tuple[asyncio.AbstractEventLoop, asyncio.Future[None]]] = []

    async def passage(self) -> None:
        """Wait until the gate is opened (``HOLD_LIMIT`` at most)."""
        loop = asyncio.get_running_loop()
        future: asyncio.Future[None] = loop.create_future()
        with self._lock:
            if self._open:
                return
            self._waiting.append((loop, future))
        with contextlib.suppress(TimeoutError):
            await compat.wait_for(future, HOLD_LIMIT)

    def open(self) -> None:
        with self._lock:
            self._open = True
            waiting, self._waiting = self._waiting, []
        for loop, future in waiting:
            with contextlib.suppress(RuntimeError):  # a closed loop: nobody waits any more
                loop.call_soon_threadsafe(_done, future)


def _done(future: asyncio.Future[None]) -> None:
    if not future.done():
        future.set_result(None)


@dataclass(frozen=True)
class Action:
    """What to do with one API call: ``pass``, ``fail`` (with ``status``) or ``drop``."""

    kind: str
    status: int = 0
    delay_s: float = 0.0


class Faults:
    """Thread-safe switches consulted once per API call."""

    def __init__(
        self,
        expire_hook: Callable[[bool], None] | None = None,
        *,
        switch_scopes_trunks: bool = False,
    ) -> None:
        self._lock = threading.Lock()
        self._counted = threading.Condition(self._lock)
        self._calls = 0
        self._fail: dict[int, int] = {}
        self._drop: set[int] = set()
        self._delay_ms = 0
        self._expire_hook = expire_hook
        self._hold_in: int | None = None
        """Matching calls still let through before the gate closes (None: no hold set)."""
        self._hold_method = ""
        self._gate: Gate | None = None
        """Closed: every matching call waits at it."""
        self._held = 0
        self.one_based_paging = False
        """Serve ``skip`` 1-based (the spec's text) instead of 0-based (its schema):
        ``skip=1`` is the first item, and ``skip=0`` is read as 1."""
        self._scopes_default = switch_scopes_trunks
        self.switch_scopes_trunks = switch_scopes_trunks
        """After ``POST /tenants/switch?id=T`` the System Admin's trunk calls act inside T
        (see the module doc); ``reset()`` restores the value given at construction."""

    @property
    def calls(self) -> int:
        """API calls seen so far."""
        return self._calls

    def wait_for_calls(self, n: int, timeout: float) -> bool:
        """Block until ``n`` API calls were seen in all (False after ``timeout`` seconds)."""
        with self._counted:
            return self._counted.wait_for(lambda: self._calls >= n, timeout)

    @property
    def delay_ms(self) -> int:
        """Delay added before every API reply, in milliseconds."""
        return self._delay_ms

    @delay_ms.setter
    def delay_ms(self, value: int) -> None:
        if value < 0:
            raise ValueError("delay_ms must be >= 0")
        self._delay_ms = value

    def fail_nth(self, n: int = 1, status: int = 500) -> None:
        """Answer the Nth API call from now with ``status`` (a PBX-style error body)."""
        if n < 1 or not 400 <= status <= 599:
            raise ValueError("n must be >= 1 and status a 4xx/5xx code")
        with self._lock:
            self._fail[self._calls + n] = status

    def drop_nth(self, n: int = 1) -> None:
        """Close the connection of the Nth API call from now without any reply."""
        if n < 1:
            raise ValueError("n must be >= 1")
        with self._lock:
            self._drop.add(self._calls + n)

    def hold_from(self, n: int = 1, method: str | None = None) -> None:
        """Hold the Nth API call from now (counting only ``method`` calls when given, e.g.
        ``"POST"``) and every later one, until ``release()``."""
        if n < 1:
            raise ValueError("n must be >= 1")
        with self._lock:
            self._release_locked()
            self._hold_in, self._hold_method = n, (method or "").upper()

    def release(self) -> None:
        """Let every held call go on, and the calls after them (the hold is over)."""
        with self._lock:
            self._release_locked()

    def _release_locked(self) -> None:
        gate, self._gate, self._hold_in = self._gate, None, None
        if gate is not None:
            gate.open()

    @property
    def held(self) -> int:
        """Calls waiting at the gate now."""
        return self._held

    def wait_held(self, n: int = 1, timeout: float = 30.0) -> bool:
        """Block until ``n`` calls wait at the gate (False after ``timeout`` seconds)."""
        with self._counted:
            return self._counted.wait_for(lambda: self._held >= n, timeout)

    async def hold(self, gate: Gate) -> None:
        """(server) Wait at ``gate`` until it is opened; counted in ``held`` meanwhile."""
        with self._counted:
            self._held += 1
            self._counted.notify_all()
        try:
            await gate.passage()
        finally:
            with self._counted:
                self._held -= 1

    def expire_tokens(self, *, refresh: bool = False) -> None:
        """Expire every access token issued so far (and refresh tokens with ``refresh``)."""
        if self._expire_hook is not None:
            self._expire_hook(refresh)

    def reset(self) -> None:
        """Clear every pending switch (the call counter keeps counting)."""
        with self._lock:
            self._fail.clear()
            self._drop.clear()
            self._delay_ms = 0
            self.one_based_paging = False
            self.switch_scopes_trunks = self._scopes_default
            self._release_locked()

    def next_call(self) -> Action:
        """Count one API call and say what to do with it."""
        with self._lock:
            self._calls += 1
            self._counted.notify_all()
            n = self._calls
            delay = self._delay_ms / 1000
            if n in self._drop:
                self._drop.discard(n)
                return Action("drop", delay_s=delay)
            status = self._fail.pop(n, 0)
        return Action("fail", status, delay) if status else Action("pass", delay_s=delay)

    def gate_for(self, method: str) -> Gate | None:
        """The gate an API call of HTTP ``method`` must wait at (``hold``), if any; counts
        the call towards ``hold_from``."""
        with self._lock:
            if self._hold_method and method.upper() != self._hold_method:
                return None
            if self._gate is None and self._hold_in is not None:
                self._hold_in -= 1
                if self._hold_in == 0:
                    self._gate = Gate()
            return self._gate

    def describe(self) -> dict[str, Any]:
        """The switches as JSON (for ``GET /_sandbox/faults``)."""
        with self._lock:
            return {
                "calls": self._calls,
                "fail_at": {str(k - self._calls): v for k, v in sorted(self._fail.items())},
                "drop_at": sorted(k - self._calls for k in self._drop),
                "delay_ms": self._delay_ms,
                "one_based_paging": self.one_based_paging,
                "switch_scopes_trunks": self.switch_scopes_trunks,
                "held": self._held,
                "hold_in": self._hold_in,
                "hold_method": self._hold_method or None,
            }

    def apply(self, body: dict[str, Any]) -> None:
        """Set switches from a ``POST /_sandbox/faults`` body (raises ValueError if bad)."""
        known = {
            "reset",
            "fail_nth",
            "fail_status",
            "delay_ms",
            "drop_nth",
            "expire_tokens",
            "expire_refresh_tokens",
            "one_based_paging",
            "switch_scopes_trunks",
            "hold_from",
            "hold_method",
            "release",
        }
        unknown = set(body) - known
        if unknown:
            raise ValueError(f"unknown fault switches: {', '.join(sorted(unknown))}")
        flags = {
            "reset",
            "expire_tokens",
            "expire_refresh_tokens",
            "one_based_paging",
            "switch_scopes_trunks",
            "hold_method",
            "release",
        }
        method = body.get("hold_method")
        if method is not None and (not isinstance(method, str) or not method.isalpha()):
            raise ValueError("hold_method must be an HTTP method such as POST")
        for key in known - flags:
            value = body.get(key)
            if value is not None and (not isinstance(value, int) or isinstance(value, bool)):
                raise ValueError(f"{key} must be an integer")
        if body.get("reset"):
            self.reset()
        if body.get("fail_nth") is not None:
            self.fail_nth(body["fail_nth"], body.get("fail_status") or 500)
        if body.get("drop_nth") is not None:
            self.drop_nth(body["drop_nth"])
        if body.get("delay_ms") is not None:
            self.delay_ms = body["delay_ms"]
        if body.get("one_based_paging") is not None:
            self.one_based_paging = bool(body["one_based_paging"])
        if body.get("switch_scopes_trunks") is not None:
            self.switch_scopes_trunks = bool(body["switch_scopes_trunks"])
        if body.get("expire_tokens") or body.get("expire_refresh_tokens"):
            self.expire_tokens(refresh=bool(body.get("expire_refresh_tokens")))
        if body.get("hold_from") is not None:
            self.hold_from(body["hold_from"], method)
        if body.get("release"):
            self.release()
