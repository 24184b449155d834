"""SIGINT, SIGTERM, SIGHUP and SIGQUIT during a real ``trunkwiz apply`` (a child process)
of a trunk shared with 12 tenants: the run stops, rolls back, says what is left and exits
128 + the signal's number; the PBX holds nothing of it. The sandbox's gate holds the run
mid-way (the trunk is created and partly shared) until the signal has reached it, so the
signal always lands in the middle of the run."""

from __future__ import annotations

import signal
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.cli.conftest import admin_stdin
from tests.cli.interrupts import WAIT, Lines, apply_argv, child, shared_with, stop
from tests.cli.interrupts import wide_trunk_file as trunk_file
from trunkwiz.sandbox.server import SandboxServer

TENANTS = 12


@pytest.fixture
def slow_sandbox() -> Iterator[SandboxServer]:
    server = SandboxServer(tenants=20).start()
    try:
        yield server
    finally:
        server.faults.reset()
        server.stop()


class Child:
    """``trunkwiz apply`` in a child process (no ``PYTHONUNBUFFERED``), its output read by
    threads."""

    def __init__(self, argv: list[str], stdin: str) -> None:
        self.proc = child(argv, stdin)
        assert self.proc.stdout is not None and self.proc.stderr is not None
        self.out, self.err = Lines(self.proc.stdout), Lines(self.proc.stderr)

    def finish(self) -> tuple[int, str, str]:
        try:
            code = self.proc.wait(timeout=WAIT)
        finally:
            stop(self.proc)
        return code, self.out.rest(), self.err.rest()


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM, signal.SIGHUP, signal.SIGQUIT])
def test_signal_during_apply_rolls_back_everything(
    slow_sandbox: SandboxServer, tmp_path: Path, sig: signal.Signals
) -> None:
    file = trunk_file(slow_sandbox, tmp_path / "wide.toml", TENANTS)
    slow_sandbox.faults.hold_from(5, "POST")  # sign-in, create, 2 tenants, then held
    run = Child(apply_argv(slow_sandbox, file, tmp_path / "cfg"), admin_stdin())
    try:
        assert slow_sandbox.faults.wait_held(1, timeout=WAIT)
        (count,) = shared_with(slow_sandbox)
        assert 0 < count < TENANTS  # mid-run: the trunk exists, partly shared
        run.proc.send_signal(sig)
        run.err.wait_for(f"{sig.name}: starting no new call")
        slow_sandbox.faults.release()
    finally:
        code, out, err = run.finish()
    assert code == 128 + sig, (code, out, err)
    assert "Traceback" not in out + err
    assert "was interrupted" in err and "no new call was started" in err
    assert "Nothing of this run is left on the PBX." in err, err
    assert "rollback:" in out
    assert slow_sandbox.state.trunks == {}  # no trunk, no tenant assignment left


def test_signal_while_planning_sends_nothing(slow_sandbox: SandboxServer, tmp_path: Path) -> None:
    file = trunk_file(slow_sandbox, tmp_path / "wide.toml", TENANTS)
    slow_sandbox.faults.hold_from(3)  # sign-in, whoami, then the first planning read
    run = Child(apply_argv(slow_sandbox, file, tmp_path / "cfg"), admin_stdin())
    try:
        assert slow_sandbox.faults.wait_held(1, timeout=WAIT)
        run.proc.send_signal(signal.SIGTERM)
        run.err.wait_for("SIGTERM: stopped before anything was sent")
        slow_sandbox.faults.release()
    finally:
        code, out, err = run.finish()
    assert code == 128 + signal.SIGTERM, (code, out, err)
    assert "SIGTERM: stopped before anything was sent" in err
    assert slow_sandbox.state.trunks == {}
