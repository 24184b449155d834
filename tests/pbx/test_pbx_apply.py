"""``plan``/``apply`` against the sandbox PBX over real sockets: create, idempotent
re-apply, updates, re-pooling order, and rollback after injected failures."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import SecretStr

from trunkwiz.domain.trunk import parse_trunk
from trunkwiz.pbx.client import PbxClient
from trunkwiz.pbx.inventory import load_inventory, read_current
from trunkwiz.pbx.objects import Tenant
from trunkwiz.pbx.plan import ApplyFailed, OpKind, Progress, apply, plan
from trunkwiz.sandbox.server import SandboxServer

from .conftest import snapshot

SECRET = "carrier-secret-42"


def trunk(tenants: list[tuple[Tenant, str, int]], **extra: Any):
    data: dict[str, Any] = {
        "kind": "register",
        "name": "Carrier A",
        "hostname": "sip.carrier-a.example",
        "auth_id": "acct1",
        "password": SECRET,
        "tenants": [
            {"tenant_id": t.id, "tenant_name": t.name, "did_numbers": d, "concurrency": c}
            for t, d, c in tenants
        ],
    }
    data.update(extra)
    return parse_trunk(data)


async def converge(pbx: PbxClient, desired, **kw: Any):
    """Plan against what the PBX holds now and apply it."""
    inventory = await load_inventory(pbx)
    entry = inventory.find(desired.name)
    current = entry.current(inventory.tenant_names) if entry else None
    return await apply(pbx, plan(desired, current), **kw)


async def test_create_then_reapply_sends_nothing(sandbox: SandboxServer, admin: PbxClient) -> None:
    tenants = (await admin.tenants())[:3]
    want = trunk([(t, f"{1000 + 100 * i}-{1099 + 100 * i}", 5) for i, t in enumerate(tenants)])
    events: list[Progress] = []
    result = await apply(admin, plan(want, None), on_progress=events.append)
    assert result.created and result.trunk_id
    assert result.requests == 4  # one create, three assignments
    assert [e.done for e in events] == [1, 2, 3, 4] and all(e.total == 4 for e in events)
    state = (await snapshot(admin))["Carrier A"]
    assert {a["tenant_id"]: a["did_numbers"] for a in state["assignees"]} == {
        t.id: f"{1000 + 100 * i}-{1099 + 100 * i}" for i, t in enumerate(tenants)
    }
    assert sandbox.state.trunks[result.trunk_id].password == SECRET

    current = await read_current(admin, result.trunk_id)
    again = plan(want, current)
    assert again.is_empty
    before = admin.stats.requests
    second = await apply(admin, again)
    assert second.requests == 0 and admin.stats.requests == before


async def test_update_changes_only_what_differs(sandbox: SandboxServer, admin) -> None:
    tenants = (await admin.tenants())[:2]
    await apply(admin, plan(trunk([(tenants[0], "100-199", 5)]), None))
    want = trunk([(tenants[0], "100-149", 5), (tenants[1], "150-199", 2)], concurrency=40)
    mutations = admin.stats.mutations
    result = await converge(admin, want)
    assert admin.stats.mutations - mutations == 3  # update, shrink tenant 0, assign tenant 1
    detail = await admin.provider(result.trunk_id)
    assert detail.concurrency == 40 and detail.hostname == "sip.carrier-a.example"
    assignees = {a.tenant_id: a for a in await admin.assignees(result.trunk_id)}
    assert assignees[tenants[1].id].did_numbers == "150-199"
    assert sandbox.state.trunks[result.trunk_id].password == SECRET  # not re-sent


async def test_moving_and_swapping_ranges_pass_the_overlap_check(admin: PbxClient) -> None:
    a, b, c = (await admin.tenants())[:3]
    await apply(admin, plan(trunk([(a, "100-199", 5), (b, "200-299", 5)]), None))
    moved = trunk([(a, "100-149", 5), (b, "150-299", 5)])
    await converge(admin, moved)
    swapped = trunk([(a, "150-299", 5), (b, "100-149", 5), (c, "300", 1)])
    await converge(admin, swapped)
    state = (await snapshot(admin))["Carrier A"]
    got = {x["tenant_id"]: x["did_numbers"] for x in state["assignees"]}
    assert got == {a.id: "150-299", b.id: "100-149", c.id: "300"}


@pytest.mark.parametrize("fail_at", [2, 5, 9])
async def test_failed_create_is_rolled_back(sandbox, admin: PbxClient, fail_at: int) -> None:
    tenants = (await admin.tenants())[:10]
    before = await snapshot(admin)
    want = trunk([(t, str(5000 + i), 1) for i, t in enumerate(tenants)])
    sandbox.faults.fail_nth(fail_at, 500)
    with pytest.raises(ApplyFailed) as info:
        await apply(admin, plan(want, None), concurrency=1)
    err = info.value
    assert "Rolled back" in str(err) and "created trunk (deleted again)" in err.rolled_back
    assert len(err.rolled_back) == fail_at - 1  # everything done before the failure
    assert err.not_rolled_back == [] and isinstance(err.cause, Exception)
    assert await snapshot(admin) == before == {}


async def test_failed_edit_restores_fields_and_pools(sandbox, admin: PbxClient) -> None:
    t = (await admin.tenants())[:6]
    first = trunk([(t[0], "100-199", 5), (t[1], "200-299", 5), (t[2], "300", 1)])
    await apply(admin, plan(first, None))
    before = await snapshot(admin)
    edit = trunk(
        [(t[0], "100-149", 5), (t[1], "150-299", 9)]
        + [(x, str(400 + i), 1) for i, x in enumerate(t[3:])],
        hostname="sip2.carrier-a.example",
    )
    inventory = await load_inventory(admin)
    steps = plan(edit, inventory.find("Carrier A").current(inventory.tenant_names))
    assert [op.kind for op in steps.operations] == [
        OpKind.update, OpKind.shrink, OpKind.unassign, OpKind.repool,
        OpKind.assign, OpKind.assign, OpKind.assign,
    ]  # fmt: skip
    sandbox.faults.fail_nth(6, 500)  # during the assignments of the new tenants
    with pytest.raises(ApplyFailed) as info:
        await apply(admin, steps, concurrency=2)
    assert info.value.not_rolled_back == []
    assert any("old values restored" in line for line in info.value.rolled_back)
    assert await snapshot(admin) == before


async def test_dropped_create_is_reconciled_and_rolled_back(sandbox, admin: PbxClient) -> None:
    tenants = (await admin.tenants())[:3]
    want = trunk([(x, str(700 + i), 1) for i, x in enumerate(tenants)])
    sandbox.faults.drop_nth(1)
    with pytest.raises(ApplyFailed, match="outcome is unknown") as info:
        await apply(admin, plan(want, None))
    # whether or not the dropped create reached the PBX, nothing of it is left
    assert await snapshot(admin) == {}
    assert info.value.failed == "create the trunk"


async def test_dropped_assignment_is_reconciled(sandbox, admin: PbxClient) -> None:
    tenants = (await admin.tenants())[:4]
    want = trunk([(x, str(800 + i), 1) for i, x in enumerate(tenants)])
    sandbox.faults.drop_nth(3)
    with pytest.raises(ApplyFailed):
        await apply(admin, plan(want, None), concurrency=1)
    assert await snapshot(admin) == {}


async def test_missing_password_stops_before_sending(admin: PbxClient) -> None:
    want = parse_trunk(
        {"kind": "register", "name": "N", "hostname": "h.example", "auth_id": "a"},
        editing=True,
    )
    requests = admin.stats.requests
    with pytest.raises(ValueError, match="password"):
        await apply(admin, plan(want, None))
    assert admin.stats.requests == requests


async def test_password_change_is_sent_only_when_asked(sandbox, admin: PbxClient) -> None:
    result = await apply(admin, plan(trunk([]), None))
    current = await read_current(admin, result.trunk_id)
    change = plan(trunk([]), current, change_password=True)
    assert [op.kind for op in change.operations] == [OpKind.update]
    await apply(admin, change, password=SecretStr("a-new-secret"))
    assert sandbox.state.trunks[result.trunk_id].password == "a-new-secret"
