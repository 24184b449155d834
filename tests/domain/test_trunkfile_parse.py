"""Parsing and validating trunk files: values, defaults, and every kind of error."""

from __future__ import annotations

import pytest

from trunkwiz.domain.options import Level, TrunkKind
from trunkwiz.domain.trunk import IpTrunk, RegisterTrunk
from trunkwiz.domain.trunkfile import TrunkFileError, parse, parse_data

FULL = """\
[[trunk]]
name = "Acme SIP"
kind = "register"
brand = "Generic"
hostname = "sip.acme.example"
port = 5080
transport = "TCP"
outbound_server = "proxy.acme.example"
outbound_server_port = 5090
additional_ips = ["203.0.113.7", "198.51.100.0/24"]
auth_id = "100200"
username = "acct"
registration = false
register_interval = 300
concurrency = 50

[trunk.options]
keep_alive = true
keep_alive_interval = 60

[[trunk.tenants]]
tenant = "acme.example"
did_numbers = ["16468097065-16468097066", "16468097070"]
concurrency = 20
"""


def errors(text: str) -> list[tuple[int | None, str, str, int | None, str]]:
    with pytest.raises(TrunkFileError) as raised:
        parse(text)
    return [(i.trunk, i.name, i.key, i.line, i.message) for i in raised.value.issues]


def test_full_trunk_is_parsed_into_the_model() -> None:
    (trunk,) = parse(FULL).trunks
    assert isinstance(trunk, RegisterTrunk)
    assert (trunk.name, trunk.port, trunk.transport.value) == ("Acme SIP", 5080, "TCP")
    assert trunk.additional_ips == ["203.0.113.7/32", "198.51.100.0/24"]
    assert (trunk.auth_id, trunk.username, trunk.registration) == ("100200", "acct", False)
    assert trunk.options.keep_alive and trunk.options.keep_alive_interval == 60
    assert trunk.options.single_via_header is True  # web UI default kept
    assert trunk.level is Level.system and trunk.password is None
    (tenant,) = trunk.tenants
    assert tenant.tenant_id == "acme.example"
    assert tenant.did_numbers == "16468097065-16468097066;16468097070"
    assert tenant.concurrency == 20


def test_minimal_ip_trunk_takes_defaults() -> None:
    (trunk,) = parse('[[trunk]]\nname = "X"\nkind = "ip"\nhostname = "10.0.0.1"\n').trunks
    assert isinstance(trunk, IpTrunk) and trunk.trunk_kind is TrunkKind.ip
    assert (trunk.port, trunk.concurrency, trunk.brand) == (5060, 100000, "Generic")


def test_trunk_level_pool_makes_a_tenant_trunk() -> None:
    text = '[[trunk]]\nname = "Own"\nkind = "register"\nhostname = "h.example"\n'
    text += 'auth_id = "a"\ndid_numbers = "100-199"\n'
    (trunk,) = parse(text).trunks
    assert trunk.level is Level.tenant and trunk.did_numbers == "100-199"


def test_every_problem_is_reported_with_trunk_key_and_line() -> None:
    text = """\
[[trunk]]
name = "One"
kind = "register"
hostname = "https://sip.example"
port = "5060"
auth_id = "a"
[trunk.options]
keep_alive = 1
verify = true
[[trunk.tenants]]
did_numbers = "5-1"
[[trunk.tenants]]
tenant = "t2"
did_numbers = "+1555"
extra = 1

[[trunk]]
kind = "ip"
hostname = "10.0.0.1"
username = "u"
"""
    found = errors(text)
    assert (0, "One", "hostname", 4) in [f[:4] for f in found]
    assert (0, "One", "port", 5, "must be a whole number (without quotes)") in found
    assert (0, "One", "options.keep_alive", 8, "must be true or false (without quotes)") in found
    assert any(f[:4] == (0, "One", "options.verify", 9) and "verify_port" in f[4] for f in found)
    assert (0, "One", "tenants[1].tenant", 10) in [f[:4] for f in found]
    assert (0, "One", "tenants[2].extra", 15) in [f[:4] for f in found]
    assert (1, "", "name", 17, "required") in found
    assert (
        1,
        "",
        "username",
        20,
        "username is only for register and accept_register trunks",
    ) in found


def test_pool_errors_come_with_field_errors() -> None:
    text = FULL.replace("port = 5080", "port = 99999").replace('"16468097070"', '"7-3"')
    keys = {f[2]: f[4] for f in errors(text)}
    assert "port" in keys
    assert "runs backwards" in keys["tenants[1].did_numbers"]


def test_overlapping_tenant_pools() -> None:
    text = FULL + '[[trunk.tenants]]\ntenant = "other"\ndid_numbers = "16468097066"\n'
    ((trunk, name, key, line, message),) = errors(text)
    assert (trunk, name, key, line) == (0, "Acme SIP", "tenants[2].did_numbers", 27)
    assert "overlaps" in message


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ('[[trunk]]\nname = "A"\nkind = "ip"\nhostname = "h"\npassword = "x"\n', "password"),
        (
            '[[trunk]]\nname = "A"\nkind = "ip"\nhostname = "h"\n[trunk.options]\n'
            'sip_password = "x"\n',
            "options.sip_password",
        ),
        (
            '[[trunk]]\nname = "A"\nkind = "ip"\nhostname = "h"\n[[trunk.tenants]]\n'
            'tenant = "t"\nPassword = "x"\n',
            "tenants[1].Password",
        ),
        ('secret = "x"\n[[trunk]]\nname = "A"\nkind = "ip"\nhostname = "h"\n', "secret"),
    ],
)
def test_a_password_anywhere_is_an_error(text: str, key: str) -> None:
    found = errors(text)
    assert any(f[2] == key and "passwords never go in a trunk file" in f[4] for f in found)
    assert all('"x"' not in f[4] for f in found)


def test_file_level_errors() -> None:
    assert errors("")[0][4].startswith("the file defines no trunk")
    assert "array of tables" in errors('trunk = "x"\n')[0][4]
    (toml,) = errors('[[trunk]]\nname = "A\n')
    assert toml[3] == 2 and toml[4].startswith("not valid TOML")
    assert "unknown top-level key 'trunks'" in errors('[[trunks]]\nname = "A"\n')[0][4]


def test_duplicate_names_and_kinds() -> None:
    text = '[[trunk]]\nname = "A"\nkind = "ip"\nhostname = "h"\n' * 2
    ((trunk, name, key, line, message),) = errors(text)
    assert (trunk, name, key, line) == (1, "A", "name", 6) and "trunk #1" in message
    assert (
        "use one of register, ip, accept_register"
        in errors('[[trunk]]\nname = "A"\nkind = "sip"\nhostname = "h"\n')[0][4]
    )


def test_issue_format_and_dict() -> None:
    with pytest.raises(TrunkFileError) as raised:
        parse('[[trunk]]\nname = "A"\nkind = "ip"\nhostname = "a b"\n')
    (issue,) = raised.value.issues
    assert (
        issue.format("t.toml")
        == 't.toml:4: trunk #1 "A": hostname: A host name cannot contain spaces'
    )
    assert issue.to_dict() == {
        "trunk": 1,
        "name": "A",
        "key": "hostname",
        "line": 4,
        "message": "A host name cannot contain spaces",
    }


def test_parse_data_without_text_has_no_lines() -> None:
    with pytest.raises(TrunkFileError) as raised:
        parse_data({"trunk": [{"name": "A", "kind": "ip", "hostname": "h", "port": -1}]})
    (issue,) = raised.value.issues
    assert issue.key == "port" and issue.line is None
