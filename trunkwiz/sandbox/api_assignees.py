"""Handlers: sharing a System Admin's trunk with tenants (DID pool and call cap per tenant)."""

from __future__ import annotations

from typing import Any

from trunkwiz.sandbox.api_trunks import lookup
from trunkwiz.sandbox.checks import overlap_error, parse_did_numbers
from trunkwiz.sandbox.context import Ctx
from trunkwiz.sandbox.errors import invalid, not_found
from trunkwiz.sandbox.state import TrunkRecord

Reply = tuple[int, Any]


def _trunk(ctx: Ctx) -> TrunkRecord:
    ctx.require_system_for_trunks()
    return lookup(ctx, ctx.params["id"], write=True)


def _tenant_label(ctx: Ctx, tenant_id: str) -> str:
    tenant = ctx.state.tenants.get(tenant_id)
    return f"tenant '{tenant['name']}'" if tenant else f"tenant {tenant_id}"


def list_assignees(ctx: Ctx) -> Reply:
    """GET /providers/{id}/assignees (not paged)."""
    with ctx.state.lock:
        rec = _trunk(ctx)
        items = [{"tenant_id": tid, **a} for tid, a in rec.assignees.items()]
    return 200, {"items": items}


def assign(ctx: Ctx) -> Reply:
    """POST /providers/{id}/assignees/{tenant_id}: share the trunk or change the assignment."""
    tenant_id = ctx.params["tenant_id"]
    with ctx.state.lock:
        rec = _trunk(ctx)
        if not rec.shared:
            raise invalid(
                "This trunk was created by a tenant and cannot be shared with other tenants."
            )
        if tenant_id not in ctx.state.tenants:
            raise not_found("Tenant not found.")
        current = rec.assignees.get(tenant_id, {})
        did_numbers = ctx.body.get("did_numbers", current.get("did_numbers", ""))
        concurrency = ctx.body.get(
            "concurrency", current.get("concurrency", rec.data.get("concurrency", 0))
        )
        pool = parse_did_numbers(did_numbers)
        # the other tenants' pools stay parsed and indexed: O(log n) per assignment
        collisions = rec.pools.collisions(pool, exclude=tenant_id)
        if collisions:
            first = collisions[0]
            raise overlap_error(first, _tenant_label(ctx, first.owner))
        rec.set_assignee(tenant_id, did_numbers, concurrency, pool)
        ctx.services.persist()
    return 204, None


def check_assignee(ctx: Ctx) -> Reply:
    """GET /providers/{id}/assignees/{tenant_id}: 404 when not assigned."""
    with ctx.state.lock:
        rec = _trunk(ctx)
        assignment = rec.assignees.get(ctx.params["tenant_id"])
    if assignment is None:
        raise not_found("The trunk is not assigned to this tenant.")
    return 200, dict(assignment)


def unassign(ctx: Ctx) -> Reply:
    """POST /providers/{id}/assignees/{tenant_id}/destroy: refused while a tenant rule uses it."""
    tenant_id = ctx.params["tenant_id"]
    with ctx.state.lock:
        rec = _trunk(ctx)
        if tenant_id not in rec.assignees:
            raise not_found("The trunk is not assigned to this tenant.")
        for kind, rule in ctx.state.rules_using(rec.id):
            if rule.tenant_id == tenant_id:
                raise invalid(
                    f"The {kind} rule '{rule.data['name']}' of {_tenant_label(ctx, tenant_id)} "
                    f"uses the trunk '{rec.data['name']}'; remove it from the rule first."
                )
        rec.remove_assignee(tenant_id)
        ctx.services.persist()
    return 204, None
