"""The rules as the PBX returns them (:class:`TenantRules`, :class:`RulesInUse`) and the
mapping between a rule's API body and the route models of :mod:`trunkwiz.domain.routes`:
create/update bodies, the models read back, and the body that recreates a deleted rule."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from pydantic import ValidationError

from trunkwiz.domain.office_hours import OfficeHours
from trunkwiz.domain.routes import Destination, InboundRoute, OutboundRoute, TenantRoutes

RuleKind = Literal["inbound", "outbound"]
RULE_KINDS: tuple[RuleKind, ...] = ("outbound", "inbound")
_FORWARDS = (
    ("forward_to", "office_hours_forward_rule"),
    ("after_hours", "non_office_hours_forward_rule"),
    ("holidays", "holiday_forward_rule"),
)


@dataclass(frozen=True)
class TenantRules:
    """The rules of one tenant that use the trunk, as the PBX returns them."""

    inbound: tuple[dict[str, Any], ...] = ()
    outbound: tuple[dict[str, Any], ...] = ()

    def for_trunk(self, provider_id: str) -> TenantRules:
        """Only the rules that use the trunk."""
        return TenantRules(
            tuple(r for r in self.inbound if r.get("provider_id") == provider_id),
            tuple(r for r in self.outbound if route_of(r, provider_id) is not None),
        )

    def without_trunk(self, provider_id: str | None) -> TenantRules:
        """Only the rules that do not use the trunk (all of them for a trunk not yet made)."""
        if provider_id is None:
            return self
        return TenantRules(
            tuple(r for r in self.inbound if r.get("provider_id") != provider_id),
            tuple(r for r in self.outbound if route_of(r, provider_id) is None),
        )

    def of(self, kind: RuleKind) -> tuple[dict[str, Any], ...]:
        """The rules of one kind."""
        return self.inbound if kind == "inbound" else self.outbound

    @property
    def names(self) -> list[str]:
        """``outbound rule 'x'``-style labels of every rule (for messages)."""
        return [f"{k} rule '{r.get('name')}'" for k in RULE_KINDS for r in self.of(k)]


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


def route_of(detail: dict[str, Any], provider_id: str) -> dict[str, Any] | None:
    """The route of an outbound rule through the trunk (None: it does not use it)."""
    for route in detail.get("routes") or []:
        if isinstance(route, dict) and route.get("provider_id") == provider_id:
            return route
    return None


def outbound_body(
    rule: OutboundRoute, provider_id: str, current: dict[str, Any] | None = None
) -> dict[str, Any]:
    """The create/update body, with explicit office hours. With ``current`` (the rule's
    detail) the other trunks' routes are kept and this trunk's route keeps its place."""
    route: dict[str, Any] = {
        "provider_id": provider_id,
        "enabled": rule.enabled,
        "strip_digits": rule.strip_digits,
        "prepend": rule.prepend,
    }
    if rule.caller_id:
        route["outbound_caller_id"] = rule.caller_id
    routes: list[dict[str, Any]] = []
    for old in (current or {}).get("routes") or []:
        if not isinstance(old, dict):
            continue
        if old.get("provider_id") == provider_id:
            merged = {**_route_fields(old), **route}
            if not rule.caller_id:
                merged.pop("outbound_caller_id", None)  # no caller ID wanted: none kept
            routes.append(merged)
            route = {}
        else:
            routes.append(_route_fields(old))
    if route:
        routes.append(route)
    body: dict[str, Any] = {
        "name": rule.name,
        "number_prefix": rule.number_prefix,
        "number_length": rule.number_length,
        "routes": routes,
    }
    if rule.office_hours is not None:
        body["office_hours"] = rule.office_hours.to_api()
    return body


def other_routes(detail: dict[str, Any], provider_id: str) -> list[dict[str, Any]]:
    """The routes of an outbound rule through trunks other than ``provider_id``."""
    return [
        _route_fields(r)
        for r in detail.get("routes") or []
        if isinstance(r, dict) and r.get("provider_id") != provider_id
    ]


def without_route(detail: dict[str, Any], provider_id: str) -> dict[str, Any]:
    """The update body that takes the trunk's route out of an outbound rule and keeps the
    routes through other trunks (in their order)."""
    return {"routes": other_routes(detail, provider_id)}


def _route_fields(route: dict[str, Any]) -> dict[str, Any]:
    keep = ("enabled", "provider_id", "strip_digits", "prepend", "outbound_caller_id")
    return {k: route[k] for k in keep if k in route and route[k] is not None}


def inbound_body(rule: InboundRoute, provider_id: str) -> dict[str, Any]:
    """The create/update body of an inbound rule."""
    body: dict[str, Any] = {
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


def _hours_of(detail: dict[str, Any]) -> tuple[bool, OfficeHours | None]:
    """(readable, hours) of a PBX rule: absent hours are readable as None."""
    raw = detail.get("office_hours")
    if raw is None:
        return True, None
    hours = OfficeHours.from_api(raw)
    return hours is not None, hours


def outbound_from_api(detail: dict[str, Any], provider_id: str) -> OutboundRoute | None:
    """The model of a PBX outbound rule's route through the trunk (None: cannot be
    expressed, e.g. a rule matching on calling extensions only)."""
    route = route_of(detail, provider_id)
    readable, hours = _hours_of(detail)
    if route is None or not readable:
        return None
    enabled = route.get("enabled", True)
    if not isinstance(enabled, bool):
        return None
    try:
        return OutboundRoute(
            name=str(detail.get("name") or ""),
            number_prefix=str(detail.get("number_prefix") or ""),
            number_length=str(detail.get("number_length") or ""),
            prepend=str(route.get("prepend") or ""),
            strip_digits=int(route.get("strip_digits") or 0),
            caller_id=str(route.get("outbound_caller_id") or ""),
            enabled=enabled,
            office_hours=hours,
        )
    except (ValidationError, ValueError, TypeError):
        return None


def inbound_from_api(detail: dict[str, Any]) -> InboundRoute | None:
    """The model of a PBX inbound rule (None: cannot be expressed)."""
    readable, hours = _hours_of(detail)
    if not readable:
        return None
    data: dict[str, Any] = {
        "name": str(detail.get("name") or ""),
        "did_numbers": str(detail.get("did_numbers") or ""),
        "office_hours": hours,
    }
    for attr, api in _FORWARDS:
        dest = Destination.from_api(detail.get(api))
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


def _expressible(rules: Sequence[Any]) -> tuple[Any, ...] | None:
    if None in rules:
        return None
    names = [r.name for r in rules]
    return None if len(set(names)) != len(names) else tuple(rules)


def same_names(rules: Sequence[dict[str, Any]]) -> list[str]:
    """Names that more than one of ``rules`` has, exactly (each once)."""
    names = [str(r.get("name") or "") for r in rules]
    return sorted({n for n in names if names.count(n) > 1})


def restore_body(kind: RuleKind, detail: dict[str, Any]) -> dict[str, Any]:
    """A create body that recreates a deleted rule from its detail (holidays as ids)."""
    body = {k: v for k, v in detail.items() if k != "id" and v is not None}
    holidays = body.get("holidays")
    if isinstance(holidays, list):
        body["holidays"] = [h.get("id") if isinstance(h, dict) else h for h in holidays]
        body["holidays"] = [h for h in body["holidays"] if h]
    if kind == "outbound":
        body["routes"] = [_route_fields(r) for r in body.get("routes") or [] if isinstance(r, dict)]
    return body
