"""``trunkwiz checklist NAME`` against the sandbox, with and without a public IPv4."""

from __future__ import annotations

import json
from pathlib import Path

from tests.cli.conftest import IP_TRUNK, Cli, admin_stdin
from trunkwiz.sandbox.server import SandboxServer


def seed(cli: Cli, sandbox: SandboxServer, tmp_path: Path) -> None:
    file = tmp_path / "ip.toml"
    file.write_text(
        IP_TRUNK.replace(
            'hostname = "203.0.113.5"', 'hostname = "203.0.113.5"\nbrand = "Flowroute"'
        )
    )
    r = cli("--pbx", sandbox.url, "apply", str(file), "--password-stdin", stdin=admin_stdin())
    assert r.code == 0, r.err


def test_checklist_with_the_public_address(
    cli: Cli, sandbox: SandboxServer, tmp_path: Path
) -> None:
    seed(cli, sandbox, tmp_path)
    r = cli("--pbx", sandbox.url, "checklist", "carrier ip", "--tech-prefix", "52709417",
            "--password-stdin", stdin=admin_stdin())  # fmt: skip
    assert r.code == 0, r.err
    assert "At the Flowroute portal:" in r.out
    assert "sip:203.0.113.10:5060" in r.out and "52709417*" in r.out


def test_checklist_without_a_public_address_never_shows_the_private_one_as_public(
    cli: Cli, sandbox: SandboxServer, tmp_path: Path
) -> None:
    seed(cli, sandbox, tmp_path)
    sandbox.state.network["public_ipv4"] = ""
    r = cli("--pbx", sandbox.url, "checklist", "Carrier IP", "--json", "--password-stdin",
            stdin=admin_stdin())  # fmt: skip
    assert r.code == 0, r.err
    data = json.loads(r.out)
    assert any("no public IPv4" in w and "Settings › Network" in w for w in data["warnings"])
    private = [v for v in data["values"] if v["value"] == "192.0.2.10"]
    assert [v["label"] for v in private] == [
        "PBX private IPv4 (inside your network only; not for the carrier)"
    ]
    assert "sip:192.0.2.10" not in r.out
    assert all("192.0.2.10" not in step for step in data["steps"])


def test_checklist_of_an_unknown_trunk_is_bad_input(cli: Cli, sandbox: SandboxServer) -> None:
    r = cli("--pbx", sandbox.url, "checklist", "Nope", "--password-stdin", stdin=admin_stdin())
    assert r.code == 2 and "no trunk named 'Nope'" in r.err


def test_checklist_of_a_pbx_sending_a_wrong_port_names_the_field(
    cli: Cli, sandbox: SandboxServer, tmp_path: Path
) -> None:
    seed(cli, sandbox, tmp_path)
    for transport in sandbox.state.transports.values():
        if transport["protocol"] == "UDP":
            transport["port"] = {"number": 5060}
    r = cli("--pbx", sandbox.url, "checklist", "Carrier IP", "--password-stdin",
            stdin=admin_stdin())  # fmt: skip
    assert r.code == 1, r.err
    assert "GET /transports: items[0].port: the PBX sent an object where a port number" in r.err
    assert "Traceback" not in r.err and r.out == ""
