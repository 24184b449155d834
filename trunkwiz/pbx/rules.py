"""Inbound and outbound rules on the PBX: the calls, and the mapping to the route models.

Rules are tenant objects. A Tenant Admin works in its own tenant; the System Admin first
selects the tenant with ``POST /tenants/switch?id=`` (:meth:`RuleApi.enter`). The switch
is a property of the signed-in session, so rule calls of different tenants must not run
at the same time: :class:`RuleApi` serialises them.

trunkwiz manages, per tenant, the rules that *use one trunk*: inbound rules whose
``provider_id`` is the trunk, outbound rules with a route through it. An outbound rule
may route through other trunks too; an update changes only this trunk's route and keeps
the others.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal
from urllib.parse import quote

from pydantic import ValidationError

from trunkwiz.domain.routes import Destination, InboundRoute, OutboundRoute, TenantRoutes
from trunkwiz.pbx.client import PbxClient
from trunkwiz.pbx.errors import PbxError

RuleKind = Literal["inbound", "outbound"]
RULE_KINDS: tuple[RuleKind, ...] = ("outbound", "inbound")
_FORWARDS = (
    ("forward_to", "office_hours_forward_rule"),
    ("after_hours", "non_office_hours_forward_rule"),
    ("holidays", "holiday_forward_rule"),
)


def _seg(value: str) -> str:
    return quote(str(value), safe="")


class RuleApi:
    """Rule calls of one signed-in client, tenant by tenant."""

    def __init__(self, client: PbxClient, *, system: bool | None = None) -> None:
        self.client = client
        session = client.session
        self.system = system if system is not None else bool(session and session.is_system_admin)
        """Whether rule calls need ``POST /tenants/switch`` first (System Admin level)."""
        self.lock = asyncio.Lock()
        """Held around a tenant's batch of calls (the switch is per session)."""

    async def enter(self, tenant_id: str | None) -> None:
        """Work in ``tenant_id`` (System Admin); nothing to do for a Tenant Admin."""
        if not self.system or tenant_id is None:
            return
        await self.client.request("POST", "/tenants/switch", params={"id": tenant_id})

    async def rules(self, kind: RuleKind) -> list[dict[str, Any]]:
        """Every rule of the kind in the tenant in scope (summaries; all pages)."""
        return await self.client.list_all(f"/{kind}_rules")

    async def detail(self, kind: RuleKind, rule_id: str) -> dict[str, Any]:
        """``GET /{kind}_rules/{id}`` (outbound details carry ``routes``)."""
        return dict(await self.client.get_json(f"/{kind}_rules/{_seg(rule_id)}") or {})

    async def create(self, kind: RuleKind, body: dict[str, Any]) -> str:
        """``POST /{kind}_rules``; the new rule's id."""
        answer = await self.client.post_json(f"/{kind}_rules", body)
        if not isinstance(answer, dict) or not answer.get("id"):
            raise PbxError(f"POST /{kind}_rules: the PBX did not return the new rule's id")
        return str(answer["id"])

    async def update(self, kind: RuleKind, rule_id: str, body: dict[str, Any]) -> None:
        """``POST /{kind}_rules/{id}`` (partial update)."""
        await self.client.request("POST", f"/{kind}_rules/{_seg(rule_id)}", json=body)

    async def destroy(self, kind: RuleKind, rule_id: str) -> None:
        """``POST /{kind}_rules/{id}/destroy``."""
        await self.client.request("POST", f"/{kind}_rules/{_seg(rule_id)}/destroy")

    async def using(self, provider_id: str) -> TenantRules:
        """The rules of the tenant in scope that use the trunk (full details)."""
        return (await self.all_rules()).for_trunk(provider_id)

    async def all_rules(self) -> TenantRules:
        """Every rule of the tenant in scope (outbound rules with their routes)."""
        inbound = await self.rules("inbound")
        summaries = await self.rules("outbound")
        details = await _bounded([self.detail("outbound", str(s["id"])) for s in summaries])
        return TenantRules(tuple(inbound), tuple(details))

    async def by_tenant(self, tenant_ids: Iterable[str | None]) -> dict[str | None, TenantRules]:
        """Every rule of each tenant (one tenant at a time: the switch is per session)."""
        found: dict[str | None, TenantRules] = {}
        async with self.lock:
            for tid in dict.fromkeys(tenant_ids):
                await self.enter(tid)
                found[tid] = await self.all_rules()
        return found


async def _bounded(calls: Sequence[Any], limit: int = 8) -> list[dict[str, Any]]:
    sem = asyncio.Semaphore(limit)

    async def one(call: Any) -> dict[str, Any]:
        async with sem:
            result: dict[str, Any] = await call
            return result

    return list(await asyncio.gather(*(one(c) for c in calls)))


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
    """The create/update body. With ``current`` (the rule's detail) the other trunks'
    routes are kept and this trunk's route keeps its place."""
    route: dict[str, Any] = {
        "provider_id": provider_id,
        "enabled": True,
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
    return {
        "name": rule.name,
        "number_prefix": rule.number_prefix,
        "number_length": rule.number_length,
        "routes": routes,
    }


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
    return body


def outbound_from_api(detail: dict[str, Any], provider_id: str) -> OutboundRoute | None:
    """The model of a PBX outbound rule's route through the trunk (None: cannot be
    expressed, e.g. a rule matching on calling extensions only)."""
    route = route_of(detail, provider_id)
    if route is None:
        return None
    try:
        return OutboundRoute(
            name=str(detail.get("name") or ""),
            number_prefix=str(detail.get("number_prefix") or ""),
            number_length=str(detail.get("number_length") or ""),
            prepend=str(route.get("prepend") or ""),
            strip_digits=int(route.get("strip_digits") or 0),
            caller_id=str(route.get("outbound_caller_id") or ""),
        )
    except (ValidationError, ValueError, TypeError):
        return None


def inbound_from_api(detail: dict[str, Any]) -> InboundRoute | None:
    """The model of a PBX inbound rule (None: cannot be expressed)."""
    data: dict[str, Any] = {
        "name": str(detail.get("name") or ""),
        "did_numbers": str(detail.get("did_numbers") or ""),
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
    """A tenant's rules as models. A kind whose rules cannot all be expressed is left
    unmanaged (None), so applying an export never removes what it could not show."""
    outbound = [outbound_from_api(d, provider_id) for d in rules.outbound]
    inbound = [inbound_from_api(d) for d in rules.inbound]
    return TenantRoutes(
        outbound=None if None in outbound else tuple(r for r in outbound if r is not None),
        inbound=None if None in inbound else tuple(r for r in inbound if r is not None),
    )


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
