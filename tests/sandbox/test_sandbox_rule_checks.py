"""The rule fields the spec's descriptions and the KB constrain are checked by the sandbox:
each refused with a 400 naming the field; what the spec allows is accepted.

One sandbox for the module (rules are per tenant and each test uses its own names), every
reply checked against the spec.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.sandbox.conftest import SpecChecker, client_for, sign_in, trunk_body
from trunkwiz.sandbox.seed import tenant_holidays
from trunkwiz.sandbox.server import SandboxServer

POOL = "16468097065-16468097080"
TENANT_DOMAIN = "acme-001.sandbox.test"
_names = itertools.count(1)


def fresh(prefix: str = "rule") -> str:
    """A rule name no other test of the module uses."""
    return f"{prefix} {next(_names)}"


class Env:
    def __init__(self, server: SandboxServer, api: httpx.Client) -> None:
        self.server = server
        self.api = api
        admin = sign_in(api)
        self.trunk = api.post("/providers", json=trunk_body(), headers=admin).json()["id"]
        self.other_trunk = api.post(
            "/providers", json=trunk_body(name="Carrier Two", auth_id="bob"), headers=admin
        ).json()["id"]
        self.tenant = next(t["id"] for t in server.state.tenants.values())
        for trunk in (self.trunk, self.other_trunk):
            reply = api.post(
                f"/providers/{trunk}/assignees/{self.tenant}",
                json={"did_numbers": POOL},
                headers=admin,
            )
            assert reply.status_code == 204, reply.text
        self.auth = sign_in(api, "manager", "tenant-admin", TENANT_DOMAIN)

    def outbound(self, **fields: Any) -> httpx.Response:
        body = {"name": fresh("out"), "routes": [{"provider_id": self.trunk}], **fields}
        return self.api.post("/outbound_rules", json=body, headers=self.auth)

    def inbound(self, did: str | None = None, **fields: Any) -> httpx.Response:
        body = {
            "name": fresh("in"),
            "provider_id": self.trunk,
            "did_numbers": did or str(16468097065 + next(_names) % 16),
            **fields,
        }
        return self.api.post("/inbound_rules", json=body, headers=self.auth)


@pytest.fixture(scope="module")
def env(spec_checker: SpecChecker) -> Iterator[Env]:
    server = SandboxServer(tenants=3).start()
    try:
        with client_for(server, spec_checker) as api:
            yield Env(server, api)
    finally:
        server.stop()


@pytest.fixture
def clean(env: Env) -> Env:
    """The env with no inbound rule left (DID uniqueness tests start from none)."""
    with env.server.state.lock:
        env.server.state.inbound_rules.clear()
    return env


def refused(reply: httpx.Response, field: str, words: str = "") -> None:
    assert reply.status_code == 400, reply.text
    error = reply.json()["errors"][0]
    assert error["code"] == "VALIDATE_FAILED"
    assert error["detail"] == {"field": field}, error
    assert words.lower() in error["message"].lower(), error["message"]


def week(day: str = "monday", **rng: str) -> dict[str, Any]:
    return {"mode": "CUSTOM", day: {"enabled": True, "ranges": [rng]}}


ROUTE_7 = [{"enabled": True, "strip_digits": 0} for _ in range(7)]

OUTBOUND_REFUSED = [
    # office hours: "format `HH:MM` in 24 hour clock"; from "Must be earlier than `to`"
    (
        {"office_hours": week(**{"from": "25:99", "to": "26:00"})},
        "office_hours.monday.ranges[0].from",
    ),
    (
        {"office_hours": week(**{"from": "09:00", "to": "24:00"})},
        "office_hours.monday.ranges[0].to",
    ),
    (
        {"office_hours": week(**{"from": "9:00", "to": "17:00"})},
        "office_hours.monday.ranges[0].from",
    ),
    (
        {"office_hours": week("sunday", **{"from": "09:00", "to": "09:00"})},
        "office_hours.sunday.ranges[0].from",
    ),
    (
        {"office_hours": week(**{"from": "17:00", "to": "09:00"})},
        "office_hours.monday.ranges[0].from",
    ),
    ({"office_hours": week(**{"from": "09:00"})}, "office_hours.monday.ranges[0].to"),
    # strip_digits: "Values: 0-9."
    ({"routes": [{"strip_digits": 10}]}, "routes[0].strip_digits"),
    ({"routes": [{"strip_digits": 0}, {"strip_digits": 99}]}, "routes[1].strip_digits"),
    # number_length: "A semicolon-separated list of integer" (digit counts, api-notes §16)
    ({"number_length": "abc"}, "number_length"),
    ({"number_length": "0"}, "number_length"),
    ({"number_length": "10;;11"}, "number_length"),
    ({"number_length": "10;"}, "number_length"),
    # number_mask: "A semicolon-separated list of extensions … 101-110;199"
    ({"number_mask": "x-y"}, "number_mask"),
    ({"number_mask": "110-101"}, "number_mask"),
    ({"number_mask": "101;"}, "number_mask"),
    # KB: up to 6 routes
    ({"routes": ROUTE_7}, "routes"),
    # holidays: ids of the tenant's holidays only
    ({"holidays": ["NOT-A-HOLIDAY"]}, "holidays[0]"),
]


@pytest.mark.parametrize(("fields", "field"), OUTBOUND_REFUSED, ids=lambda v: str(v)[:40])
def test_outbound_rule_fields_refused(env: Env, fields: dict[str, Any], field: str) -> None:
    refused(env.outbound(**fields), field)


FORWARD = "office_hours_forward_rule"
INBOUND_REFUSED = [
    # forward number: "Extension number … External number: The numeric sequence of numbers,
    # with or without a plus sign"
    ({FORWARD: {"action": "FORWARD_TO_NUMBER", "number": "abc"}}, f"{FORWARD}.number"),
    ({FORWARD: {"action": "FORWARD_TO_NUMBER", "number": "10+01"}}, f"{FORWARD}.number"),
    ({FORWARD: {"action": "FORWARD_TO_NUMBER"}}, f"{FORWARD}.number"),
    ({FORWARD: {"action": "FORWARD_TO_NUMBER", "number": "  "}}, f"{FORWARD}.number"),
    (
        {"non_office_hours_forward_rule": {"action": "FORWARD_TO_VOICEMAIL", "number": ""}},
        "non_office_hours_forward_rule.number",
    ),
    ({"holiday_forward_rule": {"action": "FORWARD_TO_VOICEMAIL"}}, "holiday_forward_rule.number"),
    # voicemail: "the extension whose mailbox receives the message"
    (
        {"holiday_forward_rule": {"action": "FORWARD_TO_VOICEMAIL", "number": "+4420123"}},
        "holiday_forward_rule.number",
    ),
    (
        {FORWARD: {"action": "FORWARD_TO_VOICEMAIL", "number": "1100-1102"}},
        f"{FORWARD}.number",
    ),
    # an extension range must match a DID range's size (KB: 1:1 offset mapping)
    ({FORWARD: {"action": "FORWARD_TO_NUMBER", "number": "1100-1101"}}, f"{FORWARD}.number"),
    # cid_number_mask: number, * wildcards, or a range
    ({"cid_number_mask": "x-y"}, "cid_number_mask"),
    ({"cid_number_mask": "0044**;"}, "cid_number_mask"),
    ({"cid_number_mask": "200-100"}, "cid_number_mask"),
    (
        {"office_hours": week("friday", **{"from": "25:99", "to": "26:00"})},
        "office_hours.friday.ranges[0].from",
    ),
    ({"holidays": ["NOT-A-HOLIDAY"]}, "holidays[0]"),
]


@pytest.mark.parametrize(("fields", "field"), INBOUND_REFUSED, ids=lambda v: str(v)[:40])
def test_inbound_rule_fields_refused(clean: Env, fields: dict[str, Any], field: str) -> None:
    refused(clean.inbound(**fields), field)


def test_what_the_spec_allows_is_accepted(clean: Env) -> None:
    env = clean
    holidays = [h["id"] for h in tenant_holidays(env.tenant)]
    six = [{"enabled": True, "strip_digits": 9, "prepend": "1"} for _ in range(6)]
    out = env.outbound(
        holidays=holidays,
        routes=[{"provider_id": env.trunk}, *six[1:]],  # routes need no provider_id
        number_length="10;11",
        number_mask="101-110;199",
        colour="red",  # open schema: ignored
    )
    assert out.status_code == 201, out.text
    shown = env.api.get(f"/outbound_rules/{out.json()['id']}", headers=env.auth).json()
    assert [h["id"] for h in shown["holidays"]] == holidays
    assert shown["holidays"][0]["name"] == "New Year's Day"
    assert len(shown["routes"]) == 6 and "provider_id" not in shown["routes"][1]
    assert "colour" not in shown
    inbound = env.inbound(
        "16468097070-16468097072",
        cid_number_mask="0044**********;00442012345670-00442012345680;1001",
        office_hours_forward_rule={"action": "FORWARD_TO_NUMBER", "number": "1100-1102"},
        non_office_hours_forward_rule={"action": "FORWARD_TO_NUMBER", "number": "+442012345678"},
        holiday_forward_rule={"action": "HANGUP"},
        holidays=holidays[:1],
    )
    assert inbound.status_code == 201, inbound.text
    voicemail = env.inbound(
        "16468097073",
        office_hours_forward_rule={"action": "FORWARD_TO_VOICEMAIL", "number": "1001"},
    )
    assert voicemail.status_code == 201, voicemail.text


def test_office_hours_are_stored_as_sent(env: Env) -> None:
    hours = {
        "mode": "CUSTOM",
        "monday": {"enabled": True, "ranges": [{"from": "00:00", "to": "23:59"}]},
        "saturday": {"enabled": False, "ranges": []},
    }
    made = env.outbound(office_hours=hours)
    assert made.status_code == 201, made.text
    url = f"/outbound_rules/{made.json()['id']}"
    assert env.api.get(url, headers=env.auth).json()["office_hours"] == hours
    # an update without office_hours keeps them; one with them replaces them whole
    assert env.api.post(url, json={"priority": 5}, headers=env.auth).status_code == 200
    assert env.api.get(url, headers=env.auth).json()["office_hours"] == hours
    assert env.api.post(url, json={"office_hours": {"mode": "GLOBAL"}}, headers=env.auth).is_success
    assert env.api.get(url, headers=env.auth).json()["office_hours"] == {"mode": "GLOBAL"}
    bad = env.api.post(
        url, json={"office_hours": week(**{"from": "18:00", "to": "08:00"})}, headers=env.auth
    )
    refused(bad, "office_hours.monday.ranges[0].from", "earlier")


def test_no_office_hours_are_invented(clean: Env) -> None:
    # the spec gives office_hours.mode no default: a rule sent without hours has none
    out = clean.outbound()
    assert out.status_code == 201, out.text
    shown = clean.api.get(f"/outbound_rules/{out.json()['id']}", headers=clean.auth).json()
    assert "office_hours" not in shown
    listed = clean.api.get("/outbound_rules", headers=clean.auth).json()["items"]
    assert all("office_hours" not in item for item in listed if item["id"] == out.json()["id"])
    inbound = clean.inbound()
    assert inbound.status_code == 201, inbound.text
    detail = clean.api.get(f"/inbound_rules/{inbound.json()['id']}", headers=clean.auth).json()
    assert "office_hours" not in detail


@pytest.mark.parametrize("kind", ["outbound", "inbound"])
def test_rule_names_are_unique_exactly(clean: Env, kind: str) -> None:
    env = clean
    make = env.outbound if kind == "outbound" else env.inbound
    name = fresh("Dup")
    assert make(name=name).status_code == 201
    refused(make(name=name), "name", "already exists")
    # names differing only in case are distinct (the notes are silent on case)
    upper = make(name=name.upper())
    assert upper.status_code == 201, upper.text
    # renaming onto an existing name is refused too; keeping one's own name is fine
    url = f"/{kind}_rules/{upper.json()['id']}"
    refused(env.api.post(url, json={"name": name}, headers=env.auth), "name", "already exists")
    assert env.api.post(url, json={"name": name.upper()}, headers=env.auth).status_code == 200


def test_one_inbound_rule_per_did_and_caller_mask_on_a_trunk(clean: Env) -> None:
    env = clean
    first = env.inbound("16468097066")
    assert first.status_code == 201, first.text
    refused(env.inbound("16468097066"), "did_numbers", "already takes DID/DDI '16468097066'")
    # a range covering it is the same DID
    refused(env.inbound("16468097065-16468097067"), "did_numbers")
    # another caller-number mask, or another trunk, may take the same DID
    assert env.inbound("16468097066", cid_number_mask="0044**********").status_code == 201
    refused(env.inbound("16468097066", cid_number_mask="0044**********"), "did_numbers", "0044")
    other = env.inbound("16468097066", provider_id=env.other_trunk)
    assert other.status_code == 201, other.text
    # an update onto a taken DID is refused; updating the rule itself is not
    url = f"/inbound_rules/{other.json()['id']}"
    refused(env.api.post(url, json={"provider_id": env.trunk}, headers=env.auth), "did_numbers")
    assert env.api.post(url, json={"enabled": False}, headers=env.auth).status_code == 200


# -- property: the sandbox's verdict on generated outbound rules follows the rules above ------

GOOD = {
    "number_length": st.sampled_from(["", "10", "10;11", "8;10;12"]),
    "number_mask": st.sampled_from(["", "101", "101-110;199"]),
    "strip": st.integers(0, 9),
    "routes": st.integers(1, 6),
    "hours": st.sampled_from([("09:00", "17:00"), ("00:00", "23:59")]),
}
BAD = {
    "number_length": (st.sampled_from(["abc", "0", "10;", ";", "1 0", "-1"]), "number_length"),
    "number_mask": (st.sampled_from(["x-y", "110-101", "101;", "1a"]), "number_mask"),
    "strip": (st.integers(10, 2**31 - 1), "routes[0].strip_digits"),
    "routes": (st.integers(7, 9), "routes"),
    "hours": (
        st.sampled_from([("25:99", "26:00"), ("17:00", "09:00"), ("09:00", "09:00")]),
        "office_hours.monday.ranges[0].from",
    ),
}


@st.composite
def outbound_cases(draw: st.DrawFn) -> tuple[dict[str, Any], str | None]:
    """An outbound rule body and the field the sandbox must name (None: accepted)."""
    bad = draw(st.sampled_from([None, *BAD]))
    value = {k: draw(BAD[k][0] if k == bad else strategy) for k, strategy in GOOD.items()}
    routes = [{"enabled": True, "strip_digits": 0} for _ in range(value["routes"])]
    routes[0]["strip_digits"] = value["strip"]
    body = {
        "name": fresh("prop"),
        "number_length": value["number_length"],
        "number_mask": value["number_mask"],
        "routes": routes,
        "office_hours": week(**dict(zip(("from", "to"), value["hours"], strict=True))),
    }
    return body, (BAD[bad][1] if bad else None)


@settings(max_examples=40, deadline=None, database=None, suppress_health_check=list(HealthCheck))
@given(case=outbound_cases())
def test_generated_outbound_rules_get_the_verdict_the_rules_give(
    env: Env, case: tuple[dict[str, Any], str | None]
) -> None:
    body, field = case
    reply = env.api.post("/outbound_rules", json=body, headers=env.auth)
    if field is None:
        assert reply.status_code == 201, (body, reply.text)
    else:
        refused(reply, field)
