"""What the PBX already holds: trunks with their assignees, tenants, transports, network.

Loaded once per screen (details and assignees fetched with bounded concurrency) and then
queried locally, e.g. ``pools_for_host`` for the live DID overlap check on every keystroke.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import TypeVar

from trunkwiz.domain.didpool import DidPool, check_pool
from trunkwiz.pbx.client import PbxClient
from trunkwiz.pbx.errors import AuthError, NotFoundError
from trunkwiz.pbx.objects import Assignee, Network, Tenant, Transport, Trunk, TrunkSummary, port_for
from trunkwiz.pbx.planning import CurrentTrunk
from trunkwiz.pbx.session import REQUEST_CONCURRENCY

T = TypeVar("T")


def _host_key(hostname: str) -> str:
    return hostname.strip().rstrip(".").casefold()


@dataclass(frozen=True)
class ProviderEntry:
    """One trunk the PBX holds."""

    id: str
    summary: TrunkSummary
    """Its item of ``GET /providers``."""
    detail: Trunk | None = None
    """Its ``GET /providers/{id}``; None when the detail could not be read."""
    assignees: tuple[Assignee, ...] = ()
    """Tenants it is shared with (``tenant_id``, ``did_numbers``, ``concurrency``)."""
    status: str | None = None
    """``ONLINE``/``OFFLINE`` when loaded with ``with_status=True``."""

    @cached_property
    def trunk(self) -> Trunk:
        """The detail, or what the list told when the detail could not be read."""
        return self.detail if self.detail is not None else Trunk.of_summary(self.summary)

    @property
    def name(self) -> str:
        """The trunk's name."""
        return self.trunk.name or ""

    @property
    def hostname(self) -> str:
        """The carrier host."""
        return self.trunk.hostname or ""

    @property
    def auth_mode(self) -> str:
        """``REGISTER_AUTH``, ``IP_AUTH``, … (empty if only the summary is known)."""
        return self.trunk.auth_mode or ""

    @property
    def did_numbers(self) -> str:
        """The trunk's own DID pool (a tenant's trunk); empty when none."""
        return self.trunk.did_numbers or ""

    def current(self, tenant_names: Mapping[str, str] | None = None) -> CurrentTrunk:
        """This trunk as ``plan`` takes it."""
        return CurrentTrunk(self.id, self.trunk, list(self.assignees), tenant_names or {})


@dataclass(frozen=True)
class Inventory:
    """A snapshot of the PBX, queried locally."""

    providers: tuple[ProviderEntry, ...] = ()
    tenants: tuple[Tenant, ...] = ()
    """All tenants (System Admin only; empty for a Tenant Admin)."""
    transports: tuple[Transport, ...] = ()
    network: Network = field(default_factory=Network)

    @property
    def tenant_names(self) -> dict[str, str]:
        """Tenant id -> name."""
        return {t.id: t.label for t in self.tenants}

    def find_tenant(self, ref: str) -> Tenant | None:
        """A tenant by id, name or SIP domain (case-insensitive for name and domain)."""
        key = ref.strip().casefold()
        for tenant in self.tenants:
            if tenant.id == ref.strip():
                return tenant
        for tenant in self.tenants:
            if key in (tenant.name.casefold(), tenant.domain.casefold()):
                return tenant
        return None

    def find(self, name: str) -> ProviderEntry | None:
        """A trunk by exact name."""
        return next((p for p in self.providers if p.name == name), None)

    def pools_for_host(
        self, hostname: str, exclude_trunk_id: str | None = None
    ) -> dict[str, DidPool]:
        """Every DID pool held for trunks to ``hostname`` (other than the excluded one).

        Keys name the owner: ``trunk Foo`` (a tenant's own trunk) or
        ``trunk Foo / tenant Acme`` (a shared trunk's assignee).
        """
        names = self.tenant_names
        out: dict[str, DidPool] = {}
        host = _host_key(hostname)
        for entry in self.providers:
            if entry.id == exclude_trunk_id or _host_key(entry.hostname) != host:
                continue
            own = entry.did_numbers.strip()
            if own:
                out[_unique(out, f"trunk {entry.name}")] = check_pool(own).pool
            for item in entry.assignees:
                did = item.did_numbers.strip()
                if not did:
                    continue
                tid = item.tenant_id
                label = f"trunk {entry.name} / tenant {names.get(tid, tid)}"
                out[_unique(out, label)] = check_pool(did).pool
        return out

    def has_transport(self, protocol: str) -> bool:
        """Whether the PBX listens for SIP on ``protocol`` (UDP, TCP, TLS)."""
        return self.transport_port(protocol) is not None

    def transport_port(self, protocol: str) -> int | None:
        """The PBX's SIP port for ``protocol`` (its first listener with a port), or None."""
        return port_for(self.transports, protocol)

    @property
    def public_ip(self) -> str | None:
        """The PBX's public IPv4 (to whitelist at the carrier), if known."""
        return self.network.public_ipv4 or None


def _unique(existing: Mapping[str, object], label: str) -> str:
    n, out = 2, label
    while out in existing:
        out, n = f"{label} ({n})", n + 1
    return out


async def _optional(call: Awaitable[T], default: T) -> T:
    """``call``'s result, or ``default`` when the role may not read it (403) or it is gone."""
    try:
        return await call
    except AuthError as exc:
        if exc.status != 403:
            raise
        return default
    except NotFoundError:
        return default


async def read_current(
    client: PbxClient, trunk_id: str, tenant_names: Mapping[str, str] | None = None
) -> CurrentTrunk:
    """One trunk as ``plan`` takes it (detail + assignees)."""
    detail, assignees = await asyncio.gather(
        client.provider(trunk_id), _optional(client.assignees(trunk_id), [])
    )
    return CurrentTrunk(trunk_id, detail, assignees, tenant_names or {})


async def load_inventory(
    client: PbxClient,
    *,
    concurrency: int = REQUEST_CONCURRENCY,
    with_status: bool = False,
    tenants: Callable[[], Awaitable[list[Tenant]]] | None = None,
) -> Inventory:
    """All trunks with details and assignees, plus tenants, transports and network.

    ``tenants`` reads the tenants when the caller already has them (a connection reads
    them once); else ``client.tenants()``. The trunks and their pools are always read.
    """
    system = client.session is None or client.session.is_system_admin
    sem = asyncio.Semaphore(max(1, concurrency))

    async def entry(summary: TrunkSummary) -> ProviderEntry:
        pid = summary.id
        async with sem:
            detail = await _optional(client.provider(pid), None)
        async with sem:
            assignees = await _optional(client.assignees(pid), []) if system else []
        status = None
        if with_status:
            async with sem:
                status = await _optional(client.status(pid), None)
        return ProviderEntry(pid, summary, detail, tuple(assignees), status)

    read_tenants = tenants or client.tenants
    summaries, tenant_items, transports, network = await asyncio.gather(
        client.providers(),
        _optional(read_tenants(), []) if system else _empty(),
        _optional(client.transports(), []),
        _optional(client.network(), Network()),
    )
    entries = await asyncio.gather(*(entry(s) for s in summaries if s.id))
    return Inventory(tuple(entries), tuple(tenant_items), tuple(transports), network)


async def _empty() -> list[Tenant]:
    return []
