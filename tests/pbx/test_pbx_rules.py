"""Rules through the PBX client against the sandbox: plan, apply, re-plan, rollback."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from pydantic import SecretStr

from trunkwiz.domain.routes import InboundRoute, OutboundRoute, TenantRoutes
from trunkwiz.domain.trunk import parse_trunk
from trunkwiz.pbx.client import PbxClient
from trunkwiz.pbx.objects import Tenant
from trunkwiz.pbx.plan import ApplyFailed, apply, plan
from trunkwiz.pbx.planning import CurrentTrunk
from trunkwiz.pbx.rules import RuleApi, routes_from_api
from trunkwiz.pbx.rules_ops import RuleOpKind
from trunkwiz.pbx.rules_plan import load_rules, plan_with_routes
from trunkwiz.sandbox.server import DEFAULT_TENANT_PASSWORD, SandboxServer

POOLS = ("16468097065-16468097069", "16468097070-16468097079")


def trunk(tenants: list[Tenant], pools: tuple[str, ...] = POOLS) -> Any:
    return parse_trunk(
        {
            "kind": "ip",
            "name": "Flowroute",
            "brand": "Flowroute",
            "hostname": "us-west-or.sip.flowroute.com",
            "tenants": [
                {"tenant_id": t.id, "tenant_name": t.name, "did_numbers": pool}
                for t, pool in zip(tenants, pools, strict=False)
            ],
        }
    )


def routes_for(pool_start: int, prepend: str = "52709417*") -> TenantRoutes:
    return TenantRoutes(
        outbound=(
            OutboundRoute(
                name="Flowroute out",
                number_length="11",
                prepend=prepend,
                caller_id=str(pool_start),
            ),
        ),
        inbound=(
            InboundRoute.model_validate(
                {
                    "name": "From Flowroute",
                    "did_numbers": f"{pool_start}-{pool_start + 1}",
                    "forward_to": "1001-1002",
                    "after_hours": "voicemail:1001",
                }
            ),
        ),
    )


async def current_routes(api: RuleApi, pid: str, tids: list[str]) -> dict[str | None, Any]:
    found = await load_rules(api, pid, tids)
    return {tid: routes_from_api(rules, pid) for tid, rules in found.by_tenant.items()}


async def test_create_share_and_route_then_nothing_to_do(
    sandbox: SandboxServer, admin: PbxClient
) -> None:
    tenants = (await admin.tenants())[:2]
    tids = [t.id for t in tenants]
    want = {tids[0]: routes_for(16468097065), tids[1]: routes_for(16468097070)}
    api = RuleApi(admin)
    first = await plan_with_routes(api, plan(trunk(tenants), None), want)
    assert first.routes is not None and len(first.routes.after) == 4
    assert any("Create outbound rule 'Flowroute out'" in line for line in first.describe())
    result = await apply(admin, first)
    pid = result.trunk_id
    assert pid
    assert len(sandbox.state.inbound_rules) == 2 and len(sandbox.state.outbound_rules) == 2
    route = next(iter(sandbox.state.outbound_rules.values())).data["routes"][0]
    assert route["provider_id"] == pid and route["prepend"] == "52709417*"
    assert await current_routes(api, pid, tids) == want
    current = (await admin.provider(pid)), await admin.assignees(pid)

    again = await plan_with_routes(
        api, plan(trunk(tenants), CurrentTrunk(pid, current[0], current[1])), want
    )
    assert again.is_empty, again.describe()


async def test_update_remove_and_unassign_with_rules(
    sandbox: SandboxServer, admin: PbxClient
) -> None:

    tenants = (await admin.tenants())[:2]
    tids = [t.id for t in tenants]
    api = RuleApi(admin)
    want = {tids[0]: routes_for(16468097065), tids[1]: routes_for(16468097070)}
    pid = (
        await apply(admin, await plan_with_routes(api, plan(trunk(tenants), None), want))
    ).trunk_id
    assert pid

    async def now() -> CurrentTrunk:
        return CurrentTrunk(pid, await admin.provider(pid), await admin.assignees(pid))

    changed = {
        tids[0]: TenantRoutes(outbound=routes_for(16468097065, "1").outbound, inbound=()),
        tids[1]: TenantRoutes(),  # not managed: left alone
    }
    step = await plan_with_routes(api, plan(trunk(tenants), await now()), changed)
    assert step.routes is not None
    kinds = sorted((op.kind.value, op.rule_kind) for op in step.routes.operations)
    assert kinds == [("delete", "inbound"), ("update", "outbound")]
    await apply(admin, step)
    assert await current_routes(api, pid, tids) == {
        tids[0]: TenantRoutes(outbound=routes_for(16468097065, "1").outbound, inbound=()),
        tids[1]: want[tids[1]],
    }
    # dropping the second tenant removes its rules first (the PBX refuses otherwise)
    drop = await plan_with_routes(api, plan(trunk(tenants[:1]), await now()), changed)
    assert drop.routes is not None
    assert {(op.kind, op.tenant_id) for op in drop.routes.before} == {(RuleOpKind.delete, tids[1])}
    await apply(admin, drop)
    assert [a.model_dump() for a in await admin.assignees(pid)] == [
        {"tenant_id": tids[0], "did_numbers": POOLS[0], "concurrency": 100000}
    ]
    assert len(sandbox.state.inbound_rules) == 0 and len(sandbox.state.outbound_rules) == 1


@pytest.mark.parametrize("nth", [1, 3, 6])
async def test_a_failing_call_rolls_the_rules_back(
    sandbox: SandboxServer, admin: PbxClient, nth: int
) -> None:

    tenants = (await admin.tenants())[:2]
    tids = [t.id for t in tenants]
    api = RuleApi(admin)
    base = {tids[0]: routes_for(16468097065), tids[1]: TenantRoutes(outbound=(), inbound=())}
    pid = (
        await apply(admin, await plan_with_routes(api, plan(trunk(tenants), None), base))
    ).trunk_id
    assert pid
    before = (
        {k: v.data for k, v in sandbox.state.inbound_rules.items()},
        {k: v.data for k, v in sandbox.state.outbound_rules.items()},
    )
    current = CurrentTrunk(pid, await admin.provider(pid), await admin.assignees(pid))
    # swap the rules round: tenant 1 loses its inbound rule, tenant 2 gains both
    changed = {
        tids[0]: TenantRoutes(outbound=routes_for(16468097065, "1").outbound, inbound=()),
        tids[1]: routes_for(16468097070),
    }
    step = await plan_with_routes(api, plan(trunk(tenants), current), changed)
    sandbox.faults.fail_nth(nth)
    with pytest.raises(ApplyFailed) as failed:
        await apply(admin, step)
    assert failed.value.not_rolled_back == []
    after = await current_routes(api, pid, tids)
    assert after == {tids[0]: routes_for(16468097065)}
    assert len(sandbox.state.outbound_rules) == len(before[1])
    assert [r["name"] for r in before[0].values()] == [
        r.data["name"] for r in sandbox.state.inbound_rules.values()
    ]


async def test_a_tenant_admin_routes_its_own_trunk(sandbox: SandboxServer) -> None:
    tenant = next(iter(sandbox.state.tenants.values()))
    async with PbxClient(sandbox.url) as pbx:
        await pbx.sign_in("manager", SecretStr(DEFAULT_TENANT_PASSWORD), tenant["domain"])
        api = RuleApi(pbx)
        assert api.system is False
        own = parse_trunk(
            {
                "kind": "register",
                "name": "SIPTRUNK",
                "brand": "SIPTRUNK",
                "hostname": "sip.siptrunk.example",
                "auth_id": "u1",
                "password": "pw-123456",
                "did_numbers": "16468097065",
                "level": "tenant",
            }
        )
        want: dict[str | None, TenantRoutes] = {
            None: TenantRoutes(
                outbound=(OutboundRoute(name="10 digit", number_length="10", prepend="1"),),
                inbound=(
                    InboundRoute.model_validate(
                        {"name": "In", "did_numbers": "16468097065", "forward_to": "hangup"}
                    ),
                ),
            )
        }
        result = await apply(pbx, await plan_with_routes(api, plan(own, None), want))
        assert result.trunk_id
        found = await load_rules(api, result.trunk_id, [None])
        assert routes_from_api(found.by_tenant[None], result.trunk_id) == want[None]
    assert {r.tenant_id for r in sandbox.state.inbound_rules.values()} == {tenant["id"]}


async def test_optional_fields_left_out_do_not_replan_forever(
    sandbox: SandboxServer, admin: PbxClient
) -> None:
    tenants = (await admin.tenants())[:1]
    tid = tenants[0].id
    api = RuleApi(admin)
    full = routes_for(16468097065)
    pid = (
        await apply(admin, await plan_with_routes(api, plan(trunk(tenants), None), {tid: full}))
    ).trunk_id
    assert pid

    async def replan(want: TenantRoutes) -> Any:
        current = CurrentTrunk(pid, await admin.provider(pid), await admin.assignees(pid))
        return await plan_with_routes(api, plan(trunk(tenants), current), {tid: want})

    assert full.inbound is not None and full.outbound is not None
    no_after_hours = full.inbound[0].model_copy(update={"after_hours": None})
    assert (await replan(TenantRoutes(inbound=(no_after_hours,)))).is_empty  # PBX's value kept
    no_caller = full.outbound[0].model_copy(update={"caller_id": ""})
    step = await replan(TenantRoutes(outbound=(no_caller,)))
    assert step.routes is not None and [op.kind for op in step.routes.after] == [RuleOpKind.update]
    await apply(admin, step)
    route = next(iter(sandbox.state.outbound_rules.values())).data["routes"][0]
    assert "outbound_caller_id" not in route
    assert (await replan(TenantRoutes(outbound=(no_caller,)))).is_empty


@pytest.mark.parametrize("nth", [4, 6])
async def test_a_dropped_rule_call_is_reconciled_then_rolled_back(
    sandbox: SandboxServer, admin: PbxClient, nth: int
) -> None:
    tenants = (await admin.tenants())[:1]
    tid = tenants[0].id
    api = RuleApi(admin)
    pid = (await apply(admin, plan(trunk(tenants), None))).trunk_id
    assert pid
    current = CurrentTrunk(pid, await admin.provider(pid), await admin.assignees(pid))
    step = await plan_with_routes(
        api, plan(trunk(tenants), current), {tid: routes_for(16468097065)}
    )
    # the tenant session's sign-in (2 calls), then 4: the first create, 6: the second
    sandbox.faults.drop_nth(nth)
    with pytest.raises(ApplyFailed) as failed:
        await apply(admin, step)
    assert "outcome is unknown" in str(failed.value)
    assert failed.value.not_rolled_back == []
    assert not sandbox.state.inbound_rules and not sandbox.state.outbound_rules


class LoseAnswer(httpx.AsyncBaseTransport):
    """Sends every request; loses the answer of the first ``POST {path}`` (the PBX made the
    change, the client never hears of it)."""

    def __init__(self, path: str) -> None:
        self.inner = httpx.AsyncHTTPTransport()
        self.path = path
        self.lost = False

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        response = await self.inner.handle_async_request(request)
        await response.aread()
        if not self.lost and request.method == "POST" and request.url.path == self.path:
            self.lost = True
            raise httpx.ReadError("connection reset", request=request)
        return response

    async def aclose(self) -> None:
        await self.inner.aclose()


async def test_a_rule_created_without_an_answer_is_found_and_removed(
    sandbox: SandboxServer,
) -> None:
    from trunkwiz.sandbox.server import DEFAULT_ADMIN_PASSWORD

    async with PbxClient(sandbox.url, transport=LoseAnswer("/api/inbound_rules")) as pbx:
        await pbx.sign_in("admin", SecretStr(DEFAULT_ADMIN_PASSWORD))
        tenants = (await pbx.tenants())[:1]
        want = {tenants[0].id: routes_for(16468097065)}
        step = await plan_with_routes(RuleApi(pbx), plan(trunk(tenants), None), want)
        with pytest.raises(ApplyFailed) as failed:
            await apply(pbx, step)
    assert "outcome is unknown" in str(failed.value)
    assert "create inbound rule 'From Flowroute'" in "; ".join(failed.value.rolled_back)
    assert failed.value.not_rolled_back == []
    assert not sandbox.state.inbound_rules and not sandbox.state.outbound_rules
    assert not sandbox.state.trunks
