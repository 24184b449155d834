"""Hostile PBX text in the wizard: names, tenant names, statuses and error messages with
terminal escapes or Textual markup are shown literally (control characters made
visible), never parsed as markup, and crash or freeze nothing (issue 11, items 1 and 2)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from textual.app import App, ComposeResult
from textual.widgets import OptionList, SelectionList

from tests.support.hostile import (
    ESCAPE_NAMES,
    HOSTILE_401,
    HOSTILE_STATUS,
    MARKUP_NAMES,
    REFUSE_SIGN_IN,
    TENANT_NAMES,
    hostile_sandbox,
    raw_controls,
)
from tests.tui.conftest import (
    fill,
    make_services,
    next_step,
    screen_text,
    settle,
    step_of,
    text_of,
    type_text,
    wait_for,
)
from trunkwiz.domain.text import visible
from trunkwiz.sandbox.server import SandboxServer
from trunkwiz.service.draft import WizardDraft
from trunkwiz.service.services import Services
from trunkwiz.tui.app import TrunkWizApp
from trunkwiz.tui.widgets.status import StatusPanel


@pytest.fixture(scope="module")
def sandbox() -> Iterator[SandboxServer]:
    """The module's PBX: hostile tenant names, trunk names and statuses."""
    server = hostile_sandbox()
    try:
        yield server
    finally:
        server.stop()


def _option_texts(listing: OptionList) -> list[str]:
    return [
        str(getattr(o.prompt, "plain", o.prompt))
        for o in (listing.get_option_at_index(i) for i in range(listing.option_count))
    ]


async def test_the_trunk_list_shows_hostile_names_literally(connected: Services) -> None:
    draft = WizardDraft(url="x", user="admin", level="system")
    app = TrunkWizApp(connected, start="kind", draft=draft)
    async with app.run_test(size=(120, 30)) as pilot:
        listing = app.screen.query_one("#trunks", OptionList)
        await wait_for(pilot, lambda: listing.option_count == 6 and not listing.options[0].disabled)
        rows = "\n".join(_option_texts(listing))
        assert raw_controls(rows) == []
        for name in MARKUP_NAMES:
            assert name[:16] in rows  # the list cuts names at 16 columns
        for name in ESCAPE_NAMES:
            assert visible(name)[:16] in rows
        assert visible(HOSTILE_STATUS) in rows
        assert raw_controls(screen_text(pilot)) == []


async def test_the_tenant_list_and_overlaps_name_markup_tenants_and_trunks_literally(
    connected: Services, sandbox: SandboxServer
) -> None:
    # "Carrier [/old]" holds 15550000003 on host 203.0.113.13 for the first tenant.
    fields = {"name": "new", "hostname": "203.0.113.13"}
    draft = WizardDraft(url="x", user="admin", kind="ip", level="system", fields=fields)
    app = TrunkWizApp(connected, start="tenants", draft=draft)
    async with app.run_test(size=(100, 30)) as pilot:
        listing = app.screen.query_one("#tenant-list", SelectionList)
        await wait_for(pilot, lambda: listing.option_count == len(sandbox.state.tenants))
        prompts = [str(listing.get_option_at_index(i).prompt) for i in range(listing.option_count)]
        assert any(p.startswith("Acme Dental [/EU] 001  (") for p in prompts)
        assert any(p.startswith(visible(TENANT_NAMES[1])) for p in prompts)
        assert raw_controls("".join(prompts)) == []
        ids = list(sandbox.state.tenants)
        listing.select(ids[0])
        listing.select(ids[2])
        await settle(pilot)
        rows = list(app.screen.rows())  # type: ignore[attr-defined]
        assert text_of(pilot, f"#tenant-{rows[0].number} .tenant-name") == TENANT_NAMES[0]
        await type_text(pilot, f"#tenant-{rows[1].number}-did_numbers", "15550000003")
        message = text_of(pilot, f"#tenant-{rows[1].number}-did_numbers-error")
        assert "of trunk Carrier [/old]" in message
        assert raw_controls(screen_text(pilot)) == []


async def test_a_hostile_sign_in_refusal_is_shown_literally(tmp_path: Path) -> None:
    server = hostile_sandbox(answers=REFUSE_SIGN_IN)
    try:
        app = TrunkWizApp(make_services(server.url, tmp_path))
        async with app.run_test(size=(100, 30)) as pilot:
            await settle(pilot)
            await fill(pilot, "#pbx_password", "whatever")
            await next_step(pilot)
            assert step_of(pilot) == "connect"
            shown = text_of(pilot, "#pbx_password-error")
            assert visible(HOSTILE_401) in shown
            assert raw_controls(screen_text(pilot)) == []
    finally:
        server.stop()


class _PanelApp(App[None]):
    def __init__(self, panel: StatusPanel) -> None:
        super().__init__()
        self.panel = panel

    def compose(self) -> ComposeResult:
        yield self.panel


async def test_the_status_panel_shows_a_hostile_status_literally() -> None:
    async def poll() -> str:
        return HOSTILE_STATUS

    async def diagnose() -> str:
        return "403 [b]Forbidden\x1b]0;X\x07"

    panel = StatusPanel(
        poll=poll, clock=lambda: 0.0, interval=0, timeout=0, offline_after=0, diagnose=diagnose
    )
    app = _PanelApp(panel)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        shown = str(panel.visual.plain)  # type: ignore[attr-defined]
        assert visible(HOSTILE_STATUS) in shown
        assert "403 [b]Forbidden\\x1b]0;X\\x07" in shown
        assert raw_controls(screen_text(pilot)) == []


async def test_a_name_with_control_characters_is_a_field_error(connected: Services) -> None:
    draft = WizardDraft(url="x", user="admin", kind="register", level="system")
    app = TrunkWizApp(connected, start="basic", draft=draft)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await fill(pilot, "#name", "Evil\x1b]0;PWNED\x07")
        await fill(pilot, "#hostname", "sip.hostile.test")
        await next_step(pilot)
        assert step_of(pilot) == "basic"
        assert "control characters (\\x1b, \\x07)" in text_of(pilot, "#name-error")
        assert raw_controls(screen_text(pilot)) == []


async def test_insecure_is_visible_on_every_step(sandbox: SandboxServer, tmp_path: Path) -> None:
    from pydantic import SecretStr

    from trunkwiz.sandbox.server import DEFAULT_ADMIN_PASSWORD
    from trunkwiz.service.services import ConnectDefaults
    from trunkwiz.tui.screens.base import INSECURE_MARK

    defaults = ConnectDefaults(
        url=sandbox.url, user="admin", password=SecretStr(DEFAULT_ADMIN_PASSWORD), insecure=True
    )
    services = make_services(sandbox.url, tmp_path, defaults=defaults)
    app = TrunkWizApp(services)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        assert text_of(pilot, "#intro").startswith(INSECURE_MARK)
        await next_step(pilot)
        assert step_of(pilot) == "kind"
        assert text_of(pilot, "#intro").startswith(INSECURE_MARK)
    saved = services.profiles.load("default")
    assert saved.insecure is False  # this run only: never written to the profile


async def test_a_markup_brand_of_an_edited_trunk_is_shown_literally(connected: Services) -> None:
    fields = {"name": "edited", "hostname": "sip.edit.test", "brand": "Twilio [EU]"}
    draft = WizardDraft(
        url="x", user="admin", kind="ip", level="system", fields=fields, trunk_id="T-1"
    )
    app = TrunkWizApp(connected, start="basic", draft=draft)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        assert "brand Twilio [EU] are read-only" in text_of(pilot, "#readonly-note")


async def test_the_delete_dialog_names_a_hostile_trunk_literally_and_takes_its_shown_name() -> None:
    from textual.widgets import Button

    from trunkwiz.tui.screens.manage import DeleteTrunkScreen

    name = ESCAPE_NAMES[1]
    deleted: list[bool] = []

    async def delete() -> None:
        deleted.append(True)

    class DialogApp(App[None]):
        def on_mount(self) -> None:
            self.push_screen(DeleteTrunkScreen(name, delete))

    app = DialogApp()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        assert visible(name) in text_of(pilot, "#question")
        assert raw_controls(screen_text(pilot)) == []
        await fill(pilot, "#confirm-name", visible(name))
        assert not app.screen.query_one("#delete", Button).disabled
        await pilot.click("#delete")
        await wait_for(pilot, lambda: deleted == [True])
