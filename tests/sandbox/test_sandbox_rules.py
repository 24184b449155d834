"""Each documented trunk rule is refused with the PBX's message and shape."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.sandbox.conftest import sign_in, trunk_body
from trunkwiz.sandbox.server import SandboxServer

TENANT_DOMAIN = "acme-001.sandbox.test"


@pytest.fixture
def auth(api: httpx.Client) -> dict[str, str]:
    return sign_in(api)


def refused(reply: httpx.Response, status: int, words: str, field: str | None = None) -> None:
    assert reply.status_code == status, reply.text
    error = reply.json()["errors"][0]
    assert error["code"] == "VALIDATE_FAILED"
    assert words.lower() in error["message"].lower(), error["message"]
    if field is not None:
        assert error["detail"] == {"field": field}


@pytest.mark.parametrize(
    ("overrides", "words", "field"),
    [
        ({"name": ""}, "name must be at least 1 characters", "name"),
        ({"name": "x" * 65}, "name must be at most 64 characters", "name"),
        ({"name": "   "}, "The trunk name is required", "name"),
        ({"port": "5060"}, "port must be an integer", "port"),
        ({"port": 70000}, "port must be at most 65535", "port"),
        ({"concurrency": True}, "concurrency must be an integer", "concurrency"),
        ({"concurrency": -1}, "concurrency must be at least 0", "concurrency"),
        ({"transport": "SCTP"}, "transport must be one of UDP, TCP, TLS", "transport"),
        ({"registration": "yes"}, "registration must be a boolean", "registration"),
        (
            {"inbound_parameters": {"caller_num": "NOPE"}},
            "must be one of",
            "inbound_parameters.caller_num",
        ),
        ({"hostname": "sip:carrier.example"}, "is not a valid host name", "hostname"),
        ({"hostname": ""}, "The hostname is required", "hostname"),
        ({"outbound_server": "proxy .example"}, "is not a valid host name", "outbound_server"),
        (
            {"additional_ips": "203.0.113.10/32;198.51.100.0/33"},
            "'198.51.100.0/33'",
            "additional_ips",
        ),
        (
            {"additional_ips": "203.0.113.10,198.51.100.1"},
            "use ';' between entries",
            "additional_ips",
        ),
        ({"did_numbers": "+16468097065"}, "Invalid DID/DDI pool", "did_numbers"),
        ({"did_numbers": "016468097065"}, "Invalid DID/DDI pool", "did_numbers"),
        ({"did_numbers": "200-100"}, "Invalid DID/DDI pool", "did_numbers"),
        ({"did_numbers": "12ab"}, "Invalid DID/DDI pool", "did_numbers"),
        ({"auth_id": ""}, "authentication name (auth_id) is required", "auth_id"),
        ({"password": ""}, "password is required", "password"),
    ],
)
def test_create_rules(
    api: httpx.Client, auth: dict[str, str], overrides: dict[str, Any], words: str, field: str
) -> None:
    refused(api.post("/providers", json=trunk_body(**overrides), headers=auth), 400, words, field)


def test_unknown_fields_are_accepted_and_dropped(api: httpx.Client, auth: dict[str, str]) -> None:
    # no schema of the spec closes its objects (no additionalProperties: false)
    body = trunk_body(max_calls=5, inbound_parameters={"colour": "red"})
    trunk_id = api.post("/providers", json=body, headers=auth).json()["id"]
    shown = api.get(f"/providers/{trunk_id}", headers=auth).json()
    assert "max_calls" not in shown
    assert "colour" not in shown.get("inbound_parameters", {})


def test_missing_required_fields(api: httpx.Client, auth: dict[str, str]) -> None:
    reply = api.post("/providers", json={"name": "x"}, headers=auth)
    assert reply.status_code == 400
    fields = {e["detail"]["field"] for e in reply.json()["errors"]}
    assert fields == {
        "transport",
        "hostname",
        "port",
        "outbound_server",
        "outbound_server_port",
        "concurrency",
    }
    refused(api.post("/providers", json=[1], headers=auth), 400, "body must be an object")


def test_name_is_unique(api: httpx.Client, auth: dict[str, str]) -> None:
    assert api.post("/providers", json=trunk_body(), headers=auth).status_code == 201
    again = api.post("/providers", json=trunk_body(name="carrier one", auth_id="zed"), headers=auth)
    refused(again, 409, "The trunk name 'carrier one' is already in use", "name")


def test_one_ip_trunk_per_host(api: httpx.Client, auth: dict[str, str]) -> None:
    ip = {"auth_mode": "IP_AUTH", "auth_id": "", "password": ""}
    assert api.post("/providers", json=trunk_body(name="A", **ip), headers=auth).status_code == 201
    second = api.post("/providers", json=trunk_body(name="B", **ip), headers=auth)
    refused(second, 409, "only one IP-based trunk per provider host", "hostname")
    # a register trunk on the same host is fine
    assert api.post("/providers", json=trunk_body(name="C"), headers=auth).status_code == 201


def test_host_and_auth_id_unique_for_register_trunks(
    api: httpx.Client, auth: dict[str, str]
) -> None:
    assert api.post("/providers", json=trunk_body(), headers=auth).status_code == 201
    same = api.post("/providers", json=trunk_body(name="Two"), headers=auth)
    refused(same, 409, "authentication name 'alice' already exists", "auth_id")
    other_id = api.post("/providers", json=trunk_body(name="Two", auth_id="bob"), headers=auth)
    assert other_id.status_code == 201
    # an update that creates the clash is refused too
    clash = api.post(f"/providers/{other_id.json()['id']}", json={"auth_id": "alice"}, headers=auth)
    refused(clash, 409, "already exists", "auth_id")


def test_ip_trunks_are_system_admin_only(api: httpx.Client) -> None:
    tenant = sign_in(api, "manager", "tenant-admin", TENANT_DOMAIN)
    body = trunk_body(auth_mode="IP_AUTH", auth_id="", password="")
    refused(
        api.post("/providers", json=body, headers=tenant),
        400,
        "Only the system administrator can create an IP-based trunk",
        "auth_mode",
    )


def test_transport_must_exist(
    sandbox: SandboxServer, api: httpx.Client, auth: dict[str, str]
) -> None:
    assert api.post("/providers", json=trunk_body(transport="TCP"), headers=auth).status_code == 201
    with sandbox.state.lock:
        for key, t in list(sandbox.state.transports.items()):
            if t["protocol"] == "TLS":
                del sandbox.state.transports[key]
    reply = api.post(
        "/providers", json=trunk_body(name="T", auth_id="t", transport="TLS"), headers=auth
    )
    refused(reply, 400, "No TLS transport is configured on this PBX", "transport")


@pytest.mark.parametrize("field", ["brand", "auth_mode"])
def test_brand_and_auth_mode_are_immutable(
    api: httpx.Client, auth: dict[str, str], field: str
) -> None:
    trunk_id = api.post("/providers", json=trunk_body(), headers=auth).json()["id"]
    value = "Generic" if field == "brand" else "REGISTER_AUTH"  # even the same value
    refused(
        api.post(f"/providers/{trunk_id}", json={field: value}, headers=auth),
        400,
        f"The {field} of a trunk cannot be changed",
        field,
    )


def test_update_checks_types_and_unknown_fields(api: httpx.Client, auth: dict[str, str]) -> None:
    trunk_id = api.post("/providers", json=trunk_body(), headers=auth).json()["id"]
    refused(
        api.post(f"/providers/{trunk_id}", json={"keep_alive_interval": 1.5}, headers=auth),
        400,
        "must be an integer",
        "keep_alive_interval",
    )
    # the spec's schemas are open: a field they do not name is ignored, never stored
    assert api.post(f"/providers/{trunk_id}", json={"shared": False}, headers=auth).is_success
    assert api.get(f"/providers/{trunk_id}", headers=auth).json()["shared"] is True
    refused(
        api.post(f"/providers/{trunk_id}", json={"concurrency": 2**31}, headers=auth),
        400,
        "at most 2147483647",
        "concurrency",
    )


def test_did_pools_of_tenants_must_not_overlap(api: httpx.Client, auth: dict[str, str]) -> None:
    trunk_id = api.post("/providers", json=trunk_body(), headers=auth).json()["id"]
    a, b = (t["id"] for t in api.get("/tenants", params={"top": 2}, headers=auth).json()["items"])
    assert (
        api.post(
            f"/providers/{trunk_id}/assignees/{a}",
            json={"did_numbers": "16468097065-16468097080"},
            headers=auth,
        ).status_code
        == 204
    )
    reply = api.post(
        f"/providers/{trunk_id}/assignees/{b}",
        json={"did_numbers": "16468097000;16468097070"},
        headers=auth,
    )
    refused(
        reply,
        400,
        "'16468097070' overlaps '16468097065-16468097080' of tenant 'Acme Dental 001'",
        "did_numbers",
    )
    bad = api.post(
        f"/providers/{trunk_id}/assignees/{b}", json={"did_numbers": "+1555"}, headers=auth
    )
    refused(bad, 400, "Invalid DID/DDI pool", "did_numbers")


def test_tenant_trunks_cannot_be_shared(api: httpx.Client, auth: dict[str, str]) -> None:
    tenant = sign_in(api, "manager", "tenant-admin", TENANT_DOMAIN)
    own_id = api.post("/providers", json=trunk_body(did_numbers="5000"), headers=tenant).json()[
        "id"
    ]
    other = api.get("/tenants", params={"skip": 3, "top": 1}, headers=auth).json()["items"][0]["id"]
    refused(
        api.post(f"/providers/{own_id}/assignees/{other}", json={}, headers=auth),
        400,
        "created by a tenant and cannot be shared",
    )


def test_a_trunk_used_by_a_rule_cannot_be_destroyed(
    sandbox: SandboxServer, api: httpx.Client, auth: dict[str, str]
) -> None:
    trunk_id = api.post("/providers", json=trunk_body(), headers=auth).json()["id"]
    tenant_id = next(iter(sandbox.state.tenants))
    sandbox.state.add_inbound_rule(tenant_id, trunk_id, "16468097065", name="Main line")
    reply = api.post(f"/providers/{trunk_id}/destroy", headers=auth)
    refused(reply, 400, "is used by the inbound rule 'Main line' of tenant 'Acme Dental 001'")
    assert api.get(f"/providers/{trunk_id}", headers=auth).status_code == 200


def test_unknown_ids(api: httpx.Client, auth: dict[str, str]) -> None:
    assert api.get("/providers/NOPE", headers=auth).status_code == 404
    assert api.post("/providers/NOPE", json={"port": 1}, headers=auth).status_code == 404
    # deleteProvider lists only 400 for errors, as the vendor documents
    assert api.post("/providers/NOPE/destroy", headers=auth).status_code == 400


def test_an_encoded_slash_stays_inside_its_path_segment(
    sandbox: SandboxServer, api: httpx.Client, auth: dict[str, str]
) -> None:
    trunk_id = api.post("/providers", json=trunk_body(), headers=auth).json()["id"]
    # an update of trunk "<id>/destroy", not a destroy of <id>; likewise a detail, not status
    assert api.post(f"/providers/{trunk_id}%2Fdestroy", json={}, headers=auth).status_code == 404
    assert api.get(f"/providers/{trunk_id}%2Fstatus", headers=auth).status_code == 404
    assert api.get(f"/providers/{trunk_id}", headers=auth).status_code == 200
    # the spec's destroy answers 204 or 400 only, whatever the id holds
    assert api.post("/providers/x%2F%3Fy%25/destroy", headers=auth).status_code == 400
    assert trunk_id in sandbox.state.trunks
