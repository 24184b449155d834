"""Check boxes, radio buttons and the tenant list show their state in characters, not
only in colour (a monochrome terminal, ``NO_COLOR``, a screen reader, a pane capture)."""

from __future__ import annotations

import re

from textual.widgets import Checkbox, SelectionList

from tests.support.pilot import screen_text, settle, wait_for
from trunkwiz.sandbox.server import SandboxServer
from trunkwiz.service.draft import WizardDraft
from trunkwiz.service.services import Services
from trunkwiz.tui.app import TrunkWizApp


def line_with(text: str, screen: str) -> str:
    return next((line for line in screen.splitlines() if text in line), "")


async def test_a_check_box_reads_x_when_checked(services: Services) -> None:
    app = TrunkWizApp(services)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        box = app.screen.query_one("#keep_password", Checkbox)
        box.value = False
        await settle(pilot)
        assert "[ ] Keep the password" in line_with("Keep the password", screen_text(pilot))
        box.value = True
        await settle(pilot)
        assert "[x] Keep the password" in line_with("Keep the password", screen_text(pilot))


async def test_the_chosen_kind_reads_a_dot(connected: Services, sandbox: SandboxServer) -> None:
    draft = WizardDraft(url=sandbox.url, user="admin", level="system")
    app = TrunkWizApp(connected, start="kind", draft=draft)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        shown = screen_text(pilot)
        assert re.search(r"\(•\) Register", shown)
        assert re.search(r"\( \) IP", shown)
        assert "▐" not in shown and "▌" not in shown


async def test_picked_tenants_read_x(connected: Services, sandbox: SandboxServer) -> None:
    fields = {"name": "marks", "hostname": "sip.marks.test", "auth_id": "a"}
    draft = WizardDraft(url="x", user="admin", kind="ip", level="system", fields=fields)
    app = TrunkWizApp(connected, start="tenants", draft=draft)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        listing = app.screen.query_one("#tenant-list", SelectionList)
        await wait_for(pilot, lambda: listing.option_count > 1)
        first = str(listing.get_option_at_index(0).prompt)
        second = str(listing.get_option_at_index(1).prompt)
        listing.select(listing.get_option_at_index(0).value)
        await settle(pilot)
        shown = screen_text(pilot)
        assert f"[x] {first}" in shown
        assert f"[ ] {second}" in shown
