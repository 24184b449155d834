"""The wizard's paths through the service layer keep a rule that another trunk routes: its
Routes step (the plan of a tenant's rules) and its delete with "remove rules"."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
from pydantic import SecretStr

from trunkwiz.domain.routes import TenantRoutes
from trunkwiz.domain.trunk import parse_trunk
from trunkwiz.pbx.client import PbxClient
from trunkwiz.pbx.objects import Tenant
from trunkwiz.pbx.plan import apply, plan
from trunkwiz.pbx.planning import CurrentTrunk
from trunkwiz.sandbox.server import DEFAULT_ADMIN_PASSWORD, SandboxServer
from trunkwiz.service.connection import Connection
from trunkwiz.service.routes import TrunkInUse, delete_trunk, plan_routes, trunk_routes

World = tuple[SandboxServer, Connection, Tenant, str, str]


def ip_trunk(name: str, tenant: Tenant | None, pool: str) -> Any:
    tenants = [{"tenant_id": tenant.id, "did_numbers": pool}] if tenant else []
    return parse_trunk(
        {"kind": "ip", "name": name, "hostname": f"{name[-1].lower()}.example.net",
         "tenants": tenants}
    )  # fmt: skip


@pytest.fixture
async def world() -> AsyncIterator[World]:
    """Trunks A and B shared with one tenant; outbound rule "Failover" routes through B,
    then A (made with a separate session, as another admin would)."""
    with SandboxServer(tenants=3) as sandbox:
        async with PbxClient(sandbox.url) as pbx:
            session = await pbx.sign_in("admin", SecretStr(DEFAULT_ADMIN_PASSWORD))
            conn = Connection(pbx, session, url=sandbox.url, user="admin")
            tenant = (await pbx.tenants())[0]
            a = await apply(pbx, plan(ip_trunk("Trunk A", tenant, "16468097065"), None))
            b = await apply(pbx, plan(ip_trunk("Trunk B", tenant, "16468097070"), None))
            assert a.trunk_id and b.trunk_id
            async with PbxClient(sandbox.url) as other:
                await other.sign_in("admin", SecretStr(DEFAULT_ADMIN_PASSWORD))
                await other.request("POST", "/tenants/switch", params={"id": tenant.id})
                every_day = {"enabled": True, "ranges": [{"from": "00:00", "to": "23:59"}]}
                days = ("monday", "tuesday", "wednesday", "thursday", "friday")
                days += ("saturday", "sunday")
                await other.post_json(
                    "/outbound_rules",
                    {
                        "name": "Failover",
                        "number_length": "11",
                        "office_hours": {"mode": "CUSTOM"} | dict.fromkeys(days, every_day),
                        "routes": [
                            {"provider_id": pid, "enabled": True, "strip_digits": 0,
                             "prepend": ""}
                            for pid in (b.trunk_id, a.trunk_id)
                        ],
                    },
                )  # fmt: skip
                await other.sign_out()
            yield sandbox, conn, tenant, a.trunk_id, b.trunk_id


def failover_routes(sandbox: SandboxServer) -> list[str] | None:
    found = [r.data for r in sandbox.state.outbound_rules.values() if r.data["name"] == "Failover"]
    return [r["provider_id"] for r in found[0]["routes"]] if found else None


async def test_delete_with_rules_keeps_a_rule_another_trunk_routes(world: World) -> None:
    sandbox, conn, _tenant, a, b = world
    with pytest.raises(TrunkInUse) as refused:
        await delete_trunk(conn, b, "Trunk B")
    assert "outbound rule 'Failover'" in str(refused.value)
    await delete_trunk(conn, b, "Trunk B", remove_rules=True)
    assert b not in sandbox.state.trunks
    assert failover_routes(sandbox) == [a], "the rule Trunk A routes through was deleted"
    assert (await trunk_routes(conn, a)).rules[0].name == "Failover"


async def test_the_routes_step_removing_a_shared_rule_keeps_the_other_route(
    world: World,
) -> None:
    sandbox, conn, tenant, a, b = world
    trunk_a = ip_trunk("Trunk A", tenant, "16468097065")
    current = CurrentTrunk(a, await conn.client.provider(a), await conn.client.assignees(a))
    step = await plan_routes(conn, plan(trunk_a, current), {tenant.id: TenantRoutes(())})
    await apply(conn.client, step)
    assert failover_routes(sandbox) == [b], "the rule Trunk B routes through was deleted"
