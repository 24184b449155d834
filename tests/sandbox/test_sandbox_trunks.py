"""Trunk CRUD, assignees and visibility by role, over real sockets."""

from __future__ import annotations

import httpx
import pytest

from tests.sandbox.conftest import sign_in, trunk_body
from trunkwiz.sandbox.server import SandboxServer

TENANT_DOMAIN = "acme-001.sandbox.test"


@pytest.fixture
def auth(api: httpx.Client) -> dict[str, str]:
    return sign_in(api)


def tenant_ids(api: httpx.Client, auth: dict[str, str], n: int) -> list[str]:
    return [t["id"] for t in api.get("/tenants", params={"top": n}, headers=auth).json()["items"]]


def test_create_read_update_destroy(api: httpx.Client, auth: dict[str, str]) -> None:
    created = api.post("/providers", json=trunk_body(), headers=auth)
    assert created.status_code == 201
    trunk_id = created.json()["id"]
    detail = api.get(f"/providers/{trunk_id}", headers=auth).json()
    assert detail["id"] == trunk_id
    assert detail["auth_mode"] == "REGISTER_AUTH"
    assert detail["shared"] is True
    assert detail["register_interval"] == 600  # the spec's default, made explicit
    assert "password" not in detail
    listed = api.get("/providers", headers=auth).json()
    assert listed["count"] == 1
    assert set(listed["items"][0]) == {
        "id",
        "name",
        "enabled",
        "brand",
        "hostname",
        "port",
        "did_numbers",
        "shared",
    }
    update = api.post(
        f"/providers/{trunk_id}", json={"port": 5080, "keep_alive": False}, headers=auth
    )
    assert update.status_code == 200
    assert update.content == b""
    after = api.get(f"/providers/{trunk_id}", headers=auth).json()
    assert (after["port"], after["keep_alive"], after["name"]) == (5080, False, "Carrier One")
    assert api.post(f"/providers/{trunk_id}/destroy", headers=auth).status_code == 204
    assert api.get(f"/providers/{trunk_id}", headers=auth).status_code == 404
    assert api.get("/providers", headers=auth).json()["count"] == 0


def test_update_can_change_the_password_without_echoing_it(
    sandbox: SandboxServer, api: httpx.Client, auth: dict[str, str]
) -> None:
    trunk_id = api.post("/providers", json=trunk_body(), headers=auth).json()["id"]
    assert (
        api.post(f"/providers/{trunk_id}", json={"password": "n3w-pw"}, headers=auth).status_code
        == 200
    )
    assert sandbox.state.trunks[trunk_id].password == "n3w-pw"
    assert "n3w-pw" not in repr(sandbox.state.trunks[trunk_id])
    assert "n3w-pw" not in api.get(f"/providers/{trunk_id}", headers=auth).text


def test_assignees_round_trip(api: httpx.Client, auth: dict[str, str]) -> None:
    trunk_id = api.post("/providers", json=trunk_body(), headers=auth).json()["id"]
    a, b = tenant_ids(api, auth, 2)
    assert api.get(f"/providers/{trunk_id}/assignees", headers=auth).json() == {"items": []}
    assert api.get(f"/providers/{trunk_id}/assignees/{a}", headers=auth).status_code == 404
    for tenant, pool in ((a, "16468097065-16468097066"), (b, "16468097070")):
        reply = api.post(
            f"/providers/{trunk_id}/assignees/{tenant}",
            json={"did_numbers": pool, "concurrency": 10},
            headers=auth,
        )
        assert reply.status_code == 204
    items = api.get(f"/providers/{trunk_id}/assignees", headers=auth).json()["items"]
    assert {i["tenant_id"]: i["did_numbers"] for i in items} == {
        a: "16468097065-16468097066",
        b: "16468097070",
    }
    # re-assigning updates the same assignment
    assert (
        api.post(
            f"/providers/{trunk_id}/assignees/{b}", json={"concurrency": 3}, headers=auth
        ).status_code
        == 204
    )
    assert api.get(f"/providers/{trunk_id}/assignees/{b}", headers=auth).json() == {
        "did_numbers": "16468097070",
        "concurrency": 3,
    }
    assert api.post(f"/providers/{trunk_id}/assignees/{a}/destroy", headers=auth).status_code == 204
    assert api.get(f"/providers/{trunk_id}/assignees/{a}", headers=auth).status_code == 404
    missing = api.post(f"/providers/{trunk_id}/assignees/{a}/destroy", headers=auth)
    assert missing.status_code == 404
    assert (
        api.post(f"/providers/{trunk_id}/assignees/NOPE", json={}, headers=auth).status_code == 404
    )


def test_tenant_admin_sees_own_and_assigned_trunks_only(
    api: httpx.Client, auth: dict[str, str]
) -> None:
    own_tenant = api.get(
        "/tenants", params={"filter": f"domain eq '{TENANT_DOMAIN}'"}, headers=auth
    ).json()["items"][0]["id"]
    shared_id = api.post("/providers", json=trunk_body(), headers=auth).json()["id"]
    hidden_id = api.post(
        "/providers", json=trunk_body(name="Other", auth_id="bob"), headers=auth
    ).json()["id"]
    api.post(
        f"/providers/{shared_id}/assignees/{own_tenant}",
        json={"did_numbers": "3000-3099", "concurrency": 2},
        headers=auth,
    )
    tenant = sign_in(api, "manager", "tenant-admin", TENANT_DOMAIN)
    own = api.post(
        "/providers",
        json=trunk_body(name="Mine", auth_id="carol", did_numbers="5000-5009"),
        headers=tenant,
    )
    assert own.status_code == 201
    own_id = own.json()["id"]
    listed = {t["id"]: t for t in api.get("/providers", headers=tenant).json()["items"]}
    assert set(listed) == {shared_id, own_id}
    assert listed[shared_id]["did_numbers"] == "3000-3099"  # the tenant's own pool
    assert listed[shared_id]["shared"] is True and listed[own_id]["shared"] is False
    assert api.get(f"/providers/{hidden_id}", headers=tenant).status_code == 404
    # the shared trunk is read-only for the tenant
    change = api.post(f"/providers/{shared_id}", json={"port": 5070}, headers=tenant)
    assert change.status_code == 403
    assert api.post(f"/providers/{shared_id}/destroy", headers=tenant).status_code == 400
    assert api.get(f"/providers/{shared_id}/assignees", headers=tenant).status_code == 403
    # its own trunk it can change and destroy; the System Admin sees it too
    assert api.post(f"/providers/{own_id}", json={"port": 5070}, headers=tenant).status_code == 200
    assert api.get(f"/providers/{own_id}", headers=auth).json()["shared"] is False
    assert api.post(f"/providers/{own_id}/destroy", headers=tenant).status_code == 204


def test_status_ip_online_register_offline(api: httpx.Client, auth: dict[str, str]) -> None:
    ip = api.post(
        "/providers",
        json=trunk_body(name="IP", auth_mode="IP_AUTH", auth_id="", password=""),
        headers=auth,
    ).json()["id"]
    reg = api.post("/providers", json=trunk_body(), headers=auth).json()["id"]
    assert api.get(f"/providers/{ip}/status", headers=auth).json() == {"status": "ONLINE"}
    assert api.get(f"/providers/{reg}/status", headers=auth).json() == {"status": "OFFLINE"}
    assert api.get("/providers/NOPE/status", headers=auth).status_code == 404


def test_export_is_csv_without_passwords(api: httpx.Client, auth: dict[str, str]) -> None:
    api.post("/providers", json=trunk_body(), headers=auth)
    reply = api.get("/providers/export", headers=auth)
    assert reply.status_code == 200
    assert reply.headers["content-type"] == "application/octet-stream"
    lines = reply.text.splitlines()
    assert lines[0].startswith("id,name,")
    assert "Carrier One" in lines[1]
    assert "s3cret-pw" not in reply.text
