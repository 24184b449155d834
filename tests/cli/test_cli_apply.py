"""``trunkwiz apply`` against the sandbox PBX over real sockets."""

from __future__ import annotations

import json
from pathlib import Path

from tests.cli.conftest import (
    IP_TRUNK,
    REGISTER_TRUNK,
    SIP_PASSWORD,
    Cli,
    Recorder,
    admin_stdin,
    run_subprocess,
)
from trunkwiz.sandbox.server import DEFAULT_ADMIN_PASSWORD, SandboxServer


def write(tmp_path: Path, text: str, name: str = "trunks.toml") -> str:
    path = tmp_path / name
    path.write_text(text)
    return str(path)


def trunk_names(sandbox: SandboxServer) -> set[str]:
    return {t.data["name"] for t in sandbox.state.trunks.values()}


def test_dry_run_prints_the_plan_and_sends_nothing(
    cli: Cli, sandbox: SandboxServer, recorder: Recorder, tmp_path: Path
) -> None:
    file = write(tmp_path, REGISTER_TRUNK + IP_TRUNK)
    r = cli(
        "--pbx",
        sandbox.url,
        "apply",
        file,
        "--dry-run",
        "--password-stdin",
        stdin=admin_stdin(("Acme SIP", SIP_PASSWORD)),
    )
    assert r.code == 0, r.err
    assert "Create trunk Acme SIP (Register Based Trunk, brand Generic):" in r.out
    assert "Share with tenant Acme Dental 001" in r.out
    assert "Password: will be set" in r.out
    assert "Dry run: nothing was sent." in r.out
    assert recorder.requests, "the dry run signed in and read the PBX"
    assert recorder.mutating() == []
    assert trunk_names(sandbox) == set()
    # the plan speaks the portal's words: labels and kind names, never API names
    assert "  Kind: IP Based Trunk" in r.out and "  Kind: Register Based Trunk" in r.out
    assert "  Associated IPs: 198.51.100.0/24" in r.out
    assert "  Authentication Name: 100200" in r.out and "  Password: will be set" in r.out
    assert "  Keep alive (OPTIONS): on" in r.out
    for api_name in ("auth_mode", "IP_AUTH", "REGISTER_AUTH", "additional_ips", "auth_id:"):
        assert api_name not in r.out, api_name


def test_apply_creates_waits_and_reapply_is_an_empty_plan(
    cli: Cli, sandbox: SandboxServer, recorder: Recorder, tmp_path: Path
) -> None:
    file = write(tmp_path, IP_TRUNK + REGISTER_TRUNK)
    r = cli(
        "--pbx",
        sandbox.url,
        "apply",
        file,
        "--password-stdin",
        stdin=admin_stdin(("Acme SIP", SIP_PASSWORD)),
    )
    assert r.code == 0, r.err
    assert "Trunk Acme SIP: created" in r.out and "Trunk Carrier IP: created" in r.out
    assert trunk_names(sandbox) == {"Acme SIP", "Carrier IP"}
    acme = next(t for t in sandbox.state.trunks.values() if t.data["name"] == "Acme SIP")
    assert acme.password == SIP_PASSWORD
    pools = {a["did_numbers"] for a in acme.assignees.values()}
    assert pools == {"16468097065-16468097066;16468097070", "16468097080"}

    recorder.clear()
    again = cli(
        "--pbx",
        sandbox.url,
        "apply",
        file,
        "--password-stdin",
        stdin=admin_stdin(("Acme SIP", SIP_PASSWORD)),
    )
    assert again.code == 0, again.err
    assert "Nothing to change." in again.out
    assert "Trunk Acme SIP: no changes, the PBX already matches." in again.out
    assert "not sent (add --update-passwords" in again.out
    assert recorder.mutating() == []


def test_wait_reports_online_and_fails_when_a_trunk_stays_offline(
    cli: Cli, sandbox: SandboxServer, tmp_path: Path
) -> None:
    ip = cli(
        "--pbx",
        sandbox.url,
        "apply",
        write(tmp_path, IP_TRUNK),
        "--wait",
        "5",
        "--password-stdin",
        stdin=admin_stdin(),
    )
    assert ip.code == 0, ip.err
    assert "Trunk Carrier IP: ONLINE" in ip.out
    # A register trunk is ONLINE only after a real SIP registration, which the sandbox
    # without a SIP layer never makes: --wait must give up with exit 1.
    reg = cli(
        "--pbx",
        sandbox.url,
        "apply",
        write(tmp_path, REGISTER_TRUNK, "r.toml"),
        "--wait",
        "0.5",
        "--password-stdin",
        stdin=admin_stdin(("Acme SIP", SIP_PASSWORD)),
    )
    assert reg.code == 1
    assert "Trunk Acme SIP: still OFFLINE after 0.5 s" in reg.err


def test_json_report(cli: Cli, sandbox: SandboxServer, tmp_path: Path) -> None:
    r = cli(
        "--pbx",
        sandbox.url,
        "apply",
        write(tmp_path, IP_TRUNK),
        "--json",
        "--password-stdin",
        stdin=admin_stdin(),
    )
    assert r.code == 0, r.err
    report = json.loads(r.out)
    assert report["ok"] is True and report["exit"] == 0 and report["pbx"] == sandbox.url
    (trunk,) = report["trunks"]
    assert trunk["name"] == "Carrier IP" and trunk["action"] == "create"
    assert trunk["applied"] is True and trunk["id"]
    assert any("Create trunk Carrier IP" in line for line in trunk["plan"])


def test_changing_the_file_updates_only_what_changed(
    cli: Cli, sandbox: SandboxServer, recorder: Recorder, tmp_path: Path
) -> None:
    file = write(tmp_path, IP_TRUNK)
    assert (
        cli("--pbx", sandbox.url, "apply", file, "--password-stdin", stdin=admin_stdin()).code == 0
    )
    changed = IP_TRUNK.replace('hostname = "203.0.113.5"', 'hostname = "203.0.113.5"\nport = 5080')
    changed = changed.replace("17185550100-17185550199", "17185550100-17185550150")
    recorder.clear()
    r = cli(
        "--pbx",
        sandbox.url,
        "apply",
        write(tmp_path, changed),
        "--password-stdin",
        stdin=admin_stdin(),
    )
    assert r.code == 0, r.err
    assert "Port: 5060 → 5080" in r.out
    assert "Change tenant Cedar Law Group 003" in r.out
    assert len(recorder.mutating()) == 2  # one update, one assignment change
    (trunk,) = sandbox.state.trunks.values()
    assert trunk.data["port"] == 5080


def test_pbx_rejection_exits_1_with_the_pbx_message(
    cli: Cli, sandbox: SandboxServer, tmp_path: Path
) -> None:
    assert (
        cli(
            "--pbx",
            sandbox.url,
            "apply",
            write(tmp_path, IP_TRUNK),
            "--password-stdin",
            stdin=admin_stdin(),
        ).code
        == 0
    )
    # A second IP trunk for the same carrier host: the PBX allows one per host.
    twin = IP_TRUNK.replace('"Carrier IP"', '"Carrier IP twin"').replace(
        "17185550100-17185550199", "17185550300"
    )
    r = cli(
        "--pbx",
        sandbox.url,
        "apply",
        write(tmp_path, twin, "twin.toml"),
        "--password-stdin",
        stdin=admin_stdin(),
    )
    assert r.code == 1
    assert "203.0.113.5" in r.err and "refused" in r.err
    assert trunk_names(sandbox) == {"Carrier IP"}


def test_injected_pbx_failure_rolls_back_and_exits_1(
    cli: Cli, sandbox: SandboxServer, tmp_path: Path, recorder: Recorder
) -> None:
    # The reads a dry run makes (sign-in, checks, plan) come first; then create, assign.
    dry = ("--pbx", sandbox.url, "apply", write(tmp_path, IP_TRUNK), "--password-stdin")
    assert cli(*dry, "--dry-run", stdin=admin_stdin()).code == 0
    reads = len([p for _, p in recorder.requests if p.startswith("/api/")])
    sandbox.faults.fail_nth(reads + 2, status=503)
    r = cli(
        "--pbx",
        sandbox.url,
        "apply",
        write(tmp_path, IP_TRUNK),
        "--password-stdin",
        stdin=admin_stdin(),
    )
    assert r.code == 1
    assert "injected fault" in r.err and "Rolled back" in r.err
    assert trunk_names(sandbox) == set()


def test_new_register_trunk_without_password_is_bad_input(
    cli: Cli, sandbox: SandboxServer, recorder: Recorder, tmp_path: Path
) -> None:
    r = cli(
        "--pbx",
        sandbox.url,
        "apply",
        write(tmp_path, REGISTER_TRUNK),
        "--password-stdin",
        stdin=admin_stdin(),
    )
    assert r.code == 2
    assert 'trunk #1 "Acme SIP": password: a new trunk of this kind needs its SIP password' in r.err
    assert "nothing was sent" in r.err
    assert recorder.mutating() == []


def test_pbx_password_from_the_keyring(
    cli: Cli, sandbox: SandboxServer, tmp_path: Path, keyring_backend
) -> None:
    stored = cli(
        "--pbx", sandbox.url, "secret", "set", "pbx", "admin", stdin=DEFAULT_ADMIN_PASSWORD + "\n"
    )
    assert stored.code == 0, stored.err
    stored = cli(
        "--pbx", sandbox.url, "secret", "set", "trunk", "Acme SIP", stdin=SIP_PASSWORD + "\n"
    )
    assert stored.code == 0, stored.err
    r = cli("--pbx", sandbox.url, "apply", write(tmp_path, REGISTER_TRUNK))
    assert r.code == 0, r.err
    (trunk,) = sandbox.state.trunks.values()
    assert trunk.password == SIP_PASSWORD


def test_no_pbx_password_anywhere_is_bad_input(
    cli: Cli, sandbox: SandboxServer, recorder: Recorder, tmp_path: Path
) -> None:
    r = cli("--pbx", sandbox.url, "apply", write(tmp_path, IP_TRUNK))
    assert r.code == 2
    assert "no password for admin at" in r.err and "trunkwiz secret set pbx admin" in r.err
    assert recorder.requests == []


def test_wrong_pbx_password_exits_1(cli: Cli, sandbox: SandboxServer, tmp_path: Path) -> None:
    r = cli(
        "--pbx",
        sandbox.url,
        "apply",
        write(tmp_path, IP_TRUNK),
        "--password-stdin",
        stdin="not-the-password\n",
    )
    assert r.code == 1
    assert "sign-in as admin refused" in r.err


def test_tenant_admin_applies_its_own_trunk(
    cli: Cli, sandbox: SandboxServer, tmp_path: Path
) -> None:
    own = """\
[[trunk]]
name = "Acme own"
kind = "register"
hostname = "sip.own.example"
auth_id = "own-1"
did_numbers = "13125550100-13125550109"
"""
    args = (
        "--pbx",
        sandbox.url,
        "--user",
        "manager",
        "--domain",
        "acme-001.sandbox.test",
        "apply",
        write(tmp_path, own),
        "--password-stdin",
    )
    r = cli(*args, stdin=f"tenant-admin\nAcme own\t{SIP_PASSWORD}\n")
    assert r.code == 0, r.err
    assert "tenant level" in r.out
    (trunk,) = sandbox.state.trunks.values()
    assert trunk.data["did_numbers"] == "13125550100-13125550109"
    again = cli(*args, stdin="tenant-admin\n")
    assert again.code == 0 and "Nothing to change." in again.out


def test_apply_as_a_subprocess(sandbox: SandboxServer, tmp_path: Path, outputs: list[str]) -> None:
    file = write(tmp_path, REGISTER_TRUNK)
    argv = [
        "--config",
        str(tmp_path / "cfg"),
        "--pbx",
        sandbox.url,
        "apply",
        file,
        "--password-stdin",
        "--json",
    ]
    done = run_subprocess(argv, stdin=admin_stdin(("Acme SIP", SIP_PASSWORD)))
    outputs.append(done.stdout + done.stderr)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["trunks"][0]["action"] == "create"
    again = run_subprocess(argv, stdin=admin_stdin())
    outputs.append(again.stdout + again.stderr)
    assert again.returncode == 0, again.stderr
    assert json.loads(again.stdout)["trunks"][0]["action"] == "none"
