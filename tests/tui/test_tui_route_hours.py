"""The Routes step shows each rule's office hours and whether its route is on; editing a
rule whose route is off keeps it off (over real HTTP to the sandbox)."""

from __future__ import annotations

from tests.tui.conftest import fill, next_step, settle, submit, tenant_ids, text_of, wait_for
from tests.tui.test_tui_routes import forms, rules_of
from trunkwiz.sandbox.server import SandboxServer
from trunkwiz.service.services import Services


async def make_trunk_with_a_disabled_route(services: Services, sandbox: SandboxServer) -> str:
    from trunkwiz.domain.routes import InboundRoute, OutboundRoute, TenantRoutes
    from trunkwiz.domain.trunk import parse_trunk
    from trunkwiz.service.routes import plan_routes

    ((tid, _),) = tenant_ids(sandbox, 1)
    conn = services.connection
    assert conn is not None
    trunk = parse_trunk(
        {
            "name": "hours-edit",
            "kind": "ip",
            "hostname": "hours-edit.test",
            "tenants": [{"tenant_id": tid, "did_numbers": "15559400000-15559400099"}],
        }
    )
    routes = TenantRoutes(
        outbound=(
            OutboundRoute(
                name="hours off",
                number_length="11",
                prepend="9",
                enabled=False,
                office_hours={"monday": "09:00-17:00"},
            ),
        ),
        inbound=(
            InboundRoute.model_validate(
                {"name": "hours in", "did_numbers": "15559400000", "forward_to": "1001",
                 "after_hours": "voicemail:1001"}
            ),
        ),
    )  # fmt: skip
    result = await conn.apply(await plan_routes(conn, await conn.plan(trunk, None), {tid: routes}))
    assert result.trunk_id
    return str(result.trunk_id)


async def test_hours_and_a_disabled_route_are_shown_and_kept(
    connected: Services, sandbox: SandboxServer
) -> None:
    from tests.tui.test_tui_edit import kind_app, open_trunk, to_step

    trunk_id = await make_trunk_with_a_disabled_route(connected, sandbox)
    app = kind_app(connected, sandbox)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await open_trunk(pilot, trunk_id)
        await to_step(pilot, "routes")
        await wait_for(pilot, lambda: app.screen.ready)
        (out,) = forms(app, 0, "outbound")
        (inbound,) = forms(app, 0, "inbound")
        assert app.screen.query_one(f"#{out.uid}-enabled").value == "no"
        assert app.screen.query_one(f"#{out.uid}-office_hours").value == "monday 09:00-17:00"
        assert app.screen.query_one(f"#{inbound.uid}-office_hours").value == "global"
        hints = [str(w.render()) for w in app.screen.query(".hint")]
        assert any("Office hours: always (the default" in h for h in hints)
        await fill(pilot, f"#{out.uid}-prepend", "1")
        await next_step(pilot)
        await wait_for(pilot, lambda: app.screen.plan is not None)
        plan = text_of(pilot, "#plan")
        assert "route disabled" in plan and "office hours monday 09:00-17:00" in plan
        await submit(pilot)
        assert "Done:" in text_of(pilot, "#progress-line")
    (rule,) = rules_of(sandbox, trunk_id)["outbound"]
    assert rule["routes"][0]["prepend"] == "1"
    assert rule["routes"][0]["enabled"] is False
