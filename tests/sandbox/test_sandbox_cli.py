"""``trunkwiz sandbox`` as a subprocess: READY line, serving, clean stop on SIGTERM/SIGINT."""

from __future__ import annotations

import os
import queue
import re
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator

import httpx
import pytest

from tests.sandbox.conftest import ssl_context

_LINES: dict[int, queue.Queue[str]] = {}


def read_line(proc: subprocess.Popen[str], timeout: float) -> str:
    """The next stdout line, or fail after ``timeout`` seconds."""
    try:
        return _LINES[proc.pid].get(timeout=timeout)
    except queue.Empty:
        raise AssertionError(f"no output within {timeout} s") from None


def _pump(proc: subprocess.Popen[str], lines: queue.Queue[str]) -> None:
    assert proc.stdout is not None
    for line in proc.stdout:
        lines.put(line)


@pytest.fixture
def spawn() -> Iterator[list[subprocess.Popen[str]]]:
    procs: list[subprocess.Popen[str]] = []
    yield procs
    for proc in procs:
        if proc.poll() is None:
            proc.kill()
        proc.wait(5)


def start(spawn: list[subprocess.Popen[str]], *args: str) -> subprocess.Popen[str]:
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "trunkwiz", "sandbox", "--port", "0", "--tenants", "3", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    spawn.append(proc)
    _LINES[proc.pid] = queue.Queue()
    threading.Thread(target=_pump, args=(proc, _LINES[proc.pid]), daemon=True).start()
    return proc


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_prints_ready_serves_and_stops_on_signal(
    spawn: list[subprocess.Popen[str]], sig: signal.Signals
) -> None:
    proc = start(spawn)
    line = read_line(proc, 20)
    match = re.fullmatch(r"READY (http://127\.0\.0\.1:(\d+))\n", line)
    assert match, line
    reply = httpx.post(
        match[1] + "/api/auth/sign_in",
        verify=ssl_context(),
        json={"username": "admin", "password": "sandbox-admin"},
    )
    assert reply.status_code == 200
    proc.send_signal(sig)
    assert proc.wait(10) == 0
    with pytest.raises(AssertionError):  # exactly one line: nothing more came
        read_line(proc, 0.5)


def test_tls_prints_the_fingerprint_first(spawn: list[subprocess.Popen[str]]) -> None:
    proc = start(spawn, "--tls")
    first = read_line(proc, 20)
    assert re.fullmatch(r"FINGERPRINT SHA-256 ([0-9A-F]{2}:){31}[0-9A-F]{2}\n", first), first
    ready = read_line(proc, 10)
    assert ready.startswith("READY https://127.0.0.1:")
    proc.terminate()
    assert proc.wait(10) == 0


def test_admin_password_from_environment_state_file_and_mode(
    spawn: list[subprocess.Popen[str]], tmp_path: object, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TRUNKWIZ_SANDBOX_ADMIN_PASSWORD", "from-env")
    state = f"{tmp_path}/pbx.json"
    proc = start(spawn, "--state", state, "--switch-scopes-trunks")
    url = read_line(proc, 20).split()[1]
    ok = httpx.post(
        url + "/api/auth/sign_in",
        verify=ssl_context(),
        json={"username": "admin", "password": "from-env"},
    )
    assert ok.status_code == 200
    # the mode option reaches the server (switched sessions scope trunk calls)
    faults = httpx.get(url + "/_sandbox/faults", verify=ssl_context()).json()
    assert faults["switch_scopes_trunks"] is True
    proc.terminate()
    assert proc.wait(10) == 0
    assert os.stat(state).st_mode & 0o777 == 0o600


def test_help_shows_an_example_and_the_credentials() -> None:
    out = subprocess.run(
        [sys.executable, "-m", "trunkwiz", "sandbox", "--help"],
        capture_output=True,
        text=True,
        timeout=30,
        check=True,
    ).stdout
    assert "example:" in out and "trunkwiz sandbox --port 0" in out
    assert "sandbox-admin" in out and "tenant-admin" in out and "0600" in out


def test_bad_options_exit_2() -> None:
    began = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-m", "trunkwiz", "sandbox", "--tenants", "0"],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert done.returncode == 2
    assert "--tenants" in done.stderr
    assert time.monotonic() - began < 30
