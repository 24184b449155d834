"""The pool itself: :class:`DidPool`, its entries, and :func:`check_pool`.

A pool keeps its source text and the blocks it was parsed into
(:mod:`~trunkwiz.domain.didpool._block`); its merged intervals are computed once, on first
use. :func:`check_pool` with ``previous`` re-parses only the blocks an edit touched
(:mod:`~trunkwiz.domain.didpool._reuse`).
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import overload

from trunkwiz.domain.didpool import _intervals as iv
from trunkwiz.domain.didpool._block import Block, parse_region
from trunkwiz.domain.didpool._entry import BLANK
from trunkwiz.domain.didpool._intervals import Interval, Intervals
from trunkwiz.domain.didpool._reuse import bases_of, collect_issues, counts_of, rebuild
from trunkwiz.domain.didpool._types import DidPoolError, PoolEntry, PoolIssue, shorten


class PoolEntries(Sequence[PoolEntry]):
    """The entries of a pool in source order, built on demand from its blocks."""

    __slots__ = ("_pool",)

    def __init__(self, pool: DidPool) -> None:
        self._pool = pool

    def __len__(self) -> int:
        return self._pool._counts[-1]

    @overload
    def __getitem__(self, index: int) -> PoolEntry: ...
    @overload
    def __getitem__(self, index: slice) -> tuple[PoolEntry, ...]: ...
    def __getitem__(self, index: int | slice) -> PoolEntry | tuple[PoolEntry, ...]:
        if isinstance(index, slice):
            return tuple(self[i] for i in range(*index.indices(len(self))))
        size = len(self)
        if index < 0:
            index += size
        if not 0 <= index < size:
            raise IndexError("pool entry index out of range")
        pool = self._pool
        b = bisect_right(pool._counts, index) - 1
        return pool._entry(b, index - pool._counts[b])

    def __iter__(self) -> Iterator[PoolEntry]:
        pool = self._pool
        for b, block in enumerate(pool._blocks):
            for k in range(len(block.firsts)):
                yield pool._entry(b, k)


class DidPool:
    """An immutable DID pool: valid entries in source order and their merged intervals.

    Two pools are equal when they hold the same numbers.
    """

    __slots__ = ("_bases", "_blocks", "_counts", "_intervals", "_text")

    _text: str
    _blocks: tuple[Block, ...]
    _bases: tuple[int, ...]
    _counts: tuple[int, ...]
    _intervals: Intervals | None

    def __init__(self, text: str, blocks: Sequence[Block]) -> None:
        """Internal: use :meth:`parse`, :meth:`empty`, :meth:`from_intervals` or
        :func:`check_pool`."""
        object.__setattr__(self, "_text", text)
        object.__setattr__(self, "_blocks", tuple(blocks))
        object.__setattr__(self, "_bases", bases_of(self._blocks))
        object.__setattr__(self, "_counts", counts_of(self._blocks))
        object.__setattr__(self, "_intervals", None)

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError("DidPool is immutable")

    @classmethod
    def parse(cls, text: str) -> DidPool:
        """The pool written in ``text``; raises :class:`DidPoolError` on any error."""
        check = check_pool(text)
        if not check.ok:
            raise DidPoolError(check.issues)
        return check.pool

    @classmethod
    def empty(cls) -> DidPool:
        """The pool with no numbers ("no pool")."""
        return cls("", ())

    @classmethod
    def from_intervals(cls, pairs: Iterable[Interval]) -> DidPool:
        """A pool holding the given inclusive intervals (raises :class:`DidPoolError` when a
        number is not a valid DID)."""
        merged = iv.merge(pairs)
        if not merged:
            return cls.empty()
        pool = cls.parse(iv.format_intervals(merged))
        object.__setattr__(pool, "_intervals", merged)
        return pool

    @property
    def text(self) -> str:
        """The source text the pool was parsed from."""
        return self._text

    @property
    def entries(self) -> Sequence[PoolEntry]:
        """Valid entries in source order (built on demand; a range is never expanded)."""
        return PoolEntries(self)

    @property
    def intervals(self) -> Intervals:
        """Sorted, merged, inclusive ``(first, last)`` intervals."""
        if self._intervals is None:
            pairs = (p for b in self._blocks for p in zip(b.firsts, b.lasts, strict=True))
            object.__setattr__(self, "_intervals", iv.merge(pairs))
        assert self._intervals is not None
        return self._intervals

    @property
    def size(self) -> int:
        """How many numbers the pool holds."""
        return iv.size(self.intervals)

    @property
    def is_empty(self) -> bool:
        """Whether the pool holds no number."""
        return self._counts[-1] == 0

    def format(self) -> str:
        """Canonical text: sorted, merged, ``a-b`` or ``a``, joined by ``;``."""
        return iv.format_intervals(self.intervals)

    def union(self, other: DidPool) -> DidPool:
        """Numbers in this pool or ``other``."""
        return DidPool.from_intervals(iv.union(self.intervals, other.intervals))

    def intersection(self, other: DidPool) -> DidPool:
        """Numbers in both this pool and ``other``."""
        return DidPool.from_intervals(iv.intersection(self.intervals, other.intervals))

    def contains(self, number: int) -> bool:
        """Whether ``number`` is in the pool."""
        return iv.contains(self.intervals, number)

    def overlaps(self, other: DidPool) -> bool:
        """Whether this pool and ``other`` share a number."""
        return iv.overlaps(self.intervals, other.intervals)

    def __contains__(self, number: object) -> bool:
        return isinstance(number, int) and self.contains(number)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, DidPool):
            return NotImplemented
        return self.intervals == other.intervals

    def __hash__(self) -> int:
        return hash(self.intervals)

    def __repr__(self) -> str:
        return f"DidPool({shorten(self.format(), 60)!r})"

    def _entry(self, b: int, k: int) -> PoolEntry:
        return self._blocks[b].entry(k, self._bases[b], self._text)


@dataclass(frozen=True, slots=True)
class PoolCheck:
    """The outcome of :func:`check_pool`."""

    pool: DidPool
    """Best-effort pool of the entries that are valid on their own."""
    issues: tuple[PoolIssue, ...]
    """Errors and warnings in source order."""

    @property
    def ok(self) -> bool:
        """No error-severity issue (warnings allowed)."""
        return not any(issue.severity == "error" for issue in self.issues)

    @property
    def errors(self) -> tuple[PoolIssue, ...]:
        """The error-severity issues."""
        return tuple(issue for issue in self.issues if issue.severity == "error")

    @property
    def warnings(self) -> tuple[PoolIssue, ...]:
        """The warning-severity issues."""
        return tuple(issue for issue in self.issues if issue.severity == "warning")


def check_pool(text: str, *, previous: PoolCheck | None = None) -> PoolCheck:
    """Check pool ``text``; never raises. Errors and warnings come back as data.

    ``previous`` — the check of the text before an edit — only makes it faster: the
    blocks of entries the edit left intact are reused, the result is the same.
    """
    if not text.strip(BLANK):
        message = "The DID pool is empty: enter at least one number or a-b range"
        return PoolCheck(DidPool.empty(), (PoolIssue(0, len(text), "empty", message),))
    old = previous.pool if previous is not None else None
    if old is not None and old._blocks:
        blocks = rebuild(text, old._text, old._blocks, old._bases)
    else:
        blocks = parse_region(text, 0, len(text))
    pool = DidPool(text, blocks)
    return PoolCheck(pool, collect_issues(pool._blocks, pool._bases, pool._counts))
