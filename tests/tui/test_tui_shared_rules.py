"""A rule that routes through two trunks, in the wizard (over real HTTP to the sandbox):
removing it in one trunk's Routes step, or deleting one trunk with its rules, keeps the
other trunk's route."""

from __future__ import annotations

from typing import Any

from tests.tui.conftest import fill, next_step, settle, submit, tenant_ids, text_of, wait_for
from tests.tui.test_tui_routes import forms
from trunkwiz.sandbox.server import SandboxServer
from trunkwiz.service.services import Services


async def two_trunks_one_rule(
    services: Services, sandbox: SandboxServer, tag: str, base: int
) -> tuple[str, str]:
    """Trunks ``<tag>-a`` and ``<tag>-b`` shared with one tenant; outbound rule
    ``<tag> shared`` routes through a, then b (made by another admin's session)."""
    from pydantic import SecretStr

    from trunkwiz.domain.trunk import parse_trunk
    from trunkwiz.pbx.client import PbxClient
    from trunkwiz.sandbox.server import DEFAULT_ADMIN_PASSWORD

    ((tid, _),) = tenant_ids(sandbox, 1)
    conn = services.connection
    assert conn is not None
    ids = []
    for n, side in enumerate(("a", "b")):
        trunk = parse_trunk(
            {
                "name": f"{tag}-{side}",
                "kind": "ip",
                "hostname": f"{tag}-{side}.test",
                "tenants": [{"tenant_id": tid, "did_numbers": str(base + n)}],
            }
        )
        result = await conn.apply(await conn.plan(trunk, None))
        assert result.trunk_id
        ids.append(str(result.trunk_id))
    days = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
    all_day = {"enabled": True, "ranges": [{"from": "00:00", "to": "23:59"}]}
    async with PbxClient(sandbox.url) as other:
        await other.sign_in("admin", SecretStr(DEFAULT_ADMIN_PASSWORD))
        await other.request("POST", "/tenants/switch", params={"id": tid})
        await other.post_json(
            "/outbound_rules",
            {
                "name": f"{tag} shared",
                "number_length": "11",
                "office_hours": {"mode": "CUSTOM"} | dict.fromkeys(days, all_day),
                "routes": [
                    {"provider_id": pid, "enabled": True, "strip_digits": 0, "prepend": ""}
                    for pid in ids
                ],
            },
        )
        await other.sign_out()
    return ids[0], ids[1]


def shared_routes(sandbox: SandboxServer, tag: str) -> list[Any] | None:
    found = [
        r.data for r in sandbox.state.outbound_rules.values() if r.data["name"] == f"{tag} shared"
    ]
    assert len(found) <= 1
    return [r["provider_id"] for r in found[0]["routes"]] if found else None


async def test_removing_a_shared_rule_in_the_routes_step_keeps_the_other_route(
    connected: Services, sandbox: SandboxServer
) -> None:
    from tests.tui.test_tui_edit import kind_app, open_trunk, to_step

    a, b = await two_trunks_one_rule(connected, sandbox, "shared-edit", 15559600000)
    app = kind_app(connected, sandbox)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await open_trunk(pilot, a)
        await to_step(pilot, "routes")
        await wait_for(pilot, lambda: app.screen.ready)
        (out,) = forms(app, 0, "outbound")
        app.screen.query_one(f"#{out.uid}-remove").focus()
        await pilot.press("enter")
        await wait_for(pilot, lambda: not forms(app, 0, "outbound"))
        await next_step(pilot)
        await wait_for(pilot, lambda: app.screen.plan is not None)
        plan = text_of(pilot, "#plan")
        assert "Remove this trunk's route from outbound rule 'shared-edit shared'" in plan
        await submit(pilot)
        assert "Done:" in text_of(pilot, "#progress-line")
    assert shared_routes(sandbox, "shared-edit") == [b], "the rule the other trunk routes went"


async def test_deleting_a_trunk_with_rules_keeps_the_other_trunks_route(
    connected: Services, sandbox: SandboxServer
) -> None:
    from textual.widgets import Button

    from tests.tui.test_tui_edit import highlight, kind_app
    from trunkwiz.tui.screens.manage import DeleteTrunkScreen

    a, b = await two_trunks_one_rule(connected, sandbox, "shared-del", 15559700000)
    app = kind_app(connected, sandbox)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await highlight(pilot, b)
        await pilot.press("delete")
        await wait_for(pilot, lambda: isinstance(app.screen, DeleteTrunkScreen))
        dialog = app.screen
        await fill(pilot, "#confirm-name", "shared-del-b")
        dialog.query_one("#delete").focus()
        await pilot.press("enter")
        await wait_for(pilot, lambda: dialog.rules_in_use)
        error = text_of(pilot, "#delete-error")
        assert "outbound rule 'shared-del shared'" in error
        assert "only this trunk's route goes" in error
        with_rules = dialog.query_one("#delete-rules", Button)
        with_rules.focus()
        await pilot.press("enter")
        await wait_for(pilot, lambda: app.screen is not dialog)
    assert b not in sandbox.state.trunks
    assert shared_routes(sandbox, "shared-del") == [a], "the rule the other trunk routes went"
