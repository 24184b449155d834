"""The mode in which a System Admin session switched to a tenant works on trunks inside it.

By default ``POST /tenants/switch`` scopes only the rule calls; with
``switch_scopes_trunks`` (constructor, ``POST /_sandbox/faults`` or ``trunkwiz sandbox
--switch-scopes-trunks``) the same session's trunk calls act as that tenant's admin, so a
client that forgets to keep trunk calls out of a switched session is caught.
"""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from tests.sandbox.conftest import SpecChecker, client_for, sign_in, trunk_body
from trunkwiz.sandbox.server import SandboxServer


@pytest.fixture(scope="module")
def server() -> Iterator[SandboxServer]:
    sandbox = SandboxServer(tenants=3, switch_scopes_trunks=True).start()
    try:
        yield sandbox
    finally:
        sandbox.stop()


@pytest.fixture
def api(server: SandboxServer, spec_checker: SpecChecker) -> Iterator[httpx.Client]:
    server.faults.reset()
    with client_for(server, spec_checker) as client:
        yield client


def tenants(server: SandboxServer) -> list[str]:
    return list(server.state.tenants)


def test_switched_session_creates_the_tenants_own_trunk(
    server: SandboxServer, api: httpx.Client
) -> None:
    admin = sign_in(api)
    system = api.post("/providers", json=trunk_body(name="System A"), headers=admin).json()["id"]
    tenant = tenants(server)[0]
    assert api.post("/tenants/switch", params={"id": tenant}, headers=admin).status_code == 200
    made = api.post("/providers", json=trunk_body(name="Made B", auth_id="b"), headers=admin)
    assert made.status_code == 201, made.text
    scoped = made.json()["id"]
    # it belongs to the tenant, not to the system: not shared, visible to its admin
    assert api.get(f"/providers/{scoped}", headers=admin).json()["shared"] is False
    assert server.state.trunks[scoped].owner_tenant_id == tenant
    # sharing and unsharing are system calls: refused inside the tenant
    share = api.post(f"/providers/{system}/assignees/{tenant}", json={}, headers=admin)
    assert share.status_code == 403, share.text
    # the system's trunk is out of reach (read-only or invisible): not deleted
    gone = api.post(f"/providers/{system}/destroy", headers=admin)
    assert gone.status_code == 400, gone.text
    assert system in server.state.trunks
    # a fresh, unswitched session still works at system level
    fresh = sign_in(api)
    assert api.post(f"/providers/{system}/assignees/{tenant}", json={}, headers=fresh).is_success
    assert api.post(f"/providers/{scoped}/destroy", headers=fresh).status_code == 204


def test_default_mode_keeps_trunk_calls_at_system_level(
    server: SandboxServer, api: httpx.Client
) -> None:
    with httpx.Client(base_url=server.url, timeout=10) as raw:
        off = raw.post("/_sandbox/faults", json={"switch_scopes_trunks": False}).json()
        assert off["switch_scopes_trunks"] is False
        admin = sign_in(api)
        tenant = tenants(server)[1]
        assert api.post("/tenants/switch", params={"id": tenant}, headers=admin).is_success
        made = api.post("/providers", json=trunk_body(name="Sys C", auth_id="c"), headers=admin)
        assert made.status_code == 201, made.text
        assert server.state.trunks[made.json()["id"]].owner_tenant_id is None
        share = api.post(
            f"/providers/{made.json()['id']}/assignees/{tenant}", json={}, headers=admin
        )
        assert share.status_code == 204, share.text
        # reset restores the mode the server was started in
        back = raw.post("/_sandbox/faults", json={"reset": True}).json()
        assert back["switch_scopes_trunks"] is True


def test_the_mode_is_off_unless_asked_for() -> None:
    assert SandboxServer().faults.switch_scopes_trunks is False
