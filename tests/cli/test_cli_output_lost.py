"""Commands other than ``apply`` whose output goes away: ``trunkwiz status --watch | head``
ends at the first line that cannot be written, quietly, with 141 (128 + SIGPIPE) as a
shell reports it -- not Python's 120 and a "BrokenPipeError" complaint. Real bash pipe,
``PYTHONUNBUFFERED`` unset."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.cli.conftest import REPO, admin_stdin
from tests.cli.interrupts import WAIT, child_env
from trunkwiz.sandbox.server import SandboxServer


@pytest.fixture
def small_sandbox() -> Iterator[SandboxServer]:
    server = SandboxServer(tenants=3).start()
    try:
        yield server
    finally:
        server.stop()


def test_status_watch_into_head_ends_with_141(small_sandbox: SandboxServer, tmp_path: Path) -> None:
    command = (
        f'set -o pipefail; "{sys.executable}" -m trunkwiz --config "{tmp_path / "cfg"}" '
        f"--pbx {small_sandbox.url} status --watch --interval 0.5 --password-stdin | head -n 1"
    )
    done = subprocess.run(
        ["bash", "-c", command],
        input=admin_stdin(),
        capture_output=True,
        text=True,
        cwd=REPO,
        env=child_env(),
        timeout=WAIT,
        check=False,
    )
    assert done.returncode == 141, (done.returncode, done.stderr)
    assert len(done.stdout.splitlines()) == 1
    assert done.stderr == ""
