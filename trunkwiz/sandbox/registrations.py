"""The sandbox's honest status source: real REGISTER bindings through ``trunkwiz.sip``.

For every register trunk (``auth_mode`` REGISTER_AUTH) that is enabled and has
``registration`` on, :class:`SipRegistrationStatus` keeps one
:class:`~trunkwiz.sip.registration.Registration` to the trunk's host, or to its outbound
proxy when one is set, with the trunk's credentials: refreshed before expiry, retried with
the SIP layer's backoff. The trunk is ONLINE only while its last REGISTER succeeded, else
OFFLINE with the reason; every change of state or reason is logged (INFO) to
``trunkwiz.sandbox.registrations``, never with the password. A change of host, port,
transport, proxy, credentials or interval restarts the registration and un-REGISTERs the
old binding; other edits leave it alone. Destroying the trunk, disabling it or turning
registration off un-REGISTERs it.

Everything runs on the sandbox's event loop: the hooks are called there and only schedule
work. Restarts of one trunk are at least ``restart_gap`` seconds apart, so a burst of edits
cannot hammer a carrier. A host that does not resolve or answer just stays OFFLINE.
"""

from __future__ import annotations

import asyncio
import logging
import math
import ssl
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from pydantic import SecretStr

from trunkwiz.sandbox.dnsthread import DaemonThreadResolver
from trunkwiz.sandbox.status import OFFLINE, ONLINE
from trunkwiz.sip.probe import ProbeTarget
from trunkwiz.sip.registration import Registration
from trunkwiz.sip.resolve import Resolver

log = logging.getLogger("trunkwiz.sandbox.registrations")

DEFAULT_INTERVAL = 600
ACCEPT_REGISTER_REASON = (
    "the carrier registers to the PBX with this trunk kind; the sandbox has no SIP "
    "registrar for it to register to"
)


@dataclass
class _Entry:
    """One trunk that should be registered."""

    provider_id: str
    label: str
    target: ProbeTarget
    expires: int
    registration: Registration | None = None
    pending: asyncio.TimerHandle | None = None

    @property
    def where(self) -> str:
        t = self.target
        host, port = (
            (t.outbound_server, t.outbound_server_port)
            if t.outbound_server
            else (t.hostname, t.port)
        )
        return f"{host}:{port or 'SRV'}/{t.transport}"


def wants_registration(provider: Mapping[str, Any]) -> bool:
    """True for an enabled REGISTER_AUTH trunk with ``registration`` on."""
    return (
        provider.get("auth_mode", "REGISTER_AUTH") == "REGISTER_AUTH"
        and bool(provider.get("registration", True))
        and bool(provider.get("enabled", True))
    )


def target_of(provider: Mapping[str, Any], password: SecretStr | None) -> ProbeTarget:
    """Where and as whom the trunk registers (API field names of ``GET /providers/{id}``)."""
    return ProbeTarget(
        hostname=str(provider.get("hostname", "")),
        port=int(provider.get("port") or 0) or None,
        transport=str(provider.get("transport", "UDP")).upper(),
        auth_id=str(provider.get("auth_id") or ""),
        username=str(provider.get("username") or ""),
        password=password,
        outbound_server=str(provider.get("outbound_server") or "") or None,
        outbound_server_port=int(provider.get("outbound_server_port") or 0) or None,
    )


class SipRegistrationStatus:
    """Status source keeping one real registration per register trunk (see module doc)."""

    def __init__(
        self,
        *,
        restart_gap: float = 1.0,
        min_refresh: float = 5.0,
        backoff_min: float = 2.0,
        backoff_max: float = 120.0,
        request_timeout: float = 8.0,
        stop_timeout: float = 2.0,
        resolver: Resolver | None = None,
        ssl_context: ssl.SSLContext | None = None,
    ) -> None:
        self.restart_gap = restart_gap
        """Least time in seconds between two starts of one trunk's registration."""
        self.stop_timeout = stop_timeout
        """Bound in seconds of each un-REGISTER (and of :meth:`aclose` as a whole)."""
        self._options: dict[str, Any] = {
            "min_refresh": min_refresh,
            "backoff_min": backoff_min,
            "backoff_max": backoff_max,
            "request_timeout": request_timeout,
            "ssl_context": ssl_context,
        }
        self._resolver = resolver
        self._entries: dict[str, _Entry] = {}
        self._last_start: dict[str, float] = {}
        self._stopping: set[asyncio.Task[None]] = set()
        self._closed = False

    # -- what the status endpoint asks -----------------------------------------------------

    def status(self, provider: Mapping[str, Any]) -> tuple[str, str]:
        """ONLINE only while the trunk's last REGISTER succeeded; else OFFLINE and why."""
        if provider.get("auth_mode") == "ACCEPT_REGISTER":
            return OFFLINE, ACCEPT_REGISTER_REASON
        entry = self._entries.get(str(provider.get("id")))
        if entry is None:
            return OFFLINE, "not registering: the trunk is not registered by this PBX"
        reg = entry.registration
        if reg is None:
            return OFFLINE, f"waiting to register with {entry.where}"
        if reg.attempts == 0:
            return OFFLINE, f"registering with {entry.where}: no answer yet"
        return (ONLINE if reg.state == ONLINE else OFFLINE), reg.reason

    def registration(self, provider_id: str) -> Registration | None:
        """The running registration of a trunk (None when it has none)."""
        entry = self._entries.get(provider_id)
        return entry.registration if entry is not None else None

    # -- hooks from the sandbox --------------------------------------------------------------

    def trunk_changed(self, provider: Mapping[str, Any], password: SecretStr | None) -> None:
        """(Re)start, keep or stop the trunk's registration after a create or update."""
        pid = str(provider["id"])
        entry = self._entries.get(pid)
        if self._closed or not wants_registration(provider):
            if entry is not None:
                self._drop(pid)
            return
        label = f"{provider.get('name', '')!r} ({pid})"
        target = target_of(provider, password)
        expires = int(provider.get("register_interval") or DEFAULT_INTERVAL)
        if entry is not None and entry.target == target and entry.expires == expires:
            entry.label = label
            return
        if entry is not None:
            self._drop(pid)
        entry = _Entry(pid, label, target, expires)
        self._entries[pid] = entry
        loop = asyncio.get_running_loop()
        wait = self._last_start.get(pid, -math.inf) + self.restart_gap - loop.time()
        if wait > 0:
            entry.pending = loop.call_later(wait, self._start, entry)
        else:
            self._start(entry)

    def trunk_removed(self, provider_id: str) -> None:
        """Stop the trunk's registration and un-REGISTER its binding."""
        self._drop(provider_id)
        self._last_start.pop(provider_id, None)

    async def aclose(self) -> None:
        """Stop every registration (un-REGISTER), bounded by about ``stop_timeout``."""
        self._closed = True
        for pid in list(self._entries):
            self._drop(pid)
        if self._stopping:
            _done, late = await asyncio.wait(set(self._stopping), timeout=self.stop_timeout + 0.5)
            for task in late:
                task.cancel()
        self._closed = False  # a restarted sandbox registers again

    # -- internals -------------------------------------------------------------------------

    def _start(self, entry: _Entry) -> None:
        entry.pending = None
        if self._closed or self._entries.get(entry.provider_id) is not entry:
            return
        reg = Registration(
            entry.target,
            expires=entry.expires,
            resolver=self._resolver or DaemonThreadResolver(),
            on_change=lambda r: self._log_change(entry, r),
            **self._options,
        )
        entry.registration = reg
        self._last_start[entry.provider_id] = asyncio.get_running_loop().time()
        log.info("trunk %s: registering with %s", entry.label, entry.where)
        reg.start()

    def _drop(self, provider_id: str) -> None:
        entry = self._entries.pop(provider_id, None)
        if entry is None:
            return
        if entry.pending is not None:
            entry.pending.cancel()
        reg, entry.registration = entry.registration, None
        if reg is not None:
            task = asyncio.get_running_loop().create_task(self._stop(entry, reg))
            self._stopping.add(task)
            task.add_done_callback(self._stopping.discard)

    async def _stop(self, entry: _Entry, reg: Registration) -> None:
        try:
            await reg.stop(timeout=self.stop_timeout)
        except Exception as exc:  # never let a stop failure escape the loop
            log.warning("trunk %s: stopping the registration failed: %s", entry.label, exc)

    @staticmethod
    def _log_change(entry: _Entry, reg: Registration) -> None:
        # INFO, not WARNING: an embedded sandbox (the demo) must not print through
        # logging's last-resort handler; ``trunkwiz sandbox`` shows this logger's INFO.
        log.info("trunk %s: %s, %s", entry.label, reg.state, reg.reason)
