"""Accept Register trunks: the host is a label that must not be a tenant's SIP domain."""

from __future__ import annotations

import httpx
import pytest

from tests.sandbox.conftest import sign_in, trunk_body
from trunkwiz.sandbox.server import SandboxServer


@pytest.fixture
def auth(api: httpx.Client) -> dict[str, str]:
    return sign_in(api)


def a_tenant(sandbox: SandboxServer) -> dict[str, str]:
    return sorted(sandbox.state.tenants.values(), key=lambda t: t["id"])[3]


def test_a_tenants_sip_domain_is_refused_as_the_host_naming_the_tenant(
    api: httpx.Client, auth: dict[str, str], sandbox: SandboxServer
) -> None:
    tenant = a_tenant(sandbox)
    body = trunk_body(auth_mode="ACCEPT_REGISTER", hostname=tenant["domain"].upper())
    reply = api.post("/providers", json=body, headers=auth)
    assert reply.status_code == 400
    (error,) = reply.json()["errors"]
    assert error["code"] == "VALIDATE_FAILED"
    assert tenant["name"] in error["message"] and "SIP domain" in error["message"]
    assert error["detail"]["field"] == "hostname"
    assert not sandbox.state.trunks


def test_a_label_is_accepted_and_an_update_to_a_tenant_domain_is_refused(
    api: httpx.Client, auth: dict[str, str], sandbox: SandboxServer
) -> None:
    tenant = a_tenant(sandbox)
    body = trunk_body(auth_mode="ACCEPT_REGISTER", hostname="gw1.branch.example")
    created = api.post("/providers", json=body, headers=auth)
    assert created.status_code == 201, created.text
    trunk_id = created.json()["id"]
    update = api.post(f"/providers/{trunk_id}", json={"hostname": tenant["domain"]}, headers=auth)
    assert update.status_code == 400
    assert tenant["name"] in update.json()["errors"][0]["message"]
    assert sandbox.state.trunks[trunk_id].data["hostname"] == "gw1.branch.example"


def test_the_rule_is_only_for_accept_register_trunks(
    api: httpx.Client, auth: dict[str, str], sandbox: SandboxServer
) -> None:
    body = trunk_body(hostname=a_tenant(sandbox)["domain"])  # a Register trunk
    assert api.post("/providers", json=body, headers=auth).status_code == 201
