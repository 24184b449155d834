"""The Tenants filter and the Routes step in a real terminal: ``trunkwiz demo`` in tmux
at 80x24.

``send-keys -l zzz`` writes the three characters at once, so the wizard reads them in one
go (the path where the list used to vanish and the wizard died); Backspace, Ctrl+U and a
tenant's domain follow. The wizard stays up, says when nothing matches, and the tenant
picked before (with its pool) is still picked; Ctrl+C then saves the draft holding it.

With two tenants (each with its own pool) the Routes step is taller than the screen: a
rule added to the second tenant, below the first tenant's rules, is scrolled into view, so
the name typed into it shows; Tab then puts the cursor, on screen, in each of its fields
in turn (the prefix typed there shows on the cursor's row), and Ctrl+C saves the draft
holding both tenants and the three rules.
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
SECOND_POOL = "15551240000-15551240099"
ROWS = 24


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
    fill(term, "Authentication Name", "demo-trunk")
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


def pick_first(term: Tmux) -> None:
    """Into the tenant list, and pick its first tenant (each key awaited on screen)."""
    for key, what in (("Tab", "the list's focus"), ("Space", "pick")):
        before = term.styled_line(FIRST)
        term.keys(key)
        wait_until(what, lambda: term.styled_line(FIRST) != before, 10, term)  # noqa: B023
    assert picked(term)


def test_a_filter_typed_in_one_read_keeps_the_list_and_the_pick(term: Tmux) -> None:
    to_tenants(term)
    pick_first(term)
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


def cursor_line(term: Tmux) -> tuple[int, str]:
    """The cursor's row and that row's line on screen (``""`` when off the screen)."""
    row = term.cursor_row()
    lines = term.screen().splitlines()
    return row, lines[row] if 0 <= row < min(ROWS, len(lines)) else ""


def at_cursor(term: Tmux, pattern: str) -> bool:
    """The cursor is on the screen and its row's line matches ``pattern``."""
    row, line = cursor_line(term)
    return 0 <= row < ROWS and re.search(pattern, line) is not None


def add_rule(term: Tmux, button: str, marked: int) -> None:
    """Enter on the focused ``button``; wait until the new rule's first field has the focus.

    The new rule is marked at once (it says no calls yet), so the count of marked rules
    under the buttons tells that the form is added; its field was focused before that
    count was drawn, so the keys sent after it go to the field (not to the button)."""
    term.keys("Enter")
    shows(term, rf"Fix the marked rule\(s\) to go on \({marked}\)")
    wait_until(f"the focus off {button}", lambda: not focused(term, button), 10, term)


def test_a_rule_added_for_the_second_tenant_is_typed_on_screen(term: Tmux) -> None:
    to_tenants(term)
    pick_first(term)  # then the one under it
    lines = term.screen().splitlines()
    under = lines[next(i for i, line in enumerate(lines) if FIRST in line) + 1]
    name = re.match(r"^ \[ \] (.+?)  \(", under)
    assert name, f"no tenant under {FIRST}: {under!r}"
    second = name.group(1)
    before = term.styled_line(second)
    term.keys("Down")
    wait_until("the next tenant highlighted", lambda: term.styled_line(second) != before, 10, term)
    term.keys("Space")
    shows(term, rf"^ \[x\] {re.escape(second)}")
    # Each picked tenant has a DID pool and a call cap, in the order picked: Tab into the
    # first pool, type; Tab past its call cap into the second pool, type. The wizard
    # applies keys in the order sent, so each text lands in the field the Tabs before it
    # focused (whenever the terminal's cursor is drawn there).
    term.keys("Tab")
    term.type(POOL)  # focusing an input selects its text: typing replaces it
    shows(term, rf"^ DID pool\s+{POOL}\b")
    term.keys("Tab", "Tab")
    term.type(SECOND_POOL)
    shows(term, rf"^ {re.escape(second)}\s*\n DID pool\s+{SECOND_POOL}\b")
    assert re.search(rf"^ DID pool\s+{POOL}\b", term.screen(), re.M), term.screen()

    term.keys("C-n")
    shows(term, r"^ Routes")
    shows(term, rf"DID pool for this trunk: {SECOND_POOL}")
    # The first tenant: an outbound rule, then an inbound rule (Tab past "Skip").
    term.keys("Tab")
    wait_until("Add outbound rule focused", lambda: focused(term, "Add outbound rule"), 10, term)
    add_rule(term, "Add outbound rule", marked=1)
    term.keys(*["Tab"] * 10)  # the 7 other fields, Remove, Add outbound rule, Add inbound
    wait_until("Add inbound rule focused", lambda: focused(term, "Add inbound rule"), 10, term)
    add_rule(term, "Add inbound rule", marked=2)
    term.keys(*["Tab"] * 8)  # the 5 other fields, Remove, Add inbound, the next tenant's
    wait_until("Add outbound rule focused", lambda: focused(term, "Add outbound rule"), 10, term)

    # The second tenant's new outbound rule is at the bottom: what is typed is on screen.
    add_rule(term, "Add outbound rule", marked=3)
    term.type("zz-second-out")  # focusing an input selects its text: typing replaces it
    shows(term, r"^ \W?Rule name\s+zz-second-out\b")
    # Tab through the form: the cursor is on screen, in the row of each field in turn,
    # the first one right under the name just typed.
    for label in (
        "Number prefix", "Number length", "Strip digits", "Prepend", "Caller ID",
        "Route on", "Office hours",
    ):  # fmt: skip
        term.keys("Tab")
        wait_until(
            f"the cursor in {label}, on screen",
            lambda: at_cursor(term, rf"^ \W?{label}\s"),  # noqa: B023
            10,
            term,
        )
        if label == "Number prefix":
            row, _line = cursor_line(term)
            above = term.screen().splitlines()[row - 1]
            assert re.search(r"^ \W?Rule name\s+zz-second-out\b", above), term.screen()
            term.type("1")  # complete now: the rule's problem lines go
            wait_until(
                "the prefix typed on the cursor's row",
                lambda: at_cursor(term, r"^ \W?Number prefix\s+1\b"),
                10,
                term,
            )
    assert term.alive()

    term.keys("C-c")  # leave now: the draft is saved with what is on screen
    wait_until("the demo to exit", lambda: not term.alive(), timeout=30)
    drafts = list((term.home / "config" / "drafts").glob("*.toml"))
    assert drafts, f"no draft saved under {term.home}"
    saved = tomllib.loads(drafts[0].read_text())
    tenants = saved.get("tenants", [])
    assert [(t["tenant_name"], t["did_numbers"]) for t in tenants] == [
        (FIRST, POOL),
        (second, SECOND_POOL),
    ]
    routes = saved.get("routes", {})
    first_id, second_id = (t["tenant_id"] for t in tenants)
    assert [r["name"] for r in routes[first_id]["outbound"]] == ["tmux-filter out"]
    assert [r["name"] for r in routes[first_id]["inbound"]] == ["tmux-filter in"]
    assert [(r["name"], r["number_prefix"]) for r in routes[second_id]["outbound"]] == [
        ("zz-second-out", "1")
    ]
