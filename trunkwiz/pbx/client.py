"""``PbxClient``: the PortSIP v22 REST calls trunkwiz uses, over one ``httpx.AsyncClient``.

Use it as an async context manager (it closes its connections on exit)::

    async with PbxClient(url, tls=TlsPolicy(pinned_sha256=pin)) as pbx:
        session = await pbx.sign_in("admin", SecretStr(password))
        tenants = await pbx.tenants()

The API calls trunks "providers"; method and field names follow the API.
"""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import quote

from pydantic import SecretStr

from trunkwiz.pbx.core import ApiCore
from trunkwiz.pbx.errors import AuthError, NotFoundError, PbxError, TwoFactorRequired
from trunkwiz.pbx.session import SYSTEM_ADMIN_ROLE, Session


def _seg(value: str) -> str:
    """One URL path segment (ids are opaque strings)."""
    return quote(str(value), safe="")


class PbxClient(ApiCore):
    """Async client of one PBX. See ``ApiCore`` for retries, refresh and paging."""

    _session: Session | None = None

    async def __aenter__(self) -> PbxClient:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()

    @property
    def session(self) -> Session | None:
        """The signed-in session, or None before ``sign_in``."""
        return self._session

    # -- authentication -------------------------------------------------------------

    async def sign_in(self, user: str, password: SecretStr, domain: str | None = None) -> Session:
        """Sign in as System Admin (no ``domain``) or Tenant Admin (the tenant's SIP domain).

        Raises ``TwoFactorRequired`` when the account uses two-factor sign-in and
        ``AuthError`` when the PBX refuses the credentials.
        """
        body: dict[str, Any] = {"username": user, "password": password.get_secret_value()}
        if domain:
            body["domain"] = domain
        try:
            resp = await self.request("POST", "/auth/sign_in", json=body, auth=False)
        except PbxError as exc:
            if exc.status is not None and 400 <= exc.status < 500:
                said = "; ".join(exc.messages) or f"HTTP {exc.status}"
                who = f"{user}@{domain}" if domain else user
                raise AuthError(
                    f"sign-in as {who} refused: {said}", status=exc.status, messages=exc.messages
                ) from None
            raise
        answer = resp.json() if resp.content else {}
        if isinstance(answer, dict) and answer.get("two_factor_enabled"):
            raise TwoFactorRequired()
        lifetime = self._store_tokens(answer if isinstance(answer, dict) else {})
        me = await self.get_json("/auth/user")
        role = str((me or {}).get("role") or "")
        system, reason = await self._detect_level(role, domain)
        self._session = Session(
            role=role,
            is_system_admin=system,
            domain=domain or None,
            expires_at=datetime.now(UTC) + timedelta(seconds=lifetime),
            user=user,
            level_reason=reason,
        )
        return self._session

    async def _detect_level(self, role: str, domain: str | None) -> tuple[bool, str]:
        """System or tenant level from what the account can do, not from one role name.

        ``SystemAdmin`` is system level and a sign-in with a tenant's SIP domain is tenant
        level; any other role (``Dealer``, ``Replicator``, custom roles) is system level
        when it may list the PBX's tenants (``GET /tenants``), else tenant level.
        """
        shown = role or "(none)"
        if role == SYSTEM_ADMIN_ROLE:
            return True, f"role {shown}"
        if domain:
            return False, f"role {shown}, signed in to tenant domain {domain}"
        try:
            await self.get_json("/tenants", {"top": 1})
        except (AuthError, NotFoundError):
            return False, f"role {shown} may not list tenants"
        return True, f"role {shown} can list tenants"

    def _on_refreshed(self, lifetime: float) -> None:
        if self._session is not None:
            expires = datetime.now(UTC) + timedelta(seconds=lifetime)
            self._session = dataclasses.replace(self._session, expires_at=expires)

    async def sign_out(self) -> None:
        """End the session on the PBX (best effort) and forget the tokens."""
        if self._tokens is None:
            return
        try:
            await self.request("POST", "/auth/sign_out")
        finally:
            self._forget_tokens()
            self._session = None

    async def user(self) -> dict[str, Any]:
        """``GET /auth/user``: role and password flags of the signed-in account."""
        return dict(await self.get_json("/auth/user") or {})

    # -- system ---------------------------------------------------------------------

    async def admin_status(self) -> dict[str, Any]:
        """``GET /admin/status``: version, licence and counters."""
        return dict(await self.get_json("/admin/status") or {})

    async def network(self) -> dict[str, Any]:
        """``GET /network``: the PBX's addresses (``public_ipv4`` to whitelist at carriers)."""
        return dict(await self.get_json("/network") or {})

    async def transports(self) -> list[dict[str, Any]]:
        """All SIP listeners (``protocol``, ``port``, ``verification``), every page."""
        return await self.list_all("/transports")

    async def tenants(self, search: str | None = None) -> list[dict[str, Any]]:
        """All tenants (System Admin), every page; ``search`` narrows on the PBX side."""
        return await self.list_all("/tenants", {"search": search} if search else None)

    async def tenant(self, tenant_id: str) -> dict[str, Any]:
        """``GET /tenants/{id}``."""
        return dict(await self.get_json(f"/tenants/{_seg(tenant_id)}") or {})

    # -- trunks (providers) ---------------------------------------------------------

    async def providers(self) -> list[dict[str, Any]]:
        """Summaries of all trunks visible to the caller, every page."""
        return await self.list_all("/providers")

    async def provider(self, provider_id: str) -> dict[str, Any]:
        """``GET /providers/{id}``: every field except the password."""
        return dict(await self.get_json(f"/providers/{_seg(provider_id)}") or {})

    async def status(self, provider_id: str) -> str:
        """``ONLINE`` or ``OFFLINE``."""
        body = await self.get_json(f"/providers/{_seg(provider_id)}/status") or {}
        return str(body.get("status") or "OFFLINE")

    async def create_provider(self, payload: dict[str, Any]) -> str:
        """``POST /providers``; returns the new trunk's id."""
        body = await self.post_json("/providers", payload)
        if not isinstance(body, dict) or not body.get("id"):
            raise PbxError("POST /providers: the PBX did not return the new trunk's id")
        return str(body["id"])

    async def update_provider(self, provider_id: str, payload: dict[str, Any]) -> None:
        """``POST /providers/{id}``: partial update (no ``brand``/``auth_mode``)."""
        await self.request("POST", f"/providers/{_seg(provider_id)}", json=payload)

    async def destroy_provider(self, provider_id: str) -> None:
        """``POST /providers/{id}/destroy``."""
        await self.request("POST", f"/providers/{_seg(provider_id)}/destroy")

    # -- tenant assignment ----------------------------------------------------------

    async def assignees(self, provider_id: str) -> list[dict[str, Any]]:
        """Tenants the trunk is shared with: ``tenant_id``, ``did_numbers``, ``concurrency``."""
        body = await self.get_json(f"/providers/{_seg(provider_id)}/assignees") or {}
        items = body.get("items") if isinstance(body, dict) else None
        return list(items or [])

    async def assignee(self, provider_id: str, tenant_id: str) -> dict[str, Any] | None:
        """One tenant's assignment (``did_numbers``, ``concurrency``), None if not assigned."""
        path = f"/providers/{_seg(provider_id)}/assignees/{_seg(tenant_id)}"
        try:
            return dict(await self.get_json(path) or {})
        except NotFoundError:
            return None

    async def assign(
        self, provider_id: str, tenant_id: str, did_numbers: str, concurrency: int
    ) -> None:
        """Share the trunk with a tenant, or set that tenant's DID pool and call cap."""
        await self.request(
            "POST",
            f"/providers/{_seg(provider_id)}/assignees/{_seg(tenant_id)}",
            json={"did_numbers": did_numbers, "concurrency": concurrency},
        )

    async def unassign(self, provider_id: str, tenant_id: str) -> None:
        """Stop sharing the trunk with a tenant."""
        await self.request(
            "POST", f"/providers/{_seg(provider_id)}/assignees/{_seg(tenant_id)}/destroy"
        )
