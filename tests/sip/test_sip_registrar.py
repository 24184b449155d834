"""The demo carrier: checked by an independent client (sipp) and by the probe."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from pydantic import SecretStr

from tests.sip.conftest import free_port
from tests.support.system import need_binary
from trunkwiz.sip.client import Account, UserAgent
from trunkwiz.sip.message import SipMessage
from trunkwiz.sip.probe import ProbeTarget, probe
from trunkwiz.sip.registrar import DemoRegistrar, RegistrarUser
from trunkwiz.sip.result import Outcome, ProbeResult
from trunkwiz.sip.transport import connect

REALM = "demo.test"
PW = SecretStr("demo-pass")

SCENARIO = """<?xml version="1.0" encoding="ISO-8859-1" ?>
<scenario name="register with digest">
  <send retrans="500">
    <![CDATA[
      REGISTER sip:{realm} SIP/2.0
      Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
      From: <sip:{user}@{realm}>;tag=[pid]SIPpTag00[call_number]
      To: <sip:{user}@{realm}>
      Call-ID: [call_id]
      CSeq: 1 REGISTER
      Contact: <sip:{user}@[local_ip]:[local_port]>
      Max-Forwards: 70
      Expires: 120
      Content-Length: 0

    ]]>
  </send>
  <recv response="401" auth="true"/>
  <send retrans="500">
    <![CDATA[
      REGISTER sip:{realm} SIP/2.0
      Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
      From: <sip:{user}@{realm}>;tag=[pid]SIPpTag00[call_number]
      To: <sip:{user}@{realm}>
      Call-ID: [call_id]
      CSeq: 2 REGISTER
      Contact: <sip:{user}@[local_ip]:[local_port]>
      [authentication username={user} password={password}]
      Max-Forwards: 70
      Expires: 120
      Content-Length: 0

    ]]>
  </send>
  <recv response="{expect}"/>
</scenario>
"""


@pytest.fixture
async def registrar() -> AsyncIterator[DemoRegistrar]:
    reg = DemoRegistrar([RegistrarUser("sippuser", PW, REALM), RegistrarUser("bob", PW, REALM)])
    await reg.start()
    try:
        yield reg
    finally:
        await reg.stop()


async def run_sipp(tmp: Path, port: int, *, password: str, expect: int) -> tuple[int, str]:
    """Run one sipp REGISTER call; the password lives in the scenario file, not argv."""
    sipp = need_binary("sipp", "sip-tester")
    scenario = tmp / "register.xml"
    scenario.write_text(
        SCENARIO.format(realm=REALM, user="sippuser", password=password, expect=expect)
    )
    scenario.chmod(0o600)
    argv = [sipp, "-sf", str(scenario), "-m", "1", "-i", "127.0.0.1", "-p", str(free_port())]
    argv += ["-timeout", "10", "-timeout_error", "-nostdin", "-trace_err", f"127.0.0.1:{port}"]
    proc = await asyncio.create_subprocess_exec(
        *argv, cwd=tmp, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT
    )
    try:
        out, _ = await asyncio.wait_for(proc.communicate(), 20)
    finally:
        if proc.returncode is None:
            proc.kill()
            await proc.wait()
    errors = "".join(p.read_text(errors="replace") for p in tmp.glob("*_errors.log"))
    return proc.returncode or 0, out.decode(errors="replace")[-800:] + errors


@pytest.mark.integration
async def test_sip_registrar_sipp_md5_register_gets_200(
    registrar: DemoRegistrar, tmp_path: Path
) -> None:
    started = time.monotonic()
    code, log = await run_sipp(tmp_path, registrar.port, password="demo-pass", expect=200)
    assert code == 0, log
    assert time.monotonic() - started < 10
    [binding] = registrar.bindings("sippuser")
    assert binding.contact.startswith("sip:sippuser@127.0.0.1:") and binding.transport == "UDP"


@pytest.mark.integration
async def test_sip_registrar_sipp_wrong_password_gets_403(
    registrar: DemoRegistrar, tmp_path: Path
) -> None:
    code, log = await run_sipp(tmp_path, registrar.port, password="wrong-pass", expect=403)
    assert code == 0, log
    assert registrar.bindings() == []


@pytest.mark.integration
async def test_sip_registrar_sipp_scenario_can_fail(
    registrar: DemoRegistrar, tmp_path: Path
) -> None:
    """The sipp check is not vacuous: expecting 200 with a wrong password fails."""
    code, _log = await run_sipp(tmp_path, registrar.port, password="wrong-pass", expect=200)
    assert code != 0


@pytest.mark.parametrize("transport", ["UDP", "TCP"])
async def test_sip_registrar_probe_sha256(transport: str) -> None:
    users = [RegistrarUser("alice", PW, "sha.test")]
    async with DemoRegistrar(users, algorithm="SHA-256") as reg:
        target = ProbeTarget("127.0.0.1", reg.port, transport, "alice", "", PW, "sha.test")
        result = await probe(target, timeout=3)
        assert result.outcome is Outcome.OK, result.diagnosis
        assert (result.algorithm, result.realm) == ("SHA-256", "sha.test")
        assert reg.bindings() == []
        bad = await probe(
            ProbeTarget("127.0.0.1", reg.port, transport, "alice", "", SecretStr("x"), "sha.test"),
            timeout=3,
        )
        assert bad.outcome is Outcome.FORBIDDEN and bad.status == 403


async def test_sip_registrar_stale_nonce_is_retried_once() -> None:
    ticks = iter([0.0])  # the first nonce is issued at t=0, everything after at t=100

    def clock() -> float:
        return next(ticks, 100.0)

    async with DemoRegistrar([RegistrarUser("u", PW, REALM)], nonce_ttl=30, clock=clock) as reg:
        result = await probe(ProbeTarget("127.0.0.1", reg.port, "UDP", "u", "", PW, REALM))
        assert result.outcome is Outcome.OK, result.diagnosis
        assert "a stale nonce was retried once" in result.notes


async def _register(ua: UserAgent, expires: int | None, contact: str | None = None) -> SipMessage:
    extra = [("Contact", contact)] if contact else []
    if expires is not None:
        extra.append(("Expires", str(expires)))
    msg = ua._request("REGISTER", "", extra)
    msg.headers += ua._auth_headers(msg.uri or "")
    return await ua.layer.request(msg, timeout=2)


async def test_sip_registrar_binding_expiry_wildcard_and_limits() -> None:
    now = [1000.0]
    async with DemoRegistrar(
        [RegistrarUser("u", PW, REALM)], min_expires=5, clock=lambda: now[0]
    ) as reg:
        conn = await connect("TCP", "127.0.0.1", reg.port, timeout=2)
        ua = UserAgent(conn, Account(REALM, "u", "", PW))
        try:
            assert (await ua.options(timeout=2)).status == 200
            assert (await ua.register(60, timeout=2)).response.status == 200
            assert (await _register(ua, 60, "<sip:u@192.0.2.9:5060>")).status == 200
            assert len(reg.bindings("u")) == 2
            assert (await _register(ua, 2, "<sip:u@192.0.2.9:5060>")).status == 423
            now[0] += 61
            assert reg.bindings("u") == []
            assert (await ua.register(60, timeout=2)).response.status == 200
            assert (await _register(ua, 0, "*")).status == 200
            assert reg.bindings() == []
            other = ua._request("INVITE", "sip:x@demo.test", [])
            assert (await ua.layer.request(other, timeout=2)).status == 405
        finally:
            ua.close()


async def _probe_quirky(password: str, **quirks: Any) -> ProbeResult:
    async with DemoRegistrar([RegistrarUser("q", PW, "quirk.test")], **quirks) as reg:
        target = ProbeTarget("127.0.0.1", reg.port, "UDP", "q", "", SecretStr(password), REALM)
        return await probe(target, timeout=3)


async def test_sip_registrar_proxy_auth_407_answered_with_proxy_authorization() -> None:
    result = await _probe_quirky("demo-pass", proxy_auth=True)
    assert result.outcome is Outcome.OK, result.diagnosis
    assert result.realm == "quirk.test"
    wrong = await _probe_quirky("bad", proxy_auth=True, reject_status=407)
    assert wrong.outcome is Outcome.PROXY_AUTH and wrong.status == 407
    assert "a proxy wants authentication" in wrong.diagnosis


async def test_sip_registrar_401_after_credentials_means_wrong_password() -> None:
    result = await _probe_quirky("bad", reject_status=401)
    assert result.outcome is Outcome.AUTH_FAILED and result.status == 401
    text = result.diagnosis
    assert "password or the authentication name ('q') is wrong" in text and "quirk.test" in text


async def test_sip_registrar_unknown_user_404_diagnosis() -> None:
    reg = DemoRegistrar([RegistrarUser("q", PW, "quirk.test")], unknown_user_status=404)
    async with reg:
        target = ProbeTarget("127.0.0.1", reg.port, "TCP", "stranger", "", PW, "quirk.test")
        result = await probe(target, timeout=3)
    assert result.outcome is Outcome.NOT_FOUND and result.status == 404
    assert "does not know this user" in result.diagnosis and "'quirk.test'" in result.diagnosis
