"""The CLI refuses an untrusted configuration directory in one line with the fix (exit 2)
and says on stderr whenever certificate checks are off (issue 11, items 8 and 10)."""

from __future__ import annotations

import socket
from pathlib import Path

from tests.cli.conftest import Cli, admin_stdin
from trunkwiz.sandbox.server import SandboxServer
from trunkwiz.store.profiles import Profile, ProfileStore


def _config(tmp_path: Path) -> Path:
    return tmp_path / "config"  # the directory the ``cli`` fixture passes as --config


def test_a_world_writable_config_dir_is_one_line_and_exit_2(
    cli: Cli, sandbox: SandboxServer, tmp_path: Path
) -> None:
    config = _config(tmp_path)
    ProfileStore(config).save(Profile(name="main", url=sandbox.url))
    config.chmod(0o777)
    r = cli("status", "--password-stdin", stdin=admin_stdin())
    assert r.code == 2
    assert r.out == ""
    (line,) = r.err.splitlines()
    assert line.endswith(f"is writable by other users: not used. Fix: chmod 700 {config}")


def test_an_insecure_profile_is_announced_on_every_run(cli: Cli, tmp_path: Path) -> None:
    with socket.socket() as s:  # nobody listens there: the run fails after the warning
        s.bind(("127.0.0.1", 0))
        url = f"https://127.0.0.1:{s.getsockname()[1]}"
    store = ProfileStore(_config(tmp_path))
    store.save(Profile(name="main", url=url, insecure=True), insecure_explicit=True)
    r = cli("status", "--password-stdin", stdin=admin_stdin())
    assert r.code == 1
    assert "WARNING: insecure = true in profile 'main': the PBX's TLS certificate is NOT" in r.err
    r = cli("--insecure", "--pbx", url, "status", "--password-stdin", stdin=admin_stdin())
    assert "WARNING: --insecure: the PBX's TLS certificate is NOT verified" in r.err
