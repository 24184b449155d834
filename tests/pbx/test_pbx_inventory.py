"""``load_inventory`` against the sandbox, and the local queries the wizard makes."""

from __future__ import annotations

from pydantic import SecretStr

from trunkwiz.domain.didpool import DidPool
from trunkwiz.domain.trunk import parse_trunk
from trunkwiz.pbx.client import PbxClient
from trunkwiz.pbx.inventory import Inventory, ProviderEntry, load_inventory
from trunkwiz.pbx.objects import Assignee, Tenant, Trunk, TrunkSummary
from trunkwiz.pbx.plan import apply, plan
from trunkwiz.sandbox.server import DEFAULT_TENANT_PASSWORD, SandboxServer


def shared(name: str, host: str, tenants: list[tuple[Tenant, str]]) -> object:
    return parse_trunk(
        {
            "kind": "ip",
            "name": name,
            "hostname": host,
            "tenants": [
                {"tenant_id": t.id, "tenant_name": t.name, "did_numbers": d} for t, d in tenants
            ],
        }
    )


async def test_inventory_reads_trunks_assignees_and_facts(admin: PbxClient) -> None:
    a, b = (await admin.tenants())[:2]
    await apply(admin, plan(shared("Alpha", "sip.one.example", [(a, "100-199")]), None))
    await apply(admin, plan(shared("Beta", "SIP.ONE.example.", [(b, "300")]), None))
    await apply(admin, plan(shared("Gamma", "sip.two.example", [(a, "500")]), None))
    inv = await load_inventory(admin, with_status=True)
    assert sorted(p.name for p in inv.providers) == ["Alpha", "Beta", "Gamma"]
    assert all(p.auth_mode == "IP_AUTH" and p.status == "ONLINE" for p in inv.providers)
    assert len(inv.tenants) == 120 and inv.find_tenant(a.domain) == a
    assert inv.find_tenant(a.name.upper()) == a and inv.find_tenant(b.id) == b
    pools = inv.pools_for_host("sip.one.example")
    assert pools == {
        f"trunk Alpha / tenant {a.name}": DidPool.parse("100-199"),
        f"trunk Beta / tenant {b.name}": DidPool.parse("300"),
    }
    alpha = inv.find("Alpha")
    assert alpha is not None
    assert list(inv.pools_for_host("sip.one.example", exclude_trunk_id=alpha.id)) == [
        f"trunk Beta / tenant {b.name}"
    ]
    assert inv.has_transport("tcp") and inv.transport_port("TLS") == 5061
    assert not inv.has_transport("WS")
    assert inv.public_ip == "203.0.113.10"
    current = alpha.current(inv.tenant_names)
    assert plan(shared("Alpha", "sip.one.example", [(a, "100-199")]), current).is_empty


async def test_tenant_admin_inventory_skips_system_reads(sandbox: SandboxServer, admin) -> None:
    a = (await admin.tenants())[0]
    await apply(admin, plan(shared("Alpha", "sip.one.example", [(a, "100-199")]), None))
    async with PbxClient(sandbox.url) as pbx:
        await pbx.sign_in("manager", SecretStr(DEFAULT_TENANT_PASSWORD), domain=a.domain)
        requests = pbx.stats.requests
        inv = await load_inventory(pbx)
        sent = pbx.stats.by_method
    assert inv.tenants == () and [p.name for p in inv.providers] == ["Alpha"]
    assert inv.providers[0].assignees == ()
    assert pbx.stats.requests - requests == 4  # providers, transports, network, one detail
    assert sent.get("POST", 0) == 1  # only the sign-in


def test_pools_for_host_labels_are_unique_and_include_own_pools() -> None:
    inv = Inventory(
        providers=(
            ProviderEntry("1", TrunkSummary(name="T", hostname="h", did_numbers="1-5")),
            ProviderEntry(
                "2",
                TrunkSummary(name="T"),
                Trunk(name="T", hostname="h"),
                (Assignee(tenant_id="x", did_numbers="7"), Assignee(tenant_id="y")),
            ),
            ProviderEntry("3", TrunkSummary(), Trunk(name="T", hostname="h", did_numbers="9")),
        ),
        tenants=(Tenant(id="x", name="Acme"),),
    )
    assert inv.pools_for_host("H") == {
        "trunk T": DidPool.parse("1-5"),
        "trunk T / tenant Acme": DidPool.parse("7"),
        "trunk T (2)": DidPool.parse("9"),
    }
