"""Routes through ``trunkwiz apply`` and ``export``: rules created per tenant, export then
apply is an empty plan, and the sandbox holds exactly the file's rules."""

from __future__ import annotations

from pathlib import Path

from tests.cli.conftest import Cli, Recorder, admin_stdin
from trunkwiz.domain.trunkfile import parse
from trunkwiz.sandbox.server import SandboxServer

FLOWROUTE = """\
[[trunk]]
name = "Flowroute"
kind = "ip"
brand = "Flowroute"
hostname = "us-west-or.sip.flowroute.com"

[[trunk.tenants]]
tenant = "acme-001.sandbox.test"
did_numbers = "16468097065-16468097069"

[[trunk.tenants.outbound]]
name = "Flowroute out"
number_length = "11"
prepend = "52709417*"
strip_digits = 0
caller_id = "16468097065"

[[trunk.tenants.inbound]]
name = "From Flowroute"
did_numbers = "16468097065"
forward_to = "1001"
after_hours = "1002"
holidays = "1003"

[[trunk.tenants]]
tenant = "bluebird-002.sandbox.test"
did_numbers = "16468097070"

[[trunk.tenants.outbound]]
name = "Flowroute out"
number_length = "11"
prepend = "52709417*"
caller_id = "+16468097070"

[[trunk.tenants.inbound]]
name = "From Flowroute"
did_numbers = "16468097070"
forward_to = "voicemail:1001"
"""


def changes(recorder: Recorder) -> list[tuple[str, str]]:
    return [r for r in recorder.mutating() if r[1] != "/api/tenants/switch"]


def apply(cli: Cli, sandbox: SandboxServer, file: Path, *extra: str) -> tuple[int, str, str]:
    r = cli("--pbx", sandbox.url, "apply", str(file), "--password-stdin", *extra,
            stdin=admin_stdin())  # fmt: skip
    return r.code, r.out, r.err


def test_apply_export_apply_with_routes(
    cli: Cli, sandbox: SandboxServer, recorder: Recorder, tmp_path: Path
) -> None:
    file = tmp_path / "flowroute.toml"
    file.write_text(FLOWROUTE)
    code, out, err = apply(cli, sandbox, file, "--dry-run")
    assert code == 0, err
    assert "Create inbound rule 'From Flowroute' of tenant" in out
    assert not sandbox.state.inbound_rules
    code, out, err = apply(cli, sandbox, file)
    assert code == 0, err
    assert "[1/7] create the trunk" in out  # the trunk, 2 shares, 4 rules
    assert "[7/7] create inbound rule 'From Flowroute' of tenant" in out
    rules = sorted(
        (r.data["name"], r.tenant_id) for r in sandbox.state.outbound_rules.values()
    ) + sorted((r.data["name"], r.tenant_id) for r in sandbox.state.inbound_rules.values())
    assert len(rules) == 4
    exported = tmp_path / "exported.toml"
    r = cli("--pbx", sandbox.url, "export", "-o", str(exported), "--password-stdin",
            stdin=admin_stdin())  # fmt: skip
    assert r.code == 0, r.err
    entry = parse(exported.read_text()).entries[0]
    assert entry.tenant_routes == parse(FLOWROUTE).entries[0].tenant_routes
    recorder.clear()
    code, out, err = apply(cli, sandbox, exported)
    assert code == 0, err
    assert "Nothing to change." in out
    assert changes(recorder) == []


def test_a_changed_file_updates_and_removes_rules(
    cli: Cli, sandbox: SandboxServer, tmp_path: Path
) -> None:
    file = tmp_path / "flowroute.toml"
    file.write_text(FLOWROUTE)
    assert apply(cli, sandbox, file)[0] == 0
    edited = FLOWROUTE.replace('prepend = "52709417*"\nstrip_digits = 0', 'prepend = "1"')
    edited = edited.split("[[trunk.tenants.inbound]]\nname = \"From Flowroute\"\n"
                          "did_numbers = \"16468097070\"")[0]  # fmt: skip
    edited = edited.replace(
        'did_numbers = "16468097070"\n', 'did_numbers = "16468097070"\ninbound = []\n'
    )
    file.write_text(edited)
    code, out, err = apply(cli, sandbox, file)
    assert code == 0, err
    assert "Update outbound rule 'Flowroute out'" in out
    assert "Remove inbound rule 'From Flowroute'" in out
    prepends = sorted(r.data["routes"][0]["prepend"] for r in sandbox.state.outbound_rules.values())
    assert prepends == ["1", "52709417*"]
    assert len(sandbox.state.inbound_rules) == 1


def test_a_caller_id_outside_the_pool_is_a_file_error(
    cli: Cli, sandbox: SandboxServer, tmp_path: Path
) -> None:
    file = tmp_path / "bad.toml"
    file.write_text(FLOWROUTE.replace('caller_id = "+16468097070"', 'caller_id = "+16468097071"'))
    code, _out, err = apply(cli, sandbox, file)
    assert code == 2
    assert "tenants[2].outbound[1].caller_id" in err and "bad.toml:33:" in err


SIPTRUNK_OWN = """\
[[trunk]]
name = "SIPTRUNK"
kind = "register"
brand = "SIPTRUNK"
hostname = "gw.siptrunk.com"
auth_id = "portsipuser"
did_numbers = "13125550100-13125550109"

[[trunk.outbound]]
name = "US 10 digit"
number_length = "10"
prepend = "1"
caller_id = "+13125550100"

[[trunk.inbound]]
name = "From SIPTRUNK"
did_numbers = "13125550100"
forward_to = "1001"
after_hours = "1002"
holidays = "1003"
"""


def test_a_tenant_admin_routes_its_own_trunk_and_exports_it(
    cli: Cli, sandbox: SandboxServer, tmp_path: Path
) -> None:
    file = tmp_path / "own.toml"
    file.write_text(SIPTRUNK_OWN)
    who = ("--pbx", sandbox.url, "--user", "manager", "--domain", "acme-001.sandbox.test")
    r = cli(*who, "apply", str(file), "--password-stdin",
            stdin="tenant-admin\nSIPTRUNK\tsip-Secret-4711\n")  # fmt: skip
    assert r.code == 0, r.err
    assert "Create outbound rule 'US 10 digit': 10 digits" in r.out
    tenant = sandbox.state.tenant_by_domain("acme-001.sandbox.test")
    assert tenant is not None
    owners = {r.tenant_id for r in sandbox.state.inbound_rules.values()}
    owners |= {r.tenant_id for r in sandbox.state.outbound_rules.values()}
    assert owners == {tenant["id"]}
    exported = tmp_path / "exported.toml"
    r = cli(*who, "export", "-o", str(exported), "--password-stdin", stdin="tenant-admin\n")
    assert r.code == 0, r.err
    assert (
        parse(exported.read_text()).entries[0].own_routes
        == parse(SIPTRUNK_OWN).entries[0].own_routes
    )
    again = cli(*who, "apply", str(exported), "--password-stdin", stdin="tenant-admin\n")
    assert again.code == 0 and "Nothing to change." in again.out, again.err
