"""Service functions of routes against the sandbox: the rules of a trunk, live checks, and
deleting a trunk that rules use."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from pydantic import SecretStr

from tests.pbx.test_pbx_rules import routes_for, trunk
from trunkwiz.pbx.client import PbxClient
from trunkwiz.pbx.plan import apply, plan
from trunkwiz.pbx.rules import TenantRules
from trunkwiz.sandbox.server import DEFAULT_ADMIN_PASSWORD, SandboxServer
from trunkwiz.service.connection import Connection
from trunkwiz.service.routes import (
    TrunkInUse,
    check_routes,
    delete_trunk,
    plan_routes,
    trunk_routes,
)


@pytest.fixture
async def world() -> AsyncIterator[tuple[SandboxServer, Connection]]:
    with SandboxServer(tenants=5) as sandbox:
        async with PbxClient(sandbox.url) as pbx:
            session = await pbx.sign_in("admin", SecretStr(DEFAULT_ADMIN_PASSWORD))
            yield sandbox, Connection(pbx, session, url=sandbox.url, user="admin")


async def make_routed_trunk(conn: Connection) -> tuple[str, list[str]]:
    tenants = (await conn.client.tenants())[:2]
    tids = [t.id for t in tenants]
    want = {tids[0]: routes_for(16468097065), tids[1]: routes_for(16468097070)}
    result = await apply(conn.client, await plan_routes(conn, plan(trunk(tenants), None), want))
    assert result.trunk_id
    return result.trunk_id, tids


async def test_the_rules_of_a_trunk_per_tenant(world: tuple[SandboxServer, Connection]) -> None:
    _sandbox, conn = world
    pid, tids = await make_routed_trunk(conn)
    found = await trunk_routes(conn, pid)
    assert found.routes == {tids[0]: routes_for(16468097065), tids[1]: routes_for(16468097070)}
    assert sorted(r.describe() for r in found.rules)[0].startswith("inbound rule 'From Flowroute'")
    assert len(found.rules) == 4


async def test_delete_names_the_rules_then_removes_them_when_asked(
    world: tuple[SandboxServer, Connection],
) -> None:
    sandbox, conn = world
    pid, _ = await make_routed_trunk(conn)
    with pytest.raises(TrunkInUse) as refused:
        await delete_trunk(conn, pid, "Flowroute")
    assert "used by 4 rule(s)" in str(refused.value)
    assert "outbound rule 'Flowroute out' of tenant" in str(refused.value)
    assert pid in sandbox.state.trunks
    done = await delete_trunk(conn, pid, "Flowroute", remove_rules=True)
    assert len(done.removed_rules) == 4
    assert pid not in sandbox.state.trunks
    assert not sandbox.state.inbound_rules and not sandbox.state.outbound_rules


async def test_a_failed_delete_creates_the_removed_rules_again(
    world: tuple[SandboxServer, Connection],
) -> None:
    sandbox, conn = world
    pid, _ = await make_routed_trunk(conn)
    # 2 tenant reads, the tenant session's sign-in (2), 2 x (switch + 2 lists + 1 detail),
    # 2 x 2 x (switch + destroy), destroy
    sandbox.faults.fail_nth(2 + 2 + 2 * 4 + 2 * 2 * 2 + 1)
    with pytest.raises(Exception, match="were restored"):
        await delete_trunk(conn, pid, "Flowroute", remove_rules=True)
    assert pid in sandbox.state.trunks
    assert len(sandbox.state.inbound_rules) == 2 and len(sandbox.state.outbound_rules) == 2


def test_live_checks_against_the_pool() -> None:
    routes = routes_for(16468097065)
    assert check_routes(routes, "16468097065-16468097066") == []
    issues = check_routes(routes, "16468097066")
    assert {(i.kind, i.field) for i in issues} == {
        ("outbound", "caller_id"),
        ("inbound", "did_numbers"),
    }
    assert TenantRules().names == []
