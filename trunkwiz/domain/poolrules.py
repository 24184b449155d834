"""Rules tying a trunk's level to its DID pools: who owns which pool, and no overlaps.

- An IP trunk exists only at System Admin level.
- A tenant-level trunk has its own valid, non-empty ``did_numbers`` and no tenants.
- A system-level trunk has no ``did_numbers`` of its own; each tenant's pool is valid
  (it may be empty: a tenant can use the trunk for outbound calls only), tenant ids are
  unique, and no two tenants' pools overlap.

Each error carries ``ctx`` ``{"start", "end", "code"}`` where it concerns one pool entry,
so a widget can underline that entry.
"""

from __future__ import annotations

from collections.abc import Sequence

from trunkwiz.domain.didpool import DidPool, PoolIndex, check_pool
from trunkwiz.domain.options import Level, TenantAssignment, TrunkKind
from trunkwiz.domain.rules import RuleError


def pool_errors(text: str, loc: tuple[str | int, ...]) -> tuple[list[RuleError], DidPool]:
    """Error-severity issues of one pool text as rule errors, and its best-effort pool.

    Blank text is no error here (an empty pool); callers that need a pool say so.
    """
    if not text.strip():
        return [], DidPool.empty()
    check = check_pool(text)
    errors = [
        RuleError(
            loc,
            issue.message,
            code="did_pool",
            ctx={"start": issue.start, "end": issue.end, "code": issue.code},
        )
        for issue in check.errors
    ]
    return errors, check.pool


def tenant_errors(tenants: Sequence[TenantAssignment]) -> list[RuleError]:
    """Duplicate tenants, invalid tenant pools and overlaps between tenants' pools (an
    overlap is reported on the later of the two tenants)."""
    labels = _unique_labels(tenants)
    seen: dict[str, int] = {}
    per_tenant: list[list[RuleError]] = []
    pools: dict[str, tuple[int, DidPool]] = {}  # owner label -> (row, pool)
    for index, tenant in enumerate(tenants):
        errors: list[RuleError] = []
        per_tenant.append(errors)
        if tenant.tenant_id in seen:
            errors.append(
                RuleError(
                    ("tenants", index, "tenant_id"),
                    f"Tenant {labels[index]} is listed twice "
                    f"(also row {seen[tenant.tenant_id] + 1})",
                )
            )
            continue
        seen[tenant.tenant_id] = index
        found, pool = pool_errors(tenant.did_numbers, ("tenants", index, "did_numbers"))
        errors.extend(found)
        if not pool.is_empty:
            pools[f"tenant {labels[index]}"] = (index, pool)
    # One index of every pool (not one per tenant of the earlier ones): many tenants stay fast.
    shared = PoolIndex({owner: pool for owner, (_, pool) in pools.items()})
    for owner, (index, pool) in pools.items():
        for collision in shared.collisions(pool, exclude=(owner,)):
            if pools[collision.owner][0] > index:
                continue  # reported on the later tenant
            issue = collision.as_issue()
            per_tenant[index].append(
                RuleError(
                    ("tenants", index, "did_numbers"),
                    f"Tenant {labels[index]}: {issue.message}",
                    code="did_overlap",
                    ctx={"start": issue.start, "end": issue.end, "code": issue.code},
                )
            )
    return [error for errors in per_tenant for error in errors]


def level_errors(
    kind: TrunkKind, level: Level, did_numbers: str, tenants: Sequence[TenantAssignment]
) -> list[RuleError]:
    """Every rule linking the trunk's kind, level, own pool and tenants."""
    errors: list[RuleError] = []
    if level is Level.tenant:
        if kind is TrunkKind.ip:
            errors.append(
                RuleError(
                    ("level",),
                    "IP-based trunks can only be created by the System Admin and shared to tenants",
                )
            )
        if tenants:
            errors.append(
                RuleError(("tenants",), "A tenant's own trunk cannot be shared with tenants")
            )
        if not did_numbers.strip():
            errors.append(RuleError(("did_numbers",), "Enter the DID pool of this trunk"))
        else:
            errors.extend(pool_errors(did_numbers, ("did_numbers",))[0])
        return errors
    if did_numbers.strip():
        errors.append(
            RuleError(
                ("did_numbers",),
                "A System Admin trunk has no DID pool of its own: set one per tenant",
            )
        )
    errors.extend(tenant_errors(tenants))
    return errors


def _unique_labels(tenants: Sequence[TenantAssignment]) -> list[str]:
    """Each tenant's label, with the id added where two tenants share a name."""
    counts: dict[str, int] = {}
    for tenant in tenants:
        counts[tenant.label] = counts.get(tenant.label, 0) + 1
    return [
        f"{t.label} ({t.tenant_id})" if counts[t.label] > 1 and t.tenant_name else t.label
        for t in tenants
    ]
