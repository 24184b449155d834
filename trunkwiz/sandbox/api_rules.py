"""Handlers: inbound and outbound rules of the tenant in scope.

A Tenant Admin works in its own tenant; the System Admin first selects one with
``POST /tenants/switch?id=``. A rule may only use a trunk the tenant can use (its own, or
a shared trunk assigned to it); an inbound rule's DIDs must lie inside that trunk's pool
for the tenant, and an outbound route's caller ID too (a leading ``+``, ``0``, ``00`` or
``+00`` allowed there); an empty pool admits neither. Holidays are not modelled: any holiday id is
unknown. A trunk used by a rule cannot be destroyed or unassigned from that tenant.
"""

from __future__ import annotations

import re
from typing import Any

from trunkwiz.sandbox.checks import parse_did_numbers
from trunkwiz.sandbox.context import Ctx
from trunkwiz.sandbox.errors import invalid, not_found
from trunkwiz.sandbox.listing import apply_query
from trunkwiz.sandbox.state import RuleRecord, TrunkRecord

Reply = tuple[int, Any]
_CALLER_ID = re.compile(r"(\+00|\+|00|0)?([1-9][0-9]{0,14})")

INBOUND_DEFAULTS: dict[str, Any] = {
    "enabled": True,
    "cid_number_mask": "",
    "office_hours": {"mode": "GLOBAL"},
    "enable_advanced_routing": False,
    "advanced_routing": "",
    "play_recording_disclaimer": False,
}
OUTBOUND_DEFAULTS: dict[str, Any] = {
    "enabled": True,
    "number_prefix": "",
    "number_length": "",
    "number_mask": "",
    "priority": 1000,
    "office_hours": {"mode": "GLOBAL"},
    "routing_strategy": "PRIORITIZED",
    "routes": [],
}
OUTBOUND_SUMMARY = (
    "id",
    "name",
    "number_prefix",
    "number_length",
    "number_mask",
    "enabled",
    "priority",
    "office_hours",
    "holidays",
    "routing_strategy",
)


def _usable_trunk(ctx: Ctx, tenant_id: str, provider_id: str, field: str) -> TrunkRecord:
    rec = ctx.state.trunks.get(provider_id)
    if rec is None or not (rec.owner_tenant_id == tenant_id or tenant_id in rec.assignees):
        raise invalid(
            f"The trunk {provider_id} does not exist or is not available to this tenant.", field
        )
    return rec


def _tenant_pool(rec: TrunkRecord, tenant_id: str) -> str:
    if rec.shared:
        return str(rec.assignees.get(tenant_id, {}).get("did_numbers", ""))
    return str(rec.data.get("did_numbers", ""))


def _no_holidays(data: dict[str, Any]) -> None:
    if data.get("holidays"):
        raise invalid(f"Holiday '{data['holidays'][0]}' not found.", "holidays")
    data["holidays"] = []


def _check_inbound(ctx: Ctx, tenant_id: str, data: dict[str, Any]) -> None:
    rec = _usable_trunk(ctx, tenant_id, data["provider_id"], "provider_id")
    wanted = parse_did_numbers(data["did_numbers"])
    if len(wanted.entries) != 1:
        raise invalid("did_numbers: one DID/DDI or one range only.", "did_numbers")
    pool_text = _tenant_pool(rec, tenant_id)
    pool = parse_did_numbers(pool_text) if pool_text.strip() else None
    if pool is None or pool.union(wanted).intervals != pool.intervals:
        raise invalid(
            f"The DID/DDI '{data['did_numbers']}' is not in the DID/DDI pool "
            f"of trunk '{rec.data['name']}' for this tenant ({pool_text or 'empty'}).",
            "did_numbers",
        )
    _no_holidays(data)


def _check_outbound(ctx: Ctx, tenant_id: str, data: dict[str, Any]) -> None:
    for i, route in enumerate(data.get("routes", [])):
        if "provider_id" not in route:
            raise invalid(f"Route {i + 1} needs a trunk (provider_id).", f"routes[{i}].provider_id")
        rec = _usable_trunk(ctx, tenant_id, route["provider_id"], f"routes[{i}].provider_id")
        caller = str(route.get("outbound_caller_id") or "")
        if caller:
            _check_caller_id(caller, rec, tenant_id, f"routes[{i}].outbound_caller_id")
    _no_holidays(data)


def _check_caller_id(caller: str, rec: TrunkRecord, tenant_id: str, field: str) -> None:
    found = _CALLER_ID.fullmatch(caller)
    pool_text = _tenant_pool(rec, tenant_id)
    pool = parse_did_numbers(pool_text) if pool_text.strip() else None
    if found is None or pool is None or not pool.contains(int(found.group(2))):
        raise invalid(
            f"The outbound caller ID '{caller}' is not in the DID/DDI pool of trunk "
            f"'{rec.data['name']}' for this tenant ({pool_text or 'empty'}).",
            field,
        )


def _rules(ctx: Ctx, kind: str) -> dict[str, RuleRecord]:
    rules: dict[str, RuleRecord] = getattr(ctx.state, f"{kind}_rules")
    return rules


def _own(ctx: Ctx, kind: str) -> tuple[str, RuleRecord]:
    tenant_id = ctx.tenant_scope()
    rule = _rules(ctx, kind).get(ctx.params["id"])
    if rule is None or rule.tenant_id != tenant_id:
        raise not_found("Rule not found.")
    return tenant_id, rule


def _create(kind: str) -> Any:
    defaults = INBOUND_DEFAULTS if kind == "inbound" else OUTBOUND_DEFAULTS
    check = _check_inbound if kind == "inbound" else _check_outbound

    def handler(ctx: Ctx) -> Reply:
        tenant_id = ctx.tenant_scope()
        data = {**defaults, **ctx.body}
        with ctx.state.lock:
            check(ctx, tenant_id, data)
            data["id"] = ctx.state.new_id()
            _rules(ctx, kind)[data["id"]] = RuleRecord(tenant_id, data)
            ctx.services.persist()
        return 201, {"id": data["id"]}

    return handler


def _update(kind: str) -> Any:
    check = _check_inbound if kind == "inbound" else _check_outbound

    def handler(ctx: Ctx) -> Reply:
        with ctx.state.lock:
            tenant_id, rule = _own(ctx, kind)
            body = {k: v for k, v in ctx.body.items() if k != "id"}
            merged = {**rule.data, **body}
            check(ctx, tenant_id, merged)
            rule.data = merged
            ctx.services.persist()
        return 200, None

    return handler


def _list(kind: str) -> Any:
    def handler(ctx: Ctx) -> Reply:
        tenant_id = ctx.tenant_scope()
        with ctx.state.lock:
            items = [dict(r.data) for r in _rules(ctx, kind).values() if r.tenant_id == tenant_id]
        if kind == "outbound":
            items = [{k: it[k] for k in OUTBOUND_SUMMARY if k in it} for it in items]
        fields = {k for it in items for k in it} | {"id", "name", "enabled"}
        count, page = apply_query(items, ctx.query, fields, ("name",))
        return 200, {"count": count, "items": page}

    return handler


def _retrieve(kind: str) -> Any:
    def handler(ctx: Ctx) -> Reply:
        with ctx.state.lock:
            return 200, dict(_own(ctx, kind)[1].data)

    return handler


def _destroy(kind: str) -> Any:
    def handler(ctx: Ctx) -> Reply:
        with ctx.state.lock:
            _own(ctx, kind)
            del _rules(ctx, kind)[ctx.params["id"]]
            ctx.services.persist()
        return 204, None

    return handler


HANDLERS = {
    f"{verb}{kind.title()}Rule{suffix}": factory(kind)
    for kind in ("inbound", "outbound")
    for verb, suffix, factory in (
        ("create", "", _create),
        ("update", "", _update),
        ("retrieve", "", _retrieve),
        ("delete", "", _destroy),
    )
}
HANDLERS["listInboundRules"] = _list("inbound")
HANDLERS["listOutboundRules"] = _list("outbound")
