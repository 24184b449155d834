"""Handlers: trunks ("providers") — create, list, detail, update, status, destroy, export.

Visibility: the System Admin sees and changes every trunk. A Tenant Admin sees the trunks
its tenant created (read-write) and the System Admin's trunks assigned to its tenant
(read-only; ``did_numbers`` shows that tenant's pool). ``shared`` is true for trunks the
System Admin created: those are the ones that can be assigned to tenants. With
``faults.switch_scopes_trunks`` on, a System Admin session that switched to a tenant works
on trunks as that tenant's admin (:attr:`trunkwiz.sandbox.context.Ctx.system_for_trunks`).
"""

from __future__ import annotations

import csv
import io
from typing import Any

from trunkwiz.sandbox.checks import (
    check_accept_register_host,
    check_additional_ips,
    check_host,
    parse_did_numbers,
)
from trunkwiz.sandbox.context import Ctx, Raw
from trunkwiz.sandbox.errors import conflict, forbidden, invalid, not_found
from trunkwiz.sandbox.listing import apply_query
from trunkwiz.sandbox.spec import defaults_of
from trunkwiz.sandbox.state import TrunkRecord

Reply = tuple[int, Any]

REGISTER_KINDS = frozenset({"REGISTER_AUTH", "ACCEPT_REGISTER"})
SUMMARY = ("id", "name", "enabled", "brand", "hostname", "port", "did_numbers", "shared")
IMMUTABLE = ("brand", "auth_mode")


def visible(ctx: Ctx, rec: TrunkRecord) -> bool:
    """Whether the caller may see the trunk."""
    if ctx.system_for_trunks:
        return True
    tenant = ctx.user.tenant_id
    return rec.owner_tenant_id == tenant or (rec.shared and tenant in rec.assignees)


def lookup(ctx: Ctx, provider_id: str, *, write: bool = False) -> TrunkRecord:
    """The trunk, 404 if unknown or invisible, 403 if read-only for the caller."""
    rec = ctx.state.trunks.get(provider_id)
    if rec is None or not visible(ctx, rec):
        raise not_found("Trunk not found.")
    if write and not ctx.system_for_trunks and rec.owner_tenant_id != ctx.user.tenant_id:
        raise forbidden("This trunk is shared by the system administrator; it is read-only.")
    return rec


def detail(rec: TrunkRecord, viewer_tenant: str | None = None) -> dict[str, Any]:
    """The ``GET /providers/{id}`` form (never the password)."""
    out = {"id": rec.id, **rec.data}
    out["shared"] = rec.shared
    if viewer_tenant is not None and rec.shared:
        out["did_numbers"] = rec.assignees.get(viewer_tenant, {}).get("did_numbers", "")
    if not out.get("brand"):
        out.pop("brand", None)
    return out


def _viewer(ctx: Ctx) -> str | None:
    return None if ctx.system_for_trunks else ctx.user.tenant_id


def check_trunk(ctx: Ctx, data: dict[str, Any], password: str | None, self_id: str | None) -> None:
    """Every documented rule on a complete trunk record (create, or update merged)."""
    name = data["name"].strip()
    if not name:
        raise invalid("The trunk name is required.", "name")
    mode = data["auth_mode"]
    if mode == "IP_AUTH" and not ctx.system_for_trunks:
        raise invalid("Only the system administrator can create an IP-based trunk.", "auth_mode")
    check_host(data["hostname"], "hostname", required=True)
    if mode == "ACCEPT_REGISTER":
        check_accept_register_host(data["hostname"], ctx.state.tenants.values())
    check_host(data.get("outbound_server", ""), "outbound_server", required=False)
    protocols = {t["protocol"] for t in ctx.state.transports.values()}
    if data["transport"] not in protocols:
        raise invalid(
            f"No {data['transport']} transport is configured on this PBX; add it under "
            "Transports first or choose another transport.",
            "transport",
        )
    check_additional_ips(data.get("additional_ips", ""))
    parse_did_numbers(data.get("did_numbers", ""))
    if mode in REGISTER_KINDS:
        if not data.get("auth_id", "").strip():
            raise invalid(
                "The authentication name (auth_id) is required for this trunk.", "auth_id"
            )
        if not password:
            raise invalid("The password is required for this trunk.", "password")
    others = [t for t in ctx.state.trunks.values() if t.id != self_id]
    for other in others:
        if other.data["name"].strip().lower() == name.lower():
            raise conflict(f"The trunk name '{name}' is already in use.", "name")
    host = data["hostname"].lower()
    for other in others:
        if other.data["hostname"].lower() != host:
            continue
        if mode == "IP_AUTH" and other.auth_mode == "IP_AUTH":
            raise conflict(
                f"An IP-based trunk for host {data['hostname']} already exists "
                f"('{other.data['name']}'); only one IP-based trunk per provider host is allowed.",
                "hostname",
            )
        same_id = other.data.get("auth_id", "") == data.get("auth_id", "")
        if mode in REGISTER_KINDS and other.auth_mode in REGISTER_KINDS and same_id:
            raise conflict(
                f"A trunk with host {data['hostname']} and authentication name "
                f"'{data['auth_id']}' already exists ('{other.data['name']}').",
                "auth_id",
            )


def create_provider(ctx: Ctx) -> Reply:
    """POST /providers."""
    body = dict(ctx.body)
    password = body.pop("password", None)
    assert ctx.op.body_schema is not None
    data: dict[str, Any] = {
        **defaults_of(ctx.op.body_schema),
        "auth_mode": "REGISTER_AUTH",
        "auth_id": "",
        "username": "",
        "additional_ips": "",
        "did_numbers": "",
        **body,
    }
    owner = None if ctx.system_for_trunks else ctx.user.tenant_id
    with ctx.state.lock:
        check_trunk(ctx, data, password, None)
        data["id"] = ctx.state.new_id()
        rec = TrunkRecord(data, owner, password)
        ctx.state.trunks[rec.id] = rec
        ctx.services.persist()
        view = detail(rec)
    ctx.services.status.changed(view, password)
    return 201, {"id": rec.id}


def list_providers(ctx: Ctx) -> Reply:
    """GET /providers: the summary form of every visible trunk."""
    with ctx.state.lock:
        items = [detail(t, _viewer(ctx)) for t in ctx.state.trunks.values() if visible(ctx, t)]
    summaries = [{k: item[k] for k in SUMMARY if k in item} for item in items]
    count, page = apply_query(summaries, ctx.query, set(SUMMARY), ("name", "hostname", "brand"))
    return 200, {"count": count, "items": page}


def get_provider(ctx: Ctx) -> Reply:
    """GET /providers/{id}."""
    with ctx.state.lock:
        return 200, detail(lookup(ctx, ctx.params["id"]), _viewer(ctx))


def immutable_fields(body: Any) -> None:
    """400 when an update tries to change ``brand`` or ``auth_mode`` (checked before the schema)."""
    if isinstance(body, dict):
        for name in IMMUTABLE:
            if name in body:
                raise invalid(
                    f"The {name} of a trunk cannot be changed; delete the trunk and create "
                    "it again.",
                    name,
                )


def update_provider(ctx: Ctx) -> Reply:
    """POST /providers/{id}: partial update."""
    body = dict(ctx.body)
    with ctx.state.lock:
        rec = lookup(ctx, ctx.params["id"], write=True)
        password = body.pop("password", rec.password)
        merged = {**rec.data, **body}
        check_trunk(ctx, merged, password, rec.id)
        rec.data, rec.password = merged, password
        ctx.services.persist()
        view = detail(rec)
    ctx.services.status.changed(view, password)
    return 200, None


def provider_status(ctx: Ctx) -> Reply:
    """GET /providers/{id}/status: ONLINE or OFFLINE (see trunkwiz.sandbox.status)."""
    with ctx.state.lock:
        view = detail(lookup(ctx, ctx.params["id"]))
    state, _reason = ctx.services.status.status(view)
    return 200, {"status": state}


def destroy_provider(ctx: Ctx) -> Reply:
    """POST /providers/{id}/destroy: refused while a rule uses the trunk."""
    with ctx.state.lock:
        rec = lookup(ctx, ctx.params["id"], write=True)
        users = ctx.state.rules_using(rec.id)
        if users:
            kind, rule = users[0]
            tenant = ctx.state.tenants.get(rule.tenant_id, {}).get("name", rule.tenant_id)
            raise invalid(
                f"The trunk '{rec.data['name']}' is used by the {kind} rule "
                f"'{rule.data['name']}' of tenant '{tenant}'; remove it from the rule first.",
            )
        del ctx.state.trunks[rec.id]
        ctx.services.persist()
    ctx.services.status.removed(rec.id)
    return 204, None


def export_providers(ctx: Ctx) -> Reply:
    """GET /providers/export: the visible trunks as CSV (no passwords)."""
    with ctx.state.lock:
        rows = [detail(t, _viewer(ctx)) for t in ctx.state.trunks.values() if visible(ctx, t)]
    columns = [
        "id",
        "name",
        "enabled",
        "brand",
        "auth_mode",
        "transport",
        "hostname",
        "port",
        "auth_id",
        "username",
        "registration",
        "concurrency",
        "additional_ips",
        "did_numbers",
        "shared",
    ]
    out = io.StringIO()
    writer = csv.DictWriter(out, columns, extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    raw = Raw(
        out.getvalue().encode(),
        "application/octet-stream",
        {"Content-Disposition": 'attachment; filename="providers.csv"'},
    )
    return 200, raw
