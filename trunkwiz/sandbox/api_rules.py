"""Handlers: inbound and outbound rules of the tenant in scope.

A Tenant Admin works in its own tenant; the System Admin first selects one with
``POST /tenants/switch?id=``. A rule may only use a trunk the tenant can use (its own, or
a shared trunk assigned to it); an inbound rule's DIDs must lie inside that trunk's pool
for the tenant, and an outbound route's caller ID too (a leading ``+``, ``0``, ``00`` or
``+00`` allowed there); an empty pool admits neither. A trunk used by a rule cannot be
destroyed or unassigned from that tenant. The field rules of the spec and the KB live in
:mod:`trunkwiz.sandbox.rule_checks`.

Office hours: the spec gives ``office_hours.mode`` no default, so a rule keeps exactly the
``office_hours`` it was sent, and a rule created without any has none (its detail has no
``office_hours``). What a real PBX does with such a rule is not documented; the most
plausible reading of the notes is that it follows the tenant's global office hours (the
UI's Office Hours tab offers "global / specific", and the KB's SIPTRUNK inbound example
sets office-hours and outside-hours forwarding but no schedule of its own), so its calls
fail outside those hours (api-notes §17; the sandbox's tenants: Monday-Friday 09:00-17:00).
The sandbox records the absence instead of writing ``GLOBAL`` so that a test can see it.
"""

from __future__ import annotations

import re
from typing import Any

from trunkwiz.sandbox import rule_checks
from trunkwiz.sandbox.checks import parse_did_numbers
from trunkwiz.sandbox.context import Ctx
from trunkwiz.sandbox.errors import invalid, not_found
from trunkwiz.sandbox.listing import apply_query
from trunkwiz.sandbox.state import RuleRecord, TrunkRecord

Reply = tuple[int, Any]
_CALLER_ID = re.compile(r"(\+00|\+|00|0)?([1-9][0-9]{0,14})")

# The schema's defaults (``enabled``, ``priority``, ``routing_strategy``, the booleans) and
# empty strings/lists for the optional texts; never ``office_hours`` (no default in the spec).
INBOUND_DEFAULTS: dict[str, Any] = {
    "enabled": True,
    "cid_number_mask": "",
    "holidays": [],
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
    "holidays": [],
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


def _check_inbound(ctx: Ctx, tenant_id: str, data: dict[str, Any], self_id: str | None) -> None:
    rec = _usable_trunk(ctx, tenant_id, data["provider_id"], "provider_id")
    wanted = parse_did_numbers(data["did_numbers"])
    # spec (did_numbers): "A single DID/DDI number or a hyphen-separated range".
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
    rule_checks.check_cid_number_mask(str(data.get("cid_number_mask", "")))
    rule_checks.check_forward_rules(data)
    _check_common(ctx, tenant_id, data, "inbound", self_id)
    rule_checks.check_unique_inbound_did(
        data, (r.data for r in ctx.state.inbound_rules.values() if r.data["id"] != self_id)
    )


def _check_outbound(ctx: Ctx, tenant_id: str, data: dict[str, Any], self_id: str | None) -> None:
    routes = data.get("routes", [])
    rule_checks.check_routes(routes)
    for i, route in enumerate(routes):
        # spec: a route's provider_id is not required; one given must be usable
        if "provider_id" not in route:
            continue
        rec = _usable_trunk(ctx, tenant_id, route["provider_id"], f"routes[{i}].provider_id")
        caller = str(route.get("outbound_caller_id") or "")
        if caller:
            _check_caller_id(caller, rec, tenant_id, f"routes[{i}].outbound_caller_id")
    rule_checks.check_number_length(str(data.get("number_length", "")))
    rule_checks.check_number_mask(str(data.get("number_mask", "")))
    _check_common(ctx, tenant_id, data, "outbound", self_id)


def _check_common(
    ctx: Ctx, tenant_id: str, data: dict[str, Any], kind: str, self_id: str | None
) -> None:
    rule_checks.check_office_hours(data.get("office_hours"))
    rule_checks.check_holidays(data.get("holidays"), tenant_id)
    rule_checks.check_unique_name(
        data["name"],
        (
            r.data
            for r in _rules(ctx, kind).values()
            if r.tenant_id == tenant_id and r.data["id"] != self_id
        ),
        kind,
    )


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


def _reply(rule: RuleRecord) -> dict[str, Any]:
    """A rule as the API shows it: holidays as objects (api-notes §15)."""
    out = dict(rule.data)
    out["holidays"] = rule_checks.holidays_reply(out.get("holidays") or [], rule.tenant_id)
    return out


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
            check(ctx, tenant_id, data, None)
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
            check(ctx, tenant_id, merged, rule.data["id"])
            rule.data = merged
            ctx.services.persist()
        return 200, None

    return handler


def _list(kind: str) -> Any:
    def handler(ctx: Ctx) -> Reply:
        tenant_id = ctx.tenant_scope()
        with ctx.state.lock:
            items = [_reply(r) for r in _rules(ctx, kind).values() if r.tenant_id == tenant_id]
        if kind == "outbound":
            items = [{k: it[k] for k in OUTBOUND_SUMMARY if k in it} for it in items]
        fields = {k for it in items for k in it} | {"id", "name", "enabled"}
        count, page = apply_query(items, ctx.query, fields, ("name",))
        return 200, {"count": count, "items": page}

    return handler


def _retrieve(kind: str) -> Any:
    def handler(ctx: Ctx) -> Reply:
        with ctx.state.lock:
            return 200, _reply(_own(ctx, kind)[1])

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
