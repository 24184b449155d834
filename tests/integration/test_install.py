"""Installed as a tool: the wheel in a fresh environment runs ``trunkwiz --version`` and
``trunkwiz sandbox``; ``make demo`` installs no test tool."""

from __future__ import annotations

import os
import selectors
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from trunkwiz import __version__

pytestmark = [pytest.mark.integration, pytest.mark.slow]

REPO = Path(__file__).resolve().parents[2]
TEST_TOOLS = ("pytest", "mypy", "ruff", "schemathesis", "hypothesis")


def _env() -> dict[str, str]:
    """This environment without anything pointing into the checkout or its venv."""
    env = {k: v for k, v in os.environ.items() if k not in {"PYTHONPATH", "VIRTUAL_ENV"}}
    env["PYTHONNOUSERSITE"] = "1"
    return env


def _ready_line(proc: subprocess.Popen[str], timeout: float) -> str:
    """The first stdout line starting with READY (bounded; the process's output so far
    when it does not come)."""
    assert proc.stdout is not None
    seen: list[str] = []
    deadline = time.monotonic() + timeout
    with selectors.DefaultSelector() as sel:
        sel.register(proc.stdout, selectors.EVENT_READ)
        while time.monotonic() < deadline:
            if not sel.select(timeout=max(0.0, deadline - time.monotonic())):
                break
            line = proc.stdout.readline()
            if not line:
                break
            seen.append(line)
            if line.startswith("READY "):
                return line.strip()
    raise AssertionError(f"no READY line within {timeout} s: {''.join(seen)[-2000:]}")


def test_wheel_installs_into_a_fresh_environment_and_runs(tmp_path: Path) -> None:
    dist = tmp_path / "dist"
    built = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "-w", str(dist), str(REPO)],
        capture_output=True, text=True, timeout=300, cwd=tmp_path, env=_env(), check=False,
    )  # fmt: skip
    assert built.returncode == 0, built.stderr[-3000:]
    (wheel,) = dist.glob("trunkwiz-*.whl")
    venv = tmp_path / "tool"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=120)
    bin_dir = venv / "bin"
    installed = subprocess.run(
        [str(bin_dir / "python"), "-m", "pip", "install", "--quiet", "--no-compile", str(wheel)],
        capture_output=True, text=True, timeout=600, cwd=tmp_path, env=_env(), check=False,
    )  # fmt: skip
    assert installed.returncode == 0, installed.stderr[-3000:]
    listed = subprocess.run(
        [str(bin_dir / "python"), "-m", "pip", "list", "--format=freeze"],
        capture_output=True, text=True, timeout=120, env=_env(), check=True,
    ).stdout.lower()  # fmt: skip
    assert not [t for t in TEST_TOOLS if f"\n{t}==" in f"\n{listed}"], listed

    version = subprocess.run(
        [str(bin_dir / "trunkwiz"), "--version"],
        capture_output=True, text=True, timeout=60, cwd=tmp_path, env=_env(), check=False,
    )  # fmt: skip
    assert version.returncode == 0, version.stderr
    assert version.stdout.strip() == f"trunkwiz {__version__}"

    sandbox = subprocess.Popen(
        [str(bin_dir / "trunkwiz"), "sandbox", "--port", "0"],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        cwd=tmp_path, env=_env(), start_new_session=True,
    )  # fmt: skip
    try:
        ready = _ready_line(sandbox, timeout=60)
        assert ready.startswith("READY http://127.0.0.1:"), ready
        sandbox.send_signal(signal.SIGINT)
        assert sandbox.wait(timeout=30) is not None
    finally:
        if sandbox.poll() is None:
            os.killpg(sandbox.pid, signal.SIGKILL)
            sandbox.wait(timeout=10)
        if sandbox.stdout is not None:
            sandbox.stdout.close()


def test_make_demo_installs_the_app_only(tmp_path: Path) -> None:
    """In a fresh clone (no .venv), ``make demo`` installs ``-e .`` without the test extra."""
    make = shutil.which("make")
    if make is None:
        pytest.skip("make is not installed (apt-get install make)")
    for name in ("Makefile", "pyproject.toml"):
        shutil.copy(REPO / name, tmp_path / name)
    planned = subprocess.run(
        [make, "-n", "demo"], capture_output=True, text=True, timeout=60, cwd=tmp_path, check=True
    ).stdout
    installs = [line for line in planned.splitlines() if "pip install" in line]
    assert any(line.rstrip().endswith("-e .") for line in installs), planned
    assert "[test]" not in planned and "system-deps" not in planned, planned
    tested = subprocess.run(
        [make, "-n", "unit"], capture_output=True, text=True, timeout=60, cwd=tmp_path, check=True
    ).stdout
    assert "-e '.[test]'" in tested, tested
