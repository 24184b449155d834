"""Routes of a trunk for the wizard and the CLI: what the PBX holds, live checks, the plan,
and deleting a trunk that rules still use.

Every function takes a signed-in :class:`~trunkwiz.service.connection.Connection` and
returns small typed results; the Routes step and ``trunkwiz apply``/``export`` call the
same functions. Tenant keys are tenant ids; ``None`` stands for a Tenant Admin's own
tenant.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from trunkwiz.domain.didpool import DidPool, check_pool
from trunkwiz.domain.options import Level
from trunkwiz.domain.routes import RouteIssue, TenantRoutes, route_issues
from trunkwiz.domain.trunkfile import TrunkEntry
from trunkwiz.pbx.errors import PbxError
from trunkwiz.pbx.planning import Plan
from trunkwiz.pbx.rules import RULE_KINDS, OutboundRule, RuleApi, TenantRules, routes_from_api
from trunkwiz.pbx.rules_ops import RoutePlan, RuleOp, removal
from trunkwiz.pbx.rules_plan import RouteRun, RuleStepFailed, plan_with_routes, unassigned_by

if TYPE_CHECKING:
    from trunkwiz.service.connection import Connection, TrunkModel


@dataclass(frozen=True)
class RuleRef:
    """One rule on the PBX that uses a trunk."""

    kind: str
    """``inbound`` or ``outbound``."""
    name: str
    rule_id: str
    tenant_id: str | None
    tenant_label: str
    other_routes: int = 0
    """Outbound: routes of the rule through other trunks (kept when the trunk goes)."""

    def describe(self) -> str:
        """``outbound rule 'x' of tenant Acme`` (and whether it only loses its route)."""
        where = f" of tenant {self.tenant_label}" if self.tenant_id is not None else ""
        keeps = (
            f" (also routes through {self.other_routes} other trunk route(s): only this "
            "trunk's route goes)"
            if self.other_routes
            else ""
        )
        return f"{self.kind} rule '{self.name}'{where}{keeps}"


@dataclass(frozen=True)
class TrunkRoutes:
    """The rules that use a trunk, per tenant, as models (for the Routes step's edit)."""

    routes: dict[str | None, TenantRoutes]
    """Per tenant; a kind is None when a rule of it cannot be shown (left untouched)."""
    rules: tuple[RuleRef, ...]
    """Every rule that uses the trunk."""


class TrunkInUse(PbxError):
    """The trunk cannot be deleted: rules use it (``rules`` names them)."""

    def __init__(self, trunk_name: str, rules: tuple[RuleRef, ...]) -> None:
        listed = "; ".join(r.describe() for r in rules)
        super().__init__(
            f"trunk {trunk_name} is used by {len(rules)} rule(s): {listed}. "
            "Remove them first (the PBX refuses to delete a trunk that rules use)."
        )
        self.rules = rules


def rule_api(conn: Connection) -> RuleApi:
    """The rule calls of ``conn`` at its detected level."""
    return RuleApi(conn.client, system=conn.level == "system")


async def _tenants_of(conn: Connection, trunk_id: str) -> tuple[list[str | None], dict[str, str]]:
    if conn.level != "system":
        return [None], {}
    assignees = await conn.client.assignees(trunk_id)
    ids: list[str | None] = [a.tenant_id for a in assignees if a.tenant_id]
    names = await conn.tenant_names() if ids else {}
    return ids, names


def _refs(
    found: Mapping[str | None, TenantRules], trunk_id: str, names: Mapping[str, str]
) -> tuple[RuleRef, ...]:
    refs: list[RuleRef] = []
    for tid, rules in found.items():
        mine = rules.for_trunk(trunk_id)
        for kind in RULE_KINDS:
            for rule in mine.of(kind):
                label = names.get(tid or "", tid or "")
                others = len(rule.other_routes(trunk_id)) if isinstance(rule, OutboundRule) else 0
                refs.append(RuleRef(kind, rule.name, rule.id, tid, label, others))
    return tuple(refs)


async def trunk_routes(conn: Connection, trunk_id: str) -> TrunkRoutes:
    """The rules that use the trunk in each tenant it is shared with (or the own tenant)."""
    tenants, names = await _tenants_of(conn, trunk_id)
    async with rule_api(conn) as api:
        found = await api.by_tenant(tenants)
    routes = {tid: routes_from_api(r.for_trunk(trunk_id), trunk_id) for tid, r in found.items()}
    return TrunkRoutes(routes, _refs(found, trunk_id, names))


async def export_routes(
    conn: Connection, trunks: Mapping[str, list[str | None]]
) -> dict[str, dict[str | None, TenantRoutes]]:
    """Rules per trunk id for ``trunkwiz export``: ``trunks`` maps a trunk id to its tenant
    ids (``[None]`` for a Tenant Admin). Kinds with no rule are left out (None), so the
    export names only what exists and applying it back changes nothing."""
    async with rule_api(conn) as api:
        every = await api.by_tenant(t for ids in trunks.values() for t in ids)
    out: dict[str, dict[str | None, TenantRoutes]] = {}
    for pid, tenants in trunks.items():
        out[pid] = {}
        for tid in tenants:
            routes = routes_from_api(every.get(tid, TenantRules()).for_trunk(pid), pid)
            out[pid][tid] = TenantRoutes(
                outbound=routes.outbound or None, inbound=routes.inbound or None
            )
    return out


def check_routes(routes: TenantRoutes, pool_text: str) -> list[RouteIssue]:
    """Live checks of one tenant's routes against its DID pool for the trunk (pure)."""
    checked = check_pool(pool_text) if pool_text.strip() else None
    pool = checked.pool if checked is not None and checked.ok else DidPool.empty()
    return route_issues(routes, pool)


def needs_rules(plan: Plan, routes: Mapping[str | None, TenantRoutes]) -> bool:
    """Whether planning must read the PBX's rules (routes managed, or a tenant dropped)."""
    return any(r.managed for r in routes.values()) or bool(plan.trunk_id and unassigned_by(plan))


async def plan_routes(
    conn: Connection, plan: Plan, routes: Mapping[str | None, TenantRoutes]
) -> Plan:
    """``plan`` with the rule creates/updates/removals that make the PBX match ``routes``
    (unchanged when no route is managed and no tenant is dropped)."""
    if not needs_rules(plan, routes):
        return plan
    async with rule_api(conn) as api:
        return await plan_with_routes(api, plan, routes)


@dataclass(frozen=True)
class DeleteResult:
    """What deleting a trunk did."""

    removed_rules: tuple[RuleRef, ...]
    """Every rule that used the trunk (removed, or kept without the trunk's route)."""
    done: tuple[str, ...] = ()
    """One line per rule call: which rule was removed, which only lost the route."""


async def delete_trunk(
    conn: Connection, trunk_id: str, trunk_name: str, *, remove_rules: bool = False
) -> DeleteResult:
    """Delete the trunk. When rules use it, raise :class:`TrunkInUse` naming them, or
    with ``remove_rules=True`` end their use of it first (:func:`removals`: a rule that
    routes through other trunks too keeps those routes), restored if the delete fails."""
    tenants, names = await _tenants_of(conn, trunk_id)
    async with rule_api(conn) as api:
        found = await api.by_tenant(tenants)
        refs = _refs(found, trunk_id, names)
        if refs and not remove_rules:
            raise TrunkInUse(trunk_name, refs)
        ops = removals(found, trunk_id, names)
        run = RouteRun(api, RoutePlan(before=ops))
        try:
            await run.run_before()
            await conn.delete_trunk(trunk_id)
        except (RuleStepFailed, PbxError) as exc:
            restored, failed = await run.undo_before()
            extra = f" Could NOT restore: {'; '.join(failed)}" if failed else ""
            raise PbxError(
                f"deleting trunk {trunk_name} failed: {exc}"
                + (f" (the {len(restored)} removed rule(s) were restored)" if restored else "")
                + extra
            ) from exc
    return DeleteResult(refs, tuple(op.describe() for op in ops))


def removals(
    found: Mapping[str | None, TenantRules], trunk_id: str, names: Mapping[str, str]
) -> tuple[RuleOp, ...]:
    """What ends the trunk's use of each rule: an outbound rule that other trunks still
    route loses only this trunk's route; any other rule is removed."""
    return tuple(
        removal(kind, tid, names.get(tid or "", tid or ""), r, trunk_id)
        for tid, rules in found.items()
        for kind in RULE_KINDS
        for r in rules.for_trunk(trunk_id).of(kind)
    )


def file_routes(entry: TrunkEntry, trunk: TrunkModel) -> dict[str | None, TenantRoutes]:
    """A trunk-file entry's routes keyed by tenant id, for ``trunk`` (the entry's trunk
    with its tenant references resolved to ids; the order of tenants is the file's)."""
    if trunk.level is Level.tenant:
        return {None: entry.own_routes}
    return {
        t.tenant_id: routes for t, routes in zip(trunk.tenants, entry.tenant_routes, strict=False)
    }
