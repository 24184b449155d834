"""Step 6, Tenants: all pages listed, search, per-tenant pools checked on every keystroke."""

from __future__ import annotations

from textual.widgets import SelectionList

from tests.tui.conftest import (
    create_trunk,
    fill,
    next_step,
    screen_text,
    settle,
    step_of,
    tenant_ids,
    text_of,
    type_text,
)
from trunkwiz.sandbox.server import SandboxServer
from trunkwiz.service.draft import WizardDraft
from trunkwiz.service.services import Services
from trunkwiz.tui.app import TrunkWizApp
from trunkwiz.tui.screens.tenants import WINDOW, TenantRow, TenantsScreen
from trunkwiz.tui.widgets.didpool import DidPoolInput


def tenants_app(services: Services, hostname: str) -> TrunkWizApp:
    fields = {"name": f"t-{hostname}", "hostname": hostname, "auth_id": "a"}
    draft = WizardDraft(url="x", user="admin", kind="ip", level="system", fields=fields)
    return TrunkWizApp(services, start="tenants", draft=draft)


def highlighted_id(listing: SelectionList[str]) -> str | None:
    """The tenant id of the highlighted option, if any."""
    at = listing.highlighted
    return None if at is None else listing.get_option_at_index(at).value


async def pick(pilot: object, *tenant_ids: str) -> list[TenantRow]:
    app = pilot.app  # type: ignore[attr-defined]
    listing = app.screen.query_one("#tenant-list", SelectionList)
    for tid in tenant_ids:
        listing.select(tid)
    await settle(pilot)  # type: ignore[arg-type]
    return list(app.screen.rows())


async def test_every_tenant_is_listed_and_the_search_filters(
    connected: Services, sandbox: SandboxServer
) -> None:
    app = tenants_app(connected, "list.tenants.test")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        listing = app.screen.query_one("#tenant-list", SelectionList)
        assert len(sandbox.state.tenants) == 120  # more than a page
        assert listing.option_count == WINDOW  # the list holds a window of them
        ((first_id, first_name),) = tenant_ids(sandbox, 1)
        await pick(pilot, first_id)
        await type_text(pilot, "#tenant-search", first_name.split()[0].lower())
        await settle(pilot)
        assert 0 < listing.option_count < 120
        await fill(pilot, "#tenant-search", "no-such-tenant")
        await settle(pilot)
        assert listing.option_count == 0
        await fill(pilot, "#tenant-search", "")
        await settle(pilot)
        assert listing.option_count == WINDOW
        assert first_id in listing.selected  # the pick survived filtering


async def test_moving_down_the_list_reaches_every_tenant(
    connected: Services, sandbox: SandboxServer
) -> None:
    """The list holds a window of the tenants and grows it as the highlight nears its
    end: every tenant is reachable with the keys, the last one included."""
    app = tenants_app(connected, "window.tenants.test")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        listing = app.screen.query_one("#tenant-list", SelectionList)
        listing.focus()
        await pilot.press("end")
        for _ in range(3):  # each time the end is near, another window is added
            await settle(pilot)
            await pilot.press("end")
        await settle(pilot)
        assert listing.option_count == 120
        last_id, _ = tenant_ids(sandbox, 120)[-1]
        assert listing.get_option_at_index(listing.highlighted or 0).value == last_id
        await pilot.press("space")
        await settle(pilot)
        assert last_id in app.screen.picked


async def test_overlapping_pools_are_flagged_live_and_next_waits(
    connected: Services, sandbox: SandboxServer
) -> None:
    (a_id, a_name), (b_id, b_name) = tenant_ids(sandbox, 2)
    app = tenants_app(connected, "overlap.tenants.test")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        row_a, row_b = await pick(pilot, a_id, b_id)
        await fill(pilot, f"#tenant-{row_a.number}-did_numbers", "15551000000-15551000099")
        await type_text(pilot, f"#tenant-{row_b.number}-did_numbers", "15551000200;15551000050")
        error_b = text_of(pilot, f"#tenant-{row_b.number}-did_numbers-error")
        assert "15551000050 overlaps 15551000000-15551000099" in error_b and a_name in error_b
        pool_b = app.screen.query_one(f"#tenant-{row_b.number}-did_numbers", DidPoolInput)
        # The entry at fault is the second one: offsets 12..23 of the text.
        assert [(i.start, i.end) for i in pool_b.issues] == [(12, 23)]
        assert app.screen.query_one("#next").disabled
        assert b_name in text_of(pilot, "#nav-status") or a_name in text_of(pilot, "#nav-status")
        await fill(pilot, f"#tenant-{row_b.number}-did_numbers", "15551000200;15551000150")
        assert text_of(pilot, f"#tenant-{row_b.number}-did_numbers-error") == ""
        assert text_of(pilot, f"#tenant-{row_a.number}-did_numbers-error") == ""
        assert not app.screen.query_one("#next").disabled
        await next_step(pilot)
        assert step_of(pilot) == "routes"
        assert [(t.tenant_id, t.did_numbers) for t in app.draft.tenants] == [
            (a_id, "15551000000-15551000099"),
            (b_id, "15551000200;15551000150"),
        ]


async def test_syntax_errors_are_underlined_where_they_are(
    connected: Services, sandbox: SandboxServer
) -> None:
    ((a_id, _),) = tenant_ids(sandbox, 1)
    app = tenants_app(connected, "syntax.tenants.test")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        (row,) = await pick(pilot, a_id)
        await fill(pilot, f"#tenant-{row.number}-did_numbers", "15552000000;+15552000001")
        pool = app.screen.query_one(f"#tenant-{row.number}-did_numbers", DidPoolInput)
        assert [i.code for i in pool.issues] == ["leading-plus"]
        assert pool.issues[0].start == 12
        assert app.screen.query_one("#next").disabled


async def test_pools_the_pbx_holds_for_the_same_host_are_checked(
    connected: Services, sandbox: SandboxServer
) -> None:
    (a_id, a_name), (b_id, _) = tenant_ids(sandbox, 2)
    await create_trunk(
        connected,
        kind="ip",
        name="held-trunk",
        hostname="held.tenants.test",
        tenants=[
            {"tenant_id": a_id, "tenant_name": a_name, "did_numbers": "15553000000-15553000999"}
        ],
    )
    app = tenants_app(connected, "held.tenants.test")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert "1 PBX pool(s)" in text_of(pilot, "#pools-info")
        (row,) = await pick(pilot, b_id)
        await type_text(pilot, f"#tenant-{row.number}-did_numbers", "15553000500")
        message = text_of(pilot, f"#tenant-{row.number}-did_numbers-error")
        assert "15553000500 overlaps 15553000000-15553000999 of trunk held-trunk" in message
        assert a_name in message
        assert app.screen.query_one("#next").disabled
    # Another host: the same numbers are free.
    app = tenants_app(connected, "other.tenants.test")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        (row,) = await pick(pilot, b_id)
        await fill(pilot, f"#tenant-{row.number}-did_numbers", "15553000500")
        assert text_of(pilot, f"#tenant-{row.number}-did_numbers-error") == ""
        assert not app.screen.query_one("#next").disabled


async def test_unpicking_a_tenant_removes_its_row_and_its_collisions(
    connected: Services, sandbox: SandboxServer
) -> None:
    (a_id, _), (b_id, _) = tenant_ids(sandbox, 2)
    app = tenants_app(connected, "unpick.tenants.test")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        row_a, row_b = await pick(pilot, a_id, b_id)
        await fill(pilot, f"#tenant-{row_a.number}-did_numbers", "15554000000")
        await fill(pilot, f"#tenant-{row_b.number}-did_numbers", "15554000000")
        assert app.screen.query_one("#next").disabled
        app.screen.query_one("#tenant-list", SelectionList).deselect(a_id)
        await settle(pilot)
        assert isinstance(app.screen, TenantsScreen)
        assert [r.pick.tenant_id for r in app.screen.rows()] == [b_id]
        assert text_of(pilot, f"#tenant-{row_b.number}-did_numbers-error") == ""
        assert not app.screen.query_one("#next").disabled


async def test_the_first_tenant_is_highlighted_so_tab_then_space_picks_it(
    connected: Services, sandbox: SandboxServer
) -> None:
    ((first_id, _),) = tenant_ids(sandbox, 1)
    app = tenants_app(connected, "keys.tenants.test")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        listing = app.screen.query_one("#tenant-list", SelectionList)
        assert listing.highlighted == 0
        await pilot.press("tab")
        assert listing.has_focus
        await pilot.press("space")
        await settle(pilot)
        assert isinstance(app.screen, TenantsScreen)
        assert [r.pick.tenant_id for r in app.screen.rows()] == [first_id]


async def test_the_highlight_follows_the_search_filter(
    connected: Services, sandbox: SandboxServer
) -> None:
    app = tenants_app(connected, "filter.tenants.test")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        listing: SelectionList[str] = app.screen.query_one("#tenant-list", SelectionList)
        second = listing.get_option_at_index(1).value
        listing.highlighted = 1
        # A filter that still lists the highlighted tenant keeps it highlighted ...
        await type_text(pilot, "#tenant-search", "sandbox.test")
        assert highlighted_id(listing) == second
        # ... one that hides it highlights the first match, and no match highlights nothing.
        target = sorted(sandbox.state.tenants.values(), key=lambda t: t["name"].lower())[-1]
        await fill(pilot, "#tenant-search", str(target["name"]).lower())
        assert listing.highlighted == 0 and listing.option_count >= 1
        assert highlighted_id(listing) == str(target["id"])
        await fill(pilot, "#tenant-search", "no-such-tenant")
        assert listing.highlighted is None
        await fill(pilot, "#tenant-search", "")
        assert listing.highlighted == 0


async def test_the_intro_and_the_pool_line_fit_one_line_each_at_80_columns(
    connected: Services, sandbox: SandboxServer
) -> None:
    app = tenants_app(connected, "sip.acme-carrier.test")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert app.screen.query_one("#intro").size.height == 1
        assert app.screen.query_one("#pools-info").size.height == 1
        shown = screen_text(pilot)
        assert "give each one a DID pool and a call cap." in shown
        assert "120 tenants. Overlaps checked against 0 PBX pool(s) for sip.acme-carrier.test" in (
            shown
        )
