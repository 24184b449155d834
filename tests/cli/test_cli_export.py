"""``trunkwiz export``: the PBX's trunks as a trunk file; export then apply is empty."""

from __future__ import annotations

import os
import stat
from pathlib import Path

from tests.cli.conftest import (
    IP_TRUNK,
    REGISTER_TRUNK,
    Cli,
    Recorder,
    Result,
    admin_stdin,
    apply_trunks,
)
from trunkwiz.domain.trunkfile import parse
from trunkwiz.sandbox.server import SandboxServer


def seed(cli: Cli, sandbox: SandboxServer, tmp_path: Path) -> None:
    apply_trunks(cli, sandbox, tmp_path / "seed.toml", REGISTER_TRUNK + IP_TRUNK)


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


def export_to(cli: Cli, sandbox: SandboxServer, out: Path) -> Result:
    return cli("--pbx", sandbox.url, "export", "-o", str(out), "--password-stdin",
               stdin=admin_stdin())  # fmt: skip


def test_the_exported_file_keeps_the_users_umask(
    cli: Cli, sandbox: SandboxServer, tmp_path: Path
) -> None:
    out = tmp_path / "shared" / "trunks.toml"
    out.parent.mkdir()
    old = os.umask(0o027)
    try:
        r = export_to(cli, sandbox, out)
    finally:
        os.umask(old)
    assert r.code == 0, r.err
    assert stat.S_IMODE(out.stat().st_mode) == 0o640
    out.write_text("an older export\n")
    out.chmod(0o600)
    old = os.umask(0o022)
    try:
        assert export_to(cli, sandbox, out).code == 0
    finally:
        os.umask(old)
    assert "[[trunk]]" not in out.read_text() and "trunkwiz" in out.read_text()
    assert stat.S_IMODE(out.stat().st_mode) == 0o644, "a new file: the umask decides"
    assert [p.name for p in out.parent.iterdir()] == ["trunks.toml"], "no temporary file left"


def test_a_link_planted_at_the_output_is_refused_and_not_written_through(
    cli: Cli, sandbox: SandboxServer, tmp_path: Path
) -> None:
    victim = tmp_path / "victim.conf"
    victim.write_text("keep me\n")
    out = tmp_path / "trunks.toml"
    out.symlink_to(victim)
    r = export_to(cli, sandbox, out)
    assert r.code == 2
    assert r.err.splitlines() == [
        f"trunkwiz: {out} is a symbolic link; not followed (give the real path)"
    ]
    assert victim.read_text() == "keep me\n"
    assert out.is_symlink() and os.readlink(out) == str(victim)
    assert sorted(p.name for p in tmp_path.iterdir() if p.name != "config") == [
        "trunks.toml", "victim.conf",
    ]  # fmt: skip
