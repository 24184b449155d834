"""Hostile names in a real terminal: ``trunkwiz status`` and the wizard's trunk list in a
tmux pane, against a sandbox holding trunk names with OSC 52 (clipboard), OSC 0 (title)
and cursor escapes. The pane's title and tmux's paste buffers stay as they were
(issue 11, item 1)."""

from __future__ import annotations

import shlex
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.hostile import hostile_sandbox
from tests.support.system import need_binary
from tests.tui.test_tui_tmux import PYTHON, Tmux, shows, wait_until
from trunkwiz.sandbox.server import DEFAULT_ADMIN_PASSWORD, SandboxServer

TITLE = "trunkwiz-hostile-test"


@pytest.fixture(scope="module")
def pbx() -> Iterator[SandboxServer]:
    server = hostile_sandbox()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def tmux(tmp_path: Path) -> Iterator[Tmux]:
    term = Tmux(need_binary("tmux"), tmp_path)
    try:
        yield term
    finally:
        term.stop()


def _start(term: Tmux, command: str) -> None:
    """Run ``command`` in the pane once the pane has a known title and tmux takes OSC 52
    into a paste buffer (so a raw escape would show in both)."""
    term.start(f"sh -c {shlex.quote('read go; ' + command + '; echo ==DONE==; exec cat')}")
    term.run("set-option", "-g", "set-clipboard", "on")
    term.run("set-option", "-g", "allow-rename", "on")
    term.run("select-pane", "-t", "wizard", "-T", TITLE)
    assert _title(term) == TITLE
    term.keys("Enter")  # releases ``read go``


def _title(term: Tmux) -> str:
    return term.run("display-message", "-p", "-t", "wizard", "#{pane_title}").strip()


def _unchanged(term: Tmux) -> None:
    assert _title(term) == TITLE
    assert term.run("list-buffers") == ""


def test_status_in_a_terminal_leaves_title_and_clipboard_alone(
    tmux: Tmux, pbx: SandboxServer, tmp_path: Path
) -> None:
    command = (
        f"printf '%s\\n' {shlex.quote(DEFAULT_ADMIN_PASSWORD)} | {PYTHON} -m trunkwiz "
        f"--config {tmp_path / 'config'} --pbx {pbx.url} status --password-stdin"
    )
    _start(tmux, command)
    shows(tmux, r"==DONE==", timeout=30)
    screen = tmux.screen()
    assert "Carrier [/old]" in screen
    assert r"Evil\x1b]0;PWNED\x07\x1b[2K\x1b[1A" in screen
    assert r"T\x1b]52;c;ZWNobyBwd25lZAo=\x07\x1b[8m" in screen
    _unchanged(tmux)


def test_the_wizards_trunk_list_leaves_title_and_clipboard_alone(
    tmux: Tmux, pbx: SandboxServer, tmp_path: Path
) -> None:
    command = f"{PYTHON} -m trunkwiz --config {tmp_path / 'config'} --pbx {pbx.url} --user admin"
    _start(tmux, command)
    shows(tmux, r"^ Password", timeout=30)
    wait_until("the title the wizard sets", lambda: _title(tmux) != "", 10, tmux)
    title = _title(tmux)  # the wizard may name the window itself; the trunks must not
    tmux.type(DEFAULT_ADMIN_PASSWORD)
    tmux.keys("C-n")
    # each cell cut at its column's width with an ellipsis, escapes visible, no markup
    shows(tmux, r"Carrier \[/…", timeout=30)
    shows(tmux, r"Bidi \\u202…")
    shows(tmux, r"ON\\x1b\]0;STATUS\\x07…")
    assert _title(tmux) == title
    assert tmux.run("list-buffers") == ""
