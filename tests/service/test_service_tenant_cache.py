"""The tenants are read once per connection: the Tenants step, the pool checks, the trunk
list and a quick edit share one read (callers at the same time share the one in flight),
and a submit, a delete or ``forget`` reads them again. Against the sandbox over HTTP."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator

import pytest

from tests.cli.conftest import Recorder
from tests.service.conftest import admin_connection
from trunkwiz.domain.trunk import parse_trunk
from trunkwiz.sandbox import server as server_module
from trunkwiz.sandbox.server import SandboxServer
from trunkwiz.service.connection import Connection

TENANTS = 250  # three pages
RECORDED = Recorder()


@pytest.fixture
def sandbox(monkeypatch: pytest.MonkeyPatch) -> Iterator[SandboxServer]:
    RECORDED.clear()
    real = server_module.create_app
    monkeypatch.setattr(server_module, "create_app", lambda *a, **k: RECORDED.wrap(real(*a, **k)))
    with SandboxServer(tenants=TENANTS) as server:
        yield server


@pytest.fixture
async def conn(sandbox: SandboxServer) -> AsyncIterator[Connection]:
    async with admin_connection(sandbox.url) as connection:
        yield connection


def tenant_reads(conn: Connection) -> int:
    """``GET /tenants`` requests the sandbox has received so far."""
    return RECORDED.requests.count(("GET", "/api/tenants"))


async def test_the_steps_share_one_read_of_the_tenants(conn: Connection) -> None:
    tenants, inventory = await asyncio.gather(conn.tenants(), conn.inventory())
    assert len(tenants) == len(inventory.tenants) == TENANTS
    first = tenant_reads(conn)
    assert first == 4  # three pages and the skip-convention probe: once, not twice
    await conn.tenants()
    await conn.tenant_names()
    await conn.inventory()
    assert tenant_reads(conn) == first
    conn.forget()
    assert len(await conn.tenants()) == TENANTS
    assert tenant_reads(conn) == first + 3  # the convention is known now


async def test_a_caller_giving_up_does_not_stop_the_read_for_the_others(
    conn: Connection, sandbox: SandboxServer
) -> None:
    sandbox.faults.hold_from(1, "GET")
    leaving = asyncio.ensure_future(conn.tenants())
    staying = asyncio.ensure_future(conn.tenants())
    assert await asyncio.to_thread(sandbox.faults.wait_held, 1, 10.0)
    leaving.cancel()  # a screen left while its worker waited
    sandbox.faults.release()
    assert len(await staying) == TENANTS
    with pytest.raises(asyncio.CancelledError):
        await leaving


async def test_a_submit_reads_the_tenants_again(conn: Connection, sandbox: SandboxServer) -> None:
    await conn.tenants()
    before = tenant_reads(conn)
    trunk = parse_trunk({"kind": "ip", "name": "cache-ip", "hostname": "203.0.113.77"})
    await conn.apply(await conn.plan(trunk, None))
    with sandbox.state.lock:
        tid = next(iter(sandbox.state.tenants))
        sandbox.state.tenants[tid]["name"] = "Renamed After Submit"
    names = [t.name for t in await conn.tenants()]
    assert "Renamed After Submit" in names
    assert tenant_reads(conn) > before
