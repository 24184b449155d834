"""Honest trunk status: the sandbox REGISTERs register trunks with real registrars.

Peers: Kamailio on loopback (started here with its own user, as in tests/sip) and the
demo carrier (`DemoRegistrar`). Status is read over HTTP with ``GET /providers/{id}/status``
and awaited with bounded polls.
"""

from __future__ import annotations

import asyncio
import logging
import sys
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from pydantic import SecretStr

from tests.sandbox.conftest import SpecChecker, ssl_context, trunk_body
from tests.sip.conftest import current_bindings, start_kamailio, stop_process
from trunkwiz.sandbox.registrations import SipRegistrationStatus
from trunkwiz.sandbox.server import SandboxServer
from trunkwiz.sip.registrar import DemoRegistrar, RegistrarUser

pytestmark = pytest.mark.integration  # a real Kamailio as the carrier

KAM_USER = "sbx-trunk"
KAM_PASSWORD = "right-pass-9"
WRONG = "wrong-pass-1"
LOGGER = "trunkwiz.sandbox.registrations"
WITHIN = 10.0


class Kam:
    """The Kamailio registrar of this module."""

    def __init__(self, port: int) -> None:
        self.port = port

    async def bindings(self) -> list[str]:
        """The contacts Kamailio holds for the trunk account."""
        return await current_bindings(self.port, auth_id=KAM_USER, password=SecretStr(KAM_PASSWORD))


@pytest.fixture(scope="module")
def kam(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Kam]:
    tmp: Path = tmp_path_factory.mktemp("kam-sandbox")
    proc, port = start_kamailio(tmp, f'TRUNK_USER="{KAM_USER}"', f'TRUNK_PASS="{KAM_PASSWORD}"')
    try:
        yield Kam(port)
    finally:
        stop_process(proc)


async def until(check: Callable[[], Awaitable[bool]], within: float = WITHIN) -> bool:
    """Poll ``check`` every 50 ms until it holds; False when ``within`` seconds pass."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + within
    while not await check():
        if loop.time() > deadline:
            return False
        await asyncio.sleep(0.05)
    return True


class Pbx:
    """An async client on a sandbox, signed in as System Admin, checked against the spec."""

    def __init__(self, client: httpx.AsyncClient, auth: dict[str, str]) -> None:
        self.client = client
        self.auth = auth

    async def create(self, **fields: Any) -> str:
        body = {k: v for k, v in trunk_body(**fields).items() if v is not None}
        reply = await self.client.post("/providers", json=body, headers=self.auth)
        assert reply.status_code == 201, reply.text
        return str(reply.json()["id"])

    async def update(self, trunk_id: str, **fields: Any) -> None:
        reply = await self.client.post(f"/providers/{trunk_id}", json=fields, headers=self.auth)
        assert reply.status_code == 200, reply.text

    async def destroy(self, trunk_id: str) -> None:
        reply = await self.client.post(f"/providers/{trunk_id}/destroy", headers=self.auth)
        assert reply.status_code == 204, reply.text

    async def status(self, trunk_id: str) -> str:
        reply = await self.client.get(f"/providers/{trunk_id}/status", headers=self.auth)
        assert reply.status_code == 200, reply.text
        return str(reply.json()["status"])

    async def becomes(self, trunk_id: str, wanted: str) -> bool:
        return await until(lambda: self._is(trunk_id, wanted))

    async def _is(self, trunk_id: str, wanted: str) -> bool:
        return await self.status(trunk_id) == wanted


@pytest.fixture
async def pbx_of(spec_checker: SpecChecker) -> AsyncIterator[Callable[[SandboxServer], Any]]:
    clients: list[httpx.AsyncClient] = []

    async def check(response: httpx.Response) -> None:
        await response.aread()
        spec_checker.hook(response)

    async def open_on(server: SandboxServer) -> Pbx:
        client = httpx.AsyncClient(
            base_url=server.api_url,
            timeout=10,
            verify=ssl_context(),
            event_hooks={"response": [check]},
        )
        clients.append(client)
        body = {"username": "admin", "password": "sandbox-admin"}
        token = (await client.post("/auth/sign_in", json=body)).json()["access_token"]
        return Pbx(client, {"Authorization": f"Bearer {token}"})

    yield open_on
    for client in clients:
        await client.aclose()


def kam_trunk(kam: Kam, password: str, **more: Any) -> dict[str, Any]:
    return {
        "hostname": "127.0.0.1",
        "port": kam.port,
        "auth_id": KAM_USER,
        "password": password,
        **more,
    }


def logged(caplog: pytest.LogCaptureFixture, *words: str) -> Callable[[], Awaitable[bool]]:
    async def check() -> bool:
        return any(
            all(w in r.getMessage() for w in words)
            for r in list(caplog.records)
            if r.name == LOGGER
        )

    return check


async def test_sandbox_sip_default_source_registers_and_destroy_unregisters(
    kam: Kam, pbx_of: Callable[[SandboxServer], Awaitable[Pbx]], caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger=LOGGER)
    async with SandboxServer(tenants=1) as server:
        assert isinstance(server.status.source, SipRegistrationStatus)
        pbx = await pbx_of(server)
        trunk = await pbx.create(**kam_trunk(kam, KAM_PASSWORD))
        assert await pbx.becomes(trunk, "ONLINE"), caplog.text
        listed = await kam.bindings()
        assert len(listed) == 1
        # an edit that does not touch host or credentials keeps the same binding
        await pbx.update(trunk, name="Carrier Renamed", concurrency=7)
        assert await pbx.status(trunk) == "ONLINE"
        assert await kam.bindings() == listed
        await pbx.destroy(trunk)

        async def unbound() -> bool:
            return await kam.bindings() == []

        assert await until(unbound), "the binding outlived the trunk"
    assert await until(logged(caplog, "ONLINE", "registered: 200"))
    assert KAM_PASSWORD not in caplog.text


async def test_sandbox_sip_wrong_password_offline_with_403_until_fixed(
    kam: Kam, pbx_of: Callable[[SandboxServer], Awaitable[Pbx]], caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger=LOGGER)
    source = SipRegistrationStatus(restart_gap=0.2)
    async with SandboxServer(tenants=1, status_source=source) as server:
        pbx = await pbx_of(server)
        trunk = await pbx.create(name="Wrong Pw", **kam_trunk(kam, WRONG, transport="TCP"))
        assert await until(logged(caplog, "'Wrong Pw'", "OFFLINE", "403")), caplog.text
        assert await pbx.status(trunk) == "OFFLINE"
        assert await kam.bindings() == []
        await pbx.update(trunk, password=KAM_PASSWORD)
        assert await pbx.becomes(trunk, "ONLINE"), caplog.text
        assert len(await kam.bindings()) == 1
    # stopping the sandbox un-REGISTERs what it registered
    assert await kam.bindings() == []
    assert WRONG not in caplog.text and KAM_PASSWORD not in caplog.text


async def test_sandbox_sip_registers_through_the_outbound_proxy(
    kam: Kam, pbx_of: Callable[[SandboxServer], Awaitable[Pbx]]
) -> None:
    async with SandboxServer(tenants=1) as server:
        pbx = await pbx_of(server)
        trunk = await pbx.create(
            hostname="trunk.test",  # the SIP domain: not resolvable, never dialled
            port=5060,
            outbound_server="127.0.0.1",
            outbound_server_port=kam.port,
            auth_id=KAM_USER,
            password=KAM_PASSWORD,
        )
        assert await pbx.becomes(trunk, "ONLINE")
        assert len(await kam.bindings()) == 1
    assert await kam.bindings() == []


async def test_sandbox_sip_demo_carrier_flips_online_and_offline(
    pbx_of: Callable[[SandboxServer], Awaitable[Pbx]], caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger=LOGGER)
    right = SecretStr("demo-right")
    source = SipRegistrationStatus(restart_gap=0.1, min_refresh=0.3)
    async with (
        DemoRegistrar([RegistrarUser("demo-trunk", right)]) as carrier,
        SandboxServer(tenants=1, status_source=source) as server,
    ):
        pbx = await pbx_of(server)
        trunk = await pbx.create(
            name="Demo",
            hostname="127.0.0.1",
            port=carrier.port,
            auth_id="demo-trunk",
            password="demo-right",
            register_interval=1,
        )
        assert await pbx.becomes(trunk, "ONLINE")

        async def refreshed() -> bool:  # refreshed before the 1 s expiry, never duplicated
            reg = source.registration(trunk)
            return reg is not None and reg.attempts >= 3

        assert await until(refreshed)
        assert await pbx.status(trunk) == "ONLINE" and len(carrier.bindings("demo-trunk")) == 1

        await pbx.update(trunk, registration=False)  # shown ONLINE, as the PBX does
        assert await pbx.status(trunk) == "ONLINE"

        async def unbound() -> bool:
            return carrier.bindings() == []

        assert await until(unbound)

        await pbx.update(trunk, registration=True, password="demo-wrong")
        assert await pbx.becomes(trunk, "OFFLINE")
        assert await until(logged(caplog, "'Demo'", "OFFLINE", "403"))
        await pbx.update(trunk, password="demo-right")
        assert await pbx.becomes(trunk, "ONLINE")
        await pbx.update(trunk, enabled=False)
        assert await pbx.status(trunk) == "OFFLINE"
        assert await until(unbound)
    assert "demo-right" not in caplog.text and "demo-wrong" not in caplog.text


async def test_sandbox_sip_ip_trunk_online_and_unknown_host_offline_with_reason(
    pbx_of: Callable[[SandboxServer], Awaitable[Pbx]],
) -> None:
    source = SipRegistrationStatus()
    async with SandboxServer(tenants=1, status_source=source) as server:
        pbx = await pbx_of(server)
        ip = await pbx.create(
            name="IP", auth_mode="IP_AUTH", hostname="203.0.113.9", auth_id="", password=None
        )
        assert await pbx.status(ip) == "ONLINE"
        assert source.registration(ip) is None  # no SIP for an IP trunk
        lost = await pbx.create(name="Lost", hostname="nowhere.invalid", port=5060)

        async def explained() -> bool:
            state, reason = source.status({"id": lost, "auth_mode": "REGISTER_AUTH"})
            return state == "OFFLINE" and "does not resolve" in reason

        assert await until(explained)
        assert await pbx.status(lost) == "OFFLINE"


async def _cli_sandbox(*args: str) -> tuple[asyncio.subprocess.Process, str]:
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "trunkwiz", "sandbox", "--port", "0", "--tenants", "1", *args,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    assert proc.stdout is not None
    try:
        line = (await asyncio.wait_for(proc.stdout.readline(), 20)).decode()
    except BaseException:
        proc.kill()
        await proc.wait()
        raise
    assert line.startswith("READY "), line
    return proc, line.split()[1]


async def _stop_cli(proc: asyncio.subprocess.Process) -> str:
    if proc.returncode is None:
        proc.terminate()
    try:
        _out, err = await asyncio.wait_for(proc.communicate(), 10)
    except TimeoutError:
        proc.kill()
        _out, err = await proc.communicate()
    return err.decode()


@pytest.mark.parametrize("no_register", [False, True])
async def test_sandbox_sip_cli_registers_by_default_and_logs_it(no_register: bool) -> None:
    right = SecretStr("cli-right")
    async with DemoRegistrar([RegistrarUser("cli-trunk", right)]) as carrier:
        proc, url = await _cli_sandbox(*(["--no-register"] if no_register else []))
        try:
            async with httpx.AsyncClient(base_url=f"{url}/api", timeout=10) as client:
                body = {"username": "admin", "password": "sandbox-admin"}
                token = (await client.post("/auth/sign_in", json=body)).json()["access_token"]
                pbx = Pbx(client, {"Authorization": f"Bearer {token}"})
                trunk = await pbx.create(
                    name="Cli", hostname="127.0.0.1", port=carrier.port, auth_id="cli-trunk",
                    password="cli-right",
                )  # fmt: skip
                if no_register:
                    assert await pbx.status(trunk) == "OFFLINE"
                    assert carrier.bindings() == []
                else:
                    assert await pbx.becomes(trunk, "ONLINE")
                    assert len(carrier.bindings("cli-trunk")) == 1
        finally:
            err = await _stop_cli(proc)
        if no_register:
            assert "registering" not in err
        else:
            assert "trunk 'Cli'" in err and "ONLINE, registered" in err
            assert carrier.bindings() == []  # the stopped sandbox un-REGISTERed
        assert "cli-right" not in err
