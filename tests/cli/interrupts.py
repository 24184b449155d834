"""Helpers of the tests that cut a real ``trunkwiz apply`` in the middle.

The sandbox PBX runs in the test process (real HTTP); its gate (``Faults.hold_from``)
holds the apply's calls from the Nth POST on, so the test knows the run is mid-way -- the
trunk exists and is shared with some tenants, not all -- when it cuts it, and releases
the gate only once the cut has reached the run. Nothing here sleeps: every wait is for a
condition, with a deadline. ``PYTHONUNBUFFERED`` is never set for the child (an admin's
shell does not set it).
"""

from __future__ import annotations

import os
import queue
import subprocess
import sys
import threading
from pathlib import Path
from typing import IO

from tests.cli.conftest import REPO
from trunkwiz.sandbox.server import SandboxServer

WAIT = 60.0
"""Upper bound of every wait (seconds); a run takes about one."""

TENANTS = 30
HELD_POST = 8
"""The gate closes at this POST: sign-in, the create and a few tenants pass first."""


def child_env() -> dict[str, str]:
    """The test's environment as a user has it: no ``PYTHONUNBUFFERED``."""
    return {k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}


def wide_trunk_file(sandbox: SandboxServer, path: Path, tenants: int = TENANTS) -> Path:
    """An IP trunk shared with ``tenants`` tenants of the sandbox (a DID each)."""
    lines = ["[[trunk]]", 'name = "Wide IP"', 'kind = "ip"', 'hostname = "203.0.113.9"']
    for number, tenant in enumerate(list(sandbox.state.tenants.values())[:tenants]):
        lines += ["[[trunk.tenants]]", f'tenant = "{tenant["domain"]}"']
        lines.append(f'did_numbers = "{17185550000 + number}"')
    path.write_text("\n".join(lines) + "\n")
    return path


def apply_argv(sandbox: SandboxServer, file: Path, config: Path) -> list[str]:
    """``python -m trunkwiz ... apply FILE --password-stdin``."""
    return [
        sys.executable, "-m", "trunkwiz", "--config", str(config), "--pbx", sandbox.url,
        "apply", str(file), "--password-stdin",
    ]  # fmt: skip


def shared_with(sandbox: SandboxServer) -> list[int]:
    """How many tenants each trunk on the PBX is shared with."""
    return [len(t.assignees) for t in sandbox.state.trunks.values()]


def hold_mid_run(sandbox: SandboxServer) -> None:
    """Block until the apply waits at the gate with the trunk partly shared."""
    assert sandbox.faults.wait_held(1, timeout=WAIT), "the apply never reached the gate"
    (count,) = shared_with(sandbox)
    assert 0 < count < TENANTS, count


class Lines:
    """The lines of a stream (a reader thread); ``wait_for`` blocks until one matches."""

    def __init__(self, stream: IO[str]) -> None:
        self._queue: queue.Queue[str | None] = queue.Queue()
        self.seen: list[str] = []
        self._ended = False
        threading.Thread(target=self._pump, args=(stream,), daemon=True).start()

    def _pump(self, stream: IO[str]) -> None:
        try:
            for line in stream:
                self._queue.put(line)
        finally:
            self._queue.put(None)

    def wait_for(self, text: str, timeout: float = WAIT) -> str:
        """The first line (from now) containing ``text``."""
        while True:
            line = self._next(timeout)
            assert line is not None, f"ended before {text!r}: {''.join(self.seen)}"
            if text in line:
                return line

    def rest(self, timeout: float = WAIT) -> str:
        """Everything, once the stream ended."""
        while self._next(timeout) is not None:
            pass
        return "".join(self.seen)

    def _next(self, timeout: float) -> str | None:
        if self._ended:
            return None
        line = self._queue.get(timeout=timeout)
        if line is None:
            self._ended = True
        else:
            self.seen.append(line)
        return line


def stop(proc: subprocess.Popen[str]) -> None:
    """Kill ``proc`` if it still runs (a failed test leaves nothing behind)."""
    if proc.poll() is None:
        proc.kill()
    proc.wait(timeout=10)


def child(argv: list[str], stdin: str, **kwargs: object) -> subprocess.Popen[str]:
    """``argv`` with pipes on stdin/stdout/stderr (the text of ``stdin`` written, closed)."""
    proc = subprocess.Popen(
        argv,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=REPO,
        env=child_env(),
        **kwargs,  # type: ignore[call-overload]
    )
    assert proc.stdin is not None
    proc.stdin.write(stdin)
    proc.stdin.close()
    return proc
