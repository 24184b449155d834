"""Rules and the tenant's DID pool: inbound DIDs and outbound caller IDs must lie inside it."""

from __future__ import annotations

import httpx
import pytest

from tests.sandbox.conftest import sign_in, trunk_body


def shared_trunk(api: httpx.Client, pool: str) -> tuple[dict[str, str], str]:
    auth = sign_in(api)
    trunk = api.post("/providers", json=trunk_body(), headers=auth).json()["id"]
    tenant = api.get("/tenants", params={"top": 1}, headers=auth).json()["items"][0]["id"]
    assigned = api.post(
        f"/providers/{trunk}/assignees/{tenant}", json={"did_numbers": pool}, headers=auth
    )
    assert assigned.status_code == 204
    assert api.post("/tenants/switch", params={"id": tenant}, headers=auth).status_code == 200
    return auth, trunk


def outbound(trunk: str, caller_id: str) -> dict[str, object]:
    route = {"provider_id": trunk, "prepend": "1", "outbound_caller_id": caller_id}
    return {"name": "Out", "number_length": "10", "routes": [route]}


@pytest.mark.parametrize(
    "caller_id", ["16468097065", "+16468097066", "016468097066", "0016468097065", "+0016468097065"]
)
def test_a_caller_id_from_the_pool_is_accepted(api: httpx.Client, caller_id: str) -> None:
    auth, trunk = shared_trunk(api, "16468097065-16468097066")
    reply = api.post("/outbound_rules", json=outbound(trunk, caller_id), headers=auth)
    assert reply.status_code == 201, reply.text


@pytest.mark.parametrize("caller_id", ["16468097067", "+1646809706x", "000016468097065"])
def test_a_caller_id_outside_the_pool_is_refused(api: httpx.Client, caller_id: str) -> None:
    auth, trunk = shared_trunk(api, "16468097065-16468097066")
    reply = api.post("/outbound_rules", json=outbound(trunk, caller_id), headers=auth)
    assert reply.status_code == 400
    assert "caller ID" in reply.json()["errors"][0]["message"]
    ok = api.post("/outbound_rules", json=outbound(trunk, "16468097065"), headers=auth).json()
    update = api.post(f"/outbound_rules/{ok['id']}", json=outbound(trunk, caller_id), headers=auth)
    assert update.status_code == 400


def test_an_empty_pool_admits_no_inbound_did_and_no_caller_id(api: httpx.Client) -> None:
    auth, trunk = shared_trunk(api, "")
    rule = {"name": "In", "did_numbers": "16468097065", "provider_id": trunk}
    assert api.post("/inbound_rules", json=rule, headers=auth).status_code == 400
    assert api.post("/outbound_rules", json=outbound(trunk, "1"), headers=auth).status_code == 400
    no_caller = {"name": "Out", "number_length": "10", "routes": [{"provider_id": trunk}]}
    assert api.post("/outbound_rules", json=no_caller, headers=auth).status_code == 201


def test_an_inbound_rule_takes_one_did_or_one_range(api: httpx.Client) -> None:
    auth, trunk = shared_trunk(api, "16468097065-16468097070")
    rule = {"name": "In", "provider_id": trunk}
    two = api.post("/inbound_rules", json={**rule, "did_numbers": "16468097065;16468097067"},
                   headers=auth)  # fmt: skip
    assert two.status_code == 400
    span = api.post("/inbound_rules", json={**rule, "did_numbers": "16468097065-16468097070"},
                    headers=auth)  # fmt: skip
    assert span.status_code == 201
