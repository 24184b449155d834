"""Every payload the models build validates against the v22 spec's request bodies."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.domain.trunk_contract import CREATE, UPDATE, assert_valid, body_schema, errors
from trunkwiz.domain.options import OPTION_FIELDS
from trunkwiz.domain.text import control_chars
from trunkwiz.domain.trunk import AcceptRegisterTrunk, IpTrunk, RegisterTrunk, parse_trunk

FULL: dict[str, Any] = {
    "name": "n" * 64,
    "brand": "b" * 64,
    "hostname": "sip.example.com",
    "port": 65535,
    "transport": "TLS",
    "outbound_server": "proxy.example.com",
    "outbound_server_port": 5070,
    "concurrency": 0,
    "additional_ips": ["203.0.113.10", "198.51.100.0/24", "2001:db8::/48"],
    "options": {name: True for name in ("inlan", "keep_alive", "verify_port")},
}
CREDENTIALS: dict[str, Any] = {
    "auth_id": "a" * 64,
    "username": "u" * 64,
    "password": "pw",
    "registration": False,
    "register_interval": 2**31 - 1,
}
MINIMAL: dict[str, Any] = {"name": "x", "hostname": "192.0.2.1"}


def variants() -> list[tuple[str, dict[str, Any]]]:
    tenants = [{"tenant_id": "t1", "did_numbers": "3000-3010", "concurrency": 3}]
    out: list[tuple[str, dict[str, Any]]] = []
    for kind in ("register", "ip", "accept_register"):
        creds = {} if kind == "ip" else CREDENTIALS
        minimal_creds = {} if kind == "ip" else {"auth_id": "a", "password": "p"}
        out.append((f"{kind}-minimal", {"kind": kind, **MINIMAL, **minimal_creds}))
        out.append((f"{kind}-full", {"kind": kind, **FULL, **creds, "tenants": tenants}))
        if kind != "ip":
            out.append(
                (
                    f"{kind}-tenant",
                    {"kind": kind, **FULL, **creds, "level": "tenant", "did_numbers": "3000"},
                )
            )
    return out


@pytest.mark.parametrize(("label", "data"), variants(), ids=[v[0] for v in variants()])
def test_payloads_validate(label: str, data: dict[str, Any]) -> None:
    trunk = parse_trunk(data)
    create = trunk.to_create_payload()
    assert_valid(CREATE, create)
    assert_valid(CREATE, trunk.to_create_payload(password="secret"))
    assert_valid(UPDATE, trunk.to_update_payload())
    assert_valid(UPDATE, trunk.to_update_payload(password="secret"))
    changed = trunk.to_update_payload({**create, "port": 1, "keep_alive": True})
    assert changed  # port and keep_alive differ
    assert_valid(UPDATE, changed)


def test_create_sends_every_required_field_and_every_flag() -> None:
    required = set(body_schema(CREATE)["required"])
    for model, extra in (
        (RegisterTrunk, {"auth_id": "a", "password": "p"}),
        (IpTrunk, {}),
        (AcceptRegisterTrunk, {"auth_id": "a", "password": "p"}),
    ):
        body = model.model_validate({**MINIMAL, **extra}).to_create_payload()
        assert required <= set(body)
        assert set(OPTION_FIELDS) <= set(body)
        assert {"auth_mode", "brand"} <= set(body)


def test_model_fields_are_api_fields() -> None:
    create_props = set(body_schema(CREATE)["properties"])
    ours = set(RegisterTrunk.model_fields) | set(OPTION_FIELDS)
    local_only = {"kind", "level", "options", "tenants"}
    assert ours - local_only <= create_props


def test_update_body_lacks_immutable_fields_in_the_spec_too() -> None:
    props = set(body_schema(UPDATE)["properties"])
    assert "brand" not in props and "auth_mode" not in props


@pytest.mark.parametrize(
    ("operation", "change"),
    [
        (CREATE, {"transport": "SCTP"}),
        (CREATE, {"name": "n" * 65}),
        (CREATE, {"port": 65536}),
        (CREATE, {"concurrency": -1}),
        (CREATE, {"keep_alive_interval": 2**31}),
        (CREATE, {"auth_mode": "DIGEST"}),
        (CREATE, {"invented_field": 1}),
        (UPDATE, {"brand": "Twilio"}),
        (UPDATE, {"auth_mode": "IP_AUTH"}),
        (UPDATE, {"name": ""}),
    ],
)
def test_validator_catches_bad_payloads(operation: tuple[str, str], change: dict[str, Any]) -> None:
    body = RegisterTrunk.model_validate(
        {**MINIMAL, "auth_id": "a", "password": "p"}
    ).to_create_payload()
    if operation == UPDATE:
        body = {k: v for k, v in body.items() if k not in ("brand", "auth_mode")}
    assert errors(operation, body) == []
    assert errors(operation, {**body, **change}) != []


def test_validator_catches_a_missing_required_field() -> None:
    body = IpTrunk.model_validate(MINIMAL).to_create_payload()
    del body["hostname"]
    assert any("hostname" in e for e in errors(CREATE, body))


NAMES = st.text(min_size=1, max_size=64).filter(
    lambda s: s == s.strip() and s != "" and not control_chars(s)
)
INT32 = st.integers(min_value=0, max_value=2**31 - 1)
PORTS = st.integers(min_value=0, max_value=65535)


@settings(max_examples=60, deadline=None)
@given(
    kind=st.sampled_from(["register", "ip", "accept_register"]),
    name=NAMES,
    brand=NAMES,
    port=PORTS,
    proxy_port=PORTS,
    transport=st.sampled_from(["UDP", "TCP", "TLS"]),
    concurrency=INT32,
    interval=INT32,
    flags=st.fixed_dictionaries(
        {f: st.booleans() for f in OPTION_FIELDS if f != "keep_alive_interval"}
    ),
    tenant_level=st.booleans(),
)
def test_any_valid_model_makes_valid_payloads(
    kind: str,
    name: str,
    brand: str,
    port: int,
    proxy_port: int,
    transport: str,
    concurrency: int,
    interval: int,
    flags: dict[str, bool],
    tenant_level: bool,
) -> None:
    data: dict[str, Any] = {
        "kind": kind,
        "name": name,
        "brand": brand,
        "hostname": "sip.example.com",
        "port": port,
        "outbound_server_port": proxy_port,
        "transport": transport,
        "concurrency": concurrency,
        "options": {**flags, "keep_alive_interval": interval},
    }
    if kind != "ip":
        data.update(auth_id=name, username=name, password="p", register_interval=interval)
    if tenant_level and kind != "ip":
        data.update(level="tenant", did_numbers="3000-3999")
    trunk = parse_trunk(data)
    assert_valid(CREATE, trunk.to_create_payload(password="p"))
    assert_valid(UPDATE, trunk.to_update_payload())
