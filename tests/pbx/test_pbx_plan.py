"""``plan`` without a network: what changes, in which order, and what is shown."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from trunkwiz.domain.didpool import DidPool
from trunkwiz.domain.trunk import parse_trunk
from trunkwiz.pbx.objects import Assignee, Trunk
from trunkwiz.pbx.plan import CurrentTrunk, OpKind, PlanError, plan

SECRET = "carrier-secret-42"


def desired(tenants: list[tuple[str, str, int]] = (), **extra: Any):
    data: dict[str, Any] = {
        "kind": "register",
        "name": "Carrier A",
        "hostname": "sip.carrier-a.example",
        "auth_id": "acct1",
        "password": SECRET,
        "tenants": [
            {"tenant_id": tid, "tenant_name": f"Tenant {tid}", "did_numbers": did, "concurrency": c}
            for tid, did, c in tenants
        ],
    }
    data.update(extra)
    return parse_trunk(data)


def current_of(trunk, assignees: list[tuple[str, str, int]], **detail: Any) -> CurrentTrunk:
    body = {"additional_ips": "", **trunk.to_create_payload(), "id": "P1", "shared": True, **detail}
    items = [Assignee(tenant_id=t, did_numbers=d, concurrency=c) for t, d, c in assignees]
    return CurrentTrunk("P1", Trunk.model_validate(body), items)


def test_create_plan_lists_fields_and_hides_the_password() -> None:
    result = plan(desired([("t1", "100-199", 5)]), None)
    kinds = [op.kind for op in result.operations]
    assert kinds == [OpKind.create, OpKind.assign]
    text = "\n".join(result.describe())
    assert "Host: sip.carrier-a.example" in text
    assert "Password: will be set" in text
    assert SECRET not in text and SECRET not in repr(result)
    assert "Tenant t1" in text and "100-199" in text


def test_same_trunk_plans_nothing() -> None:
    want = desired([("t1", "100-199", 5), ("t2", "200", 1)])
    current = current_of(want, [("t2", "200", 1), ("t1", "100-150;151-199", 5)])
    result = plan(want, current)
    assert result.is_empty and result.operations == ()
    assert "no changes" in result.describe()[0]


def test_update_sends_only_changed_fields() -> None:
    want = desired(concurrency=50)
    current = current_of(desired(), [], concurrency=100000)
    result = plan(want, current)
    (op,) = result.operations
    assert op.kind is OpKind.update and op.changes == (("concurrency", 100000, 50),)
    assert result.describe()[1] == "  Max concurrent calls: 100000 → 50"
    assert not op.sets_password


def test_password_change_is_explicit() -> None:
    want = desired()
    result = plan(want, current_of(want, []), change_password=True)
    assert [op.kind for op in result.operations] == [OpKind.update]
    assert "  Password: changed" in result.describe()
    assert SECRET not in "\n".join(result.describe())


@pytest.mark.parametrize(
    ("detail", "words"),
    [({"brand": "Twilio"}, "brand"), ({"auth_mode": "IP_AUTH"}, "kind")],
)
def test_brand_or_kind_change_is_refused(detail: dict[str, str], words: str) -> None:
    want = desired()
    with pytest.raises(PlanError, match=f"cannot change a trunk's {words}.*delete the trunk"):
        plan(want, current_of(want, [], **detail))


def test_tenant_changes_are_ordered_release_then_grow() -> None:
    want = desired([("t1", "100-199", 5), ("t3", "300-399", 5)])
    current = current_of(want, [("t1", "100-199", 9), ("t2", "500", 1)])
    ops = plan(want, current).operations
    assert [(op.kind, op.tenant_id, op.phase) for op in ops] == [
        (OpKind.unassign, "t2", 1),
        (OpKind.repool, "t1", 2),
        (OpKind.assign, "t3", 2),
    ]
    assert ops[1].before == ("100-199", 9) and ops[1].target == ("100-199", 5)


def test_moving_a_range_shrinks_the_giver_first() -> None:
    want = desired([("a", "100-149", 5), ("b", "150-199", 5)])
    current = current_of(want, [("a", "100-199", 5)])
    ops = plan(want, current).operations
    assert [(op.kind, op.tenant_id) for op in ops] == [(OpKind.shrink, "a"), (OpKind.assign, "b")]
    assert DidPool.parse(ops[0].target[0]) == DidPool.parse("100-149")


def test_swapping_pools_releases_both_first() -> None:
    want = desired([("a", "200-299", 5), ("b", "100-199", 5)])
    current = current_of(want, [("a", "100-199", 5), ("b", "200-299", 5)])
    ops = plan(want, current).operations
    assert [(op.kind, op.phase, op.target) for op in ops] == [
        (OpKind.shrink, 1, None),
        (OpKind.shrink, 1, None),
        (OpKind.repool, 2, ("200-299", 5)),
        (OpKind.repool, 2, ("100-199", 5)),
    ]
    assert "re-added below" in plan(want, current).describe()[0]


def _pools(owner_of_block: dict[int, str]) -> dict[str, str]:
    """Blocks 1000-1004, 1010-1014, … handed to tenants: disjoint pools by construction."""
    out: dict[str, list[str]] = {}
    for block, tenant in sorted(owner_of_block.items()):
        out.setdefault(tenant, []).append(f"{1000 + 10 * block}-{1004 + 10 * block}")
    return {tenant: ";".join(entries) for tenant, entries in out.items()}


assignments = st.dictionaries(st.integers(0, 7), st.sampled_from("abcd"), max_size=8).map(_pools)


def _disjoint(assignments: dict[str, str]) -> bool:
    seen = DidPool.empty()
    for text in assignments.values():
        pool = DidPool.parse(text)
        if pool.overlaps(seen):
            return False
        seen = seen.union(pool)
    return True


@settings(max_examples=80, deadline=None)
@given(before=assignments, after=assignments)
def test_every_step_keeps_tenant_pools_disjoint(before, after) -> None:
    """Replaying the plan step by step never makes two tenants' pools overlap (the PBX's
    check), and ends in the desired state."""
    want = desired([(t, d, 1) for t, d in after.items()])
    current = current_of(want, [(t, d, 1) for t, d in before.items()])
    state = dict(before)
    for op in plan(want, current).operations:
        if op.target is None:
            state.pop(op.tenant_id, None)
        else:
            state[op.tenant_id] = op.target[0]
            others = {t: d for t, d in state.items() if t != op.tenant_id}
            assert _disjoint({**others, op.tenant_id: op.target[0]})
    assert {t: DidPool.parse(d) for t, d in state.items()} == {
        t: DidPool.parse(d) for t, d in after.items()
    }
