"""``trunkwiz export``: the PBX's trunks as a trunk file; export then apply is empty."""

from __future__ import annotations

from pathlib import Path

from tests.cli.conftest import IP_TRUNK, REGISTER_TRUNK, SIP_PASSWORD, Cli, Recorder, admin_stdin
from trunkwiz.domain.trunkfile import parse
from trunkwiz.sandbox.server import SandboxServer


def seed(cli: Cli, sandbox: SandboxServer, tmp_path: Path) -> None:
    file = tmp_path / "seed.toml"
    file.write_text(REGISTER_TRUNK + IP_TRUNK)
    r = cli(
        "--pbx",
        sandbox.url,
        "apply",
        str(file),
        "--password-stdin",
        stdin=admin_stdin(("Acme SIP", SIP_PASSWORD)),
    )
    assert r.code == 0, r.err


def test_export_then_apply_is_an_empty_plan(
    cli: Cli, sandbox: SandboxServer, recorder: Recorder, tmp_path: Path
) -> None:
    seed(cli, sandbox, tmp_path)
    out = tmp_path / "exported.toml"
    r = cli("--pbx", sandbox.url, "export", "-o", str(out), "--password-stdin", stdin=admin_stdin())
    assert r.code == 0, r.err
    assert "Wrote 2 trunk(s)" in r.err
    text = out.read_text()
    assert "password" not in text.split("# (`trunkwiz secret", 1)[1].split("\n", 1)[1]
    exported = parse(text)
    assert [t.name for t in exported.trunks] == ["Acme SIP", "Carrier IP"]
    acme = exported.trunks[0]
    assert [t.tenant_id for t in acme.tenants] == [
        "acme-001.sandbox.test",
        "bluebird-002.sandbox.test",
    ]
    assert acme.options.keep_alive is True
    recorder.clear()
    again = cli("--pbx", sandbox.url, "apply", str(out), "--password-stdin", stdin=admin_stdin())
    assert again.code == 0, again.err
    assert "Nothing to change." in again.out
    assert recorder.mutating() == []


def test_export_one_trunk_to_stdout(cli: Cli, sandbox: SandboxServer, tmp_path: Path) -> None:
    seed(cli, sandbox, tmp_path)
    r = cli("--pbx", sandbox.url, "export", "carrier ip", "--password-stdin", stdin=admin_stdin())
    assert r.code == 0, r.err
    (trunk,) = parse(r.out).trunks
    assert trunk.name == "Carrier IP" and trunk.additional_ips == ["198.51.100.0/24"]
    missing = cli("--pbx", sandbox.url, "export", "Nope", "--password-stdin", stdin=admin_stdin())
    assert missing.code == 2 and "no trunk named 'Nope'" in missing.err


def test_export_of_an_empty_pbx_is_a_file_without_trunks(cli: Cli, sandbox: SandboxServer) -> None:
    r = cli("--pbx", sandbox.url, "export", "--password-stdin", stdin=admin_stdin())
    assert r.code == 0, r.err
    assert "[[trunk]]" not in r.out
