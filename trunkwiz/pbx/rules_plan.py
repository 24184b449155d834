"""Plan the rule changes of a trunk: creates, updates and removals per tenant.

Rules are matched by exact name among the rules of the tenant that use the trunk ("Dup"
and "DUP" are two rules); two rules of a kind with the very same name there cannot be told
apart, and planning refuses them (:class:`RulesRefused`) naming the rules, as it refuses
wanted rules that cannot live together (the same name twice, one DID in two inbound rules).
The operations planned, and the order they run in, are ``trunkwiz.pbx.rules_ops``.

Each operation is undone when a later call fails: a created rule is deleted, an updated or
unrouted one gets its old values back, a removed one is created again from its detail.

A tenant that the trunk plan stops sharing with loses the trunk's use of every rule,
whether or not its routes are managed.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace

from trunkwiz.domain.routes import OutboundRoute, TenantRoutes, duplicate_issues
from trunkwiz.pbx.errors import PbxError, UnavailableError
from trunkwiz.pbx.planning import OpKind, Plan
from trunkwiz.pbx.rules import (
    RULE_KINDS,
    InboundRule,
    OutboundRule,
    Rule,
    RuleApi,
    RuleKind,
    RulesInUse,
    TenantRules,
    inbound_from_api,
    outbound_from_api,
    restore_body,
    same_names,
)
from trunkwiz.pbx.rules_ops import AnyRoute, RoutePlan, RuleOp, RuleOpKind, removal


class RulesRefused(PbxError):
    """The wanted rules, or the PBX's, cannot be planned unambiguously (one line)."""


def plan_routes(
    desired: Mapping[str | None, TenantRoutes],
    current: RulesInUse,
    provider_id: str | None,
    *,
    unassigned: Iterable[str] = (),
    labels: Mapping[str, str] | None = None,
) -> RoutePlan:
    """Compare the wanted rules per tenant with those that use the trunk on the PBX.

    ``desired`` maps a tenant id (None: a Tenant Admin's own tenant) to its routes; a kind
    that is None in ``TenantRoutes`` is not managed. ``unassigned`` are tenants the trunk
    plan stops sharing with: the trunk's use of all their rules is removed first. Raises
    :class:`RulesRefused` (nothing planned) when the wanted or the PBX's rules cannot be
    told apart or cannot live together.
    """
    names = labels or {}
    before: list[RuleOp] = []
    after: list[RuleOp] = []
    gone = set(unassigned)
    refused: list[str] = []
    tenants = list(dict.fromkeys([*desired, *current.by_tenant]))
    for tid in tenants:
        label = names.get(tid or "", tid or "")
        where = f" of tenant {label}" if tid is not None else ""
        have = current.by_tenant.get(tid, TenantRules())
        want = desired.get(tid, TenantRoutes())
        if tid not in gone:
            refused += [
                f"{i.kind} rule '{getattr(want, i.kind)[i.index].name}'{where}: {i.message}"
                for i in duplicate_issues(want)
            ]
        for kind in RULE_KINDS:
            wanted = () if tid in gone else getattr(want, kind)
            if wanted is None:
                continue
            rules = have.of(kind)
            twins = same_names(rules)
            if twins and tid not in gone:
                listed = ", ".join(f"'{n}'" for n in twins)
                refused.append(
                    f"{kind} rules{where} using this trunk share a name ({listed}): trunkwiz "
                    "cannot tell them apart; rename one on the PBX"
                )
                continue
            by_name = {r.name: r for r in rules}
            others = current.elsewhere.get(tid, TenantRules()).of(kind)
            keep: set[str] = set()
            for route in wanted:
                old = by_name.get(route.name)
                if old is None:
                    op, problem = _new_rule(kind, tid, label, route, others)
                    if problem:
                        refused.append(problem)
                    elif op is not None:
                        after.append(op)
                    continue
                keep.add(route.name)
                if provider_id is None or not _same(old, route, provider_id):
                    after.append(
                        RuleOp(RuleOpKind.update, kind, tid, label, route.name, route, old)
                    )
            for old in rules:
                if old.name not in keep:
                    before.append(removal(kind, tid, label, old, provider_id))
    if refused:
        raise RulesRefused("; ".join(refused))
    return RoutePlan(tuple(before), tuple(after))


MAX_ROUTES = 6
"""Routes an outbound rule may have (the admin guide: "up to 6 routes")."""


def _new_rule(
    kind: RuleKind,
    tid: str | None,
    label: str,
    route: AnyRoute,
    others: tuple[Rule, ...],
) -> tuple[RuleOp | None, str]:
    """A wanted rule that does not use the trunk yet: created, or, when the tenant has an
    outbound rule of exactly that name through other trunks, that rule gets the trunk's
    route (an inbound rule of that name on another trunk is refused: one trunk each)."""
    where = f" of tenant {label}" if tid is not None else ""
    named = [r for r in others if r.name == route.name]
    if not named:
        return RuleOp(RuleOpKind.create, kind, tid, label, route.name, route), ""
    if kind == "inbound":
        return None, (
            f"inbound rule '{route.name}'{where} already exists for another trunk: "
            "give this trunk's rule another name"
        )
    if len(named) > 1:
        return None, (
            f"outbound rules{where} share a name ('{route.name}'): trunkwiz cannot tell "
            "them apart; rename one on the PBX"
        )
    routes = named[0].routes if isinstance(named[0], OutboundRule) else ()
    if len(routes) >= MAX_ROUTES:
        return None, (
            f"outbound rule '{route.name}'{where} already routes through {len(routes)} "
            f"trunks, the most a rule takes ({MAX_ROUTES})"
        )
    return RuleOp(RuleOpKind.attach, kind, tid, label, route.name, route, named[0]), ""


def _same(detail: Rule, route: AnyRoute, provider_id: str) -> bool:
    """Whether the PBX's rule already is ``route``. An inbound rule's ``after_hours`` or
    ``holidays`` left out of ``route`` is not managed: the PBX's value is kept."""
    if isinstance(route, OutboundRoute):
        return isinstance(detail, OutboundRule) and outbound_from_api(detail, provider_id) == route
    have = inbound_from_api(detail) if isinstance(detail, InboundRule) else None
    if have is None:
        return False
    unmanaged = {k: None for k in ("after_hours", "holidays") if getattr(route, k) is None}
    return have.model_copy(update=unmanaged) == route


async def load_rules(
    api: RuleApi,
    provider_id: str | None,
    tenant_ids: Iterable[str | None],
    *,
    others: bool = False,
) -> RulesInUse:
    """The rules that use the trunk in each tenant (none when the trunk is new); with
    ``others`` the tenants' other rules too (``RulesInUse.elsewhere``)."""
    if provider_id is None and not others:
        return RulesInUse({})
    every = await api.by_tenant(tenant_ids)
    found = {
        tid: rules.for_trunk(provider_id) if provider_id is not None else TenantRules()
        for tid, rules in every.items()
    }
    elsewhere = (
        {tid: rules.without_trunk(provider_id) for tid, rules in every.items()} if others else {}
    )
    using = {tid: r for tid, r in found.items() if r.inbound or r.outbound}
    return RulesInUse(using, elsewhere)


def tenants_of(plan: Plan, system: bool) -> list[str | None]:
    """Tenants whose rules matter for ``plan``: the trunk's tenants before and after
    (System Admin), or the own tenant (None) for a Tenant Admin."""
    if not system:
        return [None]
    ids = [t.tenant_id for t in plan.desired.tenants]
    ids += [op.tenant_id for op in plan.operations if op.tenant_id is not None]
    return list(dict.fromkeys(ids))


def unassigned_by(plan: Plan) -> list[str]:
    """Tenants the trunk plan stops sharing with."""
    return [
        op.tenant_id
        for op in plan.operations
        if op.kind is OpKind.unassign and op.tenant_id is not None
    ]


async def plan_with_routes(
    api: RuleApi, plan: Plan, desired: Mapping[str | None, TenantRoutes]
) -> Plan:
    """``plan`` extended with the rule operations that make the PBX match ``desired``
    (``api`` is left open: the caller closes it)."""
    tenants = tenants_of(plan, api.system)
    managed = [tid for tid, r in desired.items() if r.managed]
    current = await load_rules(api, plan.trunk_id, tenants, others=bool(managed))
    labels = {t.tenant_id: t.label for t in plan.desired.tenants}
    labels.update({op.tenant_id: op.tenant_label for op in plan.operations if op.tenant_id})
    routes = plan_routes(
        desired, current, plan.trunk_id, unassigned=unassigned_by(plan), labels=labels
    )
    return replace(plan, routes=routes)


# -- running -----------------------------------------------------------------------------


class RuleStepFailed(PbxError):
    """A rule call failed (the apply run rolls back)."""

    def __init__(self, op: RuleOp, cause: BaseException) -> None:
        super().__init__(str(cause))
        self.op = op
        self.cause = cause


@dataclass
class RouteRun:
    """Sends a ``RoutePlan``'s operations and undoes them on request."""

    api: RuleApi
    routes: RoutePlan
    done_before: list[tuple[RuleOp, str | None]] = field(default_factory=list)
    done_after: list[tuple[RuleOp, str | None]] = field(default_factory=list)
    """(operation, id of the rule it created)."""
    on_done: Callable[[RuleOp], None] | None = None
    """Called after each operation that went through (progress lines)."""

    @property
    def lines(self) -> list[str]:
        """One line per operation sent."""
        return [op.describe() for op, _ in self.done_before + self.done_after]

    async def run_before(self) -> None:
        """The removals; raises ``RuleStepFailed``."""
        await self._run(self.routes.before, "", self.done_before)

    async def run_after(self, provider_id: str) -> None:
        """Creates and updates, once the trunk exists; raises ``RuleStepFailed``."""
        await self._run(self.routes.after, provider_id, self.done_after)

    async def _run(
        self, ops: tuple[RuleOp, ...], provider_id: str, done: list[tuple[RuleOp, str | None]]
    ) -> None:
        async with self.api.lock:
            for op in ops:
                try:
                    await self.api.enter(op.tenant_id)
                except Exception as exc:  # the rule call itself was not sent
                    raise RuleStepFailed(op, exc) from exc
                try:
                    new_id: str | None = None
                    if op.kind is RuleOpKind.create:
                        new_id = await self.api.create(op.rule_kind, op.body(provider_id))
                    elif op.kind in (RuleOpKind.update, RuleOpKind.unroute, RuleOpKind.attach):
                        assert op.rule_id is not None
                        await self.api.update(op.rule_kind, op.rule_id, op.body(provider_id))
                    else:
                        assert op.rule_id is not None
                        await self.api.destroy(op.rule_kind, op.rule_id)
                except Exception as exc:
                    if isinstance(exc, UnavailableError) and exc.outcome_unknown:
                        await self._reconcile(op, provider_id, done)
                    raise RuleStepFailed(op, exc) from exc
                done.append((op, new_id))
                if self.on_done is not None:
                    self.on_done(op)

    async def _reconcile(
        self, op: RuleOp, provider_id: str, done: list[tuple[RuleOp, str | None]]
    ) -> None:
        """After an unknown outcome, re-read the tenant's rules: did the change happen?"""
        try:
            every = await self.api.all_rules()
            mine = every.for_trunk(provider_id).of(op.rule_kind) if provider_id else ()
            same = [r for r in mine if r.name == op.name]
            if op.kind is RuleOpKind.create and same:
                done.append((op, same[0].id or None))
            elif op.kind is RuleOpKind.delete and not any(
                r.id == op.rule_id for r in every.of(op.rule_kind)
            ):
                done.append((op, None))
            elif op.kind in (RuleOpKind.update, RuleOpKind.unroute, RuleOpKind.attach):
                done.append((op, None))  # restoring the old values is harmless either way
        except PbxError:
            return

    async def undo_after(self) -> tuple[list[str], list[str]]:
        """Undo creates/updates (newest first): (rolled back, could not be)."""
        return await self._undo(self.done_after)

    async def undo_before(self) -> tuple[list[str], list[str]]:
        """Create the removed rules again: (rolled back, could not be)."""
        return await self._undo(self.done_before)

    async def _undo(self, done: list[tuple[RuleOp, str | None]]) -> tuple[list[str], list[str]]:
        rolled: list[str] = []
        failed: list[str] = []
        async with self.api.lock:
            for op, new_id in reversed(done):
                try:
                    await self.api.enter(op.tenant_id)
                    if op.kind is RuleOpKind.create and new_id is not None:
                        await self.api.destroy(op.rule_kind, new_id)
                    elif (
                        op.kind in (RuleOpKind.update, RuleOpKind.unroute, RuleOpKind.attach)
                        and op.current is not None
                        and op.rule_id
                    ):
                        old = restore_body(op.current)
                        await self.api.update(op.rule_kind, op.rule_id, old)
                    elif op.kind is RuleOpKind.delete and op.current is not None:
                        await self.api.create(op.rule_kind, restore_body(op.current))
                except Exception as exc:
                    failed.append(f"{op.describe()}: {exc}")
                    continue
                rolled.append(op.describe())
            done.clear()
        return rolled, failed
