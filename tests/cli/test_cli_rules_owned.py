"""Call rules owned per trunk through ``trunkwiz apply`` and ``export``, against the sandbox
over HTTP: a rule that routes through two trunks keeps the other trunk's route, a
disabled route round-trips and stays disabled, names differing only in case export and
apply back with no change, every rule is sent with explicit office hours, and two inbound
rules for one DID are refused before anything is sent."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

from pydantic import SecretStr

from tests.cli.conftest import Cli, Recorder, admin_stdin
from trunkwiz.domain.trunkfile import parse
from trunkwiz.pbx.client import PbxClient
from trunkwiz.sandbox.server import DEFAULT_ADMIN_PASSWORD, SandboxServer

ACME = "acme-001.sandbox.test"
TWO_TRUNKS = """\
[[trunk]]
name = "Trunk A"
kind = "ip"
hostname = "a.example.net"
[[trunk.tenants]]
tenant = "acme-001.sandbox.test"
did_numbers = "16468097065-16468097069"

[[trunk]]
name = "Trunk B"
kind = "ip"
hostname = "b.example.net"
[[trunk.tenants]]
tenant = "acme-001.sandbox.test"
did_numbers = "16468097070-16468097079"
"""
ALWAYS = {"mode": "CUSTOM"} | {
    day: {"enabled": True, "ranges": [{"from": "00:00", "to": "23:59"}]}
    for day in ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
}


def apply(cli: Cli, sandbox: SandboxServer, file: Path, *extra: str) -> tuple[int, str, str]:
    r = cli("--pbx", sandbox.url, "apply", str(file), "--password-stdin", *extra,
            stdin=admin_stdin())  # fmt: skip
    return r.code, r.out, r.err


def export(cli: Cli, sandbox: SandboxServer, file: Path) -> str:
    r = cli("--pbx", sandbox.url, "export", "-o", str(file), "--password-stdin",
            stdin=admin_stdin())  # fmt: skip
    assert r.code == 0, r.err
    return file.read_text()


def ids(sandbox: SandboxServer) -> dict[str, str]:
    """Trunk name -> id, and "acme" -> the tenant's id."""
    out = {t.data["name"]: pid for pid, t in sandbox.state.trunks.items()}
    tenant = sandbox.state.tenant_by_domain(ACME)
    assert tenant is not None
    return out | {"acme": tenant["id"]}


def pbx_rule(sandbox: SandboxServer, *routes: tuple[str, dict[str, Any]], **fields: Any) -> None:
    """Create an outbound rule in the acme tenant through the API, as a PBX admin would
    (its own session: the CLI's sessions are not touched)."""
    known = ids(sandbox)
    body = {
        "number_length": "11",
        "office_hours": ALWAYS,
        **fields,
        "routes": [
            {"provider_id": known[trunk], "enabled": True, "strip_digits": 0, "prepend": ""} | extra
            for trunk, extra in routes
        ],
    }

    async def create() -> None:
        async with PbxClient(sandbox.url) as pbx:
            await pbx.sign_in("admin", SecretStr(DEFAULT_ADMIN_PASSWORD))
            await pbx.request("POST", "/tenants/switch", params={"id": known["acme"]})
            await pbx.post_json("/outbound_rules", body)
            await pbx.sign_out()

    asyncio.run(create())


def outbound(sandbox: SandboxServer) -> dict[str, dict[str, Any]]:
    return {r.data["name"]: r.data for r in sandbox.state.outbound_rules.values()}


def through(sandbox: SandboxServer, rule: dict[str, Any]) -> list[str]:
    names = {pid: t.data["name"] for pid, t in sandbox.state.trunks.items()}
    return [names.get(r.get("provider_id"), "?") for r in rule["routes"]]


def with_failover(cli: Cli, sandbox: SandboxServer, tmp_path: Path) -> Path:
    file = tmp_path / "two.toml"
    file.write_text(TWO_TRUNKS)
    code, _out, err = apply(cli, sandbox, file)
    assert code == 0, err
    pbx_rule(sandbox, ("Trunk B", {"prepend": "9"}), ("Trunk A", {}), name="Failover")
    return file


def test_an_empty_outbound_list_keeps_the_rule_another_trunk_routes(
    cli: Cli, sandbox: SandboxServer, tmp_path: Path
) -> None:
    file = with_failover(cli, sandbox, tmp_path)
    text = TWO_TRUNKS.replace(
        'did_numbers = "16468097065-16468097069"\n',
        'did_numbers = "16468097065-16468097069"\noutbound = []\n',
    )
    file.write_text(text)
    code, out, err = apply(cli, sandbox, file, "--dry-run")
    assert code == 0, err
    assert "route from outbound rule 'Failover'" in out and "rule stays" in out
    code, out, err = apply(cli, sandbox, file)
    assert code == 0, err
    rule = outbound(sandbox).get("Failover")
    assert rule is not None, "the rule Trunk B routes through was deleted"
    assert through(sandbox, rule) == ["Trunk B"]
    assert rule["routes"][0]["prepend"] == "9"
    code, out, err = apply(cli, sandbox, file)
    assert code == 0 and "Nothing to change." in out, err


def test_unsharing_the_tenant_keeps_the_rule_another_trunk_routes(
    cli: Cli, sandbox: SandboxServer, tmp_path: Path
) -> None:
    file = with_failover(cli, sandbox, tmp_path)
    head, _sep, rest = TWO_TRUNKS.partition("[[trunk.tenants]]")
    _first_tenant, _sep, trunk_b = rest.partition("[[trunk]]")
    file.write_text(head + "[[trunk]]" + trunk_b)  # Trunk A shared with no tenant
    code, out, err = apply(cli, sandbox, file)
    assert code == 0, err
    assert "Remove this trunk's route from outbound rule 'Failover'" in out
    known = ids(sandbox)
    assert not sandbox.state.trunks[known["Trunk A"]].assignees
    rule = outbound(sandbox).get("Failover")
    assert rule is not None, "the rule Trunk B routes through was deleted"
    assert through(sandbox, rule) == ["Trunk B"]


def test_a_disabled_route_is_exported_applies_back_and_stays_disabled(
    cli: Cli, sandbox: SandboxServer, tmp_path: Path, recorder: Recorder
) -> None:
    with_failover(cli, sandbox, tmp_path)
    pbx_rule(sandbox, ("Trunk A", {"enabled": False, "prepend": "52709417*"}), name="Off")
    exported = tmp_path / "exported.toml"
    text = export(cli, sandbox, exported)
    assert "enabled = false" in text
    entry = parse(text).entries[0]
    (routes,) = entry.tenant_routes
    assert [(r.name, r.enabled) for r in routes.outbound or ()] == [
        ("Failover", True),
        ("Off", False),
    ]
    recorder.clear()
    code, out, err = apply(cli, sandbox, exported)
    assert code == 0 and "Nothing to change." in out, err
    assert [r for r in recorder.mutating() if r[1] != "/api/tenants/switch"] == []
    exported.write_text(text.replace('prepend = "52709417*"', 'prepend = "1"'))
    code, out, err = apply(cli, sandbox, exported)
    assert code == 0, err
    assert "Update outbound rule 'Off'" in out and "route disabled" in out
    route = outbound(sandbox)["Off"]["routes"][0]
    assert route["prepend"] == "1"
    assert route["enabled"] is False, "the disabled route was switched back on"


def test_names_differing_only_in_case_export_and_apply_with_no_change(
    cli: Cli, sandbox: SandboxServer, tmp_path: Path
) -> None:
    file = with_failover(cli, sandbox, tmp_path)
    pbx_rule(sandbox, ("Trunk A", {}), name="Dup", number_prefix="00")
    pbx_rule(sandbox, ("Trunk A", {}), name="DUP", number_prefix="011")
    exported = tmp_path / "exported.toml"
    export(cli, sandbox, exported)
    code, out, err = apply(cli, sandbox, exported)
    assert code == 0, err
    assert "Nothing to change." in out
    text = TWO_TRUNKS.replace(
        'did_numbers = "16468097065-16468097069"\n',
        'did_numbers = "16468097065-16468097069"\noutbound = []\n',
    )
    file.write_text(text)
    code, out, err = apply(cli, sandbox, file)
    assert code == 0, err
    left = outbound(sandbox)
    assert sorted(left) == ["Failover"], "outbound = [] must remove both Dup and DUP"
    assert through(sandbox, left["Failover"]) == ["Trunk B"]


def test_every_rule_sent_states_its_office_hours(
    cli: Cli, sandbox: SandboxServer, tmp_path: Path
) -> None:
    file = tmp_path / "hours.toml"
    file.write_text(
        TWO_TRUNKS.split("\n[[trunk]]")[0]
        + """
[[trunk.tenants.outbound]]
name = "Any hour"
number_length = "11"

[[trunk.tenants.outbound]]
name = "Weekdays"
number_prefix = "00"
office_hours = { monday = "09:00-17:00", friday = "09:00-12:00;13:00-16:00" }

[[trunk.tenants.inbound]]
name = "In"
did_numbers = "16468097065"
forward_to = "1001"

[[trunk.tenants.inbound]]
name = "In with after hours"
did_numbers = "16468097066"
forward_to = "1001"
after_hours = "voicemail:1001"
"""
    )
    code, out, err = apply(cli, sandbox, file, "--dry-run")
    assert code == 0, err
    assert "office hours always (every day 00:00-23:59)" in out
    assert "office hours monday 09:00-17:00, friday 09:00-12:00;13:00-16:00" in out
    assert "office hours the tenant's office hours (global)" in out
    code, out, err = apply(cli, sandbox, file)
    assert code == 0, err
    hours = {
        r.data["name"]: r.data.get("office_hours")
        for rules in (sandbox.state.outbound_rules, sandbox.state.inbound_rules)
        for r in rules.values()
    }
    assert hours["Any hour"] == ALWAYS and hours["In"] == ALWAYS
    assert hours["In with after hours"] == {"mode": "GLOBAL"}
    weekdays = hours["Weekdays"]
    assert weekdays is not None and weekdays["mode"] == "CUSTOM"
    assert weekdays["friday"]["ranges"] == [
        {"from": "09:00", "to": "12:00"},
        {"from": "13:00", "to": "16:00"},
    ]
    assert weekdays["sunday"] == {"enabled": False, "ranges": []}
    exported = tmp_path / "exported.toml"
    text = export(cli, sandbox, exported)
    assert 'office_hours = "always"' in text and 'office_hours = "global"' in text
    code, out, err = apply(cli, sandbox, exported)
    assert code == 0 and "Nothing to change." in out, err


def test_two_inbound_rules_for_one_did_are_refused_before_anything_is_sent(
    cli: Cli, sandbox: SandboxServer, tmp_path: Path, recorder: Recorder
) -> None:
    file = tmp_path / "dids.toml"
    file.write_text(
        TWO_TRUNKS.split("\n[[trunk]]")[0]
        + """
[[trunk.tenants.inbound]]
name = "Main"
did_numbers = "16468097065-16468097067"
forward_to = "1001"

[[trunk.tenants.inbound]]
name = "Sales"
did_numbers = "16468097066"
forward_to = "1002"
"""
    )
    recorder.clear()
    for extra in (("--dry-run",), ()):
        code, _out, err = apply(cli, sandbox, file, *extra)
        assert code == 2, err
        assert "tenants[1].inbound[2].did_numbers" in err
        assert "already routed by inbound rule 'Main'" in err
    assert recorder.mutating() == []
    assert not sandbox.state.trunks
