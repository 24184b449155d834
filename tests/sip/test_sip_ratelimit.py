"""The per-host REGISTER rate limit and resolution rules (no network needed)."""

from __future__ import annotations

import asyncio

import pytest
from pydantic import SecretStr

from trunkwiz.sip.probe import ProbeTarget, probe
from trunkwiz.sip.ratelimit import RateLimiter
from trunkwiz.sip.resolve import DnsFailure, SrvRecord, SystemResolver, resolve
from trunkwiz.sip.result import Outcome


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_sip_ratelimit_per_host_window() -> None:
    clock = Clock()
    limiter = RateLimiter(5.0, clock=clock)
    assert limiter.try_acquire("sip.carrier.test") == 0.0
    assert limiter.try_acquire("SIP.carrier.test") == pytest.approx(5.0)
    assert limiter.try_acquire("other.test") == 0.0
    clock.now += 3.0
    assert limiter.try_acquire("sip.carrier.test") == pytest.approx(2.0)
    clock.now += 2.0
    assert limiter.try_acquire("sip.carrier.test") == 0.0


async def test_sip_ratelimit_probe_says_when_to_retry_without_touching_network() -> None:
    clock = Clock()
    limiter = RateLimiter(5.0, clock=clock)
    limiter.try_acquire("carrier.test")
    clock.now += 1.2

    class NoDns:
        async def srv(self, name: str, timeout: float) -> list[SrvRecord]:
            raise AssertionError("no lookup while rate-limited")

        async def addresses(self, host: str, timeout: float) -> list[str]:
            raise AssertionError("no lookup while rate-limited")

    target = ProbeTarget("carrier.test", None, "UDP", "u", "", SecretStr("p"))
    result = await probe(target, limiter=limiter, resolver=NoDns())
    assert result.outcome is Outcome.RATE_LIMITED
    assert "try again in 4 s" in result.diagnosis
    assert result.retry_after == pytest.approx(3.8)
    assert result.to_dict()["outcome"] == "rate-limited"


class FakeDns:
    def __init__(self, srv: dict[str, list[SrvRecord]], hosts: dict[str, list[str]]) -> None:
        self.srv_records, self.hosts, self.log = srv, hosts, []  # type: ignore[var-annotated]

    async def srv(self, name: str, timeout: float) -> list[SrvRecord]:
        self.log.append(("SRV", name))
        return self.srv_records.get(name, [])

    async def addresses(self, host: str, timeout: float) -> list[str]:
        self.log.append(("A", host))
        if host not in self.hosts:
            raise DnsFailure(f"{host} does not resolve")
        return self.hosts[host]


async def test_sip_resolve_rules() -> None:
    dns = FakeDns(
        {
            "_sips._tcp.carrier.test": [
                SrvRecord(20, 0, 5071, "backup.carrier.test"),
                SrvRecord(10, 5, 5061, "main.carrier.test"),
            ]
        },
        {
            "carrier.test": ["192.0.2.1"],
            "main.carrier.test": ["192.0.2.5"],
            "backup.carrier.test": ["192.0.2.6"],
        },
    )
    literal = await resolve("192.0.2.9", None, "UDP", dns, timeout=1)
    assert [(t.address, t.port, t.source) for t in literal] == [("192.0.2.9", 5060, "literal")]
    assert (await resolve("[2001:db8::1]", 5080, "TCP", dns, timeout=1))[0].address == "2001:db8::1"
    assert dns.log == []
    explicit = await resolve("carrier.test", 5070, "TLS", dns, timeout=1)
    assert [(t.address, t.port) for t in explicit] == [("192.0.2.1", 5070)]
    assert dns.log == [("A", "carrier.test")]  # explicit port: no SRV
    dns.log.clear()
    srv = await resolve("carrier.test", 0, "TLS", dns, timeout=1)
    assert [(t.address, t.port) for t in srv] == [("192.0.2.5", 5061), ("192.0.2.6", 5071)]
    assert dns.log[0] == ("SRV", "_sips._tcp.carrier.test")
    no_srv = await resolve("carrier.test", None, "UDP", dns, timeout=1)
    assert [(t.address, t.port, t.source) for t in no_srv] == [("192.0.2.1", 5060, "A/AAAA")]
    with pytest.raises(DnsFailure):
        await resolve("nowhere.test", None, "TCP", dns, timeout=1)


async def test_sip_resolve_system_resolver_is_bounded_and_local() -> None:
    # An address literal: getaddrinfo answers it on any box (a minimal root has no
    # /etc/hosts, so not even "localhost" resolves there).
    assert await SystemResolver().addresses("127.0.0.1", 2) == ["127.0.0.1"]

    class SlowDns(FakeDns):
        async def addresses(self, host: str, timeout: float) -> list[str]:
            await asyncio.sleep(timeout + 5)
            return []

    slow = SlowDns({}, {})
    loop = asyncio.get_running_loop()
    started = loop.time()
    result = await probe(ProbeTarget("slow.test", 5060, "UDP"), resolver=slow, timeout=0.5)
    assert result.outcome is Outcome.DNS_FAILURE
    assert loop.time() - started < 1.5
