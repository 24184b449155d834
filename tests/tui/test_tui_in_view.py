"""What you type is always on screen: at 80x24 every step scrolls the focused widget into
view (a rule form added at the bottom, the Flowroute "Holidays to" field and a Remove
button), and a message about a field shows next to that field."""

from __future__ import annotations

from typing import Any

from tests.tui.conftest import settle, tenant_ids, wait_for
from trunkwiz.sandbox.server import SandboxServer
from trunkwiz.service.draft import TenantPick, WizardDraft
from trunkwiz.service.services import Services
from trunkwiz.tui.app import TrunkWizApp


def routes_app(services: Services, sandbox: SandboxServer, brand: str = "Generic") -> TrunkWizApp:
    picks = tenant_ids(sandbox, 2)
    draft = WizardDraft(
        url=sandbox.url, user="admin", kind="ip", level="system",
        fields={"name": "inview", "hostname": "inview.test", "brand": brand},
        tenants=[TenantPick(tid, name, f"1646809{n}000-1646809{n}099")
                 for n, (tid, name) in enumerate(picks)],
    )  # fmt: skip
    return TrunkWizApp(services, start="routes", draft=draft)


def assert_focus_on_screen(pilot: Any, what: str) -> None:
    """The focused widget lies wholly inside the screen and inside the step's body."""
    app = pilot.app
    focused = app.focused
    assert focused is not None, f"{what}: nothing focused"
    region = focused.region
    screen = app.screen.region
    assert region.area > 0, f"{what}: {focused!r} is not shown ({region})"
    assert screen.contains_region(region), f"{what}: {focused!r} at {region} is off {screen}"
    body = app.screen.query("#body")
    if body and focused in body.first().walk_children():
        assert body.first().region.contains_region(region), (
            f"{what}: {focused!r} at {region} is outside the body {body.first().region}"
        )


async def press(pilot: Any, *keys: str) -> None:
    await pilot.press(*keys)
    await settle(pilot)


async def tab_to(pilot: Any, widget_id: str, key: str = "tab") -> None:
    """Tab (as the user does) until ``widget_id`` has focus, checking the view each time."""
    for _ in range(80):
        if pilot.app.focused is not None and pilot.app.focused.id == widget_id:
            return
        await press(pilot, key)
        assert_focus_on_screen(pilot, f"{key} towards {widget_id}")
    raise AssertionError(f"{widget_id} never got focus")


async def test_a_rule_form_added_at_the_bottom_is_scrolled_into_view(
    connected: Services, sandbox: SandboxServer
) -> None:
    app = routes_app(connected, sandbox)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await wait_for(pilot, lambda: app.screen.ready)
        for kind in ("outbound", "inbound"):
            await tab_to(pilot, f"routes-0-add-{kind}")
            await press(pilot, "enter")
            assert_focus_on_screen(pilot, f"after adding the first tenant's {kind} rule")
        await tab_to(pilot, "routes-1-add-outbound")
        await press(pilot, "enter")
        assert app.focused is not None and "rule" in (app.focused.id or "")
        assert_focus_on_screen(pilot, "in the second tenant's new outbound rule")
        await press(pilot, *"x1")
        assert_focus_on_screen(pilot, "after typing")
        for _ in range(12):
            await press(pilot, "tab")
            assert_focus_on_screen(pilot, "tabbing through the new form")


async def test_flowroute_holidays_and_remove_are_scrolled_into_view(
    connected: Services, sandbox: SandboxServer
) -> None:
    app = routes_app(connected, sandbox, brand="Flowroute")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await wait_for(pilot, lambda: app.screen.ready)
        await tab_to(pilot, "routes-0-add-inbound")
        await press(pilot, "enter")
        form = app.screen.query(".rule-inbound").first()
        await tab_to(pilot, f"{form.id}-holidays")
        await press(pilot, *"1001")
        assert_focus_on_screen(pilot, "typing in Holidays to")
        await tab_to(pilot, f"{form.id}-remove")
        await press(pilot, "enter")
        assert not app.screen.query(".rule-inbound")
        assert_focus_on_screen(pilot, "after Remove")


async def test_keys_that_scroll_the_body_leave_the_focused_field_in_view(
    connected: Services, sandbox: SandboxServer
) -> None:
    """Down, Page Down and End on a focused checkbox scroll the step's body (they are the
    body's keys, not the checkbox's): the body comes back to the focused widget, which
    stays inside the body, not above it where the screen alone would still count it."""
    app = routes_app(connected, sandbox)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await wait_for(pilot, lambda: app.screen.ready)
        for kind in ("outbound", "inbound"):
            await tab_to(pilot, f"routes-0-add-{kind}")
            await press(pilot, "enter")
        await tab_to(pilot, "routes-skip", "shift+tab")
        body = app.screen.query_one("#body")
        assert body.max_scroll_y > 0, "the step should be taller than the screen"
        for key in ("down", "pagedown", "end", "down"):
            await press(pilot, key)
            assert app.focused is not None and app.focused.id == "routes-skip"
            assert_focus_on_screen(pilot, f"after {key} on the Skip checkbox")


async def test_the_focused_field_stays_in_view_when_the_window_shrinks(
    connected: Services, sandbox: SandboxServer
) -> None:
    """A layout that moves the focused field (here the window made smaller) scrolls the
    body to it again: focus changes are not the only thing that hides a field."""
    app = routes_app(connected, sandbox)
    async with app.run_test(size=(80, 60)) as pilot:
        await settle(pilot)
        await wait_for(pilot, lambda: app.screen.ready)
        await tab_to(pilot, "routes-1-add-inbound")
        await press(pilot, "enter")
        form = app.screen.query(".rule-inbound").first()
        await tab_to(pilot, f"{form.id}-office_hours")
        assert_focus_on_screen(pilot, "before the resize")
        await pilot.resize_terminal(80, 24)
        await settle(pilot)
        await wait_for(pilot, lambda: app.size.height == 24)
        assert_focus_on_screen(pilot, "after the window shrank to 80x24")


async def test_an_overlap_is_shown_under_the_pool_being_typed_and_on_screen(
    connected: Services, sandbox: SandboxServer
) -> None:
    """Two tenants whose pools overlap: the message stands under the pool that was typed
    into (the one at fault), once, on screen; the other tenant's pool shows none."""
    app = routes_app(connected, sandbox)
    app.draft.step = "tenants"
    app._first_step = "tenants"
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await wait_for(pilot, lambda: len(app.screen.rows()) == 2)
        first, second = app.screen.rows()
        # the first tenant's pool is 16468090000-16468090099; the second types into it
        field = f"tenant-{second.number}-did_numbers"
        await tab_to(pilot, field)
        await press(pilot, "ctrl+u", *"16468090050")
        errors = {
            row.number: str(
                app.screen.query_one(f"#tenant-{row.number}-did_numbers-error").render()
            )
            for row in (first, second)
        }
        assert "overlaps" in errors[second.number], errors
        assert errors[first.number] == "", errors
        line = app.screen.query_one(f"#tenant-{second.number}-did_numbers-error")
        assert app.screen.query_one("#body").region.contains_region(line.region), line.region
        assert_focus_on_screen(pilot, "typing the overlapping pool")
        # typing into the first pool makes it the one at fault
        await tab_to(pilot, f"tenant-{first.number}-did_numbers", "shift+tab")
        await press(pilot, "end", "backspace")
        await press(pilot, "9")
        errors = {
            row.number: str(
                app.screen.query_one(f"#tenant-{row.number}-did_numbers-error").render()
            )
            for row in (first, second)
        }
        assert "overlaps" in errors[first.number] and errors[second.number] == "", errors
