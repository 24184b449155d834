"""The DID pools of a shared trunk's tenants, kept parsed and indexed for assignments.

Checking a new assignment against every other tenant's pool by parsing them all again
costs O(n) per call and O(n²) to assign n tenants. :class:`AssigneePools` keeps each
tenant's parsed pool and every entry of every pool in one list sorted by first number,
updated as tenants are assigned or removed. The PBX never stores overlapping pools (each
assignment is checked first, and a valid pool has no overlap inside it), so those entries
are disjoint and a binary search finds the few a new range touches: an assignment costs
O(k log n) for a pool of k entries. Pools loaded from a hand-edited state file might
overlap; the index notices and then scans all entries, so no collision is ever missed.
"""

from __future__ import annotations

from bisect import bisect_right, insort
from collections.abc import Mapping
from typing import Any

from trunkwiz.domain.didpool import Collision, DidPool, PoolEntry, check_pool

_Row = tuple[int, int, str, PoolEntry]


def _first(row: _Row) -> int:
    return row[0]


def stored_pool(text: str) -> DidPool:
    """The pool of a stored ``did_numbers`` text (best effort, never raises)."""
    return DidPool.empty() if text.strip() == "" else check_pool(text).pool


class AssigneePools:
    """Tenant id → parsed pool, with every entry indexed by its first number."""

    def __init__(self) -> None:
        self._pools: dict[str, DidPool] = {}
        self._rows: list[_Row] = []
        self._disjoint = True

    @classmethod
    def of(cls, assignees: Mapping[str, Mapping[str, Any]]) -> AssigneePools:
        """Index the stored assignments ``tenant id → {"did_numbers", ...}``."""
        index = cls()
        for tenant_id, assignment in assignees.items():
            index.put(tenant_id, stored_pool(str(assignment.get("did_numbers", ""))))
        return index

    def __len__(self) -> int:
        return len(self._pools)

    def pool(self, tenant_id: str) -> DidPool | None:
        """The tenant's parsed pool (None when it is not assigned)."""
        return self._pools.get(tenant_id)

    def put(self, tenant_id: str, pool: DidPool) -> None:
        """Set (or replace) the tenant's pool."""
        self.remove(tenant_id)
        self._pools[tenant_id] = pool
        rows = self._rows
        for entry in pool.entries:
            row = (entry.first, entry.last, tenant_id, entry)
            insort(rows, row)
            k = bisect_right(rows, row) - 1
            if (k > 0 and rows[k - 1][1] >= entry.first) or (
                k + 1 < len(rows) and rows[k + 1][0] <= entry.last
            ):
                self._disjoint = False

    def remove(self, tenant_id: str) -> None:
        """Forget the tenant's pool (nothing happens when it has none)."""
        pool = self._pools.pop(tenant_id, None)
        if pool is None:
            return
        rows = self._rows
        for entry in pool.entries:
            k = bisect_right(rows, (entry.first, entry.last, tenant_id, entry)) - 1
            if k >= 0 and rows[k][2] == tenant_id and rows[k][3] == entry:
                del rows[k]

    def collisions(self, pool: DidPool, *, exclude: str | None = None) -> list[Collision]:
        """Entries of ``pool`` sharing numbers with another tenant's pool, in source order.

        ``owner`` of each :class:`Collision` is the other tenant's id; ``exclude`` is the
        tenant being assigned (its current pool is about to be replaced).
        """
        found: list[Collision] = []
        rows = self._rows
        for entry in pool.entries:
            hits: list[Collision] = []
            k = bisect_right(rows, entry.last, key=_first) - 1
            while k >= 0:
                first, last, owner, other = rows[k]
                if last < entry.first:
                    if self._disjoint:
                        break  # disjoint rows: every earlier one ends even sooner
                elif owner != exclude:
                    hits.append(
                        Collision(
                            entry, owner, other, max(first, entry.first), min(last, entry.last)
                        )
                    )
                k -= 1
            found.extend(reversed(hits))
        return found
