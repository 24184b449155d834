"""``Connection``: the signed-in PBX and the wizard's reads and writes through it.

Wraps ``trunkwiz.pbx`` (client, inventory, plan/apply) with what the screens and the
commands need: tenants sorted by name, the trunk list with kind and live status, a trunk
found by name, a trunk as a domain model, transport checks, the PBX's public address, the
inventory of DID pools for overlap checks.
"""

from __future__ import annotations

import asyncio
import difflib
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING

from trunkwiz.domain.options import Level
from trunkwiz.pbx.errors import PbxError
from trunkwiz.pbx.inventory import load_inventory
from trunkwiz.pbx.objects import port_for
from trunkwiz.pbx.plan import CurrentTrunk, apply, plan
from trunkwiz.pbx.trunk_mapping import trunk_from_api
from trunkwiz.service.tenants import TenantInfo, in_natural_order
from trunkwiz.service.trunk_rows import TrunkLookup, TrunkRow, read_trunk_rows

if TYPE_CHECKING:
    from pydantic import SecretStr

    from trunkwiz.domain.trunk import AnyTrunk
    from trunkwiz.pbx.client import PbxClient
    from trunkwiz.pbx.inventory import Inventory
    from trunkwiz.pbx.objects import Assignee, Network, Tenant, Transport, Trunk, TrunkSummary
    from trunkwiz.pbx.plan import ApplyResult, Plan, Progress
    from trunkwiz.pbx.session import Session

    TrunkModel = AnyTrunk


class Connection:
    """One signed-in PBX session (one HTTP client, closed by ``close``)."""

    def __init__(
        self,
        client: PbxClient,
        session: Session,
        *,
        url: str,
        user: str,
        domain: str = "",
        pinned_sha256: str | None = None,
    ) -> None:
        self.client = client
        self.session = session
        self.url = url
        self.user = user
        self.domain = domain
        self.pinned_sha256 = pinned_sha256
        self._transports: list[Transport] | None = None
        # The tenants, read once per connection (``forget`` reads them again): every page
        # of a 10,000-tenant PBX is 100 requests, and the Tenants step, the pool checks,
        # the trunk list and a quick edit all want them.
        self._tenant_items: list[Tenant] | None = None
        self._tenant_read: asyncio.Task[list[Tenant]] | None = None
        self._tenant_infos: list[TenantInfo] | None = None

    @property
    def level(self) -> str:
        """``system`` for the System Admin, ``tenant`` for a Tenant Admin."""
        return "system" if self.session.is_system_admin else "tenant"

    @property
    def level_label(self) -> str:
        """The detected level and why, e.g. ``System level (role Dealer can list tenants)``."""
        return self.session.level_label

    async def close(self) -> None:
        """Close the HTTP client."""
        await self.client.aclose()

    # -- reads ----------------------------------------------------------------------------
    def set_deadline(self, seconds: float | None) -> None:
        """No PBX request of this connection may run past ``seconds`` from now (None: no
        overall deadline); a command gives each trunk, or each refresh, its own."""
        self.client.set_deadline(seconds)

    def forget(self) -> None:
        """Read the tenants again next time (after a submit, or when the user asks)."""
        self._tenant_items, self._tenant_read, self._tenant_infos = None, None, None

    async def tenant_items(self) -> list[Tenant]:
        """``GET /tenants``, every page, once per connection; callers at the same time
        share one read, and one of them giving up (its screen left) does not stop it."""
        if self._tenant_items is not None:
            return self._tenant_items
        read = self._start_reading()
        try:
            items = await asyncio.shield(read)
        finally:
            if read.done() and self._tenant_read is read:
                self._tenant_read = None  # a failed read is tried again next time
        if not read.cancelled() and self._tenant_items is None:
            self._tenant_items = items
        return items

    def read_tenants_ahead(self) -> None:
        """Start reading the tenants in the background (System Admin only: a Tenant Admin
        cannot list them); ``tenants()`` then takes that read."""
        if self.session.is_system_admin and self._tenant_items is None:
            self._start_reading()

    def _start_reading(self) -> asyncio.Task[list[Tenant]]:
        """The read of the tenants in flight on this loop, started if there is none."""
        loop = asyncio.get_running_loop()
        read = self._tenant_read
        if read is None or read.get_loop() is not loop:
            read = self._tenant_read = loop.create_task(self.client.tenants())
            read.add_done_callback(_retrieved)
        return read

    async def tenants(self) -> list[TenantInfo]:
        """Every tenant (all pages), in natural order of names (``… 121`` before ``… 1081``)."""
        items = await self.tenant_items()
        if self._tenant_infos is not None and items is self._tenant_items:
            return list(self._tenant_infos)
        infos = in_natural_order([TenantInfo(t.id, t.label, t.domain) for t in items])
        if items is self._tenant_items:
            self._tenant_infos = infos
        return list(infos)

    async def tenant_domains(self) -> list[TenantInfo]:
        """The tenants whose SIP domain an Accept-Register host must not equal.

        The System Admin gets every tenant; a Tenant Admin its own (the signed-in domain,
        also when the PBX does not let it list tenants).
        """
        own = [TenantInfo("", self.domain, self.domain)] if self.domain else []
        try:
            return await self.tenants() + own
        except PbxError:
            if self.session.is_system_admin:
                raise
            return own

    async def transports(self) -> list[Transport]:
        """The PBX's SIP listeners (read once per connection)."""
        if self._transports is None:
            self._transports = await self.client.transports()
        return self._transports

    async def network(self) -> Network:
        """``GET /network``."""
        return await self.client.network()

    async def inventory(self) -> Inventory:
        """Existing trunks with their hosts and DID pools (``trunkwiz.pbx.inventory``)."""
        return await load_inventory(self.client, tenants=self.tenant_items)

    async def status(self, trunk_id: str) -> str:
        """``ONLINE`` or ``OFFLINE``."""
        return await self.client.status(trunk_id)

    async def trunk_rows(self, *, limit: int = 8) -> list[TrunkRow]:
        """Every trunk with its kind, tenants and live status (``read_trunk_rows``)."""
        return await read_trunk_rows(
            self.client,
            system_admin=self.session.is_system_admin,
            tenant_names=self.tenant_names,
            limit=limit,
        )

    async def trunk_summaries(self) -> list[TrunkSummary]:
        """``GET /providers``, every page: each trunk's id, name, host, own DID pool."""
        return await self.client.providers()

    async def trunk_lookup(self) -> TrunkLookup:
        """The trunks read now, to find one or several by name (``TrunkLookup``)."""
        return TrunkLookup(tuple(await self.trunk_summaries()))

    async def trunk_id_by_name(self, name: str) -> str | None:
        """The id of the trunk called ``name`` (exactly, else in any case), None if none."""
        return (await self.trunk_lookup()).id_of(name)

    async def read_trunk(self, trunk_id: str) -> tuple[Trunk, list[Assignee]]:
        """``GET /providers/{id}`` and, for the System Admin only, its assignees.

        A Tenant Admin may not read ``/providers/{id}/assignees`` (the PBX answers 403), so
        for a Tenant Admin the assignees are an empty list.
        """
        if not self.session.is_system_admin:
            return await self.client.provider(trunk_id), []
        detail, assignees = await asyncio.gather(
            self.client.provider(trunk_id), self.client.assignees(trunk_id)
        )
        return detail, list(assignees)

    async def tenant_names(self) -> dict[str, str]:
        """Tenant id -> name (System Admin; empty for a Tenant Admin, who cannot list them)."""
        if not self.session.is_system_admin:
            return {}
        return {t.id: t.name for t in await self.tenants()}

    async def load_trunk(self, trunk_id: str) -> TrunkModel:
        """An existing trunk as a domain model (validated as ``editing``)."""
        detail, assignees = await self.read_trunk(trunk_id)
        names = await self.tenant_names() if assignees else {}
        level = None if self.session.is_system_admin else Level.tenant
        return trunk_from_api(detail, assignees, names, level=level)

    async def trunk_model(
        self, trunk_id: str, tenant_names: Mapping[str, str] | None = None
    ) -> TrunkModel:
        """A trunk as the PBX holds it, as a domain model at the level the PBX's data says
        (``infer_level``), tenants named from ``tenant_names``: what ``export`` writes and
        ``probe`` probes. ``ValueError`` for a kind this tool does not handle,
        ``ValidationError`` when the PBX's data breaks a rule."""
        detail, assignees = await self.read_trunk(trunk_id)
        return trunk_from_api(detail, assignees, tenant_names or {})

    async def current_trunk(self, trunk_id: str) -> CurrentTrunk:
        """A trunk as ``plan`` takes it: its detail, assignees and their tenants' names."""
        detail, assignees = await self.read_trunk(trunk_id)
        names = await self.tenant_names() if assignees else {}
        return CurrentTrunk(trunk_id, detail, assignees, names)

    async def delete_trunk(self, trunk_id: str) -> None:
        """``POST /providers/{id}/destroy``; the PBX's refusal is raised as a ``PbxError``."""
        try:
            await self.client.destroy_provider(trunk_id)
        finally:
            self.forget()

    # -- transport check --------------------------------------------------------------------
    async def transport_problem(self, protocol: str) -> str | None:
        """Why ``protocol`` cannot be used yet (no such PBX listener), with the fix."""
        listeners = await self.transports()
        if any(t.speaks(protocol) for t in listeners):
            return None
        return missing_transport_message(protocol)

    async def public_route(self, protocol: str) -> tuple[str, int | None]:
        """The PBX public IPv4 and the port of its ``protocol`` listener (for the carrier).

        The IP is empty when the PBX has no public IPv4 set: the private address is never
        given in its place (a carrier cannot reach it).
        """
        network, listeners = await asyncio.gather(self.network(), self.transports())
        return network.public_ipv4.strip(), port_for(listeners, protocol)

    # -- plan and apply ---------------------------------------------------------------------
    async def plan(
        self, trunk: TrunkModel, trunk_id: str | None, *, change_password: bool = False
    ) -> Plan:
        """The changes that make the PBX hold ``trunk`` (``trunkwiz.pbx.plan.Plan``)."""
        current = await self.current_trunk(trunk_id) if trunk_id else None
        return plan(trunk, current, change_password=change_password)

    async def apply(
        self,
        the_plan: Plan,
        *,
        password: SecretStr | None = None,
        on_progress: Callable[[Progress], None] | None = None,
        on_created: Callable[[str], None] | None = None,
        stop: asyncio.Event | None = None,
    ) -> ApplyResult:
        """Apply ``the_plan``; returns the PBX client's ``ApplyResult``.

        ``on_created(trunk_id)`` runs as soon as the PBX has created the trunk, before the
        rest of the plan is sent: a submit interrupted after that point is resumed as an
        edit of that trunk, not created a second time. ``stop`` set (a hang-up, Ctrl+C):
        no new call starts, what this submit changed is rolled back, then
        ``ApplyInterrupted`` (a ``ServiceError``) is raised.
        """
        try:
            return await apply(
                self.client,
                the_plan,
                password=password,
                on_progress=on_progress,
                on_created=on_created,
                stop=stop,
            )
        finally:
            self.forget()  # what the PBX holds has changed: read it again


def _retrieved(task: asyncio.Task[list[Tenant]]) -> None:
    """Fetch a shared read's outcome, so a failure nobody awaited is not reported as lost."""
    if not task.cancelled():
        task.exception()


#: Default listener ports of a PortSIP PBX, used in the "create a transport" advice.
DEFAULT_TRANSPORT_PORTS = {"UDP": 5060, "TCP": 5063, "TLS": 5061}


def close_names(name: str, names: list[str], limit: int = 5) -> list[str]:
    """Trunk names that look like ``name`` (for "no trunk named X; did you mean …")."""
    by_fold = {n.casefold(): n for n in names}
    folded = name.strip().casefold()
    found = difflib.get_close_matches(folded, list(by_fold), n=limit, cutoff=0.5)
    found += [f for f in by_fold if folded and folded in f and f not in found]
    return [by_fold[f] for f in found[:limit]]


def missing_transport_message(protocol: str) -> str:
    """The warning and fix when the PBX has no listener for ``protocol``."""
    proto = protocol.upper()
    port = DEFAULT_TRANSPORT_PORTS.get(proto, 5060)
    return (
        f"The PBX has no {proto} transport: create a {proto} transport on port {port} "
        "in the PBX first (Settings › Transport), or pick another transport."
    )
