"""Parsing pool text into blocks: runs of whole entries, each parsed once.

A pool's text is cut into blocks of about :data:`BLOCK_SEGMENTS` ``;``-separated
segments. A block's result depends only on its own text and on whether a separator lies
before/after it, so a block whose text survives an edit unchanged is reused as is (see
:mod:`trunkwiz.domain.didpool._reuse`). Offsets inside a block are relative to the block's
first character. Blocks are never cut next to a blank segment, so a run of empty entries
(``;;;``) always lies inside one block and gives one issue.
"""

from __future__ import annotations

import heapq
from dataclasses import dataclass

from trunkwiz.domain.didpool._entry import BLANK, RawIssue, plain, plain_block, segment
from trunkwiz.domain.didpool._types import PoolEntry

BLOCK_SEGMENTS = 128
"""Segments per block: the work redone when one entry changes."""

MAX_CLUSTERS = 4
"""Clusters per block: a block is split at its widest gaps (only gaps wider than a
quarter of the block's span), so one stray entry (a number
being typed, an entry out of order) gets a span of its own instead of widening the
block's span over the whole pool."""


@dataclass(frozen=True, slots=True)
class Cluster:
    """Entries of one block whose span ``[lo, hi]`` no other cluster of the block meets."""

    lo: int
    """Lowest number in the cluster."""
    hi: int
    """Highest number in the cluster."""
    members: tuple[int, ...]
    """Local entry indices, sorted by ``first`` (ties in source order)."""
    overlaps: tuple[tuple[int, int], ...]
    """``(flagged, named)`` local entry indices of overlaps inside the cluster."""


class _WeakReferable:
    """A slotted base with ``__weakref__``: ``dataclass(weakref_slot=True)`` is 3.11+."""

    __slots__ = ("__weakref__",)


@dataclass(frozen=True, slots=True, eq=False)
class Block(_WeakReferable):
    """The parse of a run of whole segments (compared by identity, weakly referenceable)."""

    text: str
    """The block's source text (its segments joined by ``;``)."""
    firsts: tuple[int, ...]
    """``first`` of each valid entry, in source order."""
    lasts: tuple[int, ...]
    """``last`` of each valid entry, in source order."""
    starts: tuple[int, ...]
    """Relative start offset of each valid entry."""
    ends: tuple[int, ...]
    """Relative end offset of each valid entry."""
    issues: tuple[RawIssue, ...]
    """Syntax findings (relative offsets), in source order."""
    clusters: tuple[Cluster, ...]
    """The valid entries split into a few clusters with disjoint spans."""
    starts_blank: bool
    """The first segment is blank."""
    ends_blank: bool
    """The last segment is blank."""
    lo: int
    """Lowest number of any valid entry (0 when there is none)."""
    hi: int
    """Highest number of any valid entry (-1 when there is none)."""

    def entry(self, k: int, base: int, text: str) -> PoolEntry:
        """Valid entry ``k`` of this block, placed at ``base`` in the pool ``text``."""
        start = base + self.starts[k]
        end = base + self.ends[k]
        return PoolEntry(self.firsts[k], self.lasts[k], start, end, text[start:end])


def sweep(items: list[tuple[int, int, int]]) -> dict[int, int]:
    """Overlaps among ``(first, last, index)`` items sorted by ``first`` then ``index``.

    Returns ``{flagged: named}``: for each overlapping pair met while sweeping, the entry
    later in source order is flagged and the earlier one named (first finding kept).
    """
    found: dict[int, int] = {}
    reach_last = -1
    reach = -1
    for first, last, index in items:
        if reach >= 0 and first <= reach_last:
            later, earlier = (index, reach) if index > reach else (reach, index)
            found.setdefault(later, earlier)
        if last > reach_last:
            reach_last, reach = last, index
    return found


def parse_region(text: str, r0: int, r1: int, size: int | None = None) -> list[Block]:
    """Parse ``text[r0:r1]`` (whole segments) into blocks of about ``size`` segments
    (default :data:`BLOCK_SEGMENTS`)."""
    size = size or BLOCK_SEGMENTS
    segs = text[r0:r1].split(";")
    blank = [not seg.strip(BLANK) for seg in segs]
    n = len(segs)
    blocks: list[Block] = []
    i = 0
    while i < n:
        j = min(i + size, n)
        while j < n and (blank[j - 1] or blank[j]):
            j += 1
        before = i > 0 or r0 > 0
        after = j < n or r1 < len(text)
        blocks.append(_build(segs[i:j], blank[i:j], before, after))
        i = j
    return blocks


def _build(segs: list[str], blank: list[bool], before: bool, after: bool) -> Block:
    text = ";".join(segs)
    issues: list[RawIssue] = []
    fast = plain_block(text, segs)
    if fast is not None:
        firsts, lasts, starts, ends = fast
    else:
        firsts, lasts, starts, ends = [], [], [], []
        _slow(segs, blank, before, after, (firsts, lasts, starts, ends), issues)
    return Block(
        text=text,
        firsts=tuple(firsts),
        lasts=tuple(lasts),
        starts=tuple(starts),
        ends=tuple(ends),
        issues=tuple(issues),
        clusters=_clusters(firsts, lasts),
        starts_blank=blank[0],
        ends_blank=blank[-1],
        lo=min(firsts, default=0),
        hi=max(lasts, default=-1),
    )


def _slow(
    segs: list[str],
    blank: list[bool],
    before: bool,
    after: bool,
    out: tuple[list[int], list[int], list[int], list[int]],
    issues: list[RawIssue],
) -> None:
    """Segment by segment, with positions of every issue and runs of empty entries."""
    firsts, lasts, starts, ends = out
    run_start = run_end = -2
    pos = 0
    last_k = len(segs) - 1
    for k, seg in enumerate(segs):
        if blank[k]:
            if run_start == -2:
                run_start = pos - 1 if (k > 0 or before) else pos
            run_end = pos + len(seg) + (1 if (k < last_k or after) else 0)
        else:
            if run_start != -2:
                issues.append(_empty_issue(run_start, run_end))
                run_start = -2
            entry = plain(seg)
            if entry is None:
                segment(seg, pos, out, issues)
            else:
                firsts.append(entry[0])
                lasts.append(entry[1])
                starts.append(pos)
                ends.append(pos + len(seg))
        pos += len(seg) + 1
    if run_start != -2:
        issues.append(_empty_issue(run_start, run_end))


def _clusters(firsts: list[int], lasts: list[int]) -> tuple[Cluster, ...]:
    """Split the entries at their widest gaps, each wider than a quarter of the block's
    span (at most :data:`MAX_CLUSTERS` clusters)."""
    if not firsts:
        return ()
    order = sorted(range(len(firsts)), key=firsts.__getitem__)
    gaps: list[tuple[int, int]] = []
    reach = -1
    for position, k in enumerate(order):
        if position and firsts[k] > reach:
            gaps.append((firsts[k] - reach, position))
        reach = max(reach, lasts[k])
    span = reach - firsts[order[0]]
    cuts = sorted(p for gap, p in heapq.nlargest(MAX_CLUSTERS - 1, gaps) if gap * 4 > span)
    clusters = []
    for a, b in zip([0, *cuts], [*cuts, len(order)], strict=True):
        members = order[a:b]
        found = sweep([(firsts[k], lasts[k], k) for k in members])
        hi = max(lasts[k] for k in members)
        clusters.append(Cluster(firsts[members[0]], hi, tuple(members), tuple(found.items())))
    return tuple(clusters)


def _empty_issue(start: int, end: int) -> RawIssue:
    return (start, end, "empty-entry", "Empty entry: remove the extra ';'", "error")
