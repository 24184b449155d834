"""Contract: every rule request (and its answer) validates against the v22 spec, including
the tenant switch, both destroys and the bodies a rollback sends to restore rules."""

from __future__ import annotations

import json

import pytest
from openapi_core.testing import MockResponse
from pydantic import SecretStr

from tests.pbx.test_pbx_contract import Recorder, as_mock, openapi_for
from tests.pbx.test_pbx_rules import routes_for, trunk
from trunkwiz.domain.routes import TenantRoutes
from trunkwiz.pbx.client import PbxClient
from trunkwiz.pbx.plan import ApplyFailed, apply, plan
from trunkwiz.pbx.planning import CurrentTrunk
from trunkwiz.pbx.rules import RuleApi
from trunkwiz.pbx.rules_plan import plan_with_routes
from trunkwiz.sandbox.server import DEFAULT_ADMIN_PASSWORD, SandboxServer


async def rule_flow(server: SandboxServer, transport: Recorder) -> None:
    async with PbxClient(server.url, transport=transport) as pbx:
        await pbx.sign_in("admin", SecretStr(DEFAULT_ADMIN_PASSWORD))
        tenants = (await pbx.tenants())[:2]
        tids = [t.id for t in tenants]
        api = RuleApi(pbx)
        want = {tids[0]: routes_for(16468097065), tids[1]: routes_for(16468097070)}
        pid = (
            await apply(pbx, await plan_with_routes(api, plan(trunk(tenants), None), want))
        ).trunk_id
        assert pid

        async def now() -> CurrentTrunk:
            return CurrentTrunk(pid, await pbx.provider(pid), await pbx.assignees(pid))

        changed = {
            tids[0]: TenantRoutes(outbound=routes_for(16468097065, "1").outbound, inbound=()),
            tids[1]: TenantRoutes(outbound=(), inbound=routes_for(16468097070).inbound),
        }
        step = await plan_with_routes(api, plan(trunk(tenants), await now()), changed)
        server.faults.fail_nth(6)  # the update, after both removals: they are undone
        with pytest.raises(ApplyFailed):
            await apply(pbx, step)
        await apply(pbx, await plan_with_routes(api, plan(trunk(tenants), await now()), changed))
        await apply(pbx, await plan_with_routes(api, plan(trunk(tenants[:1]), await now()), {}))


async def test_every_rule_exchange_matches_the_spec(sandbox: SandboxServer) -> None:
    recorder = Recorder()
    await rule_flow(sandbox, recorder)
    api = openapi_for(sandbox.url)
    problems: list[str] = []
    seen: set[tuple[str, str]] = set()
    for request, status, headers, body in recorder.exchanges:
        path = request.url.path
        if "rules" not in path and "switch" not in path:
            continue
        mock = as_mock(request)
        try:
            api.validate_request(mock)
        except Exception as exc:
            problems.append(f"request {request.method} {request.url}: {exc!r}")
            continue
        if status >= 400:
            seen.add((request.method, str(status)))
            continue
        kind = "destroy" if path.endswith("/destroy") else "id" if path.count("/") > 2 else "col"
        seen.add((request.method, f"{path.split('/')[2]}:{kind}"))
        response = MockResponse(
            body, status_code=status, headers=headers,
            content_type=headers.get("content-type", "application/json") if body else "",
        )  # fmt: skip
        try:
            api.validate_response(mock, response)
        except Exception as exc:
            problems.append(f"response {status} to {request.method} {request.url}: {exc!r}")
    assert problems == []
    for kind in ("inbound_rules", "outbound_rules"):
        for call in (("GET", "col"), ("POST", "col"), ("POST", "destroy")):
            assert (call[0], f"{kind}:{call[1]}") in seen, (kind, call)
    assert ("GET", "outbound_rules:id") in seen  # details carry the routes
    assert ("POST", "outbound_rules:id") in seen  # an update
    assert ("POST", "tenants:id") in seen  # the switch
    assert ("POST", "500") in seen  # the planted failure
    bodies = [
        json.loads(r.content)
        for r, _, _, _ in recorder.exchanges
        if r.method == "POST" and r.url.path.endswith("/inbound_rules")
    ]
    # a removed rule created again in full: with a field trunkwiz itself never sends
    assert any("play_recording_disclaimer" in b for b in bodies)
