"""``trunkwiz status``: table, JSON, a single trunk, --watch (bounded and by SIGINT)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from tests.cli.conftest import (
    IP_TRUNK,
    REGISTER_TRUNK,
    REPO,
    Cli,
    admin_stdin,
    apply_trunks,
)
from trunkwiz.sandbox.server import SandboxServer


def seed(cli: Cli, sandbox: SandboxServer, tmp_path: Path) -> None:
    apply_trunks(cli, sandbox, tmp_path / "seed.toml", REGISTER_TRUNK + IP_TRUNK)


def test_status_table_and_json(cli: Cli, sandbox: SandboxServer, tmp_path: Path) -> None:
    seed(cli, sandbox, tmp_path)
    table = cli("--pbx", sandbox.url, "status", "--password-stdin", stdin=admin_stdin())
    assert table.code == 0, table.err
    lines = table.out.splitlines()
    assert lines[0].split() == ["NAME", "KIND", "HOST", "STATUS"]
    assert lines[1].split()[-3:] == ["register", "sip.acme.example", "OFFLINE"]
    assert lines[2].split()[-3:] == ["ip", "203.0.113.5", "ONLINE"]
    r = cli("--pbx", sandbox.url, "status", "--json", "--password-stdin", stdin=admin_stdin())
    rows = json.loads(r.out)
    assert {(x["name"], x["kind"], x["status"]) for x in rows} == {
        ("Acme SIP", "register", "OFFLINE"),
        ("Carrier IP", "ip", "ONLINE"),
    }
    assert all(x["id"] and x["host"] for x in rows)


def test_status_of_one_trunk_and_unknown_name(
    cli: Cli, sandbox: SandboxServer, tmp_path: Path
) -> None:
    seed(cli, sandbox, tmp_path)
    r = cli(
        "--pbx",
        sandbox.url,
        "status",
        "CARRIER IP",
        "--json",
        "--password-stdin",
        stdin=admin_stdin(),
    )
    assert [x["name"] for x in json.loads(r.out)] == ["Carrier IP"]
    missing = cli("--pbx", sandbox.url, "status", "Nope", "--password-stdin", stdin=admin_stdin())
    assert missing.code == 2 and "no trunk named 'Nope'" in missing.err


def test_watch_refreshes_count_times(cli: Cli, sandbox: SandboxServer, tmp_path: Path) -> None:
    seed(cli, sandbox, tmp_path)
    sandbox.faults.reset()
    r = cli(
        "--pbx",
        sandbox.url,
        "status",
        "--watch",
        "--count",
        "3",
        "--interval",
        "0.5",
        "--json",
        "--password-stdin",
        stdin=admin_stdin(),
    )
    assert r.code == 0, r.err
    refreshes = [json.loads(line) for line in r.out.splitlines()]
    assert len(refreshes) == 3 and all(len(rows) == 2 for rows in refreshes)


def test_watch_bad_interval_is_bad_input(cli: Cli) -> None:
    assert cli("status", "--watch", "--interval", "0").code == 2


def test_watch_stops_on_sigint(sandbox: SandboxServer, tmp_path: Path, outputs: list[str]) -> None:
    argv = [
        sys.executable,
        "-m",
        "trunkwiz",
        "--config",
        str(tmp_path / "cfg"),
        "--pbx",
        sandbox.url,
        "status",
        "--watch",
        "--interval",
        "0.5",
        "--password-stdin",
    ]
    proc = subprocess.Popen(
        argv,
        cwd=REPO,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdin is not None and proc.stdout is not None
        proc.stdin.write(admin_stdin())
        proc.stdin.close()
        deadline = time.monotonic() + 30
        first = ""
        while "No trunks." not in first and time.monotonic() < deadline:
            first += proc.stdout.readline()
        assert "No trunks." in first, "no refresh shown"
        proc.send_signal(signal.SIGINT)
        code = proc.wait(timeout=15)
        assert proc.stderr is not None
        rest, err = proc.stdout.read(), proc.stderr.read()
        outputs.append(first + rest + err)
        assert code == 0, err
    finally:
        if proc.poll() is None:
            os.kill(proc.pid, signal.SIGKILL)
            proc.wait(timeout=5)
        for stream in (proc.stdout, proc.stderr):
            if stream is not None:
                stream.close()
