"""Route models: destinations, DID ranges, pool checks and brand pre-fills."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from trunkwiz.domain.didpool import DidPool
from trunkwiz.domain.office_hours import ALWAYS, GLOBAL
from trunkwiz.domain.routes import (
    Action,
    Destination,
    InboundRoute,
    OutboundRoute,
    TenantRoutes,
    caller_id_problem,
    did_problem,
    duplicate_issues,
    flowroute_prepend,
    outbound_prefill,
    parse_did_range,
    route_issues,
)

POOL = DidPool.parse("16468097065-16468097066;16468097070-16468097080")


@pytest.mark.parametrize(
    ("text", "action", "number"),
    [
        ("1001", Action.number, "1001"),
        (" 1100 - 1199 ", Action.number, "1100-1199"),
        ("voicemail:1001", Action.voicemail, "1001"),
        ("VoiceMail: 1001", Action.voicemail, "1001"),
        ("hangup", Action.hangup, ""),
        ("+4420123456", Action.number, "+4420123456"),
    ],
)
def test_destination_spellings(text: str, action: Action, number: str) -> None:
    dest = Destination.parse(text)
    assert (dest.action, dest.number) == (action, number)
    assert Destination.parse(dest.text) == dest
    assert Destination.from_api(dest.to_api()) == dest


@pytest.mark.parametrize("text", ["", "voicemail:", "voicemail:abc", "ring", "1200-1100"])
def test_bad_destinations(text: str) -> None:
    with pytest.raises(ValueError):
        Destination.parse(text)


def test_destination_from_api_without_a_number_is_none() -> None:
    assert Destination.from_api({"action": "FORWARD_TO_NUMBER", "number": ""}) is None
    assert Destination.from_api({"action": "NOPE"}) is None
    assert Destination.from_api(None) is None
    assert Destination.from_api({"action": "HANGUP", "number": "9"}) == Destination(Action.hangup)


def test_did_ranges() -> None:
    assert parse_did_range("16468097065") == (16468097065, 16468097065)
    assert parse_did_range("16468097065 - 16468097066") == (16468097065, 16468097066)
    for bad in ("+16468097065", "016468097065", "2-1", "1;2", "a"):
        with pytest.raises(ValueError):
            parse_did_range(bad)


def test_caller_id_inside_the_pool_with_allowed_prefixes() -> None:
    for ok in ("16468097065", "+16468097070", "016468097080", "0016468097066", "+0016468097075"):
        assert caller_id_problem(ok, POOL) is None, ok
    assert "not in the tenant's DID pool" in str(caller_id_problem("16468097067", POOL))
    assert "not a number" in str(caller_id_problem("+-1", POOL))
    assert "no DID pool" in str(caller_id_problem("16468097065", DidPool.empty()))
    assert caller_id_problem("", POOL) is None


def test_inbound_did_inside_the_pool() -> None:
    assert did_problem("16468097070-16468097080", POOL) is None
    assert did_problem("16468097065", POOL) is None
    assert "not wholly" in str(did_problem("16468097066-16468097070", POOL))
    assert "no DID pool" in str(did_problem("16468097065", None))
    assert "leading" in str(did_problem("+16468097065", POOL))


def test_extension_range_must_match_the_did_range() -> None:
    rule = InboundRoute.model_validate(
        {"name": "in", "did_numbers": "100-199", "forward_to": "1100-1199"}
    )
    assert rule.forward_to.range_size == 100
    with pytest.raises(ValidationError, match="must match"):
        InboundRoute.model_validate(
            {"name": "in", "did_numbers": "100-199", "forward_to": "1", "holidays": "1100-1198"}
        )


def test_outbound_rule_needs_a_condition_and_valid_fields() -> None:
    with pytest.raises(ValidationError, match="which calls"):
        OutboundRoute(name="out")
    with pytest.raises(ValidationError):
        OutboundRoute(name="out", number_length="11", strip_digits=10)
    with pytest.raises(ValidationError):
        OutboundRoute(name="out", number_length="eleven")
    with pytest.raises(ValidationError):
        OutboundRoute(name="out", number_prefix="1", prepend="52709417*x")
    rule = OutboundRoute(name="out", number_prefix="1;00", prepend="1", caller_id="+16468097065")
    assert rule.caller_id == "+16468097065"


def test_route_issues_name_duplicates_and_pool() -> None:
    out = OutboundRoute(name="Out", number_length="11", caller_id="16468097067")
    inbound = InboundRoute.model_validate(
        {"name": "in", "did_numbers": "16468097064", "forward_to": "1001"}
    )
    issues = route_issues(TenantRoutes(outbound=(out, out), inbound=(inbound,)), POOL)
    fields = sorted((i.kind, i.index, i.field) for i in issues)
    assert fields == [
        ("inbound", 0, "did_numbers"),
        ("outbound", 0, "caller_id"),
        ("outbound", 1, "caller_id"),
        ("outbound", 1, "name"),
    ]


def test_brand_prefills() -> None:
    assert flowroute_prepend("52709417") == "52709417*"
    with pytest.raises(ValueError, match="digits only"):
        flowroute_prepend("5270941*")
    flowroute = outbound_prefill("Flowroute", tech_prefix="52709417")
    assert (flowroute.number_length, flowroute.prepend) == ("", "52709417*")
    assert outbound_prefill("Flowroute").prepend == ""
    siptrunk = outbound_prefill("SIPTRUNK")
    assert (siptrunk.number_length, siptrunk.prepend, siptrunk.strip_digits) == ("10", "1", 0)
    assert outbound_prefill("Generic").prepend == ""


def test_names_are_matched_exactly_and_one_did_has_one_inbound_rule() -> None:
    pool = DidPool.from_intervals([(16468097065, 16468097069)])
    outs = tuple(OutboundRoute(name=n, number_length="11") for n in ("Dup", "DUP"))

    def inbound(name: str, dids: str) -> InboundRoute:
        return InboundRoute.model_validate(
            {"name": name, "did_numbers": dids, "forward_to": "1001"}
        )

    fine = TenantRoutes(outbound=outs, inbound=(inbound("a", "16468097065"),))
    assert route_issues(fine, pool) == []
    clash = TenantRoutes(
        inbound=(
            inbound("Main", "16468097065-16468097067"),
            inbound("Next", "16468097068"),
            inbound("Sales", "16468097066"),
            inbound("Late", "16468097067-16468097069"),
        )
    )
    issues = duplicate_issues(clash)
    assert [(i.index, i.field) for i in issues] == [(2, "did_numbers"), (3, "did_numbers")]
    assert "already routed by inbound rule 'Main'" in issues[0].message
    assert "already routed by inbound rule 'Main'" in issues[1].message


def test_office_hours_defaults_and_route_switch() -> None:
    out = OutboundRoute(name="o", number_length="11")
    assert out.office_hours == ALWAYS and out.enabled is True
    assert OutboundRoute(name="o", number_length="11", office_hours="global").office_hours == (
        GLOBAL
    )
    plain = InboundRoute.model_validate({"name": "i", "did_numbers": "1646", "forward_to": "1"})
    assert plain.office_hours == ALWAYS
    late = InboundRoute.model_validate(
        {"name": "i", "did_numbers": "1646", "forward_to": "1", "after_hours": "hangup"}
    )
    assert late.office_hours == GLOBAL
    with pytest.raises(ValidationError, match="not a time of day"):
        OutboundRoute(name="o", number_length="11", office_hours={"monday": "25:99-26:00"})
