"""Routes in the trunk file: the issue's keys, errors with their line, and round trips."""

from __future__ import annotations

from typing import Any

import pytest
import tomli_w
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from trunkwiz.domain.routes import Action
from trunkwiz.domain.trunkfile import TrunkFileError, emit_file, entry_routes, parse

SYSTEM = """\
[[trunk]]
name = "Flowroute"
kind = "ip"
brand = "Flowroute"
hostname = "us-west-or.sip.flowroute.com"

[[trunk.tenants]]
tenant = "acme.example.com"
did_numbers = "16468097065-16468097070"

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
"""

TENANT = """\
[[trunk]]
name = "SIPTRUNK"
kind = "register"
brand = "SIPTRUNK"
hostname = "sip.siptrunk.com"
auth_id = "u1"
did_numbers = "16468097065"

[[trunk.outbound]]
name = "SIPTRUNK 10 digit"
number_length = "10"
prepend = "1"
caller_id = "+16468097065"

[[trunk.inbound]]
name = "From SIPTRUNK"
did_numbers = "16468097065"
forward_to = "voicemail:1001"
"""


def issues_of(text: str) -> list[tuple[int | None, str, str]]:
    with pytest.raises(TrunkFileError) as caught:
        parse(text)
    return [(i.line, i.key, i.message) for i in caught.value.issues]


def test_the_issue_example_parses() -> None:
    entry = parse(SYSTEM).entries[0]
    routes = entry.tenant_routes[0]
    assert routes.outbound is not None and routes.inbound is not None
    out, inbound = routes.outbound[0], routes.inbound[0]
    assert (out.number_length, out.prepend, out.caller_id) == ("11", "52709417*", "16468097065")
    assert inbound.after_hours is not None and inbound.after_hours.number == "1002"
    assert entry_routes(entry)["acme.example.com"] == routes


def test_a_tenant_level_trunk_has_its_own_lists() -> None:
    entry = parse(TENANT).entries[0]
    assert entry.own_routes.inbound is not None
    assert entry.own_routes.inbound[0].forward_to.action is Action.voicemail
    assert entry.tenant_routes == ()


def test_errors_name_the_rule_key_and_line() -> None:
    text = SYSTEM.replace('caller_id = "16468097065"', 'caller_id = "16468097099"').replace(
        'holidays = "1003"', 'holidays = "ring"\ncolour = "red"'
    )
    found = issues_of(text)
    assert (16, "tenants[1].outbound[1].caller_id") in [(line, key) for line, key, _ in found]
    assert any(key == "tenants[1].inbound[1].holidays" and line == 23 for line, key, _ in found)
    assert any(key == "tenants[1].inbound[1].colour" and line == 24 for line, key, _ in found)


def test_inbound_did_outside_the_pool_is_an_error() -> None:
    found = issues_of(SYSTEM.replace('did_numbers = "16468097065"\n', 'did_numbers = "1"\n'))
    assert [key for _, key, _ in found] == ["tenants[1].inbound[1].did_numbers"]


def test_a_system_trunk_cannot_have_trunk_level_rules() -> None:
    text = SYSTEM + '\n[[trunk.outbound]]\nname = "x"\nnumber_length = "11"\n'
    assert any("belong to a tenant" in message for _, _, message in issues_of(text))


def test_wrong_shapes_are_reported_not_raised() -> None:
    text = SYSTEM.replace("strip_digits = 0", 'strip_digits = "0"') + "\n"
    assert any("whole number" in m for _, _, m in issues_of(text))
    bad_list = TENANT.replace("[[trunk.outbound]]", "[trunk.outbound]")
    assert any("array of tables" in m for _, _, m in issues_of(bad_list))


def test_an_empty_list_means_no_rules_and_absent_means_unmanaged() -> None:
    text = SYSTEM.split("[[trunk.tenants.outbound]]")[0].replace(
        'did_numbers = "16468097065-16468097070"',
        'did_numbers = "16468097065-16468097070"\noutbound = []',
    )
    routes = parse(text).entries[0].tenant_routes[0]
    assert routes.outbound == () and routes.inbound is None
    assert "outbound = []" in emit_file(parse(text))


DEST = st.sampled_from(["1001", "hangup", "voicemail:1002", "+4420123456", "2000"])
HOURS = st.sampled_from(
    [
        "always",
        "global",
        {"monday": "09:00-17:00", "friday": "08:00-12:00;13:00-16:30"},
        "sat 10:00-14:00, sun 10:00-12:00",
    ]
)


@st.composite
def tenant(draw: st.DrawFn, j: int) -> dict[str, Any]:
    base = 16_460_000_000 + 1000 * j
    entry: dict[str, Any] = {"tenant": f"t{j}", "did_numbers": f"{base}-{base + 99}"}
    if draw(st.booleans()):
        entry["outbound"] = [
            {
                "name": f"out {k}",
                "number_length": draw(st.sampled_from(["10", "11", "10;11"])),
                "prepend": draw(st.sampled_from(["", "1", "52709417*"])),
                "strip_digits": draw(st.integers(0, 9)),
                "caller_id": draw(st.sampled_from(["", "+", "0", "00", "+00"]))
                + str(base + draw(st.integers(0, 99))),
            }
            | ({"enabled": False} if draw(st.booleans()) else {})
            | ({"office_hours": draw(HOURS)} if draw(st.booleans()) else {})
            for k in range(draw(st.integers(0, 2)))
        ]
    if draw(st.booleans()):
        rules = []
        for k in range(draw(st.integers(0, 2))):
            first = base + 50 * k + draw(st.integers(0, 24))  # one inbound rule per DID
            size = draw(st.integers(1, 25))
            rule: dict[str, Any] = {
                "name": f"in {k}",
                "did_numbers": str(first) if size == 1 else f"{first}-{first + size - 1}",
                "forward_to": draw(st.sampled_from([f"1000-{999 + size}", "1001"])),
            }
            for key in ("after_hours", "holidays"):
                if draw(st.booleans()):
                    rule[key] = draw(DEST)
            if draw(st.booleans()):
                rule["office_hours"] = draw(HOURS)
            rules.append(rule)
        entry["inbound"] = rules
    return entry


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(1, 3).flatmap(lambda n: st.tuples(*(tenant(j) for j in range(n)))))
def test_routes_round_trip(tenants: tuple[dict[str, Any], ...]) -> None:
    data = {
        "trunk": [{"name": "T", "kind": "ip", "hostname": "h.example", "tenants": list(tenants)}]
    }
    first = parse(tomli_w.dumps(data))
    emitted = emit_file(first)
    second = parse(emitted)
    assert second.entries[0].tenant_routes == first.entries[0].tenant_routes
    assert emit_file(second) == emitted
