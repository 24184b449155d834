"""Collisions between a pool and the pools of other owners (tenants, other trunks).

:class:`PoolIndex` is built once from every other pool: their entries sorted by ``first``
and grouped into merged clusters (disjoint ``[start, end]`` spans with the entries that
make them up), so one entry is checked with a binary search plus the clusters it touches.
The index remembers the findings of each block of an edited pool (weakly, per block), so a
keystroke re-checks only the block it changed.

The index is built on pools (it reads a pool's blocks); the pool knows nothing of it.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from weakref import WeakKeyDictionary

from trunkwiz.domain.didpool._block import Block
from trunkwiz.domain.didpool._pool import DidPool
from trunkwiz.domain.didpool._types import PoolEntry, PoolIssue

_Member = tuple[int, int, str, PoolEntry]
_Hit = tuple[int, str, PoolEntry, int, int]


@dataclass(frozen=True, slots=True)
class Collision:
    """An entry of the checked pool sharing numbers with an entry of another owner."""

    entry: PoolEntry
    """The entry of the pool being checked (its span is in that pool's text)."""
    owner: str
    """Label of the other pool's owner, e.g. ``tenant Acme``."""
    other_entry: PoolEntry
    """The entry of the other pool (its span is in that pool's text)."""
    first: int
    """Lowest shared number."""
    last: int
    """Highest shared number."""

    def as_issue(self) -> PoolIssue:
        """A ``collision`` error spanning :attr:`entry`."""
        message = f"{self.entry.label} overlaps {self.other_entry.label} of {self.owner}"
        return PoolIssue(self.entry.start, self.entry.end, "collision", message, "error")


class PoolIndex:
    """Every entry of the other owners' pools, ready for per-keystroke collision checks."""

    def __init__(self, owners: Mapping[str, DidPool]) -> None:
        """Index the pools of ``owners`` (owner label → pool)."""
        members: list[_Member] = [
            (entry.first, entry.last, owner, entry)
            for owner, pool in owners.items()
            for entry in pool.entries
        ]
        members.sort(key=lambda m: (m[0], m[1], m[2]))
        self._starts: list[int] = []
        self._ends: list[int] = []
        self._groups: list[list[_Member]] = []
        for member in members:
            if self._ends and member[0] <= self._ends[-1]:
                self._groups[-1].append(member)
                self._ends[-1] = max(self._ends[-1], member[1])
            else:
                self._starts.append(member[0])
                self._ends.append(member[1])
                self._groups.append([member])
        self._owners = tuple(owners)
        self._cache: WeakKeyDictionary[Block, tuple[_Hit, ...]] = WeakKeyDictionary()

    @property
    def owners(self) -> tuple[str, ...]:
        """The owner labels indexed."""
        return self._owners

    def matches(self, first: int, last: int) -> list[tuple[str, PoolEntry]]:
        """``(owner, entry)`` of every indexed entry sharing a number with ``first-last``."""
        found: list[tuple[str, PoolEntry]] = []
        k = bisect_right(self._starts, last) - 1
        while k >= 0 and self._ends[k] >= first:
            found.extend(
                (owner, entry)
                for mf, ml, owner, entry in reversed(self._groups[k])
                if mf <= last and ml >= first
            )
            k -= 1
        found.reverse()
        return found

    def collisions(self, pool: DidPool, *, exclude: Iterable[str] = ()) -> list[Collision]:
        """Every collision of ``pool``'s entries with the indexed pools, in source order.

        ``exclude`` names owners to skip (e.g. the pool's own owner).
        """
        skip = frozenset(exclude)
        out: list[Collision] = []
        text = pool._text
        for block, base in zip(pool._blocks, pool._bases, strict=True):
            hits = self._cache.get(block)
            if hits is None:
                hits = self._block_hits(block)
                self._cache[block] = hits
            for k, owner, other, first, last in hits:
                if owner in skip:
                    continue
                out.append(Collision(block.entry(k, base, text), owner, other, first, last))
        return out

    def _block_hits(self, block: Block) -> tuple[_Hit, ...]:
        if not block.firsts or not self._starts:
            return ()
        if block.hi < self._starts[0] or block.lo > self._ends[-1]:
            return ()
        hits: list[_Hit] = []
        for k, (first, last) in enumerate(zip(block.firsts, block.lasts, strict=True)):
            for owner, other in self.matches(first, last):
                hits.append((k, owner, other, max(first, other.first), min(last, other.last)))
        return tuple(hits)


def find_collisions(pool: DidPool, others: Mapping[str, DidPool]) -> list[Collision]:
    """Collisions of ``pool`` with ``others`` (owner label → pool), without a prebuilt index."""
    return PoolIndex(others).collisions(pool)
