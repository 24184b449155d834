"""A crash is never the end of the work: an unexpected exception on any step, by any of
Textual's routes (a message handler, a worker, a timer, compose, a screen callback), saves
the draft as it stands on screen, writes the traceback to a private log, exits 1 and
leaves ONE line for the terminal -- never a traceback, never a local variable's value.

The exceptions are raised by the tests: through the services the App is given (a
``Services`` subclass, a connection whose method fails) or a handler the test adds to
the step's screen class. Nothing in the App can be switched to fail.
"""

from __future__ import annotations

import asyncio
import stat
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
from pydantic import SecretStr
from textual.message import Message
from textual.pilot import Pilot

from tests.tui.conftest import MemoryKeyring, fill, settle, text_of, wait_for
from trunkwiz.sandbox.server import DEFAULT_ADMIN_PASSWORD, SandboxServer
from trunkwiz.service.draft import TenantPick, WizardDraft
from trunkwiz.service.services import ConnectDefaults, Services, Timing
from trunkwiz.store.drafts import DraftStore
from trunkwiz.store.secrets import SecretStore
from trunkwiz.tui.app import SCREENS, TrunkWizApp
from trunkwiz.tui.screens.manage import ResumeScreen

#: Typed before the failure on every step: the saved draft must hold it.
NAME = "crash-kept-trunk"
TRUNK_PASSWORD = "crash-trunk-pw-31"


def marker(step: str) -> str:
    """The value of a local variable of the failing code (Textual's fatal-error screen
    prints the locals of every frame)."""
    return "-".join(("only", "a", "local", step, "7f3a"))


def boom(step: str) -> None:
    """Fail as a bug would: a local variable in scope, a control character in the message."""
    secret_local = marker(step)
    raise ValueError(f"forced failure on the {step} step \x1b[2J{len(secret_local)}")


class CrashingServices(Services):
    """The wizard's services; ``fail`` names the call that raises (``sign_in``,
    ``test_carrier``, or ``demo_carrier``: what a step reads as it is composed)."""

    fail = ""

    async def sign_in(self, *args: Any, **kwargs: Any) -> Any:
        if self.fail == "sign_in":
            boom("connect")
        return await super().sign_in(*args, **kwargs)

    async def test_carrier(self, *args: Any, **kwargs: Any) -> Any:
        if self.fail == "test_carrier":
            boom("review")
        return await super().test_carrier(*args, **kwargs)

    @property  # type: ignore[override]
    def demo_carrier(self) -> dict[str, Any] | None:
        if self.fail == "demo_carrier":
            boom("credentials")
        return self._carrier

    @demo_carrier.setter
    def demo_carrier(self, value: dict[str, Any] | None) -> None:
        self._carrier = value


class FailingConnection:
    """The signed-in connection, except that ``method`` raises when a step calls it."""

    def __init__(self, real: Any, method: str, step: str) -> None:
        self._real, self._method, self._step = real, method, step

    def __getattr__(self, name: str) -> Any:
        if name == self._method:

            async def failing(*args: Any, **kwargs: Any) -> Any:
                boom(self._step)

            return failing
        return getattr(self._real, name)


class Boom(Message):
    """A message the test posts to the step; the handler it adds fails."""


def services_for(sandbox: SandboxServer, config: Path) -> CrashingServices:
    store = SecretStore(MemoryKeyring(), timeout=2.0)
    return CrashingServices(
        config_dir=config,
        secrets=lambda: store,
        defaults=ConnectDefaults(
            url=sandbox.url, user="admin", password=SecretStr(DEFAULT_ADMIN_PASSWORD)
        ),
        timing=Timing(status_interval=0.05, offline_after=0.0, status_timeout=0.4),
    )


def draft_for(sandbox: SandboxServer, step: str) -> WizardDraft:
    """What a user typed up to ``step`` (a register trunk shared with one tenant)."""
    tenant = next(iter(sorted(sandbox.state.tenants.values(), key=lambda t: t["name"])))
    draft = WizardDraft(
        step=step, url=sandbox.url, user="admin", kind="register", level="system",
        fields={"name": NAME, "hostname": "sip.crash.test", "auth_id": "crash-acct"},
        tenants=[TenantPick(str(tenant["id"]), str(tenant["name"]), "15557770000")],
    )  # fmt: skip
    draft.password = SecretStr(TRUNK_PASSWORD)  # typed on Credentials: never written
    return draft


Prepare = Callable[[Pilot[Any]], Awaitable[None]]


async def until_closed(pilot: Pilot[Any]) -> None:
    """Wait (bounded) until the App has met its first unexpected error: the guard has run
    by then (Textual notes the error after the App's handler returned)."""
    await asyncio.wait_for(pilot.app._exception_event.wait(), timeout=20)


async def run_until_crash(app: TrunkWizApp, prepare: Prepare) -> BaseException:
    with pytest.raises(Exception) as raised:  # run_test raises the App's first exception
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            await prepare(pilot)
            await until_closed(pilot)
    assert "forced failure" in str(raised.value), raised.value  # not the test's own failure
    return raised.value


def assert_guarded(app: TrunkWizApp, step: str, terminal: str, config: Path) -> None:
    """The draft saved, a private log, one line, no locals, exit 1."""
    local = marker(step)
    assert local not in terminal and "Traceback" not in terminal, terminal[-2000:]
    assert terminal.strip() == "", terminal[-2000:]  # the App printed nothing: only ``farewell``
    assert app.return_code == 1
    line = app.farewell
    assert line is not None and "\n" not in line, line
    assert f"ValueError: forced failure on the {step} step \\x1b[2J" in line, line
    assert "\x1b" not in line  # the escape is shown, never sent
    assert "Your draft is saved" in line, line
    log = app.crash_log
    assert log is not None and str(log) in line
    assert log.parent == config / "logs"
    assert stat.S_IMODE(log.stat().st_mode) == 0o600
    assert stat.S_IMODE(log.parent.stat().st_mode) == 0o700
    text = log.read_text()
    assert "Traceback (most recent call last)" in text and "in boom" in text
    assert "step: " in text and "draft: kept" in text
    assert local not in text  # the traceback only: no locals in the log either
    saved = DraftStore(config).load()
    assert saved is not None, "the draft was not saved"
    assert saved["fields"]["name"] == NAME
    everything = "\n".join(p.read_text(errors="replace") for p in config.rglob("*") if p.is_file())
    assert TRUNK_PASSWORD not in everything and DEFAULT_ADMIN_PASSWORD not in everything


def add_handler(monkeypatch: pytest.MonkeyPatch, step: str) -> None:
    """A test-only message handler on the step's screen class that fails."""
    module, _, name = SCREENS[step].partition(":")
    screen_cls = getattr(__import__(module, fromlist=[name]), name)

    def on_boom(self: Any, message: Boom) -> None:
        boom(step)

    monkeypatch.setattr(screen_cls, "on_boom", on_boom, raising=False)


@pytest.fixture
async def signed_in(sandbox: SandboxServer, tmp_path: Path) -> CrashingServices:
    services = services_for(sandbox, tmp_path / "config")
    await services.connect(sandbox.url, "admin", SecretStr(DEFAULT_ADMIN_PASSWORD))
    return services


async def test_a_failing_sign_in_on_connect_keeps_the_resumed_draft(
    sandbox: SandboxServer, tmp_path: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    """Connect (a worker: the sign-in the Next key starts), with a resumed draft."""
    services = services_for(sandbox, tmp_path / "config")
    services.fail = "sign_in"
    app = TrunkWizApp(services, draft=draft_for(sandbox, "connect"), resume_step="credentials")

    async def prepare(pilot: Pilot[Any]) -> None:
        await pilot.press("ctrl+n")

    await run_until_crash(app, prepare)
    assert_guarded(app, "connect", "".join(capfd.readouterr()), services.config_dir)
    saved = DraftStore(services.config_dir).load()
    assert saved is not None and saved["step"] == "credentials"  # still where it was


@pytest.mark.parametrize(("step", "method"), [("kind", "trunk_rows"), ("tenants", "tenants")])
async def test_a_failing_pbx_read_of_a_step_keeps_the_draft(
    signed_in: CrashingServices,
    sandbox: SandboxServer,
    capfd: pytest.CaptureFixture[str],
    step: str,
    method: str,
) -> None:
    """Kind, Tenants (workers started as the step is shown: the connection the services
    hold fails)."""
    signed_in.connection = FailingConnection(signed_in.connection, method, step)  # type: ignore[assignment]
    app = TrunkWizApp(signed_in, start=step, draft=draft_for(sandbox, step))

    async def prepare(pilot: Pilot[Any]) -> None:
        return None

    await run_until_crash(app, prepare)
    assert_guarded(app, step, "".join(capfd.readouterr()), signed_in.config_dir)
    saved = DraftStore(signed_in.config_dir).load()
    assert saved is not None and saved["step"] == step
    assert [t["did_numbers"] for t in saved["tenants"]] == ["15557770000"]


async def test_a_failing_message_handler_on_basic_keeps_what_was_typed(
    signed_in: CrashingServices,
    sandbox: SandboxServer,
    capfd: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Basic (a message handler): the host typed on the step, not left yet, is kept."""
    add_handler(monkeypatch, "basic")
    app = TrunkWizApp(signed_in, start="basic", draft=draft_for(sandbox, "basic"))

    async def prepare(pilot: Pilot[Any]) -> None:
        await fill(pilot, "#hostname", "typed.on.basic.test")
        pilot.app.screen.post_message(Boom())

    await run_until_crash(app, prepare)
    assert_guarded(app, "basic", "".join(capfd.readouterr()), signed_in.config_dir)
    saved = DraftStore(signed_in.config_dir).load()
    assert saved is not None and saved["step"] == "basic"
    assert saved["fields"]["hostname"] == "typed.on.basic.test"
    again = TrunkWizApp(services_for(sandbox, signed_in.config_dir), ask_resume=True)
    async with again.run_test(size=(80, 24)) as pilot:  # the next start offers it
        await wait_for(pilot, lambda: isinstance(again.screen, ResumeScreen))
        assert NAME in str(again.screen.query_one("#question").render())


async def test_a_failing_compose_of_credentials_keeps_the_draft(
    signed_in: CrashingServices, sandbox: SandboxServer, capfd: pytest.CaptureFixture[str]
) -> None:
    """Credentials (compose: the step reads the services as it is built), reached by Next
    from Basic with the host just typed."""
    app = TrunkWizApp(signed_in, start="basic", draft=draft_for(sandbox, "basic"))

    async def prepare(pilot: Pilot[Any]) -> None:
        await fill(pilot, "#hostname", "typed.before.credentials.test")
        signed_in.fail = "demo_carrier"  # Basic read it as it was built; Credentials fails
        await pilot.press("ctrl+n")

    await run_until_crash(app, prepare)
    assert_guarded(app, "credentials", "".join(capfd.readouterr()), signed_in.config_dir)
    saved = DraftStore(signed_in.config_dir).load()
    assert saved is not None
    assert saved["fields"]["hostname"] == "typed.before.credentials.test"


async def test_a_failing_timer_on_options_keeps_what_was_typed(
    signed_in: CrashingServices, sandbox: SandboxServer, capfd: pytest.CaptureFixture[str]
) -> None:
    """Options (a timer of the step)."""
    app = TrunkWizApp(signed_in, start="options", draft=draft_for(sandbox, "options"))

    async def prepare(pilot: Pilot[Any]) -> None:
        await fill(pilot, "#concurrency", "77")
        pilot.app.screen.set_timer(0.01, lambda: boom("options"))

    await run_until_crash(app, prepare)
    assert_guarded(app, "options", "".join(capfd.readouterr()), signed_in.config_dir)
    saved = DraftStore(signed_in.config_dir).load()
    assert saved is not None and saved["step"] == "options"
    assert saved["fields"]["concurrency"] == 77


async def test_a_failing_screen_callback_on_routes_keeps_the_draft(
    signed_in: CrashingServices, sandbox: SandboxServer, capfd: pytest.CaptureFixture[str]
) -> None:
    """Routes (the callback of a dialog shown over the step)."""
    from trunkwiz.tui.screens.dialogs import ConfirmScreen

    app = TrunkWizApp(signed_in, start="routes", draft=draft_for(sandbox, "routes"))

    async def prepare(pilot: Pilot[Any]) -> None:
        pilot.app.push_screen(ConfirmScreen("Sure?"), callback=lambda _: boom("routes"))
        await settle(pilot)
        await pilot.click("#yes")

    await run_until_crash(app, prepare)
    assert_guarded(app, "routes", "".join(capfd.readouterr()), signed_in.config_dir)
    saved = DraftStore(signed_in.config_dir).load()
    assert saved is not None and saved["step"] == "routes"


async def test_a_failing_carrier_test_on_review_keeps_the_draft(
    signed_in: CrashingServices, sandbox: SandboxServer, capfd: pytest.CaptureFixture[str]
) -> None:
    """Review (the carrier test Ctrl+T starts: a worker; the services fail)."""
    app = TrunkWizApp(signed_in, start="review", draft=draft_for(sandbox, "review"))

    async def prepare(pilot: Pilot[Any]) -> None:
        await wait_for(pilot, lambda: "Planning" not in text_of(pilot, "#plan"))
        signed_in.fail = "test_carrier"
        await pilot.press("ctrl+t")

    await run_until_crash(app, prepare)
    assert_guarded(app, "review", "".join(capfd.readouterr()), signed_in.config_dir)
    saved = DraftStore(signed_in.config_dir).load()
    assert saved is not None and saved["step"] == "review"


async def test_textuals_panic_goes_through_the_guard_too(
    signed_in: CrashingServices, sandbox: SandboxServer, capfd: pytest.CaptureFixture[str]
) -> None:
    """``App.panic`` (Textual's "exit showing these"): what it would show goes to the log."""
    shown = marker("panic")
    app = TrunkWizApp(signed_in, start="basic", draft=draft_for(sandbox, "basic"))
    with pytest.raises(Exception, match="gave up"):
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            pilot.app.call_later(pilot.app.panic, f"Traceback with {shown}")
            await until_closed(pilot)
    out, err = capfd.readouterr()
    assert shown not in out + err
    assert app.return_code == 1 and app.crash_log is not None
    assert shown in app.crash_log.read_text()
    assert app.farewell is not None and "Your draft is saved" in app.farewell
    assert shown not in app.farewell


def test_the_guard_replaces_textuals_fatal_error_hook() -> None:
    """The App overrides the method every route of Textual reports through; should a
    Textual upgrade rename it, this fails rather than the guard silently not running."""
    from textual.app import App

    assert callable(getattr(App, "_handle_exception", None))
    assert TrunkWizApp._handle_exception is not App._handle_exception


# -- through a real terminal ------------------------------------------------------------
ROOT = Path(__file__).resolve().parents[2]


def test_a_crash_in_a_real_terminal_prints_one_line_and_no_locals(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    from tests.tui.crashing_cli import LOCAL_VALUE
    from tests.tui.ptyrun import ALT_SCREEN_OFF, PtyApp, after_the_wizard, user_env

    config = tmp_path / "config"
    draft = draft_for(sandbox, "credentials")
    DraftStore(config).save(draft.to_dict())
    args = ["--pbx", sandbox.url, "--user", "admin", "--config", str(config)]
    wizard = PtyApp([*args, "wizard", "--resume"], user_env(), ROOT, "tests.tui.crashing_cli")
    try:
        wizard.wait_for("Sign in to the PBX")
        wizard.send(DEFAULT_ADMIN_PASSWORD, "ctrl+n")
        assert wizard.wait() == 1
        raw = wizard.all_output()
    finally:
        wizard.close()
    assert ALT_SCREEN_OFF in raw  # the terminal was given back (then the one line)
    shown = raw.decode("utf-8", "replace")
    assert LOCAL_VALUE not in shown and "Traceback" not in shown
    assert b"\x1b]0;retitled" not in raw  # the message's escape is shown, never sent
    lines = after_the_wizard(raw)
    assert len(lines) == 1, lines
    (line,) = lines
    assert "ValueError: forced failure while signing in \\x1b]0;retitled\\x07" in line, line
    assert "Your draft is saved" in line and "offers to resume it" in line
    logs = list((config / "logs").iterdir())
    assert len(logs) == 1 and str(logs[0]) in line
    assert stat.S_IMODE(logs[0].stat().st_mode) == 0o600
    assert "Traceback (most recent call last)" in logs[0].read_text()
    saved = DraftStore(config).load()
    assert saved is not None and saved["fields"]["name"] == NAME
    assert saved["step"] == "credentials"
