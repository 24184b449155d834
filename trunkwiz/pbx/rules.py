"""Inbound and outbound rules on the PBX: the calls, and the mapping to the route models.

Rules are tenant objects. A Tenant Admin works in its own tenant; the System Admin first
selects the tenant with ``POST /tenants/switch?id=`` (:meth:`RuleApi.enter`). The spec
says only "Switch between tenants" and offers no way back, so the switch is made in a
session of its own (:class:`TenantSession`: the same account signed in a second time,
on the same connections): the caller's own session, which creates, shares and deletes
trunks, is never switched. The switch is a property of that session, so rule calls of
different tenants must not run at the same time: :class:`RuleApi` serialises them.

trunkwiz manages, per tenant, the rules that *use one trunk*: inbound rules whose
``provider_id`` is the trunk, and the route through the trunk of outbound rules. An
outbound rule may route through other trunks too: an update changes only this trunk's
route, and removing the trunk's use of the rule removes only its route
(:func:`without_route`); the rule itself goes only when no other route is left.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal
from urllib.parse import quote

from pydantic import ValidationError

from trunkwiz.domain.office_hours import OfficeHours
from trunkwiz.domain.routes import Destination, InboundRoute, OutboundRoute, TenantRoutes
from trunkwiz.pbx.client import PbxClient
from trunkwiz.pbx.errors import PbxError, TwoFactorRequired

RuleKind = Literal["inbound", "outbound"]
RULE_KINDS: tuple[RuleKind, ...] = ("outbound", "inbound")
_FORWARDS = (
    ("forward_to", "office_hours_forward_rule"),
    ("after_hours", "non_office_hours_forward_rule"),
    ("holidays", "holiday_forward_rule"),
)


def _seg(value: str) -> str:
    return quote(str(value), safe="")


class TenantSession(PbxClient):
    """A second signed-in session of the same account, for tenant-scoped calls.

    It shares the parent client's connection pool, request counters and deadline, and has
    its own tokens: ``POST /tenants/switch`` on it leaves the parent's session as it was.
    Closing it signs it out and leaves the connections to the parent.
    """

    _SHARED = (
        "url",
        "tls",
        "request_timeout",
        "max_body",
        "retry",
        "stats",
        "skip_base",
        "_sleep",
        "_rng",
        "_clock",
        "_http",
        "_credentials",
    )
    """What the session takes from its parent (read through attributes, so a wrapper of
    the client does as well as the client)."""

    def __init__(self, parent: PbxClient) -> None:  # no super().__init__: shares parent's
        for name in self._SHARED:
            setattr(self, name, getattr(parent, name))
        self._parent = parent
        self._tokens = None
        self._token_gen = 0
        self._refresh_lock = asyncio.Lock()
        self._session = None

    @property
    def _deadline(self) -> float | None:
        return self._parent._deadline

    @_deadline.setter
    def _deadline(self, value: float | None) -> None:
        self._parent._deadline = value

    @property
    def _deadline_span(self) -> float:
        return self._parent._deadline_span

    @_deadline_span.setter
    def _deadline_span(self, value: float) -> None:
        self._parent._deadline_span = value

    async def open(self) -> None:
        """Sign in with the parent's credentials (kept in memory only)."""
        try:
            await self.sign_in_again()
        except TwoFactorRequired:
            raise PbxError(
                "working in a tenant needs a second session of this account, and the "
                "account signs in with two factors: sign in as the tenant's admin instead"
            ) from None

    async def aclose(self) -> None:
        """Sign out (best effort); the connections stay the parent's."""
        with contextlib.suppress(PbxError):
            await self.sign_out()


class RuleApi:
    """Rule calls of one signed-in client, tenant by tenant. For the System Admin the rule
    calls run in a :class:`TenantSession` opened on first use; :meth:`aclose` ends it."""

    def __init__(self, client: PbxClient, *, system: bool | None = None) -> None:
        self.parent = client
        """The caller's own session (never switched to a tenant)."""
        session = client.session
        self.system = system if system is not None else bool(session and session.is_system_admin)
        """Whether rule calls need ``POST /tenants/switch`` first (System Admin level)."""
        self.lock = asyncio.Lock()
        """Held around a tenant's batch of calls (the switch is per session)."""
        self._scoped: TenantSession | None = None
        self._opening = asyncio.Lock()

    @property
    def client(self) -> PbxClient:
        """The session rule calls run in: the tenant session once opened, else the parent
        (a Tenant Admin's own session, which never switches)."""
        return self._scoped if self._scoped is not None else self.parent

    async def enter(self, tenant_id: str | None) -> None:
        """Work in ``tenant_id`` (System Admin, in the tenant session); nothing to do for a
        Tenant Admin."""
        if not self.system or tenant_id is None:
            return
        async with self._opening:
            if self._scoped is None:
                scoped = TenantSession(self.parent)
                await scoped.open()
                self._scoped = scoped
        await self.client.request("POST", "/tenants/switch", params={"id": tenant_id})

    async def aclose(self) -> None:
        """End the tenant session, if one was opened."""
        scoped, self._scoped = self._scoped, None
        if scoped is not None:
            await scoped.aclose()

    async def __aenter__(self) -> RuleApi:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()

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
