"""``PbxClient``: the PortSIP v22 REST calls trunkwiz uses, over one ``httpx.AsyncClient``.

Use it as an async context manager (it closes its connections on exit)::

    async with PbxClient(url, tls=TlsPolicy(pinned_sha256=pin)) as pbx:
        session = await pbx.sign_in("admin", SecretStr(password))
        tenants = await pbx.tenants()

The API calls trunks "providers"; method and field names follow the API.
"""

from __future__ import annotations

import dataclasses
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import quote

from pydantic import SecretStr

from trunkwiz.compat import UTC
from trunkwiz.pbx.errors import (
    AuthError,
    BadAnswer,
    NotFoundError,
    PbxError,
    TwoFactorRequired,
    UnavailableError,
)
from trunkwiz.pbx.objects import (
    Assignee,
    Network,
    Tenant,
    Transport,
    Trunk,
    TrunkSummary,
    parse,
    parse_items,
)
from trunkwiz.pbx.session import SYSTEM_ADMIN_ROLE, Session
from trunkwiz.pbx.shapes import decode, expect_object, page_items
from trunkwiz.pbx.transport import ApiCore


def _with_ids(items: list[dict[str, Any]], what: str) -> list[dict[str, Any]]:
    """``items`` if each has an ``id`` (a string or a number); ``BadAnswer`` otherwise."""
    for item in items:
        ident = item.get("id")
        if isinstance(ident, bool) or not isinstance(ident, str | int) or ident == "":
            raise BadAnswer(f"{what}: an item of the PBX's list has no usable id")
    return items


def _seg(value: str) -> str:
    """One URL path segment (ids are opaque strings)."""
    return quote(str(value), safe="")


class PbxClient(ApiCore):
    """Async client of one PBX. See ``ApiCore`` for retries, refresh and paging."""

    _session: Session | None = None
    _credentials: tuple[str, SecretStr, str | None] | None = None

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
        answer = expect_object(decode(resp, "POST", "/auth/sign_in"), "POST /auth/sign_in")
        if answer.get("two_factor_enabled"):
            raise TwoFactorRequired()
        lifetime = self._store_tokens(answer)
        self._credentials = (user, password, domain)
        me = await self.get_object("/auth/user")
        role = me.get("role") or ""
        if not isinstance(role, str):
            raise BadAnswer("GET /auth/user: the PBX's role is not a string")
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

    async def sign_in_again(self) -> Session:
        """Sign in again with the credentials of the last ``sign_in`` (kept in memory only),
        e.g. to undo changes after the session expired; ``AuthError`` if never signed in."""
        if self._credentials is None:
            raise AuthError("not signed in: sign in first")
        self._forget_tokens()
        user, password, domain = self._credentials
        return await self.sign_in(user, password, domain)

    async def user(self) -> dict[str, Any]:
        """``GET /auth/user``: role and password flags of the signed-in account."""
        return await self.get_object("/auth/user")

    # -- system ---------------------------------------------------------------------

    async def admin_status(self) -> dict[str, Any]:
        """``GET /admin/status``: version, licence and counters."""
        return await self.get_object("/admin/status")

    async def network(self) -> Network:
        """``GET /network``: the PBX's addresses (``public_ipv4`` to whitelist at carriers)."""
        return parse(Network, await self.get_object("/network"), "GET /network")

    async def transports(self) -> list[Transport]:
        """All SIP listeners (``protocol``, ``port``, ``verification``), every page."""
        return parse_items(Transport, await self.list_all("/transports"), "GET /transports")

    async def tenants(self, search: str | None = None) -> list[Tenant]:
        """All tenants (System Admin), every page; ``search`` narrows on the PBX side."""
        found = await self.list_all("/tenants", {"search": search} if search else None)
        return parse_items(Tenant, _with_ids(found, "GET /tenants"), "GET /tenants")

    async def tenant(self, tenant_id: str) -> Tenant:
        """``GET /tenants/{id}``."""
        path = f"/tenants/{_seg(tenant_id)}"
        return parse(Tenant, await self.get_object(path), f"GET {path}")

    # -- trunks (providers) ---------------------------------------------------------

    async def providers(self) -> list[TrunkSummary]:
        """Summaries of all trunks visible to the caller, every page (each has an id)."""
        found = _with_ids(await self.list_all("/providers"), "GET /providers")
        return parse_items(TrunkSummary, found, "GET /providers")

    async def provider(self, provider_id: str) -> Trunk:
        """``GET /providers/{id}``: every field except the password."""
        path = f"/providers/{_seg(provider_id)}"
        return parse(Trunk, await self.get_object(path), f"GET {path}")

    async def status(self, provider_id: str) -> str:
        """``ONLINE`` or ``OFFLINE``."""
        path = f"/providers/{_seg(provider_id)}/status"
        status = (await self.get_object(path)).get("status")
        if status is None:
            return "OFFLINE"
        if not isinstance(status, str):
            raise BadAnswer(f"GET {path}: the status is not a string")
        return status

    async def create_provider(self, payload: dict[str, Any]) -> str:
        """``POST /providers``; returns the new trunk's id."""
        try:
            body = await self.post_json("/providers", payload)
        except BadAnswer as exc:
            body = exc
        if not isinstance(body, dict) or not body.get("id"):
            # accepted (2xx) but no id: the trunk may exist; the caller re-reads
            raise UnavailableError(
                "POST /providers: the PBX accepted the trunk but did not return its id; "
                "the outcome is unknown",
                outcome_unknown=True,
            )
        return str(body["id"])

    async def update_provider(self, provider_id: str, payload: dict[str, Any]) -> None:
        """``POST /providers/{id}``: partial update (no ``brand``/``auth_mode``)."""
        await self.request("POST", f"/providers/{_seg(provider_id)}", json=payload)

    async def destroy_provider(self, provider_id: str) -> None:
        """``POST /providers/{id}/destroy``."""
        await self.request("POST", f"/providers/{_seg(provider_id)}/destroy")

    # -- tenant assignment ----------------------------------------------------------

    async def assignees(self, provider_id: str) -> list[Assignee]:
        """Tenants the trunk is shared with: ``tenant_id``, ``did_numbers``, ``concurrency``."""
        path = f"/providers/{_seg(provider_id)}/assignees"
        what = f"GET {path}"
        return parse_items(Assignee, page_items(await self.get_json(path), what), what)

    async def assignee(self, provider_id: str, tenant_id: str) -> Assignee | None:
        """One tenant's assignment (``did_numbers``, ``concurrency``), None if not assigned."""
        path = f"/providers/{_seg(provider_id)}/assignees/{_seg(tenant_id)}"
        try:
            body = await self.get_object(path)
        except NotFoundError:
            return None
        return parse(Assignee, body, f"GET {path}")

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
