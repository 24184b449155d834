"""Keep one REGISTER binding alive, for an honest ONLINE/OFFLINE trunk status.

`Registration` registers with the trunk's credentials, refreshes at ``refresh_ratio`` of
the granted Expires (never sooner than ``min_refresh`` seconds), and is ONLINE only while
the last REGISTER succeeded; otherwise OFFLINE with ``reason`` (the plain-words
diagnosis) and retried with exponential backoff. ``stop()`` un-REGISTERs the binding.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import ssl
from collections.abc import Callable

from trunkwiz import compat
from trunkwiz.sip.client import UserAgent
from trunkwiz.sip.diagnosis import explain_register, explain_transport, no_answer, where
from trunkwiz.sip.probe import ProbeTarget
from trunkwiz.sip.resolve import DnsFailure, Resolver, SystemResolver, resolve
from trunkwiz.sip.result import Outcome
from trunkwiz.sip.transaction import T1, TransactionTimeout
from trunkwiz.sip.transport import TransportError, connect

log = logging.getLogger(__name__)

ONLINE = "ONLINE"
OFFLINE = "OFFLINE"


class Registration:
    """One registration kept alive from an asyncio loop (``start()`` / ``stop()``)."""

    def __init__(
        self,
        target: ProbeTarget,
        *,
        expires: int = 300,
        refresh_ratio: float = 0.6,
        min_refresh: float = 5.0,
        backoff_min: float = 2.0,
        backoff_max: float = 120.0,
        request_timeout: float = 8.0,
        resolver: Resolver | None = None,
        ssl_context: ssl.SSLContext | None = None,
        t1: float = T1,
        on_change: Callable[[Registration], None] | None = None,
    ) -> None:
        self.target = target
        self.expires = expires
        self.refresh_ratio = refresh_ratio
        self.min_refresh = min_refresh
        self.backoff_min = backoff_min
        self.backoff_max = backoff_max
        self.request_timeout = request_timeout
        self.resolver = resolver or SystemResolver()
        self.ssl_context = ssl_context
        self.t1 = t1
        self.on_change = on_change
        self.state = OFFLINE
        """ONLINE while the last REGISTER succeeded, OFFLINE otherwise."""
        self.reason = "not started"
        """Diagnosis of the last attempt, in plain words."""
        self.status: int | None = None
        """SIP status of the last REGISTER response (None when nothing answered)."""
        self.granted: int | None = None
        """Expires granted by the registrar for the current binding."""
        self.attempts = 0
        """REGISTER attempts made so far (refreshes included)."""
        self.failures = 0
        """Consecutive failed attempts (drives the backoff)."""
        self._ua: UserAgent | None = None
        self._task: asyncio.Task[None] | None = None
        self._changed = asyncio.Condition()

    def __repr__(self) -> str:
        return f"Registration({self.target.hostname!r}, state={self.state}, reason={self.reason!r})"

    @property
    def running(self) -> bool:
        """True between start() and stop()."""
        return self._task is not None and not self._task.done()

    def start(self) -> None:
        """Start registering in the background (idempotent)."""
        if not self.running:
            self._task = asyncio.get_running_loop().create_task(self._run())

    async def stop(self, *, timeout: float = 3.0) -> None:
        """Stop refreshing, un-REGISTER the binding (bounded by ``timeout``) and close."""
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
        ua, self._ua = self._ua, None
        if ua is not None:
            try:
                if self.state == ONLINE:
                    await ua.register(0, timeout=timeout)
            except (TransactionTimeout, TransportError) as exc:
                log.info("un-REGISTER on stop failed: %s", exc)
            finally:
                ua.close()
        await self._set(OFFLINE, "stopped", self.status)

    async def wait_for_state(self, state: str, timeout: float) -> bool:
        """Wait until ``state`` is reached; False when ``timeout`` passes first."""
        return await self._wait(lambda: self.state == state, timeout)

    async def wait_for_attempts(self, count: int, timeout: float) -> bool:
        """Wait until at least ``count`` attempts have completed; False on timeout."""
        return await self._wait(lambda: self.attempts >= count, timeout)

    async def _wait(self, pred: Callable[[], bool], timeout: float) -> bool:
        async with self._changed:
            try:
                await compat.wait_for(self._changed.wait_for(pred), timeout)
            except TimeoutError:
                return False
        return True

    async def _set(self, state: str, reason: str, status: int | None) -> None:
        changed = (state, reason) != (self.state, self.reason)
        self.state, self.reason, self.status = state, reason, status
        async with self._changed:
            self._changed.notify_all()
        if changed and self.on_change is not None:
            self.on_change(self)

    async def _connect(self) -> UserAgent:
        t = self.target
        host = t.outbound_server or t.hostname
        port = t.outbound_server_port if t.outbound_server else t.port
        transport = t.transport.upper()
        found = await resolve(host, port, transport, self.resolver, timeout=self.request_timeout)
        conn = await connect(
            transport, found[0].address, found[0].port, timeout=self.request_timeout,
            server_name=host, ssl_context=self.ssl_context,
        )  # fmt: skip
        return UserAgent(conn, t.account(), t1=self.t1)

    async def _attempt(self) -> float:
        """One REGISTER; returns the delay before the next one."""
        try:
            if self._ua is None or self._ua.conn.closed:
                if self._ua is not None:
                    self._ua.close()
                self._ua = await self._connect()
            out = await self._ua.register(self.expires, timeout=self.request_timeout)
            outcome, text = explain_register(
                out, auth_id=self.target.auth_id, domain=self._ua.account.domain
            )
            status = out.response.status
            if outcome is Outcome.OK:
                self.granted = out.granted or self.expires
                self.failures = 0
                self.attempts += 1
                await self._set(ONLINE, text, status)
                return max(self.min_refresh, self.granted * self.refresh_ratio)
        except DnsFailure as exc:
            text, status = f"the name does not resolve: {exc}", None
        except TransactionTimeout as exc:
            text = no_answer(
                self._where(),
                exc.waited,
                exc.sent,
                provisional=exc.provisional,
                provisionals=exc.provisionals,
            )
            status = None
        except TransportError as exc:
            text, status = explain_transport(exc, self._where())[1], None
            if self._ua is not None:
                self._ua.close()
                self._ua = None
        self.failures += 1
        self.attempts += 1
        await self._set(OFFLINE, text, status)
        return float(min(self.backoff_max, self.backoff_min * 2.0 ** (self.failures - 1)))

    def _where(self) -> str:
        if self._ua is None:
            return self.target.hostname
        addr, port = self._ua.conn.remote
        return where(addr, port, self._ua.conn.transport)

    async def _run(self) -> None:
        while True:
            delay = await self._attempt()
            await asyncio.sleep(delay)
