"""The Tenants filter in a real terminal: ``trunkwiz demo`` in tmux at 80x24.

``send-keys -l zzz`` writes the three characters at once, so the wizard reads them in one
go (the path where the list used to vanish and the wizard died); Backspace, Ctrl+U and a
tenant's domain follow. The wizard stays up, says when nothing matches, and the tenant
picked before (with its pool) is still picked; Ctrl+C then saves the draft holding it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
import tomllib

from tests.support.system import need_binary
from tests.tui.test_tui_tmux import PYTHON, Tmux, fill, focus, shows, wait_until

FIRST = "Acme Dental 001"
POOL = "15551230000-15551230099"


@pytest.fixture
def term(tmp_path: Path) -> Iterator[Tmux]:
    """tmux on a private socket at 80x24; stopped, with what it ran, after the test."""
    tmux = Tmux(need_binary("tmux"), tmp_path)
    try:
        yield tmux
    finally:
        tmux.stop()


def to_tenants(term: Tmux) -> None:
    """Sign in, choose Register-Based, fill Basic and Credentials, on to Tenants."""
    term.start(f"{PYTHON} -m trunkwiz demo --config {term.home / 'config'}")
    shows(term, r"^ Password\s+•+", timeout=30)
    term.keys("C-n")
    shows(term, r"No trunks yet")
    term.keys("C-n")
    shows(term, r"^ Basic info")
    fill(term, "Name", "tmux-filter")
    fill(term, "Host", "127.0.0.1", tabs=2)
    term.keys("C-n")
    shows(term, r"^ Credentials")
    fill(term, "Authentication ID", "demo-trunk")
    focus(term, "Password", tabs=2)
    term.type("demo-carrier-secret")
    shows(term, r"^ Password\s+•{19}\s*$")
    term.keys("C-n")
    shows(term, r"^ Options")
    term.keys("C-n")
    shows(term, r"^ Tenants")
    shows(term, r"\d+ tenants\.")


def picked(term: Tmux) -> bool:
    """The first tenant is listed and ticked."""
    return bool(re.search(rf"^ \[x\] {FIRST}", term.screen(), re.M))


def focused(term: Tmux, label: str) -> bool:
    """The button ``label`` is drawn focused (bold reverse, as Textual draws the focus)."""
    styled = term.run("capture-pane", "-p", "-e", "-t", "wizard")
    return bool(re.search(rf"\x1b\[1;7m(?:\x1b\[[0-9;]*m)*\s*{label}\b", styled))


def in_filter(term: Tmux) -> bool:
    """The cursor is on the filter's row (the row under the title)."""
    return term.cursor_row() == 2


def test_a_filter_typed_in_one_read_keeps_the_list_and_the_pick(term: Tmux) -> None:
    to_tenants(term)
    for key, what in (("Tab", "the list's focus"), ("Space", "pick")):
        before = term.styled_line(FIRST)
        term.keys(key)
        wait_until(what, lambda: term.styled_line(FIRST) != before, 10, term)  # noqa: B023
    assert picked(term)
    fill(term, "DID pool", POOL, tabs=1)
    term.keys("BTab", "BTab")  # back past the list to the filter
    wait_until("the cursor in the filter", lambda: in_filter(term), 10, term)

    for clear in (["BSpace"], ["C-u"]):
        term.type("zzz")  # one write: one read for the wizard
        shows(term, r"No tenant matches 'zzz'")
        term.keys(*clear)
        if clear == ["BSpace"]:
            shows(term, r"No tenant matches 'zz'")
            term.keys("C-u")
        wait_until("the list back, the pick kept", lambda: picked(term), 10, term)
        assert term.alive()
        assert "No tenant matches" not in term.screen()
        assert re.search(rf"^ DID pool\s+{POOL}\s*$", term.screen(), re.M)

    term.type("acme-081")  # a domain: the list shows that tenant only
    wait_until("the list filtered", lambda: not picked(term), 10, term)
    assert re.search(r"^ \[ \] Acme Hotels 081", term.screen(), re.M)
    assert re.search(rf"^ {FIRST}\s*$", term.screen(), re.M)
    term.keys("C-u")
    wait_until("the list back, the pick kept", lambda: picked(term), 10, term)

    term.keys("C-n")
    shows(term, r"^ Routes")
    shows(term, rf"DID pool for this trunk: {POOL}")
    term.keys("Tab", "Tab", "Tab", "Tab")  # past the two Add buttons and Back
    wait_until("Next focused", lambda: focused(term, "Next"), 10, term)
    term.keys("Enter")  # Enter on the focused Next: one step, to Review
    shows(term, r"^ Review")
    shows(term, r"Create trunk tmux-filter")
    assert term.alive()

    term.keys("C-c")  # leave now: the draft is saved with what is on screen
    wait_until("the demo to exit", lambda: not term.alive(), timeout=30)
    drafts = list((term.home / "config" / "drafts").glob("*.toml"))
    assert drafts, f"no draft saved under {term.home}"
    saved = tomllib.loads(drafts[0].read_text())
    tenants = saved.get("tenants", [])
    assert [(t["tenant_name"], t["did_numbers"]) for t in tenants] == [(FIRST, POOL)]
