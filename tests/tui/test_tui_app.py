"""The App shell: step indicator, Esc asks first, help, drafts saved, the command line."""

from __future__ import annotations

import socket
from pathlib import Path

from tests.tui.conftest import fill, next_step, screen_text, settle, step_of, text_of
from trunkwiz.cli import make_app
from trunkwiz.sandbox.server import SandboxServer
from trunkwiz.service.draft import WizardDraft
from trunkwiz.service.services import Services
from trunkwiz.tui.app import TrunkWizApp
from trunkwiz.tui.screens.dialogs import ConfirmScreen, HelpScreen


async def test_step_indicator_fits_80_columns_and_marks_the_step(connected: Services) -> None:
    draft = WizardDraft(url="x", user="admin", kind="register", level="system")
    app = TrunkWizApp(connected, start="basic", draft=draft)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        first_line = screen_text(pilot).splitlines()[0]
        assert first_line.rstrip().endswith("8 Review")  # eight steps fit, closed up
        assert "3 Basic" in text_of(pilot, "#steps")


async def test_escape_asks_before_abandoning(connected: Services) -> None:
    app = TrunkWizApp(connected, start="kind", draft=WizardDraft(level="system"))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("n")
        await pilot.pause()
        assert step_of(pilot) == "kind"
        await pilot.press("escape")
        await pilot.pause()
        await pilot.click("#yes")
        await pilot.pause()
    assert app.return_code == 0  # the user's choice, not a failure


async def test_question_mark_shows_help_for_the_step(connected: Services) -> None:
    app = TrunkWizApp(connected, start="kind", draft=WizardDraft(level="system"))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        help_text = text_of(pilot, "#help-text")
        assert "Ctrl+N" in help_text and "IP-Based" in help_text
        await pilot.press("escape")
        await pilot.pause()
        assert step_of(pilot) == "kind"


async def test_every_binding_has_a_description() -> None:
    from trunkwiz.tui.screens.base import StepScreen
    from trunkwiz.tui.screens.dialogs import ConfirmScreen, HelpScreen

    for owner in (TrunkWizApp, StepScreen, ConfirmScreen, HelpScreen):
        for binding in owner.BINDINGS:
            assert getattr(binding, "description", ""), (owner, binding)


async def test_draft_is_saved_on_leaving_a_step_without_the_password(connected: Services) -> None:
    draft = WizardDraft(url="x", user="admin", kind="register", level="system",
                        fields={"name": "draft-1", "hostname": "draft.test"})  # fmt: skip
    app = TrunkWizApp(connected, start="credentials", draft=draft)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await fill(pilot, "#auth_id", "draft-acct")
        await fill(pilot, "#password", "draft-secret")
        await next_step(pilot)
        assert step_of(pilot) == "options"
    saved = connected.load_draft()
    assert saved is not None
    assert saved["step"] == "options"
    assert saved["fields"]["auth_id"] == "draft-acct"
    assert "draft-secret" not in connected.drafts.path.read_text()


async def test_back_keeps_what_was_typed(connected: Services) -> None:
    draft = WizardDraft(url="x", user="admin", kind="register", level="system")
    app = TrunkWizApp(connected, start="credentials", draft=draft)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await fill(pilot, "#auth_id", "typed-then-back")
        await pilot.press("ctrl+r")
        await settle(pilot)
        assert step_of(pilot) == "basic"
        await fill(pilot, "#name", "back-1")
        await fill(pilot, "#hostname", "back.test")
        await pilot.press("ctrl+n")
        await settle(pilot)
        assert app.screen.query_one("#auth_id").value == "typed-then-back"


async def test_make_app_builds_the_wizard_from_the_command_line(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    app = make_app(["--pbx", sandbox.url, "--user", "admin", "--config", str(tmp_path)])
    assert isinstance(app, TrunkWizApp)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert step_of(pilot) == "connect"
        assert app.screen.query_one("#url").value == sandbox.url
        assert app.screen.query_one("#user").value == "admin"


def _port_is_open(port: int) -> bool:
    with socket.socket() as s:
        return s.connect_ex(("127.0.0.1", port)) == 0


async def test_demo_starts_the_sandbox_and_carrier_and_stops_them(tmp_path: Path) -> None:
    app = make_app(["demo", "--config", str(tmp_path)])
    services = app.services  # type: ignore[attr-defined]
    carrier = services.demo_carrier
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        url = app.screen.query_one("#url").value
        port = int(url.rsplit(":", 1)[1])
        assert _port_is_open(port) and _port_is_open(carrier["port"])
        note = text_of(pilot, "#demo-note")
        assert str(carrier["port"]) in note and "demo-trunk" in note
        await next_step(pilot)  # the pre-filled admin signs in
        assert step_of(pilot) == "kind"
    assert not _port_is_open(port)
    assert not _port_is_open(carrier["port"])


async def test_resume_restores_the_saved_draft_after_signing_in(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    from tests.tui.conftest import make_services

    saved = WizardDraft(step="options", url=sandbox.url, user="admin", kind="ip", level="system")
    saved.apply({"name": "resumed-1", "hostname": "resume.test"})
    make_services(sandbox.url, tmp_path).save_draft(saved.to_dict())
    app = make_app(["wizard", "--resume", "--config", str(tmp_path), "--pbx", sandbox.url])
    assert isinstance(app, TrunkWizApp)
    assert app.draft.step == "connect"  # a session cannot be resumed: sign in first
    assert app.draft.fields == {"name": "resumed-1", "hostname": "resume.test"}
    assert app.draft.kind == "ip"
