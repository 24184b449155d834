"""Cross-field and single-field rules: clear messages at the right ``loc``."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from trunkwiz.domain.rules import error_messages, hostname_problem
from trunkwiz.domain.trunk import AcceptRegisterTrunk, IpTrunk, RegisterTrunk, parse_trunk


def data(**extra: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "kind": "register",
        "name": "Carrier A",
        "hostname": "sip.example.com",
        "auth_id": "1001",
        "password": "pw",
    }
    base.update(extra)
    return base


def ip_data(**extra: Any) -> dict[str, Any]:
    base = {k: v for k, v in data().items() if k not in ("auth_id", "password")}
    return {**base, "kind": "ip", **extra}


def messages(payload: dict[str, Any], *, editing: bool = False) -> dict[str, list[str]]:
    with pytest.raises(ValidationError) as info:
        parse_trunk(payload, editing=editing)
    return error_messages(info.value)


def test_ip_trunk_only_at_system_level() -> None:
    found = messages(ip_data(level="tenant", did_numbers="3000"))
    assert list(found) == ["level"]
    assert "System Admin" in found["level"][0]
    IpTrunk.model_validate({"name": "x", "hostname": "192.0.2.1", "level": "system"})


@pytest.mark.parametrize("kind", ["register", "accept_register"])
def test_register_kinds_need_auth_id_and_password(kind: str) -> None:
    found = messages(data(kind=kind, auth_id="", password=None))
    assert set(found) == {"auth_id", "password"}
    assert "authentication name" in found["auth_id"][0]


def test_loc_is_the_field_on_the_model_itself() -> None:
    with pytest.raises(ValidationError) as info:
        RegisterTrunk.model_validate(data(password=""))
    assert [e["loc"] for e in info.value.errors()] == [("password",)]
    with pytest.raises(ValidationError) as info:
        parse_trunk(data(password=""))
    assert [e["loc"] for e in info.value.errors()] == [("register", "password")]


def test_editing_waives_the_password_until_creating() -> None:
    trunk = parse_trunk(data(password=None), editing=True)
    assert trunk.password is None
    assert isinstance(trunk, RegisterTrunk)
    with pytest.raises(ValidationError) as info:
        trunk.check_ready_to_create()
    assert info.value.errors()[0]["loc"] == ("password",)
    trunk.check_ready_to_create(password_known=True)
    # editing does not waive the authentication name
    assert "auth_id" in messages(data(auth_id="", password=None), editing=True)


def test_accept_register_validates_like_register() -> None:
    trunk = AcceptRegisterTrunk.model_validate(
        {**data(kind="accept_register"), "hostname": "gw.internal.test"}
    )
    trunk.check_ready_to_create()


@pytest.mark.parametrize(
    ("host", "hint"),
    [
        ("", "Enter"),
        ("sip:carrier.example.com", "scheme"),
        ("https://carrier.example.com", "scheme"),
        ("carrier.example.com:5060", "Port field"),
        ("[2001:db8::1]:5060", "Port field"),
        ("carrier example.com", "spaces"),
        ("carrier.example.com/path", "path"),
        ("<trunk-domain>.sip-us.vonage.com", "placeholder"),
        ("user@carrier.example.com", "after '@'"),
        ("999.1.1.1", "not a valid IPv4"),
        ("-bad-.example.com", "not a valid host name"),
        ("a" * 64 + ".example.com", "not a valid host name"),
    ],
)
def test_hostname_refusals_explain_what_to_type(host: str, hint: str) -> None:
    found = messages(data(hostname=host))
    assert list(found) == ["hostname"]
    assert hint in found["hostname"][0]


@pytest.mark.parametrize(
    "host",
    ["sip.example.com", "198.51.100.7", "2001:db8::1", "[2001:db8::1]", "gw.example.com.", "x"],
)
def test_plausible_hosts_pass(host: str) -> None:
    assert hostname_problem(host) is None
    assert parse_trunk(data(hostname=f"  {host} ")).hostname == host


def test_outbound_server_uses_the_same_host_rule() -> None:
    found = messages(data(outbound_server="proxy.example.com:5070"))
    assert "Port field" in found["outbound_server"][0]
    assert parse_trunk(data(outbound_server="")).outbound_server == ""


def test_additional_ips_reject_host_bits_and_suggest_the_network() -> None:
    with pytest.raises(ValidationError) as info:
        parse_trunk(data(additional_ips=["203.0.113.0/24", "198.51.100.7/24", "nonsense"]))
    errs = {e["loc"]: e["msg"] for e in info.value.errors()}
    assert "did you mean 198.51.100.0/24" in errs[("register", "additional_ips", 1)]
    assert "not an IP address or CIDR" in errs[("register", "additional_ips", 2)]
    assert len(errs) == 2


def test_tenant_level_needs_its_own_valid_pool_and_no_tenants() -> None:
    found = messages(data(level="tenant"))
    assert "DID pool" in found["did_numbers"][0]
    found = messages(data(level="tenant", did_numbers="+1646", tenants=[{"tenant_id": "t1"}]))
    assert set(found) == {"did_numbers", "tenants"}
    parse_trunk(data(level="tenant", did_numbers="16468097065-16468097066;3000"))


def test_bad_pool_entry_has_its_span_in_ctx() -> None:
    pool = "16468097065;+1646;3000"
    with pytest.raises(ValidationError) as info:
        parse_trunk(data(level="tenant", did_numbers=pool))
    err = info.value.errors()[0]
    assert err["loc"] == ("register", "did_numbers")
    start, end = err["ctx"]["start"], err["ctx"]["end"]
    assert pool[start:end] == "+1646"


def test_system_level_has_no_own_pool() -> None:
    found = messages(data(did_numbers="3000"))
    assert "per tenant" in found["did_numbers"][0]


def test_tenant_pools_are_checked_each() -> None:
    tenants = [
        {"tenant_id": "t1", "tenant_name": "Acme", "did_numbers": "3000-3010"},
        {"tenant_id": "t2", "tenant_name": "Bolt", "did_numbers": "4000;0123"},
    ]
    found = messages(data(tenants=tenants))
    assert list(found) == ["tenants.1.did_numbers"]


def test_overlapping_tenant_pools_name_both_tenants_and_entries() -> None:
    tenants = [
        {"tenant_id": "t1", "tenant_name": "Acme", "did_numbers": "16468097065-16468097070"},
        {"tenant_id": "t2", "tenant_name": "Bolt", "did_numbers": "3000;16468097069-16468097080"},
    ]
    with pytest.raises(ValidationError) as info:
        parse_trunk(data(tenants=tenants))
    [err] = info.value.errors()
    assert err["loc"] == ("register", "tenants", 1, "did_numbers")
    msg = err["msg"]
    for part in ("Acme", "Bolt", "16468097065-16468097070", "16468097069-16468097080"):
        assert part in msg
    text = tenants[1]["did_numbers"]
    assert text[err["ctx"]["start"] : err["ctx"]["end"]] == "16468097069-16468097080"


def test_disjoint_tenant_pools_pass() -> None:
    tenants = [
        {"tenant_id": "t1", "tenant_name": "Acme", "did_numbers": "16468097065-16468097070"},
        {"tenant_id": "t2", "tenant_name": "Bolt", "did_numbers": "16468097071-16468097080"},
        {"tenant_id": "t3", "tenant_name": "Cato", "did_numbers": ""},
    ]
    assert len(parse_trunk(data(tenants=tenants)).tenants) == 3


def test_tenant_ids_are_unique() -> None:
    tenants = [
        {"tenant_id": "t1", "did_numbers": "3000"},
        {"tenant_id": "t1", "did_numbers": "4000"},
    ]
    found = messages(data(tenants=tenants))
    assert "listed twice" in found["tenants.1.tenant_id"][0]


def test_all_broken_rules_are_reported_together() -> None:
    found = messages(ip_data(level="tenant", did_numbers="", tenants=[{"tenant_id": "a"}]))
    assert set(found) == {"level", "did_numbers", "tenants"}


def test_user_text_with_braces_does_not_break_messages() -> None:
    found = messages(
        data(
            tenants=[
                {"tenant_id": "t1", "tenant_name": "{x}", "did_numbers": "1"},
                {"tenant_id": "t2", "tenant_name": "{y}", "did_numbers": "1"},
            ]
        )
    )
    assert "(x)" in found["tenants.1.did_numbers"][0]


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=80))
def test_hostname_check_never_crashes(text: str) -> None:
    problem = hostname_problem(text)
    assert problem is None or isinstance(problem, str)
