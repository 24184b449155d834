"""The DID pools a new pool must not overlap: loaded once per screen, checked locally.

``PoolSources.load`` reads the PBX's inventory once (in a worker); ``index_for(host)``
builds (and caches) a ``PoolIndex`` of the pools the PBX holds for that provider host, so
each keystroke is a local check.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from trunkwiz.domain.didpool import PoolIndex
from trunkwiz.pbx.errors import PbxError

if TYPE_CHECKING:
    from trunkwiz.domain.didpool import DidPool
    from trunkwiz.pbx.inventory import Inventory
    from trunkwiz.service.connection import Connection


@dataclass
class PoolSources:
    """The PBX's existing pools, by provider host."""

    inventory: Inventory | None = None
    """``trunkwiz.pbx.inventory.Inventory``, or None when it could not be loaded."""
    exclude_trunk_id: str | None = None
    """The trunk being edited (its own pools are not a collision)."""
    problem: str = ""
    """Why the inventory is missing (shown to the user), else empty."""
    _cache: dict[str, PoolIndex] = field(default_factory=dict)

    @classmethod
    async def load(cls, conn: Connection, *, exclude_trunk_id: str | None = None) -> PoolSources:
        """Read the inventory; a PBX error leaves it empty and says so in ``problem``."""
        try:
            inventory = await conn.inventory()
        except PbxError as exc:
            return cls(None, exclude_trunk_id, f"Existing DID pools not checked: {exc}")
        return cls(inventory, exclude_trunk_id)

    def owners_for(self, hostname: str) -> dict[str, DidPool]:
        """Owner label -> pool, for the trunks the PBX holds on ``hostname``."""
        if self.inventory is None or not hostname:
            return {}
        return dict(self.inventory.pools_for_host(hostname, exclude_trunk_id=self.exclude_trunk_id))

    def index_for(self, hostname: str) -> PoolIndex:
        """A ``PoolIndex`` of ``owners_for(hostname)`` (built once per host)."""
        key = hostname.strip().lower()
        if key not in self._cache:
            self._cache[key] = PoolIndex(self.owners_for(hostname))
        return self._cache[key]
