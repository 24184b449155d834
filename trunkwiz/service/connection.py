"""``Connection``: the signed-in PBX and the wizard's reads and writes through it.

Wraps ``trunkwiz.pbx`` (client, inventory, plan/apply) with what the screens need:
tenants sorted by name, the trunk list with kind and live status, transport checks, the
PBX's public address, the inventory of DID pools for overlap checks.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from trunkwiz.pbx.client import PbxClient
    from trunkwiz.pbx.session import Session


@dataclass(frozen=True)
class TenantInfo:
    """A tenant as the Tenants step lists it."""

    id: str
    name: str
    domain: str


@dataclass(frozen=True)
class TrunkRow:
    """One line of the trunk list: name, kind, brand, host and live status."""

    id: str
    name: str
    kind: str
    brand: str
    host: str
    status: str


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
        self._transports: list[dict[str, Any]] | None = None

    @property
    def level(self) -> str:
        """``system`` for the System Admin, ``tenant`` for a Tenant Admin."""
        return "system" if self.session.is_system_admin else "tenant"

    async def close(self) -> None:
        """Close the HTTP client."""
        await self.client.aclose()

    # -- reads ----------------------------------------------------------------------------
    async def tenants(self) -> list[TenantInfo]:
        """Every tenant (all pages), sorted by name."""
        items = await self.client.tenants()
        found = [
            TenantInfo(
                str(t.get("id")), str(t.get("name") or t.get("id")), str(t.get("domain") or "")
            )
            for t in items
            if t.get("id") is not None
        ]
        return sorted(found, key=lambda t: (t.name.lower(), t.id))

    async def transports(self) -> list[dict[str, Any]]:
        """The PBX's SIP listeners (read once per connection)."""
        if self._transports is None:
            self._transports = await self.client.transports()
        return self._transports

    async def network(self) -> dict[str, Any]:
        """``GET /network``."""
        return await self.client.network()

    async def inventory(self) -> Any:
        """Existing trunks with their hosts and DID pools (``trunkwiz.pbx.inventory``)."""
        from trunkwiz.pbx.inventory import load_inventory

        return await load_inventory(self.client)

    async def status(self, trunk_id: str) -> str:
        """``ONLINE`` or ``OFFLINE``."""
        return await self.client.status(trunk_id)

    async def trunk_rows(self, *, limit: int = 8) -> list[TrunkRow]:
        """Every trunk with its kind and live status (details fetched concurrently)."""
        from trunkwiz.domain.options import TrunkKind

        summaries = await self.client.providers()
        gate = asyncio.Semaphore(limit)

        async def row(item: dict[str, Any]) -> TrunkRow:
            pid = str(item.get("id"))
            async with gate:
                detail, status = await asyncio.gather(
                    self.client.provider(pid), self.client.status(pid)
                )
            mode = str(detail.get("auth_mode") or "")
            try:
                kind = TrunkKind.from_auth_mode(mode).value
            except ValueError:
                kind = mode.lower() or "?"
            return TrunkRow(
                id=pid,
                name=str(item.get("name") or detail.get("name") or pid),
                kind=kind,
                brand=str(item.get("brand") or detail.get("brand") or ""),
                host=str(item.get("hostname") or detail.get("hostname") or ""),
                status=status,
            )

        rows = await asyncio.gather(*(row(item) for item in summaries))
        return sorted(rows, key=lambda r: r.name.lower())

    async def load_trunk(self, trunk_id: str) -> Any:
        """An existing trunk as a domain model (validated as ``editing``)."""
        from trunkwiz.domain.fromapi import trunk_from_api

        detail, assignees = await asyncio.gather(
            self.client.provider(trunk_id), self.client.assignees(trunk_id)
        )
        names: dict[str, str] = {}
        if assignees and self.session.is_system_admin:
            names = {t.id: t.name for t in await self.tenants()}
        return trunk_from_api(detail, assignees, names)

    # -- transport check --------------------------------------------------------------------
    async def transport_problem(self, protocol: str) -> str | None:
        """Why ``protocol`` cannot be used yet (no such PBX listener), with the fix."""
        listeners = await self.transports()
        if any(str(t.get("protocol", "")).upper() == protocol.upper() for t in listeners):
            return None
        return missing_transport_message(protocol)

    async def public_route(self, protocol: str) -> tuple[str, int | None]:
        """The PBX public IPv4 and the port of its ``protocol`` listener (for the carrier)."""
        network, listeners = await asyncio.gather(self.network(), self.transports())
        ip = str(network.get("public_ipv4") or network.get("private_ipv4") or "")
        port = next(
            (
                int(t["port"])
                for t in listeners
                if str(t.get("protocol", "")).upper() == protocol.upper() and t.get("port")
            ),
            None,
        )
        return ip, port

    # -- plan and apply ---------------------------------------------------------------------
    async def plan(self, trunk: Any, trunk_id: str | None, *, change_password: bool = False) -> Any:
        """The changes that make the PBX hold ``trunk`` (``trunkwiz.pbx.plan.Plan``)."""
        from trunkwiz.pbx.plan import CurrentTrunk, plan

        current = None
        if trunk_id:
            detail, assignees = await asyncio.gather(
                self.client.provider(trunk_id), self.client.assignees(trunk_id)
            )
            names: dict[str, str] = {}
            if assignees and self.session.is_system_admin:
                names = {t.id: t.name for t in await self.tenants()}
            current = CurrentTrunk(trunk_id, detail, list(assignees), names)
        return plan(trunk, current, change_password=change_password)

    async def apply(
        self,
        the_plan: Any,
        *,
        password: Any = None,
        on_progress: Callable[..., Any] | None = None,
    ) -> Any:
        """Apply ``the_plan``; returns the PBX client's ``ApplyResult``."""
        from trunkwiz.pbx.plan import apply

        return await apply(self.client, the_plan, password=password, on_progress=on_progress)


#: Default listener ports of a PortSIP PBX, used in the "create a transport" advice.
DEFAULT_TRANSPORT_PORTS = {"UDP": 5060, "TCP": 5063, "TLS": 5061}


def missing_transport_message(protocol: str) -> str:
    """The warning and fix when the PBX has no listener for ``protocol``."""
    proto = protocol.upper()
    port = DEFAULT_TRANSPORT_PORTS.get(proto, 5060)
    return (
        f"The PBX has no {proto} transport: create a {proto} transport on port {port} "
        "in the PBX first (Settings › Transport), or pick another transport."
    )
