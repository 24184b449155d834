"""Inbound/outbound rule endpoints, tenant switching, and rules pinning trunks."""

from __future__ import annotations

import httpx

from tests.sandbox.conftest import sign_in, trunk_body
from trunkwiz.sandbox.spec import load_spec, operations, validate


def test_system_admin_switches_tenant_and_manages_rules(api: httpx.Client) -> None:
    auth = sign_in(api)
    trunk = api.post("/providers", json=trunk_body(), headers=auth).json()["id"]
    tenant = api.get("/tenants", params={"top": 1}, headers=auth).json()["items"][0]["id"]
    api.post(
        f"/providers/{trunk}/assignees/{tenant}",
        json={"did_numbers": "16468097065-16468097070"},
        headers=auth,
    )
    rule = {"name": "Main", "did_numbers": "16468097066", "provider_id": trunk}
    no_scope = api.post("/inbound_rules", json=rule, headers=auth)
    assert no_scope.status_code == 400
    assert "tenants/switch" in no_scope.json()["errors"][0]["message"]
    assert api.post("/tenants/switch", params={"id": tenant}, headers=auth).status_code == 200
    outside = api.post("/inbound_rules", json={**rule, "did_numbers": "16468097099"}, headers=auth)
    assert outside.status_code == 400
    assert "not in the DID/DDI pool" in outside.json()["errors"][0]["message"]
    created = api.post("/inbound_rules", json=rule, headers=auth)
    assert created.status_code == 201
    rule_id = created.json()["id"]
    assert api.get(f"/inbound_rules/{rule_id}", headers=auth).json()["provider_id"] == trunk
    assert api.get("/inbound_rules", headers=auth).json()["count"] == 1
    route = {"provider_id": trunk, "enabled": True, "strip_digits": 0, "prepend": "1"}
    out = api.post("/outbound_rules", json={"name": "Out", "routes": [route]}, headers=auth)
    assert out.status_code == 201
    summary = api.get("/outbound_rules", headers=auth).json()["items"][0]
    assert "routes" not in summary
    # the trunk is pinned by both rules: neither destroy nor unassign
    assert api.post(f"/providers/{trunk}/destroy", headers=auth).status_code == 400
    unassign = api.post(f"/providers/{trunk}/assignees/{tenant}/destroy", headers=auth)
    assert unassign.status_code == 400
    assert "inbound rule 'Main'" in unassign.json()["errors"][0]["message"]
    assert api.post(f"/inbound_rules/{rule_id}/destroy", headers=auth).status_code == 204
    out_id = out.json()["id"]
    assert (
        api.post(f"/outbound_rules/{out_id}", json={"routes": []}, headers=auth).status_code == 200
    )
    assert api.post(f"/providers/{trunk}/destroy", headers=auth).status_code == 204


def test_rules_cannot_use_foreign_trunks(api: httpx.Client) -> None:
    auth = sign_in(api)
    trunk = api.post("/providers", json=trunk_body(), headers=auth).json()["id"]
    tenant = sign_in(api, "manager", "tenant-admin", "acme-001.sandbox.test")
    reply = api.post(
        "/outbound_rules", json={"name": "x", "routes": [{"provider_id": trunk}]}, headers=tenant
    )
    assert reply.status_code == 400
    assert "not available to this tenant" in reply.json()["errors"][0]["message"]
    assert api.post("/tenants/switch", params={"id": "x"}, headers=tenant).status_code == 403


def test_strict_validator_against_the_spec_schemas() -> None:
    ops = operations(load_spec())
    create = ops["createProvider"].body_schema
    assert create is not None
    assert validate({"name": "x"}, create)  # required fields missing
    office = ops["createInboundRule"].body_schema
    assert office is not None
    body = {
        "name": "r",
        "did_numbers": "1",
        "provider_id": "p",
        "office_hours": {"mode": "CUSTOM", "monday": {"enabled": True, "ranges": []}},
    }
    assert validate(body, office) == []  # allOf parts are merged, not each strict alone
    bad = {**body, "office_hours": {"mode": "SOMETIMES"}}
    assert [p.field for p in validate(bad, office)] == ["office_hours.mode"]
    assert validate({"port": 5060.0}, ops["updateProvider"].body_schema or {})[0].message == (
        "must be an integer"
    )
