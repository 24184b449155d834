"""The rule calls: :class:`RuleApi` (one signed-in client's rule calls, tenant by tenant,
serialised) and :class:`TenantSession` (the second session a System Admin's rule calls
run in, so the caller's own session is never switched to a tenant). Rules come back typed
(:mod:`trunkwiz.pbx.rules._objects`), checked as they arrive."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Iterable, Sequence
from typing import Literal, TypeVar, overload
from urllib.parse import quote

from trunkwiz.pbx.client import PbxClient
from trunkwiz.pbx.errors import BadAnswer, PbxError, TwoFactorRequired
from trunkwiz.pbx.objects import parse, parse_items
from trunkwiz.pbx.rules._mapping import RuleKind, TenantRules
from trunkwiz.pbx.rules._objects import InboundRule, JsonBody, OutboundRule, Rule

_T = TypeVar("_T")


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

    @overload
    async def rules(self, kind: Literal["inbound"]) -> list[InboundRule]: ...
    @overload
    async def rules(self, kind: Literal["outbound"]) -> list[OutboundRule]: ...
    @overload
    async def rules(self, kind: RuleKind) -> list[InboundRule] | list[OutboundRule]: ...
    async def rules(self, kind: RuleKind) -> list[InboundRule] | list[OutboundRule]:
        """Every rule of the kind in the tenant in scope (summaries; all pages)."""
        path = f"/{kind}_rules"
        items = await self.client.list_all(path)
        if kind == "inbound":
            return parse_items(InboundRule, items, f"GET {path}")
        return parse_items(OutboundRule, items, f"GET {path}")

    @overload
    async def detail(self, kind: Literal["inbound"], rule_id: str) -> InboundRule: ...
    @overload
    async def detail(self, kind: Literal["outbound"], rule_id: str) -> OutboundRule: ...
    @overload
    async def detail(self, kind: RuleKind, rule_id: str) -> Rule: ...
    async def detail(self, kind: RuleKind, rule_id: str) -> Rule:
        """``GET /{kind}_rules/{id}`` (outbound details carry ``routes``)."""
        path = f"/{kind}_rules/{_seg(rule_id)}"
        body = await self.client.get_json(path)
        model = InboundRule if kind == "inbound" else OutboundRule
        return parse(model, body if body is not None else {}, f"GET {path}")

    async def create(self, kind: RuleKind, body: JsonBody) -> str:
        """``POST /{kind}_rules``; the new rule's id."""
        answer = await self.client.post_json(f"/{kind}_rules", body)
        if not isinstance(answer, dict) or not answer.get("id"):
            raise PbxError(f"POST /{kind}_rules: the PBX did not return the new rule's id")
        return str(answer["id"])

    async def update(self, kind: RuleKind, rule_id: str, body: JsonBody) -> None:
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
        missing = next((i for i, s in enumerate(summaries) if not s.id), None)
        if missing is not None:
            raise BadAnswer(f"GET /outbound_rules: items[{missing}].id: the PBX sent no id")
        details = await _bounded([self.detail("outbound", s.id) for s in summaries])
        return TenantRules(tuple(inbound), tuple(details))

    async def by_tenant(self, tenant_ids: Iterable[str | None]) -> dict[str | None, TenantRules]:
        """Every rule of each tenant (one tenant at a time: the switch is per session)."""
        found: dict[str | None, TenantRules] = {}
        async with self.lock:
            for tid in dict.fromkeys(tenant_ids):
                await self.enter(tid)
                found[tid] = await self.all_rules()
        return found


async def _bounded(calls: Sequence[Awaitable[_T]], limit: int = 8) -> list[_T]:
    sem = asyncio.Semaphore(limit)

    async def one(call: Awaitable[_T]) -> _T:
        async with sem:
            return await call

    return list(await asyncio.gather(*(one(c) for c in calls)))
