"""Leaving the wizard says what became of the draft, truthfully, and the next start agrees.

A draft worth resuming (something typed) is kept and offered at the next start, the demo's
too; an empty one (nothing typed, an unchanged edit, an unknown ``edit NAME``) is neither
kept nor offered. Abandon is the user's choice: exit 0. Ctrl+C: exit 130. Either way one
line, once the terminal is back, says whether a draft was kept and how to resume it.
"""

from __future__ import annotations

import signal
from pathlib import Path
from typing import Any

import pytest
from pydantic import SecretStr
from textual.pilot import Pilot

from tests.tui.conftest import (
    MemoryKeyring,
    create_trunk,
    fill,
    make_services,
    next_step,
    settle,
    step_of,
    wait_for,
)
from tests.tui.ptyrun import after_the_wizard, user_env
from trunkwiz.cli import make_app
from trunkwiz.sandbox.server import DEFAULT_ADMIN_PASSWORD, SandboxServer
from trunkwiz.service.services import Services
from trunkwiz.store.drafts import DraftStore
from trunkwiz.tui.app import TrunkWizApp
from trunkwiz.tui.screens.dialogs import ConfirmScreen
from trunkwiz.tui.screens.manage import ResumeScreen

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def config(tmp_path: Path) -> Path:
    return tmp_path / "config"


def services_at(sandbox: SandboxServer, config: Path) -> Services:
    """The services a start of the wizard gets (the admin password pre-filled)."""
    return make_services(sandbox.url, config, MemoryKeyring())


async def abandon(pilot: Pilot[Any]) -> str:
    """Esc, then Abandon; returns what the question said."""
    await pilot.press("escape")
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, ConfirmScreen))
    question = str(pilot.app.screen.query_one("#question").render())
    await pilot.click("#yes")
    await pilot.pause()
    return question


async def offered(sandbox: SandboxServer, config: Path) -> str | None:
    """Start the wizard again: the question of the draft it offers, or None."""
    app = TrunkWizApp(services_at(sandbox, config), ask_resume=True)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await wait_for(
            pilot, lambda: isinstance(app.screen, ResumeScreen) or not app.resume_pending
        )
        if isinstance(app.screen, ResumeScreen):
            return str(app.screen.query_one("#question").render())
        assert step_of(pilot) == "connect"
    return None


async def to_basic(pilot: Pilot[Any]) -> None:
    """Sign in (the password is pre-filled), keep the kind, on to Basic."""
    await wait_for(pilot, lambda: step_of(pilot) == "connect")
    await next_step(pilot)
    assert step_of(pilot) == "kind"
    await next_step(pilot)
    assert step_of(pilot) == "basic"


async def test_abandon_of_an_empty_form_keeps_nothing_offers_nothing_and_exits_0(
    sandbox: SandboxServer, config: Path
) -> None:
    app = TrunkWizApp(services_at(sandbox, config), ask_resume=True)
    async with app.run_test(size=(80, 24)) as pilot:
        await to_basic(pilot)
        question = await abandon(pilot)
    assert "Nothing is typed yet: no draft will be kept." in question
    assert app.return_code == 0
    assert app.farewell == "Abandoned. Nothing was typed, so no draft is kept."
    assert not DraftStore(config).exists()
    assert await offered(sandbox, config) is None


async def test_abandon_with_something_typed_keeps_it_and_the_next_start_offers_it(
    sandbox: SandboxServer, config: Path
) -> None:
    app = TrunkWizApp(services_at(sandbox, config), ask_resume=True)
    async with app.run_test(size=(80, 24)) as pilot:
        await to_basic(pilot)
        await fill(pilot, "#name", "kept-by-abandon")
        question = await abandon(pilot)
    assert "Your draft is kept" in question
    assert app.return_code == 0
    assert app.farewell == "Abandoned. Your draft is saved: `trunkwiz` offers to resume it."
    question = await offered(sandbox, config)
    assert question is not None and "kept-by-abandon" in question


async def test_an_earlier_draft_put_off_is_still_kept_when_nothing_new_is_typed(
    sandbox: SandboxServer, config: Path
) -> None:
    DraftStore(config).save({
        "step": "basic", "url": sandbox.url, "user": "admin", "kind": "register",
        "level": "system", "fields": {"name": "from-before"}, "options": {}, "tenants": [],
    })  # fmt: skip
    app = TrunkWizApp(services_at(sandbox, config), ask_resume=True)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, ResumeScreen))
        await pilot.press("escape")  # not now
        await wait_for(pilot, lambda: step_of(pilot) == "connect")
        await abandon(pilot)
    assert app.farewell == "Abandoned. Your earlier draft is kept: `trunkwiz` offers to resume it."
    question = await offered(sandbox, config)
    assert question is not None and "from-before" in question


async def test_abandon_after_edit_of_an_unknown_name_offers_nothing(
    sandbox: SandboxServer, config: Path
) -> None:
    app = TrunkWizApp(services_at(sandbox, config), open_trunk="Nope")
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: step_of(pilot) == "connect")
        await next_step(pilot)
        await wait_for(pilot, lambda: step_of(pilot) == "kind")
        await abandon(pilot)
    assert app.return_code == 0
    assert app.farewell == "Abandoned. Nothing was typed, so no draft is kept."
    assert await offered(sandbox, config) is None


async def test_an_unchanged_edit_is_not_kept_a_changed_one_is(
    sandbox: SandboxServer, config: Path
) -> None:
    services = services_at(sandbox, config)
    await services.connect(sandbox.url, "admin", SecretStr(DEFAULT_ADMIN_PASSWORD))
    await create_trunk(services, name="Leave-Edit", hostname="leave.edit.test")
    await services.close()
    for change in ("", "changed.edit.test"):
        app = TrunkWizApp(services_at(sandbox, config), open_trunk="leave-edit")
        async with app.run_test(size=(80, 24)) as pilot:
            await wait_for(pilot, lambda: step_of(pilot) == "connect")
            await next_step(pilot)
            await wait_for(pilot, lambda: step_of(pilot) == "basic")
            if change:
                await fill(pilot, "#hostname", change)
            while step_of(pilot) != "options":  # Next through steps: each one saves
                await next_step(pilot)
            await abandon(pilot)
        question = await offered(sandbox, config)
        if change:
            assert app.farewell is not None and "Your draft is saved" in app.farewell
            assert question is not None and "Leave-Edit" in question
        else:
            assert app.farewell == "Abandoned. Nothing was typed, so no draft is kept."
            assert question is None


async def test_ctrl_c_says_whether_the_draft_was_saved(
    sandbox: SandboxServer, config: Path
) -> None:
    app = TrunkWizApp(services_at(sandbox, config), ask_resume=True)
    async with app.run_test(size=(80, 24)) as pilot:
        await to_basic(pilot)
        await pilot.press("ctrl+c")
        await pilot.pause()
    assert app.return_code == 130
    assert app.farewell == "Interrupted (Ctrl+C). Nothing was typed, so no draft is kept."
    app = TrunkWizApp(services_at(sandbox, config), ask_resume=True)
    async with app.run_test(size=(80, 24)) as pilot:
        await to_basic(pilot)
        await fill(pilot, "#name", "kept-by-ctrl-c")
        await pilot.press("ctrl+c")
        await pilot.pause()
    assert app.return_code == 130
    assert app.farewell == (
        "Interrupted (Ctrl+C). Your draft is saved: `trunkwiz` offers to resume it."
    )
    question = await offered(sandbox, config)
    assert question is not None and "kept-by-ctrl-c" in question


async def test_the_demo_offers_its_draft_at_the_next_demo_on_its_new_sandbox(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``make demo`` twice: the second offers what the first left, on its own sandbox."""
    monkeypatch.setenv("TRUNKWIZ_CONFIG_DIR", str(tmp_path / "user-config"))
    app = make_app(["demo"])
    assert isinstance(app, TrunkWizApp)
    async with app.run_test(size=(80, 24)) as pilot:
        await to_basic(pilot)
        await fill(pilot, "#name", "kept-by-the-demo")
        await abandon(pilot)
    assert app.return_code == 0
    assert app.farewell == ("Abandoned. Your draft is saved: `trunkwiz demo` offers to resume it.")
    assert not DraftStore(tmp_path / "user-config").exists()  # never the wizard's own draft
    again = make_app(["demo"])
    assert isinstance(again, TrunkWizApp)
    async with again.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: isinstance(again.screen, ResumeScreen))
        assert "kept-by-the-demo" in str(again.screen.query_one("#question").render())
        await pilot.click("#resume")
        await wait_for(pilot, lambda: step_of(pilot) == "connect")
        url = again.screen.query_one("#url").value
        assert url == again.services.defaults.url  # this demo's sandbox, not the last one's
        await next_step(pilot)
        await wait_for(pilot, lambda: step_of(pilot) == "basic")
        assert again.screen.query_one("#name").value == "kept-by-the-demo"


# -- through a real terminal ------------------------------------------------------------
def test_ctrl_c_in_a_real_terminal_prints_one_line_about_the_draft(
    sandbox: SandboxServer, config: Path
) -> None:
    from tests.tui.ptyrun import PtyApp

    args = ["--pbx", sandbox.url, "--user", "admin", "--config", str(config)]
    wizard = PtyApp(args, user_env(), ROOT)
    try:
        wizard.wait_for("Sign in to the PBX")
        wizard.send(DEFAULT_ADMIN_PASSWORD, "ctrl+n")
        wizard.wait_for("What kind of trunk")
        wizard.send("ctrl+n")
        wizard.wait_for("Where the carrier is")
        wizard.send("pty-ctrl-c")
        wizard.wait_for("pty-ctrl-c")
        wizard.send("ctrl+c")
        assert wizard.wait() == 128 + signal.SIGINT
        lines = after_the_wizard(wizard.all_output())
    finally:
        wizard.close()
    assert lines == [
        f"Interrupted (Ctrl+C). Your draft is saved: `trunkwiz --config {config}` "
        "offers to resume it."
    ]
    saved = DraftStore(config).load()
    assert saved is not None and saved["fields"]["name"] == "pty-ctrl-c"


def test_make_demo_abandoned_exits_0_and_the_next_demo_offers_the_draft(tmp_path: Path) -> None:
    """What ``make demo`` runs, twice, in a real terminal: Abandon exits 0 (make reports
    no error) with one line, and the next demo offers what was typed."""
    from tests.tui.ptyrun import PtyApp

    env = {**user_env(), "TRUNKWIZ_CONFIG_DIR": str(tmp_path / "user-config")}
    first = PtyApp(["demo"], env, ROOT)
    try:
        first.wait_for("Sign in to the PBX")
        first.send("ctrl+n")
        first.wait_for("What kind of trunk")
        first.send("ctrl+n")
        first.wait_for("Where the carrier is")
        first.send("pty-demo-kept")
        first.wait_for("pty-demo-kept")
        first.send("escape")
        first.wait_for("Abandon the wizard?")
        first.send("y")
        assert first.wait() == 0
        lines = after_the_wizard(first.all_output())
    finally:
        first.close()
    assert lines == ["Abandoned. Your draft is saved: `trunkwiz demo` offers to resume it."]
    second = PtyApp(["demo"], env, ROOT)
    try:
        second.wait_for("pty-demo-kept")  # the question names the draft
        second.send("r")
        second.wait_for("Sign in to the PBX")
        second.send("ctrl+n")
        second.wait_for("Where the carrier is")
        second.send("ctrl+c")
        assert second.wait() == 130
        lines = after_the_wizard(second.all_output())
    finally:
        second.close()
    assert lines == [
        "Interrupted (Ctrl+C). Your draft is saved: `trunkwiz demo` offers to resume it."
    ]


def test_ctrl_c_while_the_wizard_starts_is_one_line_and_130(tmp_path: Path) -> None:
    """SIGINT before the wizard's own handlers are in place: no Python traceback."""
    from tests.tui.ptyrun import PtyApp

    args = ["--config", str(tmp_path / "config")]
    wizard = PtyApp(args, user_env(), ROOT, "tests.tui.slow_start_cli")
    try:
        wizard.wait_for("BUILDING")
        wizard.signal(signal.SIGINT)  # what Ctrl+C sends before the wizard reads keys
        assert wizard.wait() == 130
        shown = wizard.all_output().decode("utf-8", "replace")
    finally:
        wizard.close()
    assert "Traceback" not in shown and "KeyboardInterrupt" not in shown
    lines = [line for line in shown.replace("\r", "").split("\n") if line.strip()]
    assert lines[-1] == "Interrupted (Ctrl+C). Nothing was typed, so no draft is kept."
    assert lines[:-1] == ["BUILDING"], lines
