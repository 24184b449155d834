"""Locate a SIP server the way a PBX does (RFC 3263, simplified).

An IP literal is used as is. A name with an explicit port is looked up as A/AAAA only. A
name without a port (None or 0) is first looked up as SRV for the transport
(``_sip._udp``, ``_sip._tcp``, ``_sips._tcp``), each SRV target then as A/AAAA; without
SRV records the name itself is used with the default port (5060, 5061 for TLS). Every
lookup is bounded by a timeout and never blocks the event loop. The resolver is
injectable (`Resolver` protocol) so tests need no DNS.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from collections.abc import Awaitable
from dataclasses import dataclass
from typing import Protocol, TypeVar

from trunkwiz import compat

T = TypeVar("T")

DEFAULT_PORTS = {"UDP": 5060, "TCP": 5060, "TLS": 5061}
SRV_PREFIX = {"UDP": "_sip._udp", "TCP": "_sip._tcp", "TLS": "_sips._tcp"}


class DnsFailure(Exception):
    """The name does not resolve (or the lookup timed out); the message says which."""


@dataclass(frozen=True)
class SrvRecord:
    """One SRV answer."""

    priority: int
    weight: int
    port: int
    target: str


@dataclass(frozen=True)
class ResolvedTarget:
    """Where a request actually goes."""

    address: str
    """IP address."""
    port: int
    """Port number."""
    transport: str
    """UDP, TCP or TLS."""
    source: str
    """How it was found: ``literal``, ``A/AAAA`` or ``SRV <name>``."""


class Resolver(Protocol):
    """DNS lookups used by `resolve`; implementations must honour ``timeout``."""

    async def srv(self, name: str, timeout: float) -> list[SrvRecord]:
        """SRV records for ``name`` ([] when there are none)."""
        ...

    async def addresses(self, host: str, timeout: float) -> list[str]:
        """IPv4/IPv6 addresses of ``host``; DnsFailure when it does not resolve."""
        ...


class SystemResolver:
    """dnspython's async resolver for SRV, the system resolver (getaddrinfo) for A/AAAA."""

    async def srv(self, name: str, timeout: float) -> list[SrvRecord]:
        """SRV lookup through dnspython; [] on NXDOMAIN/no answer, DnsFailure on timeout."""
        import dns.asyncresolver  # lazy: dnspython ~100 ms, for SRV only
        import dns.exception  # lazy: dnspython ~100 ms, for SRV only
        import dns.resolver  # lazy: dnspython ~100 ms, for SRV only

        try:
            answer = await dns.asyncresolver.resolve(name, "SRV", lifetime=timeout)
        except (dns.resolver.NXDOMAIN, dns.resolver.NoAnswer, dns.resolver.NoNameservers):
            return []
        except dns.exception.Timeout:
            raise DnsFailure(f"SRV lookup of {name} timed out after {timeout:.1f} s") from None
        except dns.exception.DNSException:
            return []  # e.g. no resolver configuration: fall back to A/AAAA like a PBX does
        return [
            SrvRecord(r.priority, r.weight, r.port, r.target.to_text(omit_final_dot=True))
            for r in answer
        ]

    async def addresses(self, host: str, timeout: float) -> list[str]:
        """A/AAAA through getaddrinfo in a worker thread, bounded by ``timeout``."""
        loop = asyncio.get_running_loop()
        try:
            infos = await compat.wait_for(
                loop.getaddrinfo(host, None, type=socket.SOCK_DGRAM), timeout
            )
        except TimeoutError:
            raise DnsFailure(f"looking up {host} timed out after {timeout:.1f} s") from None
        except (socket.gaierror, UnicodeError) as exc:
            raise DnsFailure(f"{host} does not resolve ({exc})") from None
        seen: list[str] = []
        for info in infos:
            addr = str(info[4][0])
            if addr not in seen:
                seen.append(addr)
        return seen


def is_ip_literal(host: str) -> bool:
    """True for an IPv4/IPv6 address (brackets allowed)."""
    try:
        ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return False
    return True


def _srv_order(records: list[SrvRecord]) -> list[SrvRecord]:
    # lowest priority first; within a priority, higher weight first (deterministic)
    return sorted(
        (r for r in records if r.target not in ("", ".")), key=lambda r: (r.priority, -r.weight)
    )


async def _bounded(call: Awaitable[T], timeout: float, name: str) -> T:
    """Await a resolver call, turning an overrun into DnsFailure (even for a slow resolver)."""
    try:
        return await compat.wait_for(call, timeout + 0.05)
    except TimeoutError:
        raise DnsFailure(f"looking up {name} timed out after {timeout:.1f} s") from None


async def resolve(
    host: str,
    port: int | None,
    transport: str,
    resolver: Resolver,
    *,
    timeout: float,
) -> list[ResolvedTarget]:
    """Candidate targets in order of preference; DnsFailure when none can be found."""
    transport = transport.upper()
    host = host.strip().rstrip(".")
    if not host:
        raise DnsFailure("no host name given")
    if is_ip_literal(host):
        return [
            ResolvedTarget(host.strip("[]"), port or DEFAULT_PORTS[transport], transport, "literal")
        ]
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    if not port:
        name = f"{SRV_PREFIX[transport]}.{host}"
        records = _srv_order(await _bounded(resolver.srv(name, timeout), timeout, name))
        targets: list[ResolvedTarget] = []
        errors: list[str] = []
        for rec in records:
            try:
                left = max(0.1, deadline - loop.time())
                addrs = await _bounded(resolver.addresses(rec.target, left), left, rec.target)
            except DnsFailure as exc:
                errors.append(str(exc))
                continue
            targets += [ResolvedTarget(a, rec.port, transport, f"SRV {name}") for a in addrs]
        if targets:
            return targets
        if records:
            raise DnsFailure("; ".join(errors) or f"SRV targets of {name} do not resolve")
    left = max(0.1, deadline - loop.time())
    addrs = await _bounded(resolver.addresses(host, left), left, host)
    if not addrs:
        raise DnsFailure(f"{host} has no address")
    return [ResolvedTarget(a, port or DEFAULT_PORTS[transport], transport, "A/AAAA") for a in addrs]
