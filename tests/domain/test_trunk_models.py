"""Trunk models: defaults, limits, kinds, secrecy of the password."""

from __future__ import annotations

import json

import pytest
from pydantic import SecretStr, ValidationError

from trunkwiz.domain.options import Level, TenantAssignment, Transport, TrunkKind, TrunkOptions
from trunkwiz.domain.trunk import AcceptRegisterTrunk, IpTrunk, RegisterTrunk, parse_trunk

SECRET = "s3cr3t-Pa55"


def register(**extra: object) -> RegisterTrunk:
    data: dict[str, object] = {
        "name": "Carrier A",
        "hostname": "sip.example.com",
        "auth_id": "1001",
        "password": SECRET,
        "tenants": [{"tenant_id": "t1", "did_numbers": "16468097065-16468097066"}],
    }
    data.update(extra)
    return RegisterTrunk.model_validate(data)


def test_web_ui_defaults_are_explicit() -> None:
    options = TrunkOptions()
    assert options.single_via_header is True
    assert options.adjust_sdp_direction is True
    assert options.keep_alive is False
    assert options.keep_alive_interval == 360
    assert options.verify_port is False
    assert options.rewrite_via_ip is False
    assert options.enabled is True
    trunk = register()
    assert trunk.concurrency == 100_000
    assert trunk.register_interval == 600
    assert trunk.registration is True
    assert (trunk.outbound_server, trunk.outbound_server_port) == ("", 0)
    assert (trunk.port, trunk.transport, trunk.brand) == (5060, Transport.UDP, "Generic")


def test_every_field_and_option_has_a_description() -> None:
    for model in (RegisterTrunk, IpTrunk, AcceptRegisterTrunk, TrunkOptions, TenantAssignment):
        missing = [n for n, f in model.model_fields.items() if not f.description]
        assert missing == [], f"{model.__name__}: {missing}"


def test_kind_maps_to_auth_mode_and_back() -> None:
    assert [k.auth_mode for k in TrunkKind] == ["REGISTER_AUTH", "IP_AUTH", "ACCEPT_REGISTER"]
    for kind in TrunkKind:
        assert TrunkKind.from_auth_mode(kind.auth_mode) is kind
    with pytest.raises(ValueError, match="TEAMS"):
        TrunkKind.from_auth_mode("TEAMS")


def test_parse_trunk_picks_the_model_by_kind() -> None:
    base = {"name": "x", "hostname": "198.51.100.7", "auth_id": "a", "password": "p"}
    assert isinstance(parse_trunk({**base, "kind": "register"}), RegisterTrunk)
    assert isinstance(parse_trunk({**base, "kind": "accept_register"}), AcceptRegisterTrunk)
    ip = parse_trunk({"name": "x", "hostname": "198.51.100.7", "kind": "ip"})
    assert isinstance(ip, IpTrunk)
    assert ip.trunk_kind is TrunkKind.ip
    with pytest.raises(ValidationError):
        parse_trunk({**base, "kind": "teams"})


def test_ip_trunk_has_no_credential_fields() -> None:
    with pytest.raises(ValidationError) as info:
        IpTrunk.model_validate({"name": "x", "hostname": "h.example", "auth_id": "a"})
    assert info.value.errors()[0]["loc"] == ("auth_id",)


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("name", ""),
        ("name", "n" * 65),
        ("brand", "b" * 65),
        ("auth_id", "a" * 65),
        ("username", "u" * 65),
        ("port", -1),
        ("port", 65536),
        ("outbound_server_port", 70000),
        ("concurrency", -1),
        ("concurrency", 2**31),
        ("register_interval", -5),
        ("transport", "SCTP"),
        ("level", "reseller"),
    ],
)
def test_limits_from_the_spec(field: str, value: object) -> None:
    with pytest.raises(ValidationError) as info:
        register(**{field: value})
    assert info.value.errors()[0]["loc"][0] == field


def test_limits_accept_their_bounds() -> None:
    trunk = register(name="n" * 64, port=65535, outbound_server_port=0, concurrency=0)
    assert trunk.name == "n" * 64
    assert register(port=0).port == 0


def test_keep_alive_interval_is_not_negative() -> None:
    with pytest.raises(ValidationError) as info:
        register(options={"keep_alive_interval": -1})
    assert info.value.errors()[0]["loc"] == ("options", "keep_alive_interval")


def test_unknown_keys_are_refused() -> None:
    with pytest.raises(ValidationError) as info:
        register(shared=True)
    assert info.value.errors()[0]["loc"] == ("shared",)


def test_password_never_in_repr_str_or_dumps() -> None:
    trunk = register()
    assert isinstance(trunk.password, SecretStr)
    assert trunk.password.get_secret_value() == SECRET
    for text in (
        repr(trunk),
        str(trunk),
        json.dumps(trunk.model_dump(mode="json")),
        trunk.model_dump_json(),
        str(trunk.model_dump()),
    ):
        assert SECRET not in text
    assert "password" not in trunk.model_dump(mode="json")


def test_password_not_echoed_in_validation_errors() -> None:
    bad_inputs = [
        {"kind": "register", "name": "", "hostname": "h.example", "password": SECRET},
        {"kind": "nope", "name": "x", "hostname": "h.example", "password": SECRET},
        {"name": "x", "hostname": "h.example", "password": SECRET},
        {"kind": "register", "name": "x", "hostname": "h x", "password": SECRET, "extra": 1},
    ]
    for data in bad_inputs:
        with pytest.raises(ValidationError) as info:
            parse_trunk(data)
        assert SECRET not in str(info.value)
        assert SECRET not in repr(info.value.errors())


def test_additional_ips_accept_api_text_and_normalise() -> None:
    trunk = register(additional_ips="203.0.113.10; 198.51.100.0/24;2001:db8::/32")
    assert trunk.additional_ips == ["203.0.113.10/32", "198.51.100.0/24", "2001:db8::/32"]


def test_tenant_level_trunk_round_trips_through_json() -> None:
    trunk = register(level=Level.tenant, tenants=[], did_numbers="3000;12000-18000")
    again = RegisterTrunk.model_validate({**trunk.model_dump(mode="json"), "password": SECRET})
    assert again == trunk


def test_error_inputs_mask_the_password_but_keep_the_rest() -> None:
    with pytest.raises(ValidationError) as info:
        RegisterTrunk.model_validate({"name": "", "hostname": "h.example", "password": SECRET})
    assert SECRET not in repr(info.value.errors())
    assert [e["loc"] for e in info.value.errors()] == [("name",)]
    with pytest.raises(ValidationError) as info:
        parse_trunk({"kind": "nope", "name": "x", "hostname": "h.example", "password": SECRET})
    [err] = info.value.errors()
    assert err["input"]["password"] == "**********" and err["input"]["name"] == "x"
