"""The rules as the PBX returns them, per tenant (:class:`TenantRules`,
:class:`RulesInUse`: the typed objects of :mod:`trunkwiz.pbx.rules._objects`) and the
mapping between a rule and the route models of :mod:`trunkwiz.domain.routes`: create/update
bodies, the models read back, and the body that recreates a deleted rule.

A body written back starts from what the PBX sent (:meth:`RuleObject.body`): the routes of
other trunks go back whole, unknown fields and all, and this trunk's route keeps the fields
trunkwiz does not set."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal, TypeVar

from pydantic import ValidationError

from trunkwiz.domain.office_hours import OfficeHours
from trunkwiz.domain.routes import Destination, InboundRoute, OutboundRoute, TenantRoutes
from trunkwiz.pbx.rules._objects import (
    ForwardRule,
    InboundRule,
    JsonBody,
    OutboundRule,
    Rule,
)
from trunkwiz.pbx.rules._objects import OutboundRoute as PbxRoute

RuleKind = Literal["inbound", "outbound"]
RULE_KINDS: tuple[RuleKind, ...] = ("outbound", "inbound")
_FORWARDS = (
    ("forward_to", "office_hours_forward_rule"),
    ("after_hours", "non_office_hours_forward_rule"),
    ("holidays", "holiday_forward_rule"),
)
_R = TypeVar("_R", InboundRoute, OutboundRoute)


@dataclass(frozen=True)
class TenantRules:
    """The rules of one tenant (those that use the trunk, once filtered), as read."""

    inbound: tuple[InboundRule, ...] = ()
    outbound: tuple[OutboundRule, ...] = ()

    def for_trunk(self, provider_id: str) -> TenantRules:
        """Only the rules that use the trunk."""
        return TenantRules(
            tuple(r for r in self.inbound if r.provider_id == provider_id),
            tuple(r for r in self.outbound if r.route_of(provider_id) is not None),
        )

    def without_trunk(self, provider_id: str | None) -> TenantRules:
        """Only the rules that do not use the trunk (all of them for a trunk not yet made)."""
        if provider_id is None:
            return self
        return TenantRules(
            tuple(r for r in self.inbound if r.provider_id != provider_id),
            tuple(r for r in self.outbound if r.route_of(provider_id) is None),
        )

    def of(self, kind: RuleKind) -> tuple[Rule, ...]:
        """The rules of one kind."""
        return self.inbound if kind == "inbound" else self.outbound

    @property
    def names(self) -> list[str]:
        """``outbound rule 'x'``-style labels of every rule (for messages)."""
        return [f"{k} rule '{r.name}'" for k in RULE_KINDS for r in self.of(k)]


@dataclass(frozen=True)
class RulesInUse:
    """Rules that use a trunk, per tenant (None: a Tenant Admin's own tenant)."""

    by_tenant: dict[str | None, TenantRules] = field(default_factory=dict)
    elsewhere: dict[str | None, TenantRules] = field(default_factory=dict)
    """The tenants' other rules (not using the trunk), when read: a wanted outbound rule
    of the same name gets the trunk's route added rather than a second rule."""

    @property
    def empty(self) -> bool:
        """True when no rule uses the trunk."""
        return not any(r.inbound or r.outbound for r in self.by_tenant.values())


# -- mapping ---------------------------------------------------------------------------------


def route_of(detail: OutboundRule, provider_id: str) -> PbxRoute | None:
    """The route of an outbound rule through the trunk (None: it does not use it)."""
    return detail.route_of(provider_id)


def outbound_body(
    rule: OutboundRoute, provider_id: str, current: OutboundRule | None = None
) -> JsonBody:
    """The create/update body, with explicit office hours. With ``current`` (the rule's
    detail) the other trunks' routes are kept whole and this trunk's route keeps its place
    and the fields trunkwiz does not set."""
    route: JsonBody = {
        "provider_id": provider_id,
        "enabled": rule.enabled,
        "strip_digits": rule.strip_digits,
        "prepend": rule.prepend,
    }
    if rule.caller_id:
        route["outbound_caller_id"] = rule.caller_id
    routes: list[JsonBody] = []
    for old in current.routes if current is not None else ():
        if old.provider_id == provider_id:
            merged = {**old.body(), **route}
            if not rule.caller_id:
                merged.pop("outbound_caller_id", None)  # no caller ID wanted: none kept
            routes.append(merged)
            route = {}
        else:
            routes.append(old.body())
    if route:
        routes.append(route)
    body: JsonBody = {
        "name": rule.name,
        "number_prefix": rule.number_prefix,
        "number_length": rule.number_length,
        "routes": routes,
    }
    if rule.office_hours is not None:
        body["office_hours"] = rule.office_hours.to_api()
    return body


def other_routes(detail: OutboundRule, provider_id: str) -> list[JsonBody]:
    """The routes of an outbound rule through trunks other than ``provider_id``, whole."""
    return [r.body() for r in detail.other_routes(provider_id)]


def without_route(detail: OutboundRule, provider_id: str) -> JsonBody:
    """The update body that takes the trunk's route out of an outbound rule and keeps the
    routes through other trunks (in their order, each with every field it has). The rule's
    other fields are not sent: an update changes only what it names."""
    return {"routes": other_routes(detail, provider_id)}


def inbound_body(rule: InboundRoute, provider_id: str) -> JsonBody:
    """The create/update body of an inbound rule."""
    body: JsonBody = {
        "name": rule.name,
        "provider_id": provider_id,
        "did_numbers": rule.did_numbers,
    }
    for attr, api in _FORWARDS:
        dest: Destination | None = getattr(rule, attr)
        if dest is not None:
            body[api] = dest.to_api()
    if rule.office_hours is not None:
        body["office_hours"] = rule.office_hours.to_api()
    return body


def _hours_of(detail: Rule) -> tuple[bool, OfficeHours | None]:
    """(readable, hours) of a PBX rule: absent hours are readable as None."""
    if detail.office_hours is None:
        return True, None
    hours = OfficeHours.from_api(detail.office_hours)
    return hours is not None, hours


def outbound_from_api(detail: OutboundRule, provider_id: str) -> OutboundRoute | None:
    """The model of a PBX outbound rule's route through the trunk (None: cannot be
    expressed, e.g. a rule matching on calling extensions only)."""
    route = detail.route_of(provider_id)
    readable, hours = _hours_of(detail)
    if route is None or not readable:
        return None
    try:
        return OutboundRoute(
            name=detail.name,
            number_prefix=detail.number_prefix,
            number_length=detail.number_length,
            prepend=route.prepend,
            strip_digits=route.strip_digits,
            caller_id=route.outbound_caller_id,
            enabled=route.enabled,
            office_hours=hours,
        )
    except (ValidationError, ValueError, TypeError):
        return None


def _destination(forward: ForwardRule | None) -> Destination | None:
    return None if forward is None else Destination.from_api(forward.as_api())


def inbound_from_api(detail: InboundRule) -> InboundRoute | None:
    """The model of a PBX inbound rule (None: cannot be expressed)."""
    readable, hours = _hours_of(detail)
    if not readable:
        return None
    data: dict[str, str | OfficeHours | Destination | None] = {
        "name": detail.name,
        "did_numbers": detail.did_numbers,
        "office_hours": hours,
    }
    for attr, api in _FORWARDS:
        dest = _destination(getattr(detail, api))
        if dest is not None:
            data[attr] = dest
    try:
        return InboundRoute.model_validate(data)
    except (ValidationError, ValueError):
        return None


def routes_from_api(rules: TenantRules, provider_id: str) -> TenantRoutes:
    """A tenant's rules as models. A kind whose rules cannot all be expressed (a field
    trunkwiz does not model, or two rules with exactly the same name) is left unmanaged
    (None), so applying an export never removes what it could not show."""
    outbound = [outbound_from_api(d, provider_id) for d in rules.outbound]
    inbound = [inbound_from_api(d) for d in rules.inbound]
    return TenantRoutes(outbound=_expressible(outbound), inbound=_expressible(inbound))


def _expressible(rules: Sequence[_R | None]) -> tuple[_R, ...] | None:
    found = tuple(r for r in rules if r is not None)
    if len(found) != len(rules):
        return None
    names = [r.name for r in found]
    return None if len(set(names)) != len(names) else found


def same_names(rules: Sequence[Rule]) -> list[str]:
    """Names that more than one of ``rules`` has, exactly (each once)."""
    names = [r.name for r in rules]
    return sorted({n for n in names if names.count(n) > 1})


def restore_body(detail: Rule) -> JsonBody:
    """A create (or update) body that recreates a deleted rule, or gives an updated one its
    old values, from its detail: every field it had but its id, holidays as ids, routes
    whole."""
    body = {k: v for k, v in detail.body().items() if k != "id"}
    if "holidays" in body:
        body["holidays"] = [h.id for h in detail.holidays if h.id]
    if isinstance(detail, OutboundRule):
        body["routes"] = [r.body() for r in detail.routes]
    return body
