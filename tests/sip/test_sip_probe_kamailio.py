"""The probe against a real carrier: Kamailio registrars on loopback."""

from __future__ import annotations

import asyncio
import time

import pytest
from pydantic import SecretStr

from tests.sip.conftest import Kamailio, current_bindings, free_port, tcp_relay, udp_black_hole
from trunkwiz.sip.probe import ProbeTarget, probe
from trunkwiz.sip.resolve import SrvRecord
from trunkwiz.sip.result import Outcome

pytestmark = pytest.mark.integration


def target(kam: Kamailio, transport: str = "UDP", **kw: object) -> ProbeTarget:
    base: dict[str, object] = {
        "hostname": "127.0.0.1",
        "port": kam.port,
        "transport": transport,
        "auth_id": kam.user,
        "password": kam.password,
        "domain": kam.realm,
    }
    base.update(kw)
    return ProbeTarget(**base)  # type: ignore[arg-type]


async def test_sip_probe_options_only(kamailio_md5: Kamailio) -> None:
    result = await probe(target(kamailio_md5), register=False)
    assert result.outcome is Outcome.OK, result.diagnosis
    assert result.status == 200
    assert result.resolved is not None and result.resolved.port == kamailio_md5.port
    assert result.resolved.source == "literal"
    assert "register" not in result.timings


@pytest.mark.parametrize("transport", ["UDP", "TCP"])
@pytest.mark.parametrize("kam_name", ["kamailio_md5", "kamailio_sha256"])
async def test_sip_probe_register_leaves_no_binding(
    kam_name: str, transport: str, request: pytest.FixtureRequest
) -> None:
    kam: Kamailio = request.getfixturevalue(kam_name)
    result = await probe(target(kam, transport))
    assert result.outcome is Outcome.OK, result.diagnosis
    assert (result.status, result.realm, result.algorithm) == (200, kam.realm, kam.algorithm)
    assert result.resolved is not None and result.resolved.transport == transport
    assert set(result.timings) >= {"resolve", "connect", "options", "register", "unregister"}
    assert result.timings["total"] < 2000, result.timings
    assert result.notes == []
    left = await current_bindings(kam.port, auth_id=kam.user, password=kam.password)
    assert left == []
    dumped = result.to_dict()
    assert dumped["outcome"] == "ok" and dumped["resolved"]["transport"] == transport
    assert kam.password.get_secret_value() not in repr(result) + str(dumped)


async def test_sip_probe_binding_query_sees_a_real_binding(kamailio_md5: Kamailio) -> None:
    """The no-binding check above can fail: a binding that does exist is listed."""
    from trunkwiz.sip.client import UserAgent
    from trunkwiz.sip.transport import connect

    kam = kamailio_md5
    conn = await connect("UDP", "127.0.0.1", kam.port, timeout=3)
    ua = UserAgent(conn, target(kam).account())
    try:
        out = await ua.register(60, timeout=3)
        assert out.response.status == 200
        assert ua.contact_uri in await current_bindings(
            kam.port, auth_id=kam.user, password=kam.password
        )
        assert (await ua.register(0, timeout=3)).response.status == 200
    finally:
        ua.close()
    assert await current_bindings(kam.port, auth_id=kam.user, password=kam.password) == []


@pytest.mark.parametrize("transport", ["UDP", "TCP"])
async def test_sip_probe_wrong_password_is_forbidden(
    kamailio_md5: Kamailio, transport: str
) -> None:
    result = await probe(target(kamailio_md5, transport, password=SecretStr("not-the-password")))
    assert result.outcome is Outcome.FORBIDDEN
    assert result.status == 403
    assert result.realm == kamailio_md5.realm
    assert "refused" in result.diagnosis and "IP address is not allowed" in result.diagnosis
    assert "not-the-password" not in str(result.to_dict())


async def test_sip_probe_unknown_auth_id_is_forbidden(kamailio_sha256: Kamailio) -> None:
    result = await probe(target(kamailio_sha256, auth_id="nobody"))
    assert result.outcome is Outcome.FORBIDDEN and result.algorithm == "SHA-256"


async def test_sip_probe_without_password_reports_challenge(kamailio_md5: Kamailio) -> None:
    result = await probe(target(kamailio_md5, password=None))
    assert result.outcome is Outcome.AUTH_FAILED and result.status == 401
    assert "none were given" in result.diagnosis and "trunk.test" in result.diagnosis


async def test_sip_probe_three_way_authentication(kamailio_3way: Kamailio) -> None:
    kam = kamailio_3way
    account = "+15551230000"
    result = await probe(target(kam, "TCP", username=account))
    assert result.outcome is Outcome.OK, result.diagnosis
    left = await current_bindings(
        kam.port, auth_id=kam.user, password=kam.password, username=account
    )
    assert left == []


async def test_sip_probe_three_way_needs_registrar_support(kamailio_md5: Kamailio) -> None:
    """Without ALLOW_3WAY the registrar insists To user == auth ID: the probe says 403."""
    result = await probe(target(kamailio_md5, username="+15551230000"))
    assert result.outcome is Outcome.FORBIDDEN


async def test_sip_probe_srv_lookup_uses_srv_port(kamailio_md5: Kamailio) -> None:
    kam = kamailio_md5

    class FakeDns:
        queries: list[str] = []

        async def srv(self, name: str, timeout: float) -> list[SrvRecord]:
            self.queries.append(f"SRV {name}")
            return [SrvRecord(10, 0, kam.port, "sip1.carrier.test")]

        async def addresses(self, host: str, timeout: float) -> list[str]:
            self.queries.append(f"A {host}")
            return ["127.0.0.1"]

    dns = FakeDns()
    result = await probe(target(kam, "TCP", hostname="carrier.test", port=None), resolver=dns)
    assert result.outcome is Outcome.OK, result.diagnosis
    assert dns.queries == ["SRV _sip._tcp.carrier.test", "A sip1.carrier.test"]
    assert result.resolved is not None
    assert (result.resolved.port, result.resolved.source) == (
        kam.port,
        "SRV _sip._tcp.carrier.test",
    )
    assert result.dialled == "carrier.test (SRV)/TCP"


async def test_sip_probe_nothing_listening_is_unreachable_fast() -> None:
    port = free_port()
    started = time.monotonic()
    result = await probe(ProbeTarget("127.0.0.1", port, "UDP", "u", "", SecretStr("p")), timeout=3)
    elapsed = time.monotonic() - started
    assert result.outcome is Outcome.UNREACHABLE, result.diagnosis
    assert "nothing listens" in result.diagnosis
    assert any(n.startswith("UDP:") for n in result.notes)
    assert elapsed < 3.5


async def test_sip_probe_silent_udp_and_no_tcp_times_out_within_bound() -> None:
    bound = 2.0
    async with udp_black_hole() as (port, hole):
        started = time.monotonic()
        result = await probe(ProbeTarget("127.0.0.1", port, "UDP", "u"), timeout=bound)
        elapsed = time.monotonic() - started
    assert result.outcome is Outcome.TIMEOUT, result.diagnosis
    assert "firewall" in result.diagnosis and "host or port is wrong" in result.diagnosis
    assert hole.received >= 2  # the request was retransmitted (timer E)
    assert elapsed <= bound + 0.5, elapsed


async def test_sip_probe_silent_tcp_times_out_within_bound() -> None:
    accepted: list[asyncio.StreamWriter] = []

    async def mute(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        accepted.append(writer)
        await reader.read()  # read and never answer

    server = await asyncio.start_server(mute, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    bound = 1.5
    try:
        started = time.monotonic()
        result = await probe(ProbeTarget("127.0.0.1", port, "TCP", "u"), timeout=bound)
        elapsed = time.monotonic() - started
    finally:
        for w in accepted:
            w.close()
        server.close()
        await server.wait_closed()
    assert result.outcome is Outcome.TIMEOUT, result.diagnosis
    assert accepted, "the probe connected"
    assert elapsed <= bound + 0.5, elapsed


async def test_sip_probe_udp_filtered_when_tcp_answers(kamailio_md5: Kamailio) -> None:
    """UDP packets vanish at a port where TCP reaches a real registrar."""
    async with tcp_relay(kamailio_md5.port) as port, udp_black_hole(port) as (_, hole):
        started = time.monotonic()
        result = await probe(target(kamailio_md5, port=port), timeout=3.0)
        elapsed = time.monotonic() - started
    assert result.outcome is Outcome.UDP_FILTERED, result.diagnosis
    assert result.status == 200
    assert result.resolved is not None
    assert (result.resolved.transport, result.resolved.port) == ("TCP", port)
    assert "UDP filtered" in result.diagnosis
    assert hole.received >= 2
    assert "options_tcp" in result.timings
    assert elapsed <= 3.5


async def test_sip_probe_dns_failure() -> None:
    from trunkwiz.sip.resolve import DnsFailure

    class NoDns:
        async def srv(self, name: str, timeout: float) -> list[SrvRecord]:
            return []

        async def addresses(self, host: str, timeout: float) -> list[str]:
            raise DnsFailure(f"{host} does not resolve (NXDOMAIN)")

    result = await probe(ProbeTarget("no-such-carrier.test", None, "UDP"), resolver=NoDns())
    assert result.outcome is Outcome.DNS_FAILURE
    assert "does not resolve" in result.diagnosis and result.resolved is None


async def test_sip_probe_silent_udp_and_silent_tcp_stay_within_bound() -> None:
    """Both phases (UDP, then the TCP fallback) share one bound."""
    accepted: list[asyncio.StreamWriter] = []

    async def mute(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        accepted.append(writer)
        await reader.read()

    server = await asyncio.start_server(mute, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    bound = 2.0
    try:
        async with udp_black_hole(port):
            started = time.monotonic()
            result = await probe(ProbeTarget("127.0.0.1", port, "UDP", "u"), timeout=bound)
            elapsed = time.monotonic() - started
    finally:
        for w in accepted:
            w.close()
        server.close()
        await server.wait_closed()
    assert result.outcome is Outcome.TIMEOUT, result.diagnosis
    assert accepted, "the TCP fallback connected"
    assert bound - 0.2 <= elapsed <= bound + 0.5, elapsed
