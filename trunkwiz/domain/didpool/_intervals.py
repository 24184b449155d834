"""Set operations on sorted, merged, inclusive integer intervals (never expanded)."""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable
from operator import itemgetter

Interval = tuple[int, int]
"""An inclusive ``(first, last)`` pair."""

Intervals = tuple[Interval, ...]
"""Sorted, non-overlapping, non-adjacent intervals."""


def merge(pairs: Iterable[Interval]) -> Intervals:
    """Sort ``pairs`` and merge the overlapping or adjacent ones."""
    out: list[list[int]] = []
    for first, last in sorted(pairs):
        if out and first <= out[-1][1] + 1:
            if last > out[-1][1]:
                out[-1][1] = last
        else:
            out.append([first, last])
    return tuple((first, last) for first, last in out)


def union(a: Intervals, b: Intervals) -> Intervals:
    """Numbers in ``a`` or ``b``."""
    return merge((*a, *b))


def intersection(a: Intervals, b: Intervals) -> Intervals:
    """Numbers in both ``a`` and ``b`` (two-pointer walk, linear)."""
    out: list[Interval] = []
    i = j = 0
    while i < len(a) and j < len(b):
        first = max(a[i][0], b[j][0])
        last = min(a[i][1], b[j][1])
        if first <= last:
            out.append((first, last))
        if a[i][1] < b[j][1]:
            i += 1
        else:
            j += 1
    return tuple(out)


def contains(intervals: Intervals, number: int) -> bool:
    """Whether ``number`` lies in one of ``intervals`` (binary search)."""
    k = bisect_right(intervals, number, key=itemgetter(0)) - 1
    return k >= 0 and intervals[k][0] <= number <= intervals[k][1]


def overlaps(a: Intervals, b: Intervals) -> bool:
    """Whether ``a`` and ``b`` share at least one number."""
    i = j = 0
    while i < len(a) and j < len(b):
        if a[i][0] <= b[j][1] and b[j][0] <= a[i][1]:
            return True
        if a[i][1] < b[j][1]:
            i += 1
        else:
            j += 1
    return False


def size(intervals: Intervals) -> int:
    """How many numbers the intervals hold."""
    return sum(last - first + 1 for first, last in intervals)


def format_intervals(intervals: Intervals) -> str:
    """Canonical text: ``a`` or ``a-b`` per interval, joined by ``;``."""
    return ";".join(str(a) if a == b else f"{a}-{b}" for a, b in intervals)
