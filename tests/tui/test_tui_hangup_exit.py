"""The wizard's hang-up in a user's shell (``PYTHONUNBUFFERED`` unset): the real wizard in a
pseudo-terminal, the terminal goes away, then SIGHUP. The exit code is 129 however the
last bytes for the dead terminal were buffered (never 120, Python's code when its final
flush fails), and a Submit cut that way is rolled back completely first."""

from __future__ import annotations

import os
import signal
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.tui.ptyrun import PtyApp
from trunkwiz.sandbox.server import DEFAULT_ADMIN_PASSWORD, SandboxServer
from trunkwiz.store.drafts import DraftStore

ROOT = Path(__file__).resolve().parents[2]
TENANTS = 30


def user_env() -> dict[str, str]:
    """The environment of an admin's shell: no PYTHONUNBUFFERED, no keyring."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("TRUNKWIZ_", "TEXTUAL")) and k != "PYTHONUNBUFFERED"
    }
    env.update(TERM="xterm-256color", PYTHON_KEYRING_BACKEND="keyring.backends.fail.Keyring")
    return env


@pytest.fixture
def gated(sandbox: SandboxServer) -> Iterator[SandboxServer]:
    """The module's sandbox; its gate is opened again whatever the test did."""
    try:
        yield sandbox
    finally:
        sandbox.faults.reset()


def start(sandbox: SandboxServer, config: Path, *extra: str) -> PtyApp:
    args = ["--pbx", sandbox.url, "--user", "admin", "--config", str(config), *extra]
    return PtyApp(args, user_env(), ROOT)


def test_hang_up_exits_129_with_buffered_output(gated: SandboxServer, tmp_path: Path) -> None:
    wizard = start(gated, tmp_path / "config")
    try:
        wizard.wait_for("Sign in to the PBX")
        wizard.hang_up()
        assert wizard.wait() == 128 + signal.SIGHUP
    finally:
        wizard.close()


def wide_draft(sandbox: SandboxServer, config: Path, name: str) -> None:
    """A saved draft on the Review step: an IP trunk shared with 30 tenants."""
    tenants = [
        {"tenant_id": str(t["id"]), "tenant_name": str(t["name"]),
         "did_numbers": str(17185550000 + n)}
        for n, t in enumerate(list(sandbox.state.tenants.values())[:TENANTS])
    ]  # fmt: skip
    DraftStore(config).save({
        "step": "review", "url": sandbox.url, "user": "admin", "kind": "ip",
        "level": "system", "options": {}, "tenants": tenants,
        "fields": {"name": name, "hostname": "203.0.113.77"},
    })  # fmt: skip


def close_terminal(app: PtyApp) -> None:
    """The terminal goes away and no SIGHUP follows (the wizard has no controlling
    terminal here, as under ``nohup``): reads and writes fail with EIO."""
    master, app.master = app.master, None
    assert master is not None
    os.close(master)


@pytest.mark.parametrize("sighup", [True, False], ids=["hang-up", "terminal-gone"])
def test_hang_up_during_submit_rolls_back_and_exits_129(
    gated: SandboxServer, tmp_path: Path, sighup: bool
) -> None:
    config = tmp_path / "config"
    name = f"Hung-up IP {'hang-up' if sighup else 'gone'}"  # the sandbox is the module's
    wide_draft(gated, config, name)
    wizard = start(gated, config, "wizard", "--resume")
    try:
        wizard.wait_for("Sign in to the PBX")
        wizard.send(DEFAULT_ADMIN_PASSWORD, "ctrl+n")
        wizard.wait_for(f"Create trunk {name}")  # planned: Submit has the focus
        gated.faults.hold_from(12, "POST")  # the create and 10 tenants, then held
        wizard.send("enter")
        assert gated.faults.wait_held(1, timeout=30), "the submit never reached the gate"
        (trunk,) = [t for t in gated.state.trunks.values() if t.data["name"] == name]
        assert 0 < len(trunk.assignees) < TENANTS  # mid-submit
        if sighup:
            wizard.hang_up()  # the terminal goes away, then SIGHUP
        else:
            close_terminal(wizard)
        gated.faults.release()
        assert wizard.wait(30) == 128 + signal.SIGHUP
    finally:
        wizard.close()
    left = [len(t.assignees) for t in gated.state.trunks.values() if t.data["name"] == name]
    assert left in ([], [TENANTS]), left  # whole or absent, never partly shared
