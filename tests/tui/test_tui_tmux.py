"""The README's main job in a real terminal: ``trunkwiz demo`` in tmux at 80x24.

tmux runs the command on its own server (a dedicated ``-L`` socket, never the user's),
keys go in with ``send-keys`` and the screen is read back with ``capture-pane``. Every wait
polls the screen (or the terminal cursor, which Textual puts in the focused input) until a
deadline. The run creates a Register-Based trunk on the demo carrier shared with a tenant
and waits until the status panel reports it ONLINE.
"""

from __future__ import annotations

import contextlib
import os
import re
import signal
import subprocess
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.support.system import need_binary

REPO = Path(__file__).resolve().parents[2]
PYTHON = REPO / ".venv" / "bin" / "python"


class Tmux:
    """One tmux server on a private socket with one 80x24 session."""

    def __init__(self, binary: str, home: Path) -> None:
        self.binary = binary
        self.socket = f"trunkwiz-test-{uuid.uuid4().hex[:12]}"
        self.home = home
        self.pid: int | None = None

    def run(self, *args: str) -> str:
        done = subprocess.run(
            [self.binary, "-L", self.socket, *args],
            capture_output=True,
            text=True,
            timeout=10,
            check=False,
        )
        if done.returncode != 0:
            raise RuntimeError(f"tmux {args[0]} failed: {done.stderr.strip()}")
        return done.stdout

    def start(self, command: str) -> None:
        env = {
            "HOME": str(self.home),
            "XDG_CONFIG_HOME": str(self.home / ".config"),
            "XDG_DATA_HOME": str(self.home / ".local" / "share"),
            "TERM": "xterm-256color",
        }
        settings = [arg for name, value in env.items() for arg in ("-e", f"{name}={value}")]
        self.run(
            "-f", "/dev/null", "new-session", "-d", "-x", "80", "-y", "24",
            "-s", "wizard", "-c", str(REPO), *settings, command,
        )  # fmt: skip
        self.pid = int(self.run("display-message", "-p", "-t", "wizard", "#{pane_pid}"))

    def screen(self) -> str:
        """The visible screen, one line per row."""
        return self.run("capture-pane", "-p", "-t", "wizard")

    def styled_line(self, text: str) -> str:
        """The first screen line containing ``text``, with its colour escapes."""
        lines = self.run("capture-pane", "-p", "-e", "-t", "wizard").splitlines()
        return next((line for line in lines if text in line), "")

    def cursor_row(self) -> int:
        """The row of the terminal cursor (Textual puts it in the focused input)."""
        return int(self.run("display-message", "-p", "-t", "wizard", "#{cursor_y}"))

    def keys(self, *keys: str) -> None:
        """Send named keys (``Tab``, ``C-n``, ``Space``), one write each."""
        for key in keys:
            self.run("send-keys", "-t", "wizard", key)

    def type(self, text: str) -> None:
        """Send ``text`` literally."""
        self.run("send-keys", "-t", "wizard", "-l", text)

    def alive(self) -> bool:
        if self.pid is None:
            return False
        try:
            os.kill(self.pid, 0)
        except ProcessLookupError:
            return False
        return True

    def stop(self) -> None:
        """Kill the tmux server; make sure the program it ran is gone too (bounded)."""
        with contextlib.suppress(RuntimeError, subprocess.TimeoutExpired):
            self.run("kill-server")  # fails when already gone: the wizard exited
        for sig in (None, signal.SIGTERM, signal.SIGKILL):
            if sig is not None and self.alive():
                assert self.pid is not None
                os.kill(self.pid, sig)
            deadline = time.monotonic() + 10
            while self.alive() and time.monotonic() < deadline:
                time.sleep(0.05)
            if not self.alive():
                return


@pytest.fixture
def tmux(tmp_path: Path) -> Iterator[Tmux]:
    term = Tmux(need_binary("tmux"), tmp_path)
    try:
        yield term
    finally:
        term.stop()


def wait_until(
    what: str, check: Callable[[], object], timeout: float = 20.0, term: Tmux | None = None
) -> object:
    """Poll ``check`` until it returns something true; fail after ``timeout`` seconds
    (showing the screen when ``term`` is given)."""
    deadline = time.monotonic() + timeout
    while True:
        found = check()
        if found:
            return found
        if time.monotonic() > deadline:
            shown = f"; the screen:\n{term.screen()}" if term is not None else ""
            raise AssertionError(f"timed out waiting for {what}{shown}")
        time.sleep(0.05)


def shows(term: Tmux, pattern: str, timeout: float = 20.0) -> re.Match[str]:
    """Wait until the screen matches ``pattern``; return the match."""
    found = wait_until(
        f"{pattern!r} on screen", lambda: re.search(pattern, term.screen(), re.M), timeout, term
    )
    assert isinstance(found, re.Match)
    return found


def row_of(term: Tmux, label: str) -> int:
    """The screen row whose line starts with ``label`` (a field label); -1 if none."""
    rows = term.screen().splitlines()
    return next((i for i, line in enumerate(rows) if line.strip().startswith(label)), -1)


def focus(term: Tmux, label: str, tabs: int) -> None:
    """Press Tab ``tabs`` times; wait until the cursor is in the field labelled ``label``."""
    term.keys(*["Tab"] * tabs)
    wait_until(f"the cursor in {label}", lambda: term.cursor_row() == row_of(term, label), 10, term)


def fill(term: Tmux, label: str, text: str, tabs: int = 0) -> None:
    """Tab ``tabs`` times to the field labelled ``label``, type ``text``, see it there."""
    focus(term, label, tabs)
    term.type(text)  # focusing an input selects its text: typing replaces it
    shows(term, rf"^ {re.escape(label)}\s+{re.escape(text)}\s*$")


def test_demo_creates_a_shared_register_trunk_that_goes_online(tmux: Tmux) -> None:
    tmux.start(f"{PYTHON} -m trunkwiz demo")
    note = shows(tmux, r"port (\d+), UDP", timeout=30)
    carrier_port = note.group(1)
    shows(tmux, r"^ Password\s+•+")  # pre-filled, masked
    tmux.keys("C-n")
    shows(tmux, r"No trunks yet")  # signed in: the Kind step listed the PBX's trunks
    tmux.keys("C-n")  # Register-Based is the default
    shows(tmux, r"^ Basic info")
    fill(tmux, "Name", "tmux-carrier")
    fill(tmux, "Host", "127.0.0.1", tabs=2)  # past the brand list
    fill(tmux, "Port", carrier_port, tabs=1)
    tmux.keys("C-n")
    shows(tmux, r"^ Credentials")
    fill(tmux, "Authentication Name", "demo-trunk")
    focus(tmux, "Password", tabs=2)  # past the username
    tmux.type("demo-carrier-secret")
    shows(tmux, r"^ Password\s+•{19}\s*$")  # masked (the demo's note above names it)
    tmux.keys("C-n")
    shows(tmux, r"^ Options")
    tmux.keys("C-n")
    shows(tmux, r"^ Tenants")
    shows(tmux, r"\d+ tenants\.")  # the list and the PBX's pools are loaded
    first = "Acme Dental 001"
    # Into the list (its first option is highlighted), pick it: each key changes the line.
    for key, what in (("Tab", "the list's focus"), ("Space", "pick")):
        before = tmux.styled_line(first)
        tmux.keys(key)
        wait_until(what, lambda: tmux.styled_line(first) != before, 10, tmux)  # noqa: B023
    fill(tmux, "DID pool", "15551230000-15551230099", tabs=1)
    tmux.keys("C-n")
    shows(tmux, r"^ Routes")
    shows(tmux, r"DID pool for this trunk: 15551230000-15551230099")
    tmux.keys("Tab", "Enter")  # past "Skip", then "Add outbound rule": a form, name filled
    shows(tmux, r"Rule name\s+tmux-carrier out")
    tmux.keys("Tab")
    tmux.type("1")  # number prefix
    shows(tmux, r"Number prefix\s+1\s")
    tmux.keys("C-n")
    shows(tmux, r"^ Review")
    shows(tmux, r"Create trunk tmux-carrier \(Register Based Trunk")
    assert "demo-carrier-secret" not in tmux.screen()
    tmux.keys("C-n")  # Next on the last step is Submit
    shows(tmux, r"Done: \d+ change")
    shows(tmux, r"Status: ONLINE", timeout=60)
    tmux.keys("Enter")  # Done: back to the trunk list, which now holds the new trunk
    shows(tmux, r"tmux-carrier\s+register")
    tmux.keys("Escape")  # nothing typed since the submit: the wizard and the demo stop
    wait_until("the demo to exit", lambda: not tmux.alive(), timeout=30)


def test_keys_sent_together_land_as_typed(tmux: Tmux) -> None:
    """Several keys in one ``send-keys`` (one write, as over a slow link) apply in order."""
    tmux.start(f"{PYTHON} -m trunkwiz demo")
    shows(tmux, r"^ Password\s+•+", timeout=30)
    tmux.keys("C-n")
    shows(tmux, r"No trunks yet")
    tmux.keys("C-n")
    shows(tmux, r"^ Basic info")
    wait_until("the cursor in Name", lambda: tmux.cursor_row() == row_of(tmux, "Name"), 10, tmux)
    tmux.run("send-keys", "-t", "wizard", "Tab", "Tab", "C-a", "C-k", "10.0.0.1")
    shows(tmux, r"^ Host\s+10\.0\.0\.1\s*$")
    tmux.run("send-keys", "-t", "wizard", "Tab", "5071")
    shows(tmux, r"^ Port\s+5071\s*$")
    assert re.search(r"^ Host\s+10\.0\.0\.1\s*$", tmux.screen(), re.M)
    tmux.run("send-keys", "-t", "wizard", "C-r", "C-n", "x")  # Back to Kind, Next, type
    shows(tmux, r"^ Name\s+x\s*$")
    assert re.search(r"^ Host\s+10\.0\.0\.1\s*$", tmux.screen(), re.M)
