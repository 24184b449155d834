"""Lists: paging past 100, top/skip limits, filter, search, orderby; system endpoints."""

from __future__ import annotations

import httpx
import pytest

from tests.sandbox.conftest import sign_in


@pytest.fixture
def auth(api: httpx.Client) -> dict[str, str]:
    return sign_in(api)


def test_tenants_page_past_100(api: httpx.Client, auth: dict[str, str]) -> None:
    first = api.get("/tenants", headers=auth).json()
    assert first["count"] == 120
    assert len(first["items"]) == 100  # default top
    second = api.get("/tenants", params={"skip": 100, "top": 100}, headers=auth).json()
    assert second["count"] == 120
    assert len(second["items"]) == 20
    ids = [t["id"] for t in first["items"] + second["items"]]
    assert len(set(ids)) == 120
    middle = api.get("/tenants", params={"skip": 37, "top": 3}, headers=auth).json()
    assert [t["id"] for t in middle["items"]] == ids[37:40]
    beyond = api.get("/tenants", params={"skip": 500}, headers=auth).json()
    assert beyond == {"count": 120, "items": []}


@pytest.mark.parametrize(
    ("params", "field"),
    [({"top": 101}, "top"), ({"top": 0}, "top"), ({"skip": -1}, "skip"), ({"top": "ten"}, "top")],
)
def test_out_of_range_paging_is_400(
    api: httpx.Client, auth: dict[str, str], params: dict[str, object], field: str
) -> None:
    reply = api.get("/tenants", params=params, headers=auth)
    assert reply.status_code == 400
    error = reply.json()["errors"][0]
    assert error["code"] == "VALIDATE_FAILED"
    assert error["message"].startswith(field)
    assert error["detail"] == {"field": field}


def test_filter_search_orderby(api: httpx.Client, auth: dict[str, str]) -> None:
    exact = api.get(
        "/tenants", params={"filter": "domain eq 'acme-001.sandbox.test'"}, headers=auth
    ).json()
    assert [t["name"] for t in exact["items"]] == ["Acme Dental 001"]
    starts = api.get("/tenants", params={"filter": "startswith(name,'Acme')"}, headers=auth).json()
    assert starts["count"] == 3 and all(t["name"].startswith("Acme") for t in starts["items"])
    combined = api.get(
        "/tenants",
        params={"filter": "startswith(name,'Acme') and (enabled eq true or max_extensions ge 100)"},
        headers=auth,
    ).json()
    assert combined["count"] == 3
    search = api.get("/tenants", params={"search": "QUARRY"}, headers=auth).json()
    assert search["count"] == 3
    ordered = api.get("/tenants", params={"orderby": "name desc", "top": 5}, headers=auth).json()
    names = [t["name"] for t in ordered["items"]]
    assert names == sorted(names, key=str.lower, reverse=True)
    assert names[0].startswith("Zenith")


@pytest.mark.parametrize(
    "params",
    [
        {"filter": "name eq"},
        {"filter": "nosuch eq 'x'"},
        {"filter": "name like 'x'"},
        {"filter": "startswith(name,3)"},
        {"orderby": "name sideways"},
        {"orderby": "secret"},
    ],
)
def test_bad_query_options_are_400(
    api: httpx.Client, auth: dict[str, str], params: dict[str, str]
) -> None:
    reply = api.get("/tenants", params=params, headers=auth)
    assert reply.status_code == 400
    assert reply.json()["errors"][0]["code"] == "VALIDATE_FAILED"


def test_tenant_detail_and_404(api: httpx.Client, auth: dict[str, str]) -> None:
    tenant = api.get("/tenants", params={"top": 1}, headers=auth).json()["items"][0]
    detail = api.get(f"/tenants/{tenant['id']}", headers=auth).json()
    assert detail["domain"] == tenant["domain"]
    assert detail["enable_feature_trunks"] is True
    missing = api.get("/tenants/NOPE", headers=auth)
    assert missing.status_code == 404


def test_tenant_admin_cannot_see_other_tenants(api: httpx.Client, auth: dict[str, str]) -> None:
    other = api.get("/tenants", params={"skip": 5, "top": 1}, headers=auth).json()["items"][0]
    tenant_auth = sign_in(api, "manager", "tenant-admin", "acme-001.sandbox.test")
    assert api.get(f"/tenants/{other['id']}", headers=tenant_auth).status_code == 404


def test_transports_network_and_status(api: httpx.Client, auth: dict[str, str]) -> None:
    transports = api.get("/transports", headers=auth).json()
    assert transports["count"] == 3
    assert {(t["protocol"], t["port"]) for t in transports["items"]} == {
        ("UDP", 5060),
        ("TCP", 5063),
        ("TLS", 5061),
    }
    one = transports["items"][1]
    assert api.get(f"/transports/{one['id']}", headers=auth).json() == one
    assert api.get("/transports/none", headers=auth).status_code == 404
    tcp = api.get("/transports", params={"filter": "protocol eq 'TCP'"}, headers=auth).json()
    assert [t["port"] for t in tcp["items"]] == [5063]
    network = api.get("/network", headers=auth).json()
    assert network["public_ipv4"] == "203.0.113.10"
    status = api.get("/admin/status", headers=auth).json()
    assert status["version"].startswith("22.")
    assert status["current_tenants"] == 120
