"""Drafts survive a dropped SSH session: the real wizard in a pseudo-terminal is killed
mid-step (SIGHUP, Ctrl+C, SIGINT) and the next start resumes with every typed value."""

from __future__ import annotations

import os
import signal
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.tui.conftest import (
    MemoryKeyring,
    fill,
    next_step,
    settle,
    step_of,
    submit,
    wait_for,
)
from tests.tui.ptyrun import PtyApp
from trunkwiz.cli import make_app, passwords
from trunkwiz.sandbox.server import DEFAULT_ADMIN_PASSWORD, SandboxServer
from trunkwiz.service.draft import WizardDraft
from trunkwiz.service.services import Services
from trunkwiz.store.drafts import DraftStore
from trunkwiz.store.secrets import SecretStore
from trunkwiz.tui.app import TrunkWizApp
from trunkwiz.tui.screens.manage import ResumeScreen

ROOT = Path(__file__).resolve().parents[2]
TRUNK_PASSWORD = "hup-secret-pw"


@pytest.fixture
def cli_keyring(monkeypatch: pytest.MonkeyPatch) -> MemoryKeyring:
    """The keyring of the in-process command line (in memory, empty)."""
    backend = MemoryKeyring()
    monkeypatch.setattr(passwords, "open_secret_store", lambda: SecretStore(backend, timeout=2.0))
    return backend


@pytest.fixture
def wizard(sandbox: SandboxServer, tmp_path: Path) -> Iterator[PtyApp]:
    """``trunkwiz`` on a pty against the sandbox; stopped at teardown whatever happened."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TRUNKWIZ_", "TEXTUAL"))}
    env.update(TERM="xterm-256color", PYTHON_KEYRING_BACKEND="keyring.backends.fail.Keyring")
    args = ["--pbx", sandbox.url, "--user", "admin", "--config", str(tmp_path / "config")]
    app = PtyApp(args, env, ROOT)
    try:
        yield app
    finally:
        app.close()


def to_basic_with_values(app: PtyApp) -> None:
    """Sign in, keep Register-Based, type the name and host (the step is not left)."""
    app.wait_for("Sign in to the PBX")
    app.send(DEFAULT_ADMIN_PASSWORD, "ctrl+n")
    app.wait_for("What kind of trunk")
    app.send("ctrl+n")
    app.wait_for("Where the carrier is")
    app.send("hup-trunk")
    app.wait_for("hup-trunk")
    app.tab("Associated IPs")  # the brand
    app.tab("Associated IPs")  # the host
    app.mark()
    app.send("sip.hup.test")
    app.wait_for("sip.hup.test")


def saved_files_text(config: Path) -> str:
    return "\n".join(p.read_text(errors="replace") for p in config.rglob("*") if p.is_file())


def test_hang_up_on_credentials_keeps_every_typed_value_and_resume_brings_them_back(
    wizard: PtyApp, sandbox: SandboxServer, tmp_path: Path, cli_keyring: MemoryKeyring
) -> None:
    to_basic_with_values(wizard)
    wizard.send("ctrl+n")
    wizard.wait_for("The SIP account the carrier gave you")
    wizard.send("hup-acct")
    wizard.wait_for("hup-acct")
    wizard.tab("Re-register")  # username
    wizard.tab("Re-register")  # password
    wizard.mark()
    wizard.send(TRUNK_PASSWORD)
    wizard.wait_for("•" * len(TRUNK_PASSWORD))
    wizard.tab("Re-register")  # re-register interval (its text is selected)
    wizard.mark()
    wizard.send("900")
    wizard.wait_for("900")
    wizard.hang_up()  # the terminal goes away, then SIGHUP: nothing of this step was left
    assert wizard.wait() == 128 + signal.SIGHUP
    config = tmp_path / "config"
    saved = DraftStore(config).load()
    assert saved is not None
    assert saved["step"] == "credentials"
    assert saved["kind"] == "register" and saved["url"] == sandbox.url
    fields = saved["fields"]
    assert (fields["name"], fields["hostname"]) == ("hup-trunk", "sip.hup.test")
    assert (fields["auth_id"], fields["register_interval"]) == ("hup-acct", 900)
    everything = saved_files_text(config)
    assert TRUNK_PASSWORD not in everything and DEFAULT_ADMIN_PASSWORD not in everything
    assert not [p for p in config.rglob("*") if p.is_file() and p.stat().st_mode & 0o077]


@pytest.mark.parametrize("how", ["ctrl+c key", "SIGINT", "SIGQUIT"])
def test_ctrl_c_keeps_the_values_of_the_step_being_typed(
    wizard: PtyApp, tmp_path: Path, how: str
) -> None:
    """Ctrl+C, SIGINT, and SIGQUIT (``kill -QUIT``: handled like SIGINT, exit 131)."""
    to_basic_with_values(wizard)
    if how.startswith("SIG"):
        wizard.signal(getattr(signal, how))
    else:
        wizard.send("ctrl+c")
    assert wizard.wait() == (131 if how == "SIGQUIT" else 130)
    saved = DraftStore(tmp_path / "config").load()
    assert saved is not None and saved["step"] == "basic"
    assert saved["fields"]["name"] == "hup-trunk"
    assert saved["fields"]["hostname"] == "sip.hup.test"


# -- the next start (in-process, Pilot) -------------------------------------------------
def save_killed_draft(sandbox: SandboxServer, config: Path) -> None:
    """What the hang-up above leaves behind."""
    DraftStore(config).save({
        "step": "credentials", "url": sandbox.url, "user": "admin", "kind": "register",
        "level": "system", "tenants": [], "options": {"keep_alive": True},
        "fields": {"name": "hup-trunk", "hostname": "sip.hup.test", "auth_id": "hup-acct",
                   "register_interval": 900},
    })  # fmt: skip


def start(sandbox: SandboxServer, config: Path, *extra: str) -> TrunkWizApp:
    app = make_app([*extra, "--pbx", sandbox.url, "--user", "admin", "--config", str(config)])
    assert isinstance(app, TrunkWizApp)
    return app


async def test_the_next_start_offers_the_draft_and_resume_returns_to_its_step(
    sandbox: SandboxServer, tmp_path: Path, cli_keyring: MemoryKeyring
) -> None:
    config = tmp_path / "config"
    save_killed_draft(sandbox, config)
    app = start(sandbox, config)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, ResumeScreen))
        question = str(app.screen.query_one("#question").render())
        assert "hup-trunk" in question and "Credentials step" in question
        await pilot.click("#resume")
        await wait_for(pilot, lambda: step_of(pilot) == "connect")
        assert app.screen.query_one("#url").value == sandbox.url
        await fill(pilot, "#pbx_password", DEFAULT_ADMIN_PASSWORD)
        await next_step(pilot)
        assert step_of(pilot) == "credentials"  # straight back to where it was
        assert app.screen.query_one("#auth_id").value == "hup-acct"
        assert app.screen.query_one("#register_interval").value == "900"
        assert app.screen.query_one("#password").value == ""  # never saved
        await pilot.press("ctrl+r")
        await wait_for(pilot, lambda: step_of(pilot) == "basic")
        assert app.screen.query_one("#name").value == "hup-trunk"
        assert app.screen.query_one("#hostname").value == "sip.hup.test"
        assert app.draft.options == {"keep_alive": True}


async def test_start_over_discards_the_draft_and_escape_keeps_it(
    sandbox: SandboxServer, tmp_path: Path, cli_keyring: MemoryKeyring
) -> None:
    config = tmp_path / "config"
    save_killed_draft(sandbox, config)
    app = start(sandbox, config)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, ResumeScreen))
        await pilot.press("escape")
        await settle(pilot)
        assert step_of(pilot) == "connect" and app.draft.fields == {}
    assert DraftStore(config).exists()  # not now: still there for the next start
    app = start(sandbox, config)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, ResumeScreen))
        await pilot.click("#fresh")
        await settle(pilot)
        assert step_of(pilot) == "connect" and app.draft.fields == {}
    assert not DraftStore(config).exists()


async def test_a_hang_up_while_the_question_shows_does_not_overwrite_the_draft(
    sandbox: SandboxServer, tmp_path: Path, cli_keyring: MemoryKeyring
) -> None:
    config = tmp_path / "config"
    save_killed_draft(sandbox, config)
    before = DraftStore(config).load()
    app = start(sandbox, config)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, ResumeScreen))
        app.leave_now(129)
        await pilot.pause()
    assert app.return_code == 129
    assert DraftStore(config).load() == before


async def test_resume_flag_takes_the_draft_without_asking(
    sandbox: SandboxServer, tmp_path: Path, cli_keyring: MemoryKeyring
) -> None:
    config = tmp_path / "config"
    save_killed_draft(sandbox, config)
    app = start(sandbox, config, "wizard", "--resume")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert step_of(pilot) == "connect" and not isinstance(app.screen, ResumeScreen)
        await fill(pilot, "#pbx_password", DEFAULT_ADMIN_PASSWORD)
        await next_step(pilot)
        assert step_of(pilot) == "credentials"
        assert app.screen.query_one("#auth_id").value == "hup-acct"


async def test_nothing_is_offered_without_a_draft_and_nothing_saved_at_connect(
    sandbox: SandboxServer, tmp_path: Path, cli_keyring: MemoryKeyring
) -> None:
    config = tmp_path / "config"
    app = start(sandbox, config)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert step_of(pilot) == "connect" and not app.resume_pending
        assert app.save_now() is False  # nothing typed yet that is worth a draft
    assert not DraftStore(config).exists()


async def test_a_submitted_trunk_leaves_no_draft_even_if_the_session_drops_after(
    connected: Services, sandbox: SandboxServer
) -> None:
    draft = WizardDraft(url=sandbox.url, user="admin", kind="ip", level="system",
                        fields={"name": "resume-done", "hostname": "resume.done.test"})  # fmt: skip
    app = TrunkWizApp(connected, start="review", draft=draft)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.save_now()
        assert connected.drafts.exists()
        await submit(pilot)
        await wait_for(pilot, lambda: not connected.drafts.exists())
        assert app.save_now() is False
        app.leave_now(129)  # the SSH session drops while the status is watched
        await pilot.pause()
    assert not connected.drafts.exists()


async def test_a_lost_terminal_then_its_hang_up_save_the_typed_values_once(
    sandbox: SandboxServer, tmp_path: Path, cli_keyring: MemoryKeyring
) -> None:
    """A dropped SSH session is seen twice (the terminal's read fails, then SIGHUP): the
    second ``leave_now`` comes while the step may be closing and must not save over the
    values the first one kept."""
    config = tmp_path / "config"
    app = start(sandbox, config)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await fill(pilot, "#pbx_password", DEFAULT_ADMIN_PASSWORD)
        await next_step(pilot)  # kind
        await next_step(pilot)  # basic
        await fill(pilot, "#name", "twice-trunk")
        await fill(pilot, "#hostname", "sip.twice.test")
        await next_step(pilot)
        assert step_of(pilot) == "credentials"
        await fill(pilot, "#auth_id", "twice-acct")
        app.leave_now(129)  # the terminal's read failed
        screen = app.screen

        def closing() -> dict[str, object]:
            raise RuntimeError("the step is being removed")

        screen.collect = closing  # type: ignore[method-assign]
        app.leave_now(129)  # then the hang-up itself
        await pilot.pause()
    assert app.return_code == 129
    saved = DraftStore(config).load()
    assert saved is not None and saved["fields"]["auth_id"] == "twice-acct"
