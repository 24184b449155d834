"""Sign-in for both roles, 2FA shape, token expiry and refresh, sign-out."""

from __future__ import annotations

import httpx
import pytest

from tests.sandbox.conftest import SpecChecker, client_for, sign_in
from trunkwiz.sandbox.server import SandboxServer


def test_system_admin_signs_in_without_domain(api: httpx.Client) -> None:
    reply = api.post("/auth/sign_in", json={"username": "admin", "password": "sandbox-admin"})
    assert reply.status_code == 200
    body = reply.json()
    assert body["token_type"] == "Bearer"
    assert body["expires_in"] == 3600
    assert body["access_token"] != body["refresh_token"]
    auth = {"Authorization": f"Bearer {body['access_token']}"}
    assert api.get("/auth/user", headers=auth).json()["role"] == "SystemAdmin"


def test_tenant_admin_signs_in_with_its_sip_domain(api: httpx.Client) -> None:
    auth = sign_in(api, "manager", "tenant-admin", "acme-001.sandbox.test")
    assert api.get("/auth/user", headers=auth).json()["role"] == "Admin"
    tenants = api.get("/tenants", headers=auth).json()
    assert tenants["count"] == 1
    assert tenants["items"][0]["domain"] == "acme-001.sandbox.test"


@pytest.mark.parametrize(
    "body",
    [
        {"username": "admin", "password": "wrong"},
        {"username": "manager", "password": "tenant-admin"},  # tenant user needs a domain
        {"username": "manager", "password": "tenant-admin", "domain": "nowhere.sandbox.test"},
        {"username": "admin", "password": "sandbox-admin", "domain": "acme-001.sandbox.test"},
        {"username": "manager", "password": "sandbox-admin", "domain": "acme-001.sandbox.test"},
    ],
)
def test_bad_credentials_get_401(api: httpx.Client, body: dict[str, str]) -> None:
    reply = api.post("/auth/sign_in", json=body)
    assert reply.status_code == 401
    assert reply.json()["errors"][0]["code"] == "UNAUTHORIZED"


def test_sign_in_body_is_checked_against_the_schema(api: httpx.Client) -> None:
    reply = api.post("/auth/sign_in", json={"username": "admin"})
    assert reply.status_code == 400
    assert reply.json()["errors"][0]["message"] == "password is required"
    reply = api.post(
        "/auth/sign_in", content=b"{not json", headers={"content-type": "application/json"}
    )
    assert reply.status_code == 400


def test_two_factor_user_gets_the_2fa_shape(api: httpx.Client) -> None:
    reply = api.post(
        "/auth/sign_in", json={"username": "secure-admin", "password": "sandbox-admin"}
    )
    assert reply.status_code == 200
    body = reply.json()
    assert body["two_factor_enabled"] is True
    assert isinstance(body["token"], str) and len(body["token"]) > 16
    assert "access_token" not in body


@pytest.mark.parametrize("header", [None, "Bearer nope", "Basic YWRtaW46eA==", "Bearer"])
def test_missing_or_bad_token_is_401(api: httpx.Client, header: str | None) -> None:
    headers = {"Authorization": header} if header is not None else {}
    reply = api.get("/providers", headers=headers)
    assert reply.status_code == 401
    assert reply.json()["errors"][0]["code"] == "UNAUTHORIZED"


def test_expired_token_is_401_and_refresh_gives_a_working_pair(
    sandbox: SandboxServer, api: httpx.Client
) -> None:
    first = api.post("/auth/sign_in", json={"username": "admin", "password": "sandbox-admin"})
    pair = first.json()
    auth = {"Authorization": f"Bearer {pair['access_token']}"}
    assert api.get("/network", headers=auth).status_code == 200
    sandbox.faults.expire_tokens()
    expired = api.get("/network", headers=auth)
    assert expired.status_code == 401
    assert "expired" in expired.json()["errors"][0]["message"]
    refreshed = api.post("/auth/refresh_token", json={"refresh_token": pair["refresh_token"]})
    assert refreshed.status_code == 200
    new = refreshed.json()
    assert new["access_token"] != pair["access_token"]
    new_auth = {"Authorization": f"Bearer {new['access_token']}"}
    assert api.get("/network", headers=new_auth).json()["public_ipv4"] == "203.0.113.10"
    # a refresh token works once
    again = api.post("/auth/refresh_token", json={"refresh_token": pair["refresh_token"]})
    assert again.status_code == 401


def test_short_token_ttl_really_expires(spec_checker: SpecChecker) -> None:
    clock = [1000.0]
    server = SandboxServer(token_ttl=5)
    server.tokens._clock = lambda: clock[0]  # a controllable clock instead of waiting
    with server, client_for(server, spec_checker) as api:
        reply = api.post("/auth/sign_in", json={"username": "admin", "password": "sandbox-admin"})
        assert reply.json()["expires_in"] == 5
        auth = {"Authorization": f"Bearer {reply.json()['access_token']}"}
        clock[0] += 4.9
        assert api.get("/auth/user", headers=auth).status_code == 200
        clock[0] += 0.2
        assert api.get("/auth/user", headers=auth).status_code == 401


def test_expired_refresh_token_is_401(sandbox: SandboxServer, api: httpx.Client) -> None:
    pair = api.post("/auth/sign_in", json={"username": "admin", "password": "sandbox-admin"}).json()
    sandbox.faults.expire_tokens(refresh=True)
    reply = api.post("/auth/refresh_token", json={"refresh_token": pair["refresh_token"]})
    assert reply.status_code == 401


def test_sign_out_ends_the_session(api: httpx.Client) -> None:
    auth = sign_in(api)
    assert api.post("/auth/sign_out", headers=auth).status_code == 200
    assert api.get("/auth/user", headers=auth).status_code == 401


def test_custom_admin_credentials() -> None:
    with SandboxServer(admin_user="root2", admin_password="other-pw", tenants=1) as server:
        client = client_for(server)
        assert (
            client.post(
                "/auth/sign_in", json={"username": "admin", "password": "sandbox-admin"}
            ).status_code
            == 401
        )
        assert sign_in(client, "root2", "other-pw")
        assert "other-pw" not in repr(server.accounts)
