"""The Routes step: per-tenant rules, live pool checks, skip, edit and submit over real HTTP."""

from __future__ import annotations

from typing import Any

from pydantic import SecretStr
from textual.widgets import Checkbox, SelectionList

from tests.tui.conftest import (
    fill,
    next_step,
    settle,
    step_of,
    submit,
    tenant_ids,
    text_of,
    wait_for,
)
from trunkwiz.sandbox.server import SandboxServer
from trunkwiz.service.draft import TenantPick, WizardDraft
from trunkwiz.service.services import Services
from trunkwiz.tui.app import TrunkWizApp


def rules_of(sandbox: SandboxServer, trunk_id: str) -> dict[str, list[dict[str, Any]]]:
    """The sandbox's rules that use ``trunk_id``, by kind (plain data)."""
    out: dict[str, list[dict[str, Any]]] = {"outbound": [], "inbound": []}
    for rule in sandbox.state.inbound_rules.values():
        if rule.data.get("provider_id") == trunk_id:
            out["inbound"].append(rule.data)
    for rule in sandbox.state.outbound_rules.values():
        routes = rule.data.get("routes") or []
        if any(r.get("provider_id") == trunk_id for r in routes):
            out["outbound"].append(rule.data)
    return out


def forms(app: TrunkWizApp, section: int, kind: str) -> list[Any]:
    return [f for f in app.screen.query(f"#routes-{section} .rule-{kind}")]


async def add_rule(pilot: Any, section: int, kind: str) -> Any:
    app = pilot.app
    before = len(forms(app, section, kind))
    app.screen.query_one(f"#routes-{section}-add-{kind}").focus()
    await pilot.press("enter")  # the keyboard way: the button may be scrolled out of view
    await wait_for(pilot, lambda: len(forms(app, section, kind)) == before + 1)
    return forms(app, section, kind)[-1]


async def test_flowroute_ip_trunk_with_rules_for_two_tenants(
    services: Services, sandbox: SandboxServer
) -> None:
    picks = tenant_ids(sandbox, 2)
    app = TrunkWizApp(services)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await next_step(pilot)
        await pilot.click("#kind-ip")
        await next_step(pilot)
        app.screen.query_one("#brand").value = "Flowroute"
        await settle(pilot)
        await fill(pilot, "#name", "routes-fr")
        await fill(pilot, "#hostname", "routes-fr.flowroute.test")
        await next_step(pilot)
        await next_step(pilot)  # options
        listing = app.screen.query_one("#tenant-list", SelectionList)
        for tid, _ in picks:
            listing.select(tid)
        await settle(pilot)
        for n, row in enumerate(app.screen.rows()):
            await fill(pilot, f"#tenant-{row.number}-did_numbers", f"1646809{n}000-1646809{n}099")
        await next_step(pilot)
        assert step_of(pilot) == "routes"
        await wait_for(pilot, lambda: app.screen.ready)
        await fill(pilot, "#tech_prefix", "5270941712")  # the KB's example is 8 digits; any are
        for n in range(2):
            out = await add_rule(pilot, n, "outbound")
            assert app.screen.query_one(f"#{out.uid}-prepend").value == "5270941712*"
            length = app.screen.query_one(f"#{out.uid}-number_length")
            assert length.value == "" and "ask Flowroute" in str(length.placeholder)
            await fill(pilot, f"#{out.uid}-number_length", "11")
            # live check: a caller ID outside this tenant's pool is flagged as it is typed
            await fill(pilot, f"#{out.uid}-caller_id", "15550000000")
            assert "not in the tenant's DID pool" in text_of(pilot, f"#{out.uid}-error")
            await fill(pilot, f"#{out.uid}-caller_id", f"+1646809{n}001")
            assert text_of(pilot, f"#{out.uid}-error") == ""
            inbound = await add_rule(pilot, n, "inbound")
            await fill(pilot, f"#{inbound.uid}-did_numbers", f"1646809{n}000-1646809{n}199")
            assert "not wholly in the DID pool" in text_of(pilot, f"#{inbound.uid}-error")
            await fill(pilot, f"#{inbound.uid}-did_numbers", f"1646809{n}000-1646809{n}009")
            await fill(pilot, f"#{inbound.uid}-forward_to", "1100-1199")
            assert "must match" in text_of(pilot, f"#{inbound.uid}-error")
            await fill(pilot, f"#{inbound.uid}-forward_to", "1100-1109")
            await fill(pilot, f"#{inbound.uid}-after_hours", "voicemail:1100")
            assert text_of(pilot, f"#{inbound.uid}-error") == ""
        await next_step(pilot)
        assert step_of(pilot) == "review"
        await wait_for(pilot, lambda: app.screen.plan is not None)
        plan = text_of(pilot, "#plan")
        assert "routes-fr out" in plan and "routes-fr in" in plan
        await submit(pilot)
        assert "Done:" in text_of(pilot, "#progress-line")
    trunk_id = next(
        pid for pid, t in sandbox.state.trunks.items() if t.data.get("name") == "routes-fr"
    )
    found = rules_of(sandbox, trunk_id)
    assert len(found["outbound"]) == 2 and len(found["inbound"]) == 2
    assert all(r["routes"][0]["prepend"] == "5270941712*" for r in found["outbound"])


async def test_skip_plans_no_rules(connected: Services, sandbox: SandboxServer) -> None:
    ((tid, name),) = tenant_ids(sandbox, 1)
    draft = WizardDraft(
        url=sandbox.url,
        user="admin",
        kind="ip",
        level="system",
        fields={"name": "routes-skip", "hostname": "skip.routes.test"},
        tenants=[TenantPick(tid, name, "15559100000-15559100099")],
    )
    app = TrunkWizApp(connected, start="routes", draft=draft)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await wait_for(pilot, lambda: app.screen.ready)
        out = await add_rule(pilot, 0, "outbound")
        await fill(pilot, f"#{out.uid}-caller_id", "19999999999")
        app.screen.query_one("#routes-skip", Checkbox).value = True
        await settle(pilot)
        await next_step(pilot)
        assert step_of(pilot) == "review"
        assert app.draft.routes_skipped and app.draft.tenant_routes() == {}
        await wait_for(pilot, lambda: app.screen.plan is not None)
        assert "rule" not in text_of(pilot, "#plan").lower()


async def test_review_shows_the_portal_checklist_and_warnings_before_submit(
    connected: Services, sandbox: SandboxServer
) -> None:
    ((tid, name),) = tenant_ids(sandbox, 1)
    draft = WizardDraft(
        url=sandbox.url,
        user="admin",
        kind="accept_register",
        level="system",
        fields={"name": "routes-warn", "hostname": "warn.routes.test", "auth_id": "w1"},
        password=SecretStr("pw-warn-1"),
        tenants=[TenantPick(tid, name, "")],
    )
    app = TrunkWizApp(connected, start="review", draft=draft)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await wait_for(pilot, lambda: text_of(pilot, "#plan") != "Planning…")
        await wait_for(pilot, lambda: text_of(pilot, "#checklist") != "")
        assert app.screen.query_one("#submit").display  # nothing sent yet
        checklist = text_of(pilot, "#checklist")
        assert "portal" in checklist and "203.0.113.10" in checklist
        assert "empty DID pool" in text_of(pilot, "#review-warnings")


async def make_routed_trunk(services: Services, sandbox: SandboxServer, name: str) -> str:
    """An IP trunk shared with one tenant, with two outbound rules and one inbound rule."""
    from trunkwiz.domain.routes import InboundRoute, OutboundRoute, TenantRoutes
    from trunkwiz.domain.trunk import parse_trunk
    from trunkwiz.service.routes import plan_routes

    ((tid, _),) = tenant_ids(sandbox, 1)
    conn = services.connection
    assert conn is not None
    trunk = parse_trunk(
        {
            "name": name,
            "kind": "ip",
            "hostname": f"{name}.test",
            "tenants": [{"tenant_id": tid, "did_numbers": "15559300000-15559300099"}],
        }
    )
    routes = TenantRoutes(
        outbound=(
            OutboundRoute(name=f"{name} keep", number_length="11", caller_id="15559300001"),
            OutboundRoute(name=f"{name} drop", number_prefix="00"),
        ),
        inbound=(
            InboundRoute.model_validate(
                {"name": f"{name} in", "did_numbers": "15559300000", "forward_to": "1001"}
            ),
        ),
    )
    plan = await plan_routes(conn, await conn.plan(trunk, None), {tid: routes})
    result = await conn.apply(plan)
    assert result.trunk_id
    return str(result.trunk_id)


async def test_an_edit_shows_the_rules_and_removing_one_deletes_only_it(
    connected: Services, sandbox: SandboxServer
) -> None:
    from tests.tui.test_tui_edit import kind_app, open_trunk, to_step

    trunk_id = await make_routed_trunk(connected, sandbox, "routes-edit")
    app = kind_app(connected, sandbox)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await open_trunk(pilot, trunk_id)
        await to_step(pilot, "routes")
        await wait_for(pilot, lambda: app.screen.ready)
        outs = forms(app, 0, "outbound")
        names = [app.screen.query_one(f"#{f.uid}-name").value for f in outs]
        assert names == ["routes-edit keep", "routes-edit drop"]
        assert len(forms(app, 0, "inbound")) == 1
        await next_step(pilot)  # unchanged: nothing about rules is planned
        await wait_for(pilot, lambda: app.screen.plan is not None)
        assert "rule" not in text_of(pilot, "#plan").lower()
        await pilot.press("ctrl+r")
        await wait_for(pilot, lambda: step_of(pilot) == "routes")
        await wait_for(pilot, lambda: app.screen.ready)
        drop = forms(app, 0, "outbound")[1]
        app.screen.query_one(f"#{drop.uid}-remove").focus()
        await pilot.press("enter")
        await wait_for(pilot, lambda: len(forms(app, 0, "outbound")) == 1)
        await next_step(pilot)
        await wait_for(pilot, lambda: app.screen.plan is not None)
        assert "routes-edit drop" in text_of(pilot, "#plan")
        await submit(pilot)
        assert "Done:" in text_of(pilot, "#progress-line")
    found = rules_of(sandbox, trunk_id)
    assert [r["name"] for r in found["outbound"]] == ["routes-edit keep"]
    assert [r["name"] for r in found["inbound"]] == ["routes-edit in"]


async def test_deleting_a_trunk_with_rules_names_them_and_removes_them_first(
    connected: Services, sandbox: SandboxServer
) -> None:
    from textual.widgets import Button

    from tests.tui.test_tui_edit import highlight, kind_app
    from trunkwiz.tui.screens.manage import DeleteTrunkScreen

    trunk_id = await make_routed_trunk(connected, sandbox, "routes-del")
    app = kind_app(connected, sandbox)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await highlight(pilot, trunk_id)
        await pilot.press("delete")
        await wait_for(pilot, lambda: isinstance(app.screen, DeleteTrunkScreen))
        dialog = app.screen
        await fill(pilot, "#confirm-name", "routes-del")
        dialog.query_one("#delete").focus()
        await pilot.press("enter")
        await wait_for(pilot, lambda: dialog.rules_in_use)
        error = text_of(pilot, "#delete-error")
        assert "outbound rule 'routes-del keep'" in error
        assert "inbound rule 'routes-del in'" in error
        assert trunk_id in sandbox.state.trunks  # nothing removed yet
        assert dialog.query_one("#delete", Button).disabled
        with_rules = dialog.query_one("#delete-rules", Button)
        assert with_rules.display and not with_rules.disabled
        with_rules.focus()
        await pilot.press("enter")
        await wait_for(pilot, lambda: app.screen is not dialog)
    assert trunk_id not in sandbox.state.trunks
    assert rules_of(sandbox, trunk_id) == {"outbound": [], "inbound": []}


async def test_a_tenant_admin_routes_its_own_trunk(
    services: Services, sandbox: SandboxServer
) -> None:
    from trunkwiz.sandbox.server import DEFAULT_TENANT_PASSWORD

    tenant = sorted(sandbox.state.tenants.values(), key=lambda t: t["id"])[6]
    await services.connect(
        sandbox.url, "manager", SecretStr(DEFAULT_TENANT_PASSWORD), tenant["domain"]
    )
    draft = WizardDraft(
        url=sandbox.url,
        user="manager",
        kind="register",
        level="tenant",
        password=SecretStr("own-routes-pw"),
        fields={
            "name": "own-routes",
            "hostname": "own.routes.test",
            "auth_id": "own-acct",
            "brand": "SIPTRUNK",
            "did_numbers": "15556100000-15556100009",
        },
    )
    app = TrunkWizApp(services, start="routes", draft=draft)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await wait_for(pilot, lambda: app.screen.ready)
        assert "Your tenant" in text_of(pilot, "#routes-0 .tenant-name")
        out = await add_rule(pilot, 0, "outbound")
        assert app.screen.query_one(f"#{out.uid}-prepend").value == "1"  # SIPTRUNK, 10 digits
        assert app.screen.query_one(f"#{out.uid}-number_length").value == "10"
        inbound = await add_rule(pilot, 0, "inbound")
        await fill(pilot, f"#{inbound.uid}-did_numbers", "15556100000")
        await fill(pilot, f"#{inbound.uid}-forward_to", "hangup")
        await next_step(pilot)
        assert step_of(pilot) == "review"
        await wait_for(pilot, lambda: text_of(pilot, "#plan") != "Planning…")
        await wait_for(pilot, lambda: app.screen.plan is not None)
        await submit(pilot)
        assert "Done:" in text_of(pilot, "#progress-line")
    trunk_id = next(
        pid for pid, t in sandbox.state.trunks.items() if t.data.get("name") == "own-routes"
    )
    found = rules_of(sandbox, trunk_id)
    assert [r["name"] for r in found["outbound"]] == ["own-routes out"]
    assert [r["name"] for r in found["inbound"]] == ["own-routes in"]
