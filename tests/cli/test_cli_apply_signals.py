"""SIGINT, SIGTERM and SIGHUP during a real ``trunkwiz apply`` (a child process) of a trunk
shared with 12 tenants, the sandbox slowing every call: the run stops, rolls back, says
what is left and exits 128 + the signal's number; the PBX holds nothing of it."""

from __future__ import annotations

import os
import queue
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.cli.conftest import REPO, admin_stdin
from trunkwiz.sandbox.server import SandboxServer

WAIT = 60.0  # upper bound of every wait below (seconds); the run takes a few


@pytest.fixture
def slow_sandbox() -> Iterator[SandboxServer]:
    server = SandboxServer(tenants=20).start()
    try:
        yield server
    finally:
        server.stop()


def trunk_file(sandbox: SandboxServer, path: Path) -> Path:
    lines = ["[[trunk]]", 'name = "Wide IP"', 'kind = "ip"', 'hostname = "203.0.113.9"']
    for number, tenant in enumerate(list(sandbox.state.tenants.values())[:12]):
        lines += ["[[trunk.tenants]]", f'tenant = "{tenant["domain"]}"']
        lines.append(f'did_numbers = "{17185550000 + number}"')
    path.write_text("\n".join(lines) + "\n")
    return path


class Child:
    """``trunkwiz apply`` in a child process; its stdout lines arrive on a queue."""

    def __init__(self, argv: list[str], stdin: str) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "trunkwiz", *argv],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            cwd=REPO,
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
        )
        assert self.proc.stdin is not None
        self.proc.stdin.write(stdin)
        self.proc.stdin.close()
        self.lines: queue.Queue[str | None] = queue.Queue()
        self.seen: list[str] = []
        threading.Thread(target=self._pump, daemon=True).start()

    def _pump(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self.lines.put(line)
        self.lines.put(None)

    def wait_for(self, text: str) -> None:
        while True:
            line = self.lines.get(timeout=WAIT)
            assert line is not None, f"ended before {text!r}: {self.seen}"
            self.seen.append(line)
            if text in line:
                return

    def finish(self) -> tuple[int, str, str]:
        try:
            code = self.proc.wait(timeout=WAIT)
        finally:
            if self.proc.poll() is None:
                self.proc.kill()
                self.proc.wait(timeout=10)
        while (line := self.lines.get(timeout=WAIT)) is not None:
            self.seen.append(line)
        assert self.proc.stderr is not None
        return code, "".join(self.seen), self.proc.stderr.read()


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM, signal.SIGHUP])
def test_signal_during_apply_rolls_back_everything(
    slow_sandbox: SandboxServer, tmp_path: Path, sig: signal.Signals
) -> None:
    file = trunk_file(slow_sandbox, tmp_path / "wide.toml")
    slow_sandbox.faults.delay_ms = 500
    child = Child(
        ["--config", str(tmp_path / "cfg"), "--pbx", slow_sandbox.url, "apply", str(file),
         "--password-stdin"],
        admin_stdin(),
    )  # fmt: skip
    child.wait_for("[2/13]")  # the trunk exists and is shared with at least one tenant
    child.proc.send_signal(sig)
    code, out, err = child.finish()
    slow_sandbox.faults.reset()
    assert code == 128 + sig, (code, out, err)
    assert "Traceback" not in out + err
    assert f"{sig.name}: starting no new call" in err
    assert "was interrupted" in err and "no new call was started" in err
    assert "Nothing of this run is left on the PBX." in err, err
    assert "rollback:" in out
    assert slow_sandbox.state.trunks == {}  # no trunk, no tenant assignment left


def test_signal_while_planning_sends_nothing(slow_sandbox: SandboxServer, tmp_path: Path) -> None:
    file = trunk_file(slow_sandbox, tmp_path / "wide.toml")
    slow_sandbox.faults.delay_ms = 1500  # the planning read is still on its way
    child = Child(
        ["--config", str(tmp_path / "cfg"), "--pbx", slow_sandbox.url, "apply", str(file),
         "--password-stdin"],
        admin_stdin(),
    )  # fmt: skip
    # sign-in, whoami, then the first planning read (answered 1.5 s later)
    assert slow_sandbox.faults.wait_for_calls(3, timeout=WAIT)
    child.proc.send_signal(signal.SIGTERM)
    code, out, err = child.finish()
    slow_sandbox.faults.reset()
    assert code == 128 + signal.SIGTERM, (code, out, err)
    assert "SIGTERM: stopped before anything was sent" in err
    assert slow_sandbox.state.trunks == {}
