"""Handlers: authentication, system information, transports, tenants."""

from __future__ import annotations

import secrets
from typing import Any

from trunkwiz.sandbox.auth import OTHER_USERS, SYSTEM_ADMIN, TENANT_ADMIN, _same
from trunkwiz.sandbox.context import Ctx
from trunkwiz.sandbox.errors import forbidden, not_found, unauthorized
from trunkwiz.sandbox.listing import apply_query

Reply = tuple[int, Any]

VERSION = "22.0.0"
TENANT_FIELDS = {
    "id",
    "name",
    "domain",
    "enabled",
    "max_extensions",
    "max_concurrent_calls",
    "timezone",
    "currency",
    "region",
    "created_at",
}
TRANSPORT_FIELDS = {"id", "protocol", "port", "verification"}


def sign_in(ctx: Ctx) -> Reply:
    """POST /auth/sign_in: System Admin without a domain, Tenant Admin with its SIP domain."""
    acc = ctx.services.accounts
    user, password = ctx.body["username"], ctx.body["password"]
    domain = ctx.body.get("domain")
    if domain is None:
        if user.lower() == acc.two_factor_user and _same(password, acc.admin_password):
            return 200, {"two_factor_enabled": True, "token": secrets.token_urlsafe(24)}
        if user.lower() == acc.admin_user.lower() and _same(password, acc.admin_password):
            return 200, ctx.services.tokens.pair(
                ctx.services.tokens.issue(SYSTEM_ADMIN, user, None)
            )
        role = OTHER_USERS.get(user.lower())
        if role is not None and _same(password, acc.admin_password):
            return 200, ctx.services.tokens.pair(ctx.services.tokens.issue(role, user, None))
    else:
        tenant = ctx.state.tenant_by_domain(domain)
        if (
            tenant is not None
            and user.lower() == acc.tenant_user.lower()
            and _same(password, acc.tenant_password)
        ):
            session = ctx.services.tokens.issue(TENANT_ADMIN, user, tenant["id"])
            return 200, ctx.services.tokens.pair(session)
    raise unauthorized("The username, password or domain is incorrect.")


def refresh_token(ctx: Ctx) -> Reply:
    """POST /auth/refresh_token: a new token pair."""
    tokens = ctx.services.tokens
    return 200, tokens.pair(tokens.refresh(ctx.body["refresh_token"]))


def sign_out(ctx: Ctx) -> Reply:
    """POST /auth/sign_out: the token pair stops working."""
    ctx.services.tokens.revoke(ctx.user)
    return 200, None


def user_info(ctx: Ctx) -> Reply:
    """GET /auth/user: the caller's role."""
    return 200, {"role": ctx.user.role, "password_verified": True, "password_force_reset": False}


def admin_status(ctx: Ctx) -> Reply:
    """GET /admin/status: version and counters."""
    with ctx.state.lock:
        trunks, tenants = len(ctx.state.trunks), len(ctx.state.tenants)
    return 200, {
        "version": VERSION,
        "license_type": "Sandbox",
        "max_concurrent_calls": 1000,
        "licensed_users": 10000,
        "current_users": 0,
        "online_users": 0,
        "current_tenants": tenants,
        "current_calls": 0,
        "current_trunks": trunks,
    }


def network(ctx: Ctx) -> Reply:
    """GET /network: documentation addresses (RFC 5737 / RFC 3849), ``state.network``."""
    with ctx.state.lock:
        return 200, dict(ctx.state.network)


def list_transports(ctx: Ctx) -> Reply:
    """GET /transports."""
    with ctx.state.lock:
        items = list(ctx.state.transports.values())
    count, page = apply_query(items, ctx.query, TRANSPORT_FIELDS, ("protocol", "port"))
    return 200, {"count": count, "items": page}


def show_transport(ctx: Ctx) -> Reply:
    """GET /transports/{id}."""
    with ctx.state.lock:
        item = ctx.state.transports.get(ctx.params["id"])
    if item is None:
        raise not_found("Transport not found.")
    return 200, item


def _visible_tenants(ctx: Ctx) -> list[dict[str, Any]]:
    with ctx.state.lock:
        if ctx.user.is_system:
            return list(ctx.state.tenants.values())
        own = ctx.state.tenants.get(ctx.user.tenant_id or "")
        return [own] if own else []


def list_tenants(ctx: Ctx) -> Reply:
    """GET /tenants: every tenant for the System Admin, its own for a Tenant Admin, 403 for
    a user that has neither."""
    if not ctx.user.is_system and ctx.user.tenant_id is None:
        raise forbidden("This account may not list tenants.")
    count, page = apply_query(_visible_tenants(ctx), ctx.query, TENANT_FIELDS, ("name", "domain"))
    return 200, {"count": count, "items": page}


def show_tenant(ctx: Ctx) -> Reply:
    """GET /tenants/{id}: the detail form (defaults for the fields the sandbox does not use)."""
    tenant = next((t for t in _visible_tenants(ctx) if t["id"] == ctx.params["id"]), None)
    if tenant is None:
        raise not_found("Tenant not found.")
    with ctx.state.lock:
        caller_ids = [
            {"provider_id": t.id, "caller_id": a["did_numbers"].split(";")[0].split("-")[0]}
            for t in ctx.state.trunks.values()
            for tid, a in t.assignees.items()
            if tid == tenant["id"] and a.get("did_numbers")
        ]
    day = {"enabled": True, "ranges": [{"from": "09:00", "to": "17:00"}]}
    weekend = {"enabled": False, "ranges": []}
    return 200, {
        **tenant,
        "enable_feature_trunks": True,
        "enable_two_factor_authentication": False,
        "office_hours": {
            **{d: day for d in ("monday", "tuesday", "wednesday", "thursday", "friday")},
            "saturday": weekend,
            "sunday": weekend,
        },
        "outbound_caller_ids": caller_ids,
        "e164": {"enabled": False, "international_code": "011", "country": "1"},
    }


def switch_tenant(ctx: Ctx) -> Reply:
    """POST /tenants/switch?id=: the System Admin works in that tenant (rules)."""
    ctx.require_system()
    tenant_id = ctx.query.get("id")
    with ctx.state.lock:
        if not tenant_id or tenant_id not in ctx.state.tenants:
            raise not_found("Tenant not found.")
    ctx.user.tenant_id = tenant_id
    return 200, None
