"""Hostile PBX text through the CLI: names, tenant names, statuses and error messages
carrying terminal escapes or markup reach stdout/stderr only with every control
character made visible (issue 11, item 1)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.cli.conftest import Cli, admin_stdin
from tests.support.hostile import (
    ESCAPE_NAMES,
    MARKUP_NAMES,
    REFUSE_SIGN_IN,
    TENANT_NAMES,
    hostile_sandbox,
    raw_controls,
)
from trunkwiz.domain.text import visible
from trunkwiz.sandbox.server import SandboxServer


@pytest.fixture
def pbx() -> Iterator[SandboxServer]:
    server = hostile_sandbox()
    try:
        yield server
    finally:
        server.stop()


def test_status_shows_hostile_names_and_statuses_escaped(cli: Cli, pbx: SandboxServer) -> None:
    r = cli("--pbx", pbx.url, "status", "--password-stdin", stdin=admin_stdin())
    assert r.code == 0, r.err
    assert raw_controls(r.out + r.err) == []
    for name in ESCAPE_NAMES + MARKUP_NAMES:
        assert visible(name) in r.out
    assert "ON\\x1b]0;STATUS\\x07LINE [/b]" in r.out
    assert len(r.out.splitlines()) == 1 + len(ESCAPE_NAMES + MARKUP_NAMES)  # one row each


def test_status_json_keeps_the_text_with_escapes(cli: Cli, pbx: SandboxServer) -> None:
    r = cli("--pbx", pbx.url, "status", "--json", "--password-stdin", stdin=admin_stdin())
    assert r.code == 0, r.err
    assert raw_controls(r.out + r.err) == []
    names = {row["name"] for row in json.loads(r.out)}
    assert names == set(ESCAPE_NAMES + MARKUP_NAMES)  # JSON escapes decode to the real text


def test_export_writes_no_raw_control_character(cli: Cli, pbx: SandboxServer) -> None:
    r = cli("--pbx", pbx.url, "export", "--password-stdin", stdin=admin_stdin())
    assert r.code == 0, r.err
    assert raw_controls(r.out + r.err) == []
    for name in MARKUP_NAMES:
        assert f'name = "{name}"' in r.out
    for name in ESCAPE_NAMES:  # refused by the model: skipped with the reason, shown escaped
        assert f"Skipped trunk {visible(name)}" in r.err


def test_apply_plan_names_hostile_tenants_escaped(
    cli: Cli, pbx: SandboxServer, tmp_path: Path
) -> None:
    second = list(pbx.state.tenants.values())[1]["domain"]
    file = tmp_path / "t.toml"
    file.write_text(
        '[[trunk]]\nname = "New One"\nkind = "ip"\nhostname = "203.0.113.200"\n'
        '[[trunk.tenants]]\ntenant = "Acme Dental [/EU] 001"\ndid_numbers = "16460000001"\n'
        f'[[trunk.tenants]]\ntenant = "{second}"\ndid_numbers = "16460000002"\n'
    )
    r = cli(
        "--pbx", pbx.url, "apply", str(file), "--dry-run", "--password-stdin", stdin=admin_stdin()
    )
    assert r.code == 0, r.err
    assert raw_controls(r.out + r.err) == []
    assert visible(TENANT_NAMES[1]) in r.out
    assert TENANT_NAMES[0] in r.out

    file.write_text(file.read_text().replace(second, "Bell Ltd"))
    r = cli(
        "--pbx", pbx.url, "apply", str(file), "--dry-run", "--password-stdin", stdin=admin_stdin()
    )
    assert r.code == 2
    assert raw_controls(r.out + r.err) == []


def test_a_hostile_sign_in_refusal_is_one_escaped_line(cli: Cli) -> None:
    server = hostile_sandbox(answers=REFUSE_SIGN_IN)
    try:
        r = cli("--pbx", server.url, "status", "--password-stdin", stdin=admin_stdin())
    finally:
        server.stop()
    assert r.code == 1
    assert raw_controls(r.out + r.err) == []
    assert "Password expired [/b] contact admin \\x1b]0;ERR\\x07" in r.err
    assert "Traceback" not in r.err


def test_probe_describes_hostile_sip_answers_escaped() -> None:
    from trunkwiz.cli.probe import _describe

    entry = {
        "name": "Carrier [/old]",
        "kind": "register",
        "register": True,
        "dialled": "sip.carrier.example:5060",
        "outcome": "rejected",
        "status": 403,
        "reason": "Forbidden\x1b]0;PWNED\x07\r\nX-Evil: 1",
        "realm": "realm\x1b]52;c;ZWNobw==\x07",
        "algorithm": "MD5",
        "resolved": None,
        "diagnosis": "the carrier said \u202eno",
        "notes": ["note\x9b2J"],
        "timings": {},
    }
    text = _describe(entry)
    assert raw_controls(text) == []
    assert "last answer: 403 Forbidden\\x1b]0;PWNED\\x07\\r\\nX-Evil: 1" in text
    assert len(text.splitlines()) == 5  # the reason phrase cannot add lines
