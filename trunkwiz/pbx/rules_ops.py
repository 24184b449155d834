"""The rule changes of a trunk as data: one ``RuleOp`` per rule call, and the
``RoutePlan`` that a trunk's ``Plan`` carries (``trunkwiz.pbx.rules_plan`` makes it).

Removing the trunk's use of an outbound rule that routes through other trunks too takes
out only the trunk's route (``unroute``: the rule is updated with the other routes); the
rule itself is removed only when no other route is left. An inbound rule has one trunk:
removing it deletes it (``removal``). Removals run before anything else
(``RoutePlan.before``: the PBX refuses to unassign a tenant, or delete a trunk, that a rule
still uses); creates and updates run after the trunk and its tenant assignments
(``RoutePlan.after``).
"""

from __future__ import annotations

from dataclasses import dataclass

from trunkwiz.compat import StrEnum
from trunkwiz.domain.routes import InboundRoute, OutboundRoute
from trunkwiz.pbx.rules import (
    JsonBody,
    OutboundRule,
    Rule,
    RuleKind,
    inbound_body,
    outbound_body,
    without_route,
)

AnyRoute = OutboundRoute | InboundRoute


class RuleOpKind(StrEnum):
    """What one rule operation does."""

    create = "create"
    update = "update"
    unroute = "unroute"
    """Take the trunk's route out of an outbound rule that other trunks still route."""
    attach = "attach"
    """Add the trunk's route to an outbound rule that routes through other trunks."""
    delete = "delete"


@dataclass(frozen=True)
class RuleOp:
    """One rule call ``apply`` will send."""

    kind: RuleOpKind
    rule_kind: RuleKind
    tenant_id: str | None
    """The tenant (None: a Tenant Admin's own)."""
    tenant_label: str
    name: str
    route: AnyRoute | None = None
    """create/update: the wanted rule."""
    current: Rule | None = None
    """update/unroute/attach/delete: the rule's detail on the PBX."""
    trunk_id: str | None = None
    """unroute: the trunk whose route is taken out."""

    @property
    def rule_id(self) -> str | None:
        """The existing rule's id (update/delete)."""
        return (self.current.id or None) if self.current is not None else None

    def describe(self) -> str:
        """One human line."""
        where = f" of tenant {self.tenant_label}" if self.tenant_id is not None else ""
        what = f"{self.rule_kind} rule '{self.name}'{where}"
        if self.kind is RuleOpKind.create:
            return f"create {what}: {summary(self.route)}"
        if self.kind is RuleOpKind.update:
            return f"update {what}: {summary(self.route)}"
        if self.kind is RuleOpKind.attach:
            kept = _others(self.current, "")
            return (
                f"add this trunk's route to {what} (it keeps its {kept} route(s) through "
                f"other trunks): {summary(self.route)}"
            )
        if self.kind is RuleOpKind.unroute:
            left = _others(self.current, self.trunk_id or "")
            return (
                f"remove this trunk's route from {what} (the rule stays: {left} route(s) "
                "through other trunks)"
            )
        if self.rule_kind == "outbound":
            return f"remove {what} (no other trunk routes it)"
        return f"remove {what}"

    def body(self, provider_id: str) -> JsonBody:
        """The create/update body (the trunk id is known only at apply time)."""
        current = self.current if isinstance(self.current, OutboundRule) else None
        if self.kind is RuleOpKind.unroute:
            assert current is not None and self.trunk_id is not None
            return without_route(current, self.trunk_id)
        if isinstance(self.route, OutboundRoute):
            return outbound_body(self.route, provider_id, current)
        assert isinstance(self.route, InboundRoute)
        return inbound_body(self.route, provider_id)


def summary(route: AnyRoute | None) -> str:
    """A short description of a rule (for plan lines)."""
    if isinstance(route, OutboundRoute):
        calls = "; ".join(
            part
            for part in (
                f"numbers starting {route.number_prefix}" if route.number_prefix else "",
                f"{route.number_length} digits" if route.number_length else "",
            )
            if part
        )
        extra = f", caller ID {route.caller_id}" if route.caller_id else ""
        extra += "" if route.enabled else ", route disabled"
        return (
            f"{calls} → strip {route.strip_digits}, prepend {route.prepend or '(nothing)'}{extra}"
            f"; {_hours(route)}"
        )
    if isinstance(route, InboundRoute):
        text = f"DID {route.did_numbers} → {route.forward_to.text}"
        if route.after_hours is not None:
            text += f", after hours {route.after_hours.text}"
        if route.holidays is not None:
            text += f", holidays {route.holidays.text}"
        return f"{text}; {_hours(route)}"
    return ""


def _others(rule: Rule | None, trunk_id: str) -> int:
    """Routes of an outbound rule through trunks other than ``trunk_id`` (0: not one)."""
    return len(rule.other_routes(trunk_id)) if isinstance(rule, OutboundRule) else 0


def _hours(route: AnyRoute) -> str:
    hours = route.office_hours
    return "office hours " + (hours.describe() if hours is not None else "not stated")


def removal(
    rule_kind: RuleKind,
    tenant_id: str | None,
    label: str,
    detail: Rule,
    trunk_id: str | None,
) -> RuleOp:
    """The operation that ends the trunk's use of a rule: ``unroute`` for an outbound rule
    that other trunks still route, else ``delete``."""
    name = detail.name
    if rule_kind == "outbound" and trunk_id is not None and _others(detail, trunk_id):
        return RuleOp(RuleOpKind.unroute, rule_kind, tenant_id, label, name, None, detail, trunk_id)
    return RuleOp(RuleOpKind.delete, rule_kind, tenant_id, label, name, None, detail)


@dataclass(frozen=True)
class RoutePlan:
    """The rule operations of one trunk: ``before`` (removals) and ``after`` the trunk."""

    before: tuple[RuleOp, ...] = ()
    after: tuple[RuleOp, ...] = ()

    @property
    def is_empty(self) -> bool:
        """True when no rule changes."""
        return not (self.before or self.after)

    @property
    def operations(self) -> tuple[RuleOp, ...]:
        """All operations in the order they run."""
        return self.before + self.after

    def describe(self) -> list[str]:
        """Plan lines (capitalised)."""
        return [op.describe()[0].upper() + op.describe()[1:] for op in self.operations]
