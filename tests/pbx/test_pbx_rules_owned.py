"""Rules owned per trunk, against the sandbox over HTTP: a rule that routes through two
trunks keeps the other trunk's route through every removal path (file, unshare, delete
with rules), whole, with the fields trunkwiz does not know; a disabled route stays
disabled; names are matched exactly; office hours are always sent; duplicate DIDs and
indistinguishable rules are refused before anything is sent."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

import pytest
from pydantic import SecretStr

from tests.pbx.test_pbx_contract import Recorder
from trunkwiz.domain.office_hours import ALWAYS, GLOBAL, OfficeHours
from trunkwiz.domain.routes import InboundRoute, OutboundRoute, TenantRoutes
from trunkwiz.domain.trunk import parse_trunk
from trunkwiz.pbx.client import PbxClient
from trunkwiz.pbx.objects import Tenant
from trunkwiz.pbx.plan import apply, plan
from trunkwiz.pbx.planning import CurrentTrunk
from trunkwiz.pbx.rules import RuleApi, routes_from_api
from trunkwiz.pbx.rules_ops import RuleOpKind
from trunkwiz.pbx.rules_plan import RulesRefused, load_rules, plan_with_routes
from trunkwiz.sandbox.server import DEFAULT_ADMIN_PASSWORD, SandboxServer

POOL_A = "16468097065-16468097069"
POOL_B = "16468097070-16468097079"


def ip_trunk(name: str, host: str, tenants: list[tuple[Tenant, str]]) -> Any:
    return parse_trunk(
        {
            "kind": "ip",
            "name": name,
            "hostname": host,
            "tenants": [
                {"tenant_id": t.id, "tenant_name": t.name, "did_numbers": pool}
                for t, pool in tenants
            ],
        }
    )


@pytest.fixture
async def two_trunks(
    sandbox: SandboxServer, admin: PbxClient
) -> AsyncIterator[tuple[Tenant, str, str, RuleApi]]:
    """Trunks A and B, both shared with one tenant, and an outbound rule "Failover" that
    routes through B, then A (created with explicit office hours, as a PBX admin would)."""
    tenant = (await admin.tenants())[0]
    a = await apply(admin, plan(ip_trunk("Trunk A", "a.example.net", [(tenant, POOL_A)]), None))
    b = await apply(admin, plan(ip_trunk("Trunk B", "b.example.net", [(tenant, POOL_B)]), None))
    assert a.trunk_id and b.trunk_id
    async with RuleApi(admin) as api:
        await api.enter(tenant.id)
        await api.create(
            "outbound",
            {
                "name": "Failover",
                "number_length": "11",
                "office_hours": ALWAYS.to_api(),
                "routes": [
                    {"provider_id": b.trunk_id, "enabled": True, "strip_digits": 0,
                     "prepend": "9"},
                    {"provider_id": a.trunk_id, "enabled": True, "strip_digits": 1,
                     "prepend": ""},
                ],
            },
        )  # fmt: skip
        yield tenant, a.trunk_id, b.trunk_id, api


def failover(sandbox: SandboxServer) -> dict[str, Any] | None:
    found = [r.data for r in sandbox.state.outbound_rules.values() if r.data["name"] == "Failover"]
    assert len(found) <= 1
    return found[0] if found else None


async def current(admin: PbxClient, pid: str) -> CurrentTrunk:
    return CurrentTrunk(pid, await admin.provider(pid), await admin.assignees(pid))


# -- 2. a shared rule keeps the other trunk's route ------------------------------------------


async def test_an_empty_outbound_list_removes_only_this_trunks_route(
    sandbox: SandboxServer, admin: PbxClient, two_trunks: Any
) -> None:
    tenant, a, b, api = two_trunks
    trunk_a = ip_trunk("Trunk A", "a.example.net", [(tenant, POOL_A)])
    step = await plan_with_routes(
        api, plan(trunk_a, await current(admin, a)), {tenant.id: TenantRoutes(outbound=())}
    )
    assert step.routes is not None
    assert [op.kind for op in step.routes.operations] == [RuleOpKind.unroute]
    line = step.routes.describe()[0]
    assert "Remove this trunk's route from outbound rule 'Failover'" in line
    assert "the rule stays: 1 route(s) through other trunks" in line
    await apply(admin, step)
    rule = failover(sandbox)
    assert rule is not None, "the rule another trunk routes through was deleted"
    assert [r["provider_id"] for r in rule["routes"]] == [b]
    assert rule["routes"][0]["prepend"] == "9"
    again = await plan_with_routes(
        api, plan(trunk_a, await current(admin, a)), {tenant.id: TenantRoutes(outbound=())}
    )
    assert again.is_empty


async def test_the_last_route_removes_the_rule_and_the_plan_says_so(
    sandbox: SandboxServer, admin: PbxClient, two_trunks: Any
) -> None:
    tenant, a, b, api = two_trunks
    want = {tenant.id: TenantRoutes(outbound=())}
    for pid, name, host, pool in ((a, "Trunk A", "a", POOL_A), (b, "Trunk B", "b", POOL_B)):
        trunk = ip_trunk(name, f"{host}.example.net", [(tenant, pool)])
        step = await plan_with_routes(api, plan(trunk, await current(admin, pid)), want)
        assert step.routes is not None
        await apply(admin, step)
    assert "(no other trunk routes it)" in step.routes.describe()[0]
    assert [op.kind for op in step.routes.operations] == [RuleOpKind.delete]
    assert failover(sandbox) is None


async def test_unsharing_the_tenant_keeps_the_other_trunks_route(
    sandbox: SandboxServer, admin: PbxClient, two_trunks: Any
) -> None:
    _tenant, a, b, api = two_trunks
    unshared = ip_trunk("Trunk A", "a.example.net", [])
    step = await plan_with_routes(api, plan(unshared, await current(admin, a)), {})
    assert step.routes is not None and [op.kind for op in step.routes.before] == [
        RuleOpKind.unroute
    ]
    await apply(admin, step)
    assert await admin.assignees(a) == []
    rule = failover(sandbox)
    assert rule is not None and [r["provider_id"] for r in rule["routes"]] == [b]


async def test_a_failed_unshare_puts_the_route_back(
    sandbox: SandboxServer, admin: PbxClient, two_trunks: Any
) -> None:
    tenant, a, b, api = two_trunks
    step = await plan_with_routes(
        api, plan(ip_trunk("Trunk A", "a.example.net", []), await current(admin, a)), {}
    )
    # the tenant session's sign-in (2 calls), switch, the unroute; then the unshare fails
    sandbox.faults.fail_nth(5)
    with pytest.raises(Exception, match="Rolled back"):
        await apply(admin, step)
    rule = failover(sandbox)
    assert rule is not None and [r["provider_id"] for r in rule["routes"]] == [b, a]
    assert [x.tenant_id for x in await admin.assignees(a)] == [tenant.id]


# -- 3. disabled routes ------------------------------------------------------------------------


async def test_a_disabled_route_stays_disabled_when_its_prepend_changes(
    sandbox: SandboxServer, admin: PbxClient, two_trunks: Any
) -> None:
    tenant, a, b, api = two_trunks
    rule = failover(sandbox)
    assert rule is not None
    await api.enter(tenant.id)
    routes = [dict(r) for r in rule["routes"]]
    routes[1]["enabled"] = False  # the route through A is switched off on the PBX
    await api.update("outbound", rule["id"], {"routes": routes})
    found = await load_rules(api, a, [tenant.id])
    shown = routes_from_api(found.by_tenant[tenant.id], a)
    assert shown.outbound is not None
    (model,) = shown.outbound
    assert model.enabled is False
    trunk_a = ip_trunk("Trunk A", "a.example.net", [(tenant, POOL_A)])
    same = await plan_with_routes(api, plan(trunk_a, await current(admin, a)), {tenant.id: shown})
    assert same.is_empty, same.describe()
    edited = model.model_copy(update={"prepend": "1"})
    step = await plan_with_routes(
        api,
        plan(trunk_a, await current(admin, a)),
        {tenant.id: TenantRoutes(outbound=(edited,))},
    )
    assert step.routes is not None and "route disabled" in step.routes.describe()[0]
    await apply(admin, step)
    after = failover(sandbox)
    assert after is not None
    through_a = next(r for r in after["routes"] if r["provider_id"] == a)
    assert through_a["prepend"] == "1"
    assert through_a["enabled"] is False
    assert next(r for r in after["routes"] if r["provider_id"] == b)["enabled"] is True


# -- 4. names matched exactly --------------------------------------------------------------


async def test_names_differing_in_case_are_two_rules(
    sandbox: SandboxServer, admin: PbxClient, two_trunks: Any
) -> None:
    tenant, a, _b, api = two_trunks
    await api.enter(tenant.id)
    for name in ("Dup", "DUP"):
        await api.create(
            "outbound",
            {"name": name, "number_prefix": "00", "office_hours": ALWAYS.to_api(),
             "routes": [{"provider_id": a, "enabled": True, "strip_digits": 0, "prepend": ""}]},
        )  # fmt: skip
    found = await load_rules(api, a, [tenant.id])
    shown = routes_from_api(found.by_tenant[tenant.id], a)
    assert shown.outbound is not None
    assert sorted(r.name for r in shown.outbound) == ["DUP", "Dup", "Failover"]
    trunk_a = ip_trunk("Trunk A", "a.example.net", [(tenant, POOL_A)])
    same = await plan_with_routes(api, plan(trunk_a, await current(admin, a)), {tenant.id: shown})
    assert same.is_empty, same.describe()
    only_dup = tuple(r for r in shown.outbound if r.name != "DUP")
    step = await plan_with_routes(
        api,
        plan(trunk_a, await current(admin, a)),
        {tenant.id: TenantRoutes(outbound=only_dup)},
    )
    assert step.routes is not None
    assert [(op.kind, op.name) for op in step.routes.operations] == [(RuleOpKind.delete, "DUP")]
    none = await plan_with_routes(
        api, plan(trunk_a, await current(admin, a)), {tenant.id: TenantRoutes(outbound=())}
    )
    assert none.routes is not None
    assert sorted(op.name for op in none.routes.operations) == ["DUP", "Dup", "Failover"]
    await apply(admin, none)
    left = sorted(r.data["name"] for r in sandbox.state.outbound_rules.values())
    assert left == ["Failover"]


async def test_rules_with_the_very_same_name_are_refused_naming_them(
    sandbox: SandboxServer, admin: PbxClient, two_trunks: Any
) -> None:
    tenant, a, _b, api = two_trunks
    rule = failover(sandbox)
    assert rule is not None
    twin = {**rule, "id": "twin-of-failover"}
    with sandbox.state.lock:  # a state the PBX should not allow, made behind its back
        record = next(iter(sandbox.state.outbound_rules.values()))
        sandbox.state.outbound_rules["twin-of-failover"] = type(record)(tenant.id, twin)
    trunk_a = ip_trunk("Trunk A", "a.example.net", [(tenant, POOL_A)])
    found = await load_rules(api, a, [tenant.id])
    assert routes_from_api(found.by_tenant[tenant.id], a).outbound is None  # not shown
    with pytest.raises(RulesRefused) as refused:
        await plan_with_routes(
            api, plan(trunk_a, await current(admin, a)), {tenant.id: TenantRoutes(outbound=())}
        )
    assert "\n" not in str(refused.value)
    assert "share a name ('Failover')" in str(refused.value)
    assert len(sandbox.state.outbound_rules) == 2
    assert [r["provider_id"] for r in failover_routes(sandbox)] == [_b, a]


def failover_routes(sandbox: SandboxServer) -> list[dict[str, Any]]:
    return [
        route
        for r in sandbox.state.outbound_rules.values()
        if r.data["name"] == "Failover" and r.data["id"] != "twin-of-failover"
        for route in r.data["routes"]
    ]


# -- 5. office hours always sent -------------------------------------------------------------


async def test_every_rule_body_carries_explicit_office_hours(
    sandbox: SandboxServer, admin: PbxClient
) -> None:
    tenant = (await admin.tenants())[0]
    trunk = ip_trunk("Trunk H", "h.example.net", [(tenant, POOL_A)])
    weekly = OfficeHours.parse({"monday": "09:00-17:00", "sat": "10:00-12:00"})
    want = TenantRoutes(
        outbound=(
            OutboundRoute(name="Any hour", number_length="11"),
            OutboundRoute(name="Weekly", number_prefix="00", office_hours=weekly),
        ),
        inbound=(
            InboundRoute.model_validate(
                {"name": "In", "did_numbers": "16468097065", "forward_to": "1001"}
            ),
            InboundRoute.model_validate(
                {"name": "In late", "did_numbers": "16468097066", "forward_to": "1001",
                 "after_hours": "voicemail:1001"}
            ),
        ),
    )  # fmt: skip
    async with RuleApi(admin) as api:
        step = await plan_with_routes(api, plan(trunk, None), {tenant.id: want})
    lines = "\n".join(step.describe())
    assert "office hours always (every day 00:00-23:59)" in lines
    assert "office hours monday 09:00-17:00, saturday 10:00-12:00" in lines
    assert "office hours the tenant's office hours (global)" in lines
    await apply(admin, step)
    hours = {
        r.data["name"]: r.data.get("office_hours")
        for rules in (sandbox.state.outbound_rules, sandbox.state.inbound_rules)
        for r in rules.values()
    }
    every_day = {"enabled": True, "ranges": [{"from": "00:00", "to": "23:59"}]}
    closed = {"enabled": False, "ranges": []}
    assert hours["Any hour"] == {"mode": "CUSTOM", **dict.fromkeys(DAYS, every_day)}
    assert hours["In"] == hours["Any hour"]
    assert hours["In late"] == GLOBAL.to_api() == {"mode": "GLOBAL"}
    assert hours["Weekly"] == {
        "mode": "CUSTOM",
        **dict.fromkeys(DAYS, closed),
        "monday": {"enabled": True, "ranges": [{"from": "09:00", "to": "17:00"}]},
        "saturday": {"enabled": True, "ranges": [{"from": "10:00", "to": "12:00"}]},
    }


DAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


async def test_a_rule_without_stated_hours_is_planned_to_get_them(
    sandbox: SandboxServer, admin: PbxClient, two_trunks: Any
) -> None:
    tenant, a, _b, api = two_trunks
    rule = failover(sandbox)
    assert rule is not None
    with sandbox.state.lock:
        rule.pop("office_hours")  # a rule made elsewhere, stating no hours
    found = await load_rules(api, a, [tenant.id])
    shown = routes_from_api(found.by_tenant[tenant.id], a)
    assert shown.outbound is not None and shown.outbound[0].office_hours is None
    wanted = shown.outbound[0].model_copy(update={"office_hours": ALWAYS})
    trunk_a = ip_trunk("Trunk A", "a.example.net", [(tenant, POOL_A)])
    step = await plan_with_routes(
        api, plan(trunk_a, await current(admin, a)), {tenant.id: TenantRoutes((wanted,))}
    )
    assert step.routes is not None and len(step.routes.operations) == 1
    await apply(admin, step)
    assert failover(sandbox)["office_hours"] == ALWAYS.to_api()  # type: ignore[index]


# -- 7. duplicate inbound DIDs ------------------------------------------------------------------


async def test_two_inbound_rules_for_one_did_are_refused_before_anything_is_sent(
    sandbox: SandboxServer, admin: PbxClient
) -> None:
    tenant = (await admin.tenants())[0]
    trunk = ip_trunk("Trunk D", "d.example.net", [(tenant, POOL_A)])
    want = TenantRoutes(
        inbound=tuple(
            InboundRoute.model_validate({"name": n, "did_numbers": d, "forward_to": "1001"})
            for n, d in (("Main", "16468097065-16468097066"), ("Sales", "16468097066"))
        )
    )
    async with RuleApi(admin) as api:
        with pytest.raises(RulesRefused) as refused:
            await plan_with_routes(api, plan(trunk, None), {tenant.id: want})
    text = str(refused.value)
    assert "inbound rule 'Sales'" in text and "already routed by inbound rule 'Main'" in text
    assert not sandbox.state.trunks and not sandbox.state.inbound_rules


async def test_a_wanted_rule_routed_by_other_trunks_gets_this_trunks_route(
    sandbox: SandboxServer, admin: PbxClient, two_trunks: Any
) -> None:
    tenant, a, b, api = two_trunks
    pool_c = "16468097080-16468097089"
    trunk_c = ip_trunk("Trunk C", "c.example.net", [(tenant, pool_c)])
    wanted = OutboundRoute(name="Failover", number_length="11", prepend="7")
    step = await plan_with_routes(api, plan(trunk_c, None), {tenant.id: TenantRoutes((wanted,))})
    assert step.routes is not None
    assert [op.kind for op in step.routes.operations] == [RuleOpKind.attach]
    line = step.routes.describe()[0]
    assert "Add this trunk's route to outbound rule 'Failover'" in line
    assert "keeps its 2 route(s) through other trunks" in line
    made = await apply(admin, step)
    assert made.trunk_id is not None
    rule = failover(sandbox)
    assert rule is not None and len(sandbox.state.outbound_rules) == 1
    assert [r["provider_id"] for r in rule["routes"]] == [b, a, made.trunk_id]
    assert rule["routes"][2]["prepend"] == "7"
    again = await plan_with_routes(
        api,
        plan(trunk_c, await current(admin, made.trunk_id)),
        {tenant.id: TenantRoutes((wanted,))},
    )
    assert again.is_empty, again.describe()


async def test_an_inbound_name_taken_by_another_trunk_is_refused_before_anything_is_sent(
    sandbox: SandboxServer, admin: PbxClient, two_trunks: Any
) -> None:
    tenant, a, _b, api = two_trunks
    trunk_a = ip_trunk("Trunk A", "a.example.net", [(tenant, POOL_A)])
    mine = InboundRoute.model_validate(
        {"name": "Front desk", "did_numbers": "16468097065", "forward_to": "1001"}
    )
    await apply(
        admin,
        await plan_with_routes(
            api,
            plan(trunk_a, await current(admin, a)),
            {tenant.id: TenantRoutes(inbound=(mine,))},
        ),
    )
    theirs = mine.model_copy(update={"did_numbers": "16468097080"})
    trunk_c = ip_trunk("Trunk C", "c.example.net", [(tenant, "16468097080")])
    with pytest.raises(
        RulesRefused, match=r"inbound rule 'Front desk' .* already exists for another trunk"
    ):
        await plan_with_routes(
            api, plan(trunk_c, None), {tenant.id: TenantRoutes(inbound=(theirs,))}
        )
    assert len(sandbox.state.trunks) == 2


# -- 8. a rule written back keeps what trunkwiz does not model -------------------------------


def with_newer_fields(sandbox: SandboxServer) -> Any:
    """Failover's record, its routes (B, then A) and itself given fields of a newer PBX."""
    (record,) = [r for r in sandbox.state.outbound_rules.values() if r.data["name"] == "Failover"]
    record.data["x_newer"] = {"weights": [3, 1], "mode": "SMART"}
    record.data["routes"][0]["x_route"] = {"weight": 3, "codecs": ["PCMU", None]}
    record.data["routes"][1]["x_route"] = {"weight": 1}
    return record


def exchanged(recorder: Recorder, rule_id: str) -> tuple[list[Any], list[Any]]:
    """(answers of ``GET /outbound_rules/{id}``, bodies of ``POST /outbound_rules/{id}``)."""
    path = f"/api/outbound_rules/{rule_id}"
    read = [json.loads(body) for r, _s, _h, body in recorder.exchanges if r.method == "GET"
            and r.url.path == path]  # fmt: skip
    sent = [json.loads(r.content) for r, *_ in recorder.exchanges if r.method == "POST"
            and r.url.path == path]  # fmt: skip
    return read, sent


def exact(value: Any) -> str:
    """``value`` as JSON text, keys sorted: equal texts are the same values and types."""
    return json.dumps(value, sort_keys=True)


@pytest.mark.parametrize("change", ["unroute", "update"])
async def test_a_rule_written_back_keeps_the_other_route_and_unknown_fields_whole(
    sandbox: SandboxServer, two_trunks: Any, change: str
) -> None:
    """Failover routes through B (with a field of a newer PBX), then A (with one too), and
    has a top-level field of a newer PBX: removing A's route, or changing it, sends B's
    route exactly as the PBX gave it, A's unknown field with A's route, and leaves the
    rule's unknown field alone."""
    tenant, a, b, _api = two_trunks
    record = with_newer_fields(sandbox)
    trunk_a = ip_trunk("Trunk A", "a.example.net", [(tenant, POOL_A)])
    wanted = OutboundRoute(
        name="Failover", number_length="11", strip_digits=1, prepend="7", office_hours=ALWAYS
    )
    want = TenantRoutes(outbound=() if change == "unroute" else (wanted,))
    recorder = Recorder()
    async with PbxClient(sandbox.url, transport=recorder) as pbx:
        await pbx.sign_in("admin", SecretStr(DEFAULT_ADMIN_PASSWORD))
        async with RuleApi(pbx) as api:
            step = await plan_with_routes(
                api, plan(trunk_a, await current(pbx, a)), {tenant.id: want}
            )
        assert step.routes is not None
        assert [op.kind.value for op in step.routes.operations] == [change]
        await apply(pbx, step)
    read, sent = exchanged(recorder, record.data["id"])
    assert read and len(sent) == 1
    got, (body,) = read[-1], sent
    assert exact(body["routes"][0]) == exact(got["routes"][0])
    assert body["routes"][0]["x_route"] == {"weight": 3, "codecs": ["PCMU", None]}
    if change == "unroute":
        assert body == {"routes": [got["routes"][0]]}
    else:
        assert exact(body["routes"][1]) == exact(
            {**got["routes"][1], "enabled": True, "strip_digits": 1, "prepend": "7"}
        )
    assert record.data["x_newer"] == {"weights": [3, 1], "mode": "SMART"}
    assert [r["provider_id"] for r in record.data["routes"]] == (
        [b] if change == "unroute" else [b, a]
    )


async def test_a_rule_put_back_after_a_failure_has_every_field_it_had(
    sandbox: SandboxServer, two_trunks: Any
) -> None:
    """Unsharing A takes A's route out of Failover; the unshare fails, and the rule is put
    back with every field the PBX gave, the unknown ones included, both routes whole."""
    _tenant, a, b, _api = two_trunks
    record = with_newer_fields(sandbox)
    recorder = Recorder()
    async with PbxClient(sandbox.url, transport=recorder) as pbx:
        await pbx.sign_in("admin", SecretStr(DEFAULT_ADMIN_PASSWORD))
        async with RuleApi(pbx) as api:
            unshared = ip_trunk("Trunk A", "a.example.net", [])
            step = await plan_with_routes(api, plan(unshared, await current(pbx, a)), {})
        # the tenant session's sign-in (2 calls), switch, the unroute; then the unshare fails
        sandbox.faults.fail_nth(5)
        with pytest.raises(Exception, match="Rolled back"):
            await apply(pbx, step)
    read, sent = exchanged(recorder, record.data["id"])
    got = read[-1]
    assert [sorted(body) for body in sent] == [["routes"], sorted(k for k in got if k != "id")]
    restored = sent[1]
    assert exact(restored) == exact({k: v for k, v in got.items() if k != "id"} | {
        "holidays": [h["id"] for h in got["holidays"]]
    })  # fmt: skip
    assert restored["routes"][0]["x_route"] == {"weight": 3, "codecs": ["PCMU", None]}
    assert restored["x_newer"] == {"weights": [3, 1], "mode": "SMART"}
    assert [r["provider_id"] for r in record.data["routes"]] == [b, a]
