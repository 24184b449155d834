"""Create/update bodies (a trunk read from the PBX: ``tests/pbx/test_pbx_trunk_mapping``)."""

from __future__ import annotations

from typing import Any

from trunkwiz.domain.options import OPTION_FIELDS
from trunkwiz.domain.trunk import AcceptRegisterTrunk, IpTrunk, RegisterTrunk, parse_trunk

TENANTS = [{"tenant_id": "t1", "tenant_name": "Acme", "did_numbers": "3000-3010"}]


def register(**extra: Any) -> RegisterTrunk:
    data: dict[str, Any] = {
        "name": "Carrier A",
        "brand": "Telnyx - US",
        "hostname": "sip.telnyx.com",
        "auth_id": "1001",
        "password": "pw",
        "tenants": TENANTS,
    }
    data.update(extra)
    return RegisterTrunk.model_validate(data)


def test_create_payload_sends_everything_explicitly() -> None:
    body = register(additional_ips=["192.76.120.10", "64.16.250.0/24"]).to_create_payload()
    assert body["auth_mode"] == "REGISTER_AUTH"
    assert body["brand"] == "Telnyx - US"
    for flag in OPTION_FIELDS:
        assert flag in body
    assert body["single_via_header"] is True and body["keep_alive"] is False
    assert body["verify_port"] is False and body["rewrite_via_ip"] is False
    assert body["outbound_server"] == "" and body["outbound_server_port"] == 0
    assert body["concurrency"] == 100_000 and body["register_interval"] == 600
    assert body["additional_ips"] == "192.76.120.10/32;64.16.250.0/24"
    assert "password" not in body
    assert "did_numbers" not in body  # system level: pools go to the assignees call


def test_password_only_when_passed() -> None:
    trunk = register()
    assert trunk.to_create_payload(password="pw")["password"] == "pw"
    assert "password" not in trunk.to_update_payload()
    assert trunk.to_update_payload(password="new")["password"] == "new"


def test_tenant_level_sends_its_pool() -> None:
    trunk = register(level="tenant", tenants=[], did_numbers=" 3000;12000-18000 ")
    assert trunk.to_create_payload()["did_numbers"] == "3000;12000-18000"


def test_ip_trunk_payload_has_no_credentials_and_no_empty_ips() -> None:
    trunk = IpTrunk.model_validate({"name": "Flow", "hostname": "us-west-or.sip.flowroute.com"})
    body = trunk.to_create_payload()
    assert body["auth_mode"] == "IP_AUTH"
    assert not {"auth_id", "username", "password", "registration", "additional_ips"} & set(body)


def test_accept_register_auth_mode() -> None:
    trunk = AcceptRegisterTrunk.model_validate(
        {"name": "GW", "hostname": "gw.pbx.test", "auth_id": "gw1", "password": "x"}
    )
    assert trunk.to_create_payload()["auth_mode"] == "ACCEPT_REGISTER"


def test_update_payload_without_current_is_every_mutable_field() -> None:
    trunk = register()
    body = trunk.to_update_payload()
    assert "brand" not in body and "auth_mode" not in body
    create = trunk.to_create_payload()
    assert {k: v for k, v in create.items() if k not in ("brand", "auth_mode")} == {
        k: v for k, v in body.items() if k != "additional_ips"
    }
    assert body["additional_ips"] == ""


def detail_of(trunk: RegisterTrunk) -> dict[str, Any]:
    """What ``GET /providers/{id}`` would return for ``trunk``."""
    return {
        "id": "P1",
        "shared": True,
        **trunk.to_create_payload(),
        "additional_ips": "",
        "did_numbers": "",
    }


def test_update_with_current_sends_only_changes() -> None:
    before = register()
    current = detail_of(before)
    assert before.to_update_payload(current) == {}
    after = register(port=5080, options={"keep_alive": True}, username="acct")
    assert after.to_update_payload(current) == {
        "port": 5080,
        "keep_alive": True,
        "username": "acct",
    }


def test_update_compares_lists_and_pools_by_meaning() -> None:
    trunk = register(additional_ips=["198.51.100.0/24", "203.0.113.10"])
    current = {**detail_of(trunk), "additional_ips": "203.0.113.10/32; 198.51.100.0/24"}
    assert "additional_ips" not in trunk.to_update_payload(current)
    cleared = register(additional_ips=[])
    assert cleared.to_update_payload(current)["additional_ips"] == ""
    own = register(level="tenant", tenants=[], did_numbers="3000-3005;3006")
    cur = {**detail_of(own), "did_numbers": "3000-3006"}
    assert "did_numbers" not in own.to_update_payload(cur)
    cur = {**detail_of(own), "did_numbers": "3000-3007"}
    assert own.to_update_payload(cur) == {"did_numbers": "3000-3005;3006"}


def test_parse_trunk_from_a_trunk_file_shape() -> None:
    trunk = parse_trunk(
        {
            "kind": "register",
            "name": "From file",
            "hostname": "sip.example.com",
            "auth_id": "42",
            "additional_ips": ["203.0.113.10/32"],
            "options": {"keep_alive": True},
            "tenants": [{"tenant_id": "t9", "did_numbers": "5000", "concurrency": 10}],
        },
        editing=True,
    )
    assert trunk.to_create_payload()["keep_alive"] is True
