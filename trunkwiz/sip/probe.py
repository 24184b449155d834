"""The SIP pre-flight probe: resolve, OPTIONS, REGISTER with digest, un-REGISTER.

`probe()` never raises for network trouble: every failure becomes a `ProbeResult` with a
one-word outcome and a diagnosis in plain words. The whole probe is bounded by
``timeout`` seconds. After a UDP timeout it tries TCP on the same host and port to tell
"UDP filtered" from "nothing there". A successful REGISTER is always followed by an
un-REGISTER of the probe's own Contact, so the probe leaves no binding behind.
"""

from __future__ import annotations

import asyncio
import logging
import ssl
from dataclasses import dataclass
from typing import Any, Protocol

from pydantic import SecretStr

from trunkwiz.sip import diagnosis as dx
from trunkwiz.sip.client import Account, UserAgent
from trunkwiz.sip.ratelimit import RateLimiter
from trunkwiz.sip.resolve import DnsFailure, ResolvedTarget, Resolver, SystemResolver, resolve
from trunkwiz.sip.result import Outcome, ProbeResult
from trunkwiz.sip.transaction import T1, TransactionTimeout
from trunkwiz.sip.transport import SipConnection, TransportError, connect

log = logging.getLogger(__name__)

DEFAULT_TIMEOUT = 8.0
PROBE_EXPIRES = 60


class HasHostname(Protocol):
    """A trunk as ``ProbeTarget.from_trunk`` reads it: a host, and any of the trunk's
    other API field names (read when present)."""

    @property
    def hostname(self) -> str: ...


@dataclass(frozen=True)
class ProbeTarget:
    """What to probe; field names follow the PBX API where one exists."""

    hostname: str
    """Carrier host (SIP domain) as configured on the trunk."""
    port: int | None = None
    """Port; None or 0 means "look up SRV records"."""
    transport: str = "UDP"
    """UDP, TCP or TLS."""
    auth_id: str = ""
    """Authentication Name (digest username)."""
    username: str = ""
    """Account username for From/To (3-way authentication); empty = auth_id."""
    password: SecretStr | None = None
    """Password; never printed."""
    domain: str | None = None
    """SIP domain for the URIs when it differs from hostname."""
    outbound_server: str | None = None
    """Outbound proxy to send to instead of hostname (URIs keep the domain)."""
    outbound_server_port: int | None = None
    """Outbound proxy port (None/0 = SRV)."""

    @classmethod
    def from_trunk(cls, trunk: HasHostname, password: SecretStr | None = None) -> ProbeTarget:
        """Build from any object with the trunk's API field names (e.g. a domain model)."""
        transport = getattr(trunk, "transport", "UDP")
        return cls(
            hostname=trunk.hostname,
            port=getattr(trunk, "port", None) or None,
            transport=str(getattr(transport, "value", transport)).upper(),
            auth_id=getattr(trunk, "auth_id", "") or "",
            username=getattr(trunk, "username", "") or "",
            password=password if password is not None else getattr(trunk, "password", None),
            outbound_server=getattr(trunk, "outbound_server", None) or None,
            outbound_server_port=getattr(trunk, "outbound_server_port", None) or None,
        )

    def account(self) -> Account:
        """The account used in From/To and digest."""
        return Account(self.domain or self.hostname, self.auth_id, self.username, self.password)


class _Run:
    """One probe run: the clock, timings and the bits of the result built so far."""

    def __init__(self, target: ProbeTarget, timeout: float) -> None:
        self.loop = asyncio.get_running_loop()
        self.start = self.loop.time()
        self.deadline = self.start + timeout
        self.target = target
        self.timings: dict[str, float] = {}
        self.notes: list[str] = []
        self.resolved: ResolvedTarget | None = None

    def remaining(self) -> float:
        return max(0.0, self.deadline - self.loop.time())

    def mark(self, step: str, since: float) -> None:
        self.timings[step] = round((self.loop.time() - since) * 1000, 1)

    # Any: keyword fields passed on to ProbeResult as they are
    def result(self, outcome: Outcome, diagnosis: str, **kw: Any) -> ProbeResult:
        self.mark("total", self.start)
        dialled = self.target.outbound_server or self.target.hostname
        port = self.target.outbound_server_port if self.target.outbound_server else self.target.port
        dialled += f":{port}" if port else " (SRV)"
        return ProbeResult(
            outcome, diagnosis, resolved=self.resolved, timings=self.timings,
            notes=self.notes, dialled=f"{dialled}/{self.target.transport.upper()}", **kw,
        )  # fmt: skip


async def _open(
    run: _Run, transport: str, resolver: Resolver, ctx: ssl.SSLContext | None, step: str
) -> SipConnection:
    t = run.target
    host = t.outbound_server or t.hostname
    port = t.outbound_server_port if t.outbound_server else t.port
    since = run.loop.time()
    targets = await resolve(host, port, transport, resolver, timeout=min(run.remaining(), 4.0))
    run.mark(f"resolve{step}", since)
    run.resolved = targets[0]
    since = run.loop.time()
    conn = await connect(
        transport, targets[0].address, targets[0].port,
        timeout=run.remaining(), server_name=host, ssl_context=ctx,
    )  # fmt: skip
    run.mark(f"connect{step}", since)
    return conn


async def probe(
    target: ProbeTarget,
    *,
    register: bool = True,
    timeout: float = DEFAULT_TIMEOUT,
    resolver: Resolver | None = None,
    limiter: RateLimiter | None = None,
    ssl_context: ssl.SSLContext | None = None,
    t1: float = T1,
) -> ProbeResult:
    """Probe a carrier from this host; see the module docstring. Never raises for I/O."""
    run = _Run(target, timeout)
    resolver = resolver or SystemResolver()
    transport = target.transport.upper()
    if limiter is not None:  # OPTIONS as well as REGISTER
        wait = limiter.try_acquire(target.outbound_server or target.hostname)
        if wait > 0:
            secs = max(1, round(wait + 0.49))
            return run.result(
                Outcome.RATE_LIMITED,
                f"rate-limited: this host was probed moments ago; try again in {secs} s",
                retry_after=wait,
            )
    conns: list[SipConnection] = []
    try:
        return await _probe(run, target, transport, register, resolver, ssl_context, t1, conns)
    except DnsFailure as exc:
        return run.result(Outcome.DNS_FAILURE, f"the name does not resolve: {exc}")
    except TransportError as exc:
        where = _where(run)
        outcome, text = dx.explain_transport(exc, where)
        return run.result(outcome, text)
    finally:
        for conn in conns:
            conn.close()


def _where(run: _Run) -> str:
    r = run.resolved
    return dx.where(r.address, r.port, r.transport) if r else run.target.hostname


async def _probe(
    run: _Run,
    target: ProbeTarget,
    transport: str,
    register: bool,
    resolver: Resolver,
    ctx: ssl.SSLContext | None,
    t1: float,
    conns: list[SipConnection],
) -> ProbeResult:
    conns.append(await _open(run, transport, resolver, ctx, ""))
    ua = UserAgent(conns[-1], target.account(), t1=t1)
    budget = run.remaining() * (0.5 if transport == "UDP" else 1.0)
    since = run.loop.time()
    try:
        options = await ua.options(timeout=budget)
    except (TransactionTimeout, TransportError) as exc:
        run.mark("options", since)
        if transport != "UDP":
            raise exc if isinstance(exc, TransportError) else _stream_timeout(exc) from None
        return await _udp_fallback(run, exc, resolver, t1, conns)
    run.mark("options", since)
    if not register:
        ok = options.status is not None and options.status < 300
        phrase = f"{options.status} {options.reason}"
        return run.result(
            Outcome.OK if ok else Outcome.ERROR,
            f"{_where(run)} answers OPTIONS: {phrase}",
            status=options.status, reason=options.reason,
        )  # fmt: skip
    since = run.loop.time()
    try:
        out = await ua.register(PROBE_EXPIRES, timeout=run.remaining())
    except TransactionTimeout as exc:
        run.mark("register", since)
        return run.result(Outcome.TIMEOUT, f"OPTIONS answered but REGISTER did not: {exc}")
    run.mark("register", since)
    outcome, text = dx.explain_register(out, auth_id=target.auth_id, domain=ua.account.domain)
    if out.stale_retries:
        run.notes.append("a stale nonce was retried once")
    if outcome is Outcome.OK:
        since = run.loop.time()
        try:
            gone = await ua.register(0, timeout=max(run.remaining(), 1.0))
            if gone.response.status != 200:
                run.notes.append(f"un-REGISTER answered {gone.response.status}: binding may remain")
        except (TransactionTimeout, TransportError) as exc:
            run.notes.append(f"un-REGISTER failed ({exc}); the binding expires by itself")
        run.mark("unregister", since)
    ch = out.challenge
    return run.result(
        outcome, text, status=out.response.status, reason=out.response.reason,
        realm=ch.realm if ch else None, algorithm=ch.algorithm if ch else None,
    )  # fmt: skip


def _stream_timeout(exc: TransactionTimeout) -> TransportError:
    kind = "no-final-response" if exc.provisional else "connect-timeout"
    return TransportError(kind, str(exc))


async def _udp_fallback(
    run: _Run,
    udp_error: TransactionTimeout | TransportError,
    resolver: Resolver,
    t1: float,
    conns: list[SipConnection],
) -> ProbeResult:
    udp_where = _where(run)
    if isinstance(udp_error, TransactionTimeout):
        udp_text = dx.no_answer(
            udp_where,
            udp_error.waited,
            udp_error.sent,
            provisional=udp_error.provisional,
            provisionals=udp_error.provisionals,
        )
    else:
        udp_text = dx.explain_transport(udp_error, udp_where)[1]
    udp_resolved = run.resolved
    run.notes.append(f"UDP: {udp_text}; trying TCP")
    since = run.loop.time()
    try:
        conns.append(await _open(run, "TCP", resolver, None, "_tcp"))
        ua = UserAgent(conns[-1], run.target.account(), t1=t1)
        resp = await ua.options(timeout=run.remaining())
    except (TransportError, TransactionTimeout, DnsFailure) as exc:
        run.mark("options_tcp", since)
        run.notes.append(f"TCP: {exc}")
        run.resolved = udp_resolved
        if isinstance(udp_error, TransportError):
            return run.result(Outcome.UNREACHABLE, udp_text)
        return run.result(Outcome.TIMEOUT, udp_text)
    run.mark("options_tcp", since)
    if isinstance(udp_error, TransportError):
        text = f"nothing listens on UDP ({udp_text}), but {_where(run)} answers: use TCP"
        outcome = Outcome.UNREACHABLE
    else:
        text = (
            f"UDP filtered: no answer over UDP at {udp_where}, but {_where(run)} answers "
            f"({resp.status} {resp.reason}): a firewall drops UDP; use TCP or open UDP"
        )
        outcome = Outcome.UDP_FILTERED
    return run.result(outcome, text, status=resp.status, reason=resp.reason)
