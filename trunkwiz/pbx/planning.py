"""Turn a desired trunk and what the PBX holds into an ordered list of operations.

``plan(desired, current)`` compares, it sends nothing. The operations run in phases:

0. create the trunk, or update only the fields that differ;
1. release: unassign removed tenants, and shrink tenants whose old DID pool overlaps a
   pool another tenant is about to take (so the PBX's overlap check passes);
2. grow: assign new tenants and set changed pools/call caps.

The plan never holds a password: it records only whether one will be set.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from trunkwiz.compat import StrEnum
from trunkwiz.domain.didpool import DidPool, check_pool
from trunkwiz.domain.labels import label_of, value_text
from trunkwiz.domain.options import Level
from trunkwiz.domain.payloads import same_value
from trunkwiz.domain.trunk import AnyTrunk
from trunkwiz.pbx.objects import Assignee, Trunk

if TYPE_CHECKING:
    from trunkwiz.pbx.rules_ops import RoutePlan

Pool = tuple[str, int]
"""A tenant's assignment: (``did_numbers``, ``concurrency``)."""


class PlanError(ValueError):
    """The desired change cannot be made by updating the trunk (e.g. a new brand)."""


class OpKind(StrEnum):
    """What one operation does."""

    create = "create"
    update = "update"
    shrink = "shrink"
    unassign = "unassign"
    assign = "assign"
    repool = "repool"


@dataclass(frozen=True)
class CurrentTrunk:
    """A trunk as the PBX holds it."""

    id: str
    """The trunk (provider) id."""
    detail: Trunk
    """Its ``GET /providers/{id}``."""
    assignees: list[Assignee] = field(default_factory=list)
    """The ``items`` of ``GET /providers/{id}/assignees``."""
    tenant_names: Mapping[str, str] = field(default_factory=dict)
    """Tenant id -> name, for messages (optional)."""


@dataclass(frozen=True)
class Operation:
    """One call (or, for create/update, one body) the apply step will send."""

    kind: OpKind
    phase: int
    tenant_id: str | None = None
    tenant_label: str = ""
    target: Pool | None = None
    """The tenant's assignment after this operation (None: not assigned)."""
    before: Pool | None = None
    """The tenant's assignment right before this operation (None: not assigned)."""
    changes: tuple[tuple[str, object, object], ...] = ()
    """create/update: (field, old value, new value) for each field sent (no password)."""
    sets_password: bool = False

    def describe(self) -> str:
        """One human line (never a password)."""
        who = f"tenant {self.tenant_label}"
        if self.kind is OpKind.create:
            return "create the trunk"
        if self.kind is OpKind.update:
            return "update the trunk: " + ", ".join(name for name, _, _ in self.changes)
        if self.kind is OpKind.unassign:
            return f"stop sharing with {who} (DID pool {_pool_text(self.before)})"
        if self.kind is OpKind.assign:
            return f"share with {who}: {_pool_text(self.target)}"
        if self.kind is OpKind.shrink and self.target is None:
            return f"release {who}'s DID pool {_pool_text(self.before)} first (re-added below)"
        if self.kind is OpKind.shrink:
            return f"first shrink {who}: {_pool_text(self.before)} → {_pool_text(self.target)}"
        return f"change {who}: {_pool_text(self.before)} → {_pool_text(self.target)}"


def _pool_text(pool: Pool | None) -> str:
    if pool is None:
        return "not assigned"
    did, cap = pool
    return f"DID pool {did or '(none)'}, call cap {cap}"


@dataclass(frozen=True)
class Plan:
    """What ``apply`` will do, in order."""

    desired: AnyTrunk
    trunk_id: str | None
    """The existing trunk's id; None when the trunk will be created."""
    operations: tuple[Operation, ...]
    current_detail: dict[str, object] | None = None
    """What the PBX held of the trunk's fields (``Trunk.api_values``) when planned."""
    routes: RoutePlan | None = None
    """Rule changes (see ``trunkwiz.pbx.rules_plan.plan_with_routes``)."""

    @property
    def is_empty(self) -> bool:
        """True when the PBX already matches: applying sends nothing."""
        return not self.operations and (self.routes is None or self.routes.is_empty)

    @property
    def creates(self) -> bool:
        """True when the trunk does not exist yet."""
        return self.trunk_id is None

    def describe(self) -> list[str]:
        """Human lines shown before anything is sent (passwords are never shown)."""
        name = self.desired.name
        if self.is_empty:
            return [f"Trunk {name}: no changes, the PBX already matches."]
        lines: list[str] = []
        for op in self.operations:
            if op.kind is OpKind.create:
                kind = self.desired.trunk_kind
                lines.append(f"Create trunk {name} ({kind.label}, brand {self.desired.brand}):")
                lines += [f"  {label_of(key)}: {_show(key, new)}" for key, _, new in op.changes]
            elif op.kind is OpKind.update:
                lines.append(f"Update trunk {name} (id {self.trunk_id}):")
                lines += [
                    f"  {label_of(k)}: {_show(k, old)} → {_show(k, new)}"
                    for k, old, new in op.changes
                ]
            else:
                lines.append(op.describe()[0].upper() + op.describe()[1:])
            if op.sets_password:
                verb = "will be set" if op.kind is OpKind.create else "changed"
                lines.append(f"  {label_of('password')}: {verb}")
        if self.routes is not None:
            lines += self.routes.describe()
        return lines


def pool_of(assignee: Assignee) -> Pool:
    """What the PBX holds for a tenant as a ``Pool`` (no call cap reads as 0)."""
    return (assignee.did_numbers, assignee.cap)


def same_pool(a: Pool | None, b: Pool | None) -> bool:
    """Whether two assignments are equal (pools compared as number sets)."""
    if a is None or b is None:
        return a is b
    return a[1] == b[1] and same_value("did_numbers", a[0], b[0])


def _show(key: str, value: object) -> str:
    """A value as the portal shows it (a kind by its name, a switch as on/off)."""
    if isinstance(value, bool):
        return "on" if value else "off"
    if value is None or value == "":
        return "(empty)"
    return value_text(key, str(value))


def _parse(text: str) -> DidPool:
    return check_pool(text).pool


def plan(desired: AnyTrunk, current: CurrentTrunk | None, *, change_password: bool = False) -> Plan:
    """Compare ``desired`` with ``current`` and return the operations to make them equal.

    Creating sets the password when one is known at apply time. On an existing trunk the
    password is sent only with ``change_password=True`` (the PBX never returns it, so it
    cannot be compared). Raises ``PlanError`` for a change of brand or kind.
    """
    has_password = getattr(desired, "password", None) is not None
    ops: list[Operation] = []
    held: dict[str, object] | None = None
    changes: tuple[tuple[str, object, object], ...]
    if current is None:
        fields = desired.to_create_payload()
        changes = tuple((k, None, v) for k, v in fields.items())
        ops.append(Operation(OpKind.create, 0, changes=changes, sets_password=has_password))
        assigned: dict[str, Pool] = {}
    else:
        _refuse_immutable(desired, current.detail)
        held = current.detail.api_values()
        payload = desired.to_update_payload(held)
        if payload or change_password:
            changes = tuple((k, held.get(k), v) for k, v in payload.items())
            ops.append(Operation(OpKind.update, 0, changes=changes, sets_password=change_password))
        assigned = {a.tenant_id: pool_of(a) for a in current.assignees if a.tenant_id}
    if desired.level is not Level.tenant:
        names = dict(current.tenant_names) if current else {}
        names.update({t.tenant_id: t.label for t in desired.tenants})
        ops += _tenant_operations(desired, assigned, names)
    return Plan(
        desired=desired,
        trunk_id=current.id if current else None,
        operations=tuple(ops),
        current_detail=held,
    )


def _refuse_immutable(desired: AnyTrunk, detail: Trunk) -> None:
    mode = desired.trunk_kind.auth_mode
    if detail.auth_mode and detail.auth_mode != mode:
        raise PlanError(
            f"the PBX cannot change a trunk's kind ({detail.auth_mode} → {mode}): "
            "delete the trunk and create it again"
        )
    brand = detail.brand or ""
    if brand and brand.strip().casefold() != desired.brand.strip().casefold():
        raise PlanError(
            f"the PBX cannot change a trunk's brand ({brand} → {desired.brand}): "
            "delete the trunk and create it again"
        )


def _tenant_operations(
    desired: AnyTrunk, assigned: Mapping[str, Pool], names: Mapping[str, str]
) -> list[Operation]:
    wanted = {t.tenant_id: (t.did_numbers.strip(), t.concurrency) for t in desired.tenants}
    new_pools = {tid: _parse(did) for tid, (did, _) in wanted.items()}
    release: list[Operation] = []
    grow: list[Operation] = []
    for tid, before in assigned.items():
        label = names.get(tid) or tid
        if tid not in wanted:
            release.append(Operation(OpKind.unassign, 1, tid, label, None, before))
            continue
        target = wanted[tid]
        if same_pool(target, before):
            continue
        old = _parse(before[0])
        step: Pool | None = before
        if any(old.overlaps(pool) for other, pool in new_pools.items() if other != tid):
            kept = old.intersection(new_pools[tid])
            step_pool = None if kept.is_empty else (kept.format(), target[1])
            release.append(Operation(OpKind.shrink, 1, tid, label, step_pool, before))
            step = step_pool
        if not same_pool(step, target):
            grow.append(Operation(OpKind.repool, 2, tid, label, target, step))
    for tid, target in wanted.items():
        if tid not in assigned:
            grow.append(Operation(OpKind.assign, 2, tid, names.get(tid) or tid, target, None))
    return release + grow
