"""Bad trunk files: every problem reported with trunk, key, message and line; exit 2;
nothing sent to the PBX."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.cli.conftest import IP_TRUNK, Cli, Recorder, admin_stdin
from tests.support.hostile import raw_controls
from trunkwiz.sandbox.server import SandboxServer

BROKEN = """\
[[trunk]]
name = "Acme SIP"
kind = "register"
hostname = "sip.acme.example:5060"
auth_id = "100200"
colour = "blue"
[trunk.options]
keep_alive = "yes"
[[trunk.tenants]]
tenant = "acme-001.sandbox.test"
did_numbers = "200-100"

[[trunk]]
name = "Second"
kind = "fax"
hostname = "sip.second.example"
"""


def test_every_error_is_reported_and_nothing_is_sent(
    cli: Cli, sandbox: SandboxServer, recorder: Recorder, tmp_path: Path
) -> None:
    file = tmp_path / "broken.toml"
    file.write_text(BROKEN)
    r = cli("--pbx", sandbox.url, "apply", str(file), "--password-stdin", stdin=admin_stdin())
    assert r.code == 2
    lines = r.err.splitlines()
    expected = [
        f'{file}:4: trunk #1 "Acme SIP": hostname: Put the port in the Port field',
        f"{file}:6: trunk #1 \"Acme SIP\": colour: unknown key 'colour'",
        f'{file}:8: trunk #1 "Acme SIP": options.keep_alive: must be true or false',
        f"{file}:15: trunk #2 \"Second\": kind: 'fax' is not a trunk kind",
    ]
    for start in expected:
        assert any(line.startswith(start) for line in lines), (start, r.err)
    assert f"{file}: 5 problem(s); nothing was sent." in r.err
    assert recorder.requests == []  # the file is checked before connecting


def test_cross_field_errors_are_reported_with_field_errors(
    cli: Cli, sandbox: SandboxServer, recorder: Recorder, tmp_path: Path
) -> None:
    text = BROKEN.split("\n\n")[0].replace('colour = "blue"\n', "").replace('"yes"', "true")
    file = tmp_path / "pool.toml"
    file.write_text(text)
    r = cli(
        "--pbx", sandbox.url, "apply", str(file), "--json", "--password-stdin", stdin=admin_stdin()
    )
    assert r.code == 2
    report = json.loads(r.out)
    assert report["ok"] is False and report["exit"] == 2
    keys = {(e["trunk"], e["name"], e["key"], e["line"]) for e in report["errors"]}
    assert (1, "Acme SIP", "hostname", 4) in keys
    assert (1, "Acme SIP", "tenants[1].did_numbers", 10) in keys
    assert recorder.requests == []


def test_a_password_in_the_file_is_refused(
    cli: Cli, sandbox: SandboxServer, recorder: Recorder, tmp_path: Path
) -> None:
    file = tmp_path / "pw.toml"
    file.write_text(
        IP_TRUNK.replace('kind = "ip"', 'kind = "register"\nauth_id = "a"\npassword = "x"')
    )
    r = cli("--pbx", sandbox.url, "apply", str(file), "--password-stdin", stdin=admin_stdin())
    assert r.code == 2
    assert 'trunk #1 "Carrier IP": password: passwords never go in a trunk file' in r.err
    assert "trunkwiz secret set trunk NAME" in r.err
    assert recorder.requests == []


def test_unknown_tenant_is_an_error_of_the_file(
    cli: Cli, sandbox: SandboxServer, recorder: Recorder, tmp_path: Path
) -> None:
    file = tmp_path / "tenant.toml"
    # The last seeded tenants sit on the second page of GET /tenants: found too.
    text = IP_TRUNK.replace("cedar-003.sandbox.test", "acme-0O1.sandbox.test")
    text += '[[trunk.tenants]]\ntenant = "' + _last_tenant_domain(sandbox) + '"\n'
    file.write_text(text)
    r = cli("--pbx", sandbox.url, "apply", str(file), "--password-stdin", stdin=admin_stdin())
    assert r.code == 2
    assert "tenants[1].tenant: no tenant 'acme-0O1.sandbox.test' on the PBX" in r.err
    assert "Did you mean" in r.err and "'acme-001.sandbox.test'" in r.err
    assert "tenants[2]" not in r.err
    assert recorder.mutating() == []


def test_missing_transport_is_reported_before_anything_is_sent(
    cli: Cli, sandbox: SandboxServer, recorder: Recorder, tmp_path: Path
) -> None:
    with sandbox.state.lock:
        sandbox.state.transports = {
            k: t for k, t in sandbox.state.transports.items() if t["protocol"] != "TCP"
        }
    file = tmp_path / "tcp.toml"
    file.write_text(IP_TRUNK.replace('kind = "ip"', 'kind = "ip"\ntransport = "TCP"'))
    r = cli("--pbx", sandbox.url, "apply", str(file), "--password-stdin", stdin=admin_stdin())
    assert r.code == 2
    assert "transport: The PBX has no TCP transport" in r.err
    assert recorder.mutating() == []


def test_changing_the_brand_is_bad_input(
    cli: Cli, sandbox: SandboxServer, recorder: Recorder, tmp_path: Path
) -> None:
    file = tmp_path / "ip.toml"
    file.write_text(IP_TRUNK)
    assert (
        cli("--pbx", sandbox.url, "apply", str(file), "--password-stdin", stdin=admin_stdin()).code
        == 0
    )
    file.write_text(IP_TRUNK.replace('kind = "ip"', 'kind = "ip"\nbrand = "Twilio"'))
    recorder.clear()
    r = cli("--pbx", sandbox.url, "apply", str(file), "--password-stdin", stdin=admin_stdin())
    assert r.code == 2
    assert "brand: the PBX cannot change a trunk's brand" in r.err
    assert recorder.mutating() == []


def test_system_admin_file_with_trunk_level_pool_is_refused(
    cli: Cli, sandbox: SandboxServer, recorder: Recorder, tmp_path: Path
) -> None:
    file = tmp_path / "own.toml"
    file.write_text(
        '[[trunk]]\nname = "Own"\nkind = "register"\nhostname = "h.example"\n'
        'auth_id = "x"\ndid_numbers = "100-199"\n'
    )
    r = cli("--pbx", sandbox.url, "apply", str(file), "--password-stdin", stdin=admin_stdin())
    assert r.code == 2
    assert 'trunk #1 "Own": did_numbers: you are signed in as the System Admin' in r.err
    assert recorder.mutating() == []


def test_unreadable_file_and_bad_stdin(cli: Cli, tmp_path: Path) -> None:
    missing = cli("apply", str(tmp_path / "nope.toml"))
    assert missing.code == 2 and "cannot read" in missing.err
    file = tmp_path / "ip.toml"
    file.write_text(IP_TRUNK)
    unknown = cli("apply", str(file), "--password-stdin", stdin="pw\nOther trunk\tx\n")
    assert unknown.code == 2 and "stdin names trunks not in" in unknown.err
    twice = cli("apply", str(file), "--password-stdin", stdin="pw\npw2\n")
    assert twice.code == 2 and "only one PBX password" in twice.err


def _last_tenant_domain(sandbox: SandboxServer) -> str:
    with sandbox.state.lock:
        return str(list(sandbox.state.tenants.values())[-1]["domain"])


def test_tenant_admin_cannot_share_a_trunk(
    cli: Cli, sandbox: SandboxServer, recorder: Recorder, tmp_path: Path
) -> None:
    file = tmp_path / "shared.toml"
    file.write_text(IP_TRUNK.replace('kind = "ip"', 'kind = "register"\nauth_id = "a"'))
    r = cli(
        "--pbx",
        sandbox.url,
        "--user",
        "manager",
        "--domain",
        "acme-001.sandbox.test",
        "apply",
        str(file),
        "--password-stdin",
        stdin="tenant-admin\n",
    )
    assert r.code == 2
    assert "tenants: you are signed in as a Tenant Admin" in r.err
    assert "1 problem(s)" in r.err
    assert recorder.mutating() == []


def test_json_report_of_a_sign_in_failure(cli: Cli, sandbox: SandboxServer, tmp_path: Path) -> None:
    file = tmp_path / "ip.toml"
    file.write_text(IP_TRUNK)
    r = cli("--pbx", sandbox.url, "apply", str(file), "--json", "--password-stdin", stdin="wrong\n")
    assert r.code == 1
    report = json.loads(r.out)
    assert report["exit"] == 1 and "sign-in as admin refused" in report["errors"][0]["message"]


HOSTILE_FILES = {
    "kind-list": ('[[trunk]]\nname = "A"\nkind = ["register"]\nhostname = "h.example"\n', 3),
    "kind-table": ('[[trunk]]\nname = "A"\nkind = {a=1}\nhostname = "h.example"\n', 3),
    "esc-name": (
        '[[trunk]]\nkind = "ip"\nname = "E\\u001b]0;PWNED\\u0007"\nhostname = "h.example"\n',
        3,
    ),
    "nl-name": ('[[trunk]]\nkind = "ip"\nname = "a\\nb"\nhostname = "h.example"\n', 3),
    "nul-name": ('[[trunk]]\nkind = "ip"\nname = "a\\u0000b"\nhostname = "h.example"\n', 3),
    "deep": ('[[trunk]]\nname = "A"\nkind = "ip"\nx = ' + "[" * 900 + "]" * 900 + "\n", None),
}


@pytest.mark.parametrize("case", sorted(HOSTILE_FILES))
def test_hostile_files_are_one_line_each_and_exit_2(
    cli: Cli, sandbox: SandboxServer, recorder: Recorder, tmp_path: Path, case: str
) -> None:
    text, line = HOSTILE_FILES[case]
    file = tmp_path / "hostile.toml"
    file.write_text(text)
    r = cli("--pbx", sandbox.url, "apply", str(file), "--password-stdin", stdin=admin_stdin())
    assert r.code == 2, r.err
    assert "Traceback" not in r.err
    assert raw_controls(r.out + r.err) == []
    problem, summary = r.err.splitlines()
    assert summary == f"{file}: 1 problem(s); nothing was sent."
    assert problem.startswith(f"{file}:{line}: " if line else f"{file}: ")
    assert recorder.requests == []


def test_a_byte_order_mark_is_accepted(cli: Cli, sandbox: SandboxServer, tmp_path: Path) -> None:
    file = tmp_path / "bom.toml"
    file.write_bytes(b"\xef\xbb\xbf" + IP_TRUNK.encode())
    r = cli(
        "--pbx",
        sandbox.url,
        "apply",
        str(file),
        "--dry-run",
        "--password-stdin",
        stdin=admin_stdin(),
    )
    assert r.code == 0, r.err
    assert "Carrier IP" in r.out
