"""Incremental re-checks: reuse the blocks an edit did not touch, then gather issues.

After an edit only the blocks whose text changed are parsed again. A block of the old
text is kept when its exact text still sits at the same place (counted from the start for
blocks before the edit, from the end for blocks after it) with the same separators around
it. The result never depends on which blocks were reused: a kept block parses to the same
thing it would parse to afresh.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence
from itertools import accumulate
from operator import itemgetter

from trunkwiz.domain.didpool._block import Block, Cluster, parse_region, sweep
from trunkwiz.domain.didpool._types import PoolIssue, entry_label


def rebuild(
    text: str, old_text: str, old_blocks: Sequence[Block], old_bases: Sequence[int]
) -> list[Block]:
    """Blocks for ``text``, keeping the blocks of ``old_text`` that an edit left intact."""
    size = len(text)
    delta = size - len(old_text)
    count = len(old_blocks)
    i = 0
    r0 = 0
    while i < count:
        block = old_blocks[i]
        base = old_bases[i]
        end = base + len(block.text)
        if (
            block.ends_blank
            or end >= size
            or text[end] != ";"
            or not text.startswith(block.text, base)
        ):
            break
        r0 = end + 1
        i += 1
    j = count
    r1 = size
    while j > i:
        block = old_blocks[j - 1]
        base = old_bases[j - 1] + delta
        if (
            block.starts_blank
            or base < max(r0, 1)
            or text[base - 1] != ";"
            or not text.startswith(block.text, base)
        ):
            break
        r1 = base - 1
        j -= 1
    middle = parse_region(text, r0, r1) if r1 >= r0 else []
    return [*old_blocks[:i], *middle, *old_blocks[j:]]


def bases_of(blocks: Sequence[Block]) -> tuple[int, ...]:
    """Offset of each block in the text (blocks are separated by one ``;``)."""
    if not blocks:
        return ()
    return tuple(accumulate((len(b.text) + 1 for b in blocks[:-1]), initial=0))


def counts_of(blocks: Sequence[Block]) -> tuple[int, ...]:
    """Global index of each block's first entry, then the total number of entries."""
    return tuple(accumulate((len(b.firsts) for b in blocks), initial=0))


def overlap_pairs(blocks: Sequence[Block], counts: Sequence[int]) -> list[tuple[int, int]]:
    """``(flagged, named)`` global entry indices of every overlap inside the pool.

    A cluster whose span meets no other cluster's uses its cached findings; only groups of
    clusters with intersecting spans are swept together.
    """
    spans = [(c.lo, c.hi, b, c) for b, block in enumerate(blocks) for c in block.clusters]
    spans.sort(key=itemgetter(0))
    pairs: list[tuple[int, int]] = []
    group: list[tuple[int, int, int, Cluster]] = []
    reach = -1
    for span in [*spans, None]:
        if span is not None and group and span[0] <= reach:
            group.append(span)
            reach = max(reach, span[1])
            continue
        if len(group) == 1:
            if group[0][3].overlaps:
                offset = counts[group[0][2]]
                pairs.extend((offset + f, offset + n) for f, n in group[0][3].overlaps)
        elif group:
            items = [
                (blocks[b].firsts[k], blocks[b].lasts[k], counts[b] + k)
                for _, _, b, cluster in group
                for k in cluster.members
            ]
            items.sort(key=itemgetter(0, 2))
            pairs.extend(sweep(items).items())
        if span is not None:
            group = [span]
            reach = span[1]
    return pairs


def collect_issues(
    blocks: Sequence[Block], bases: Sequence[int], counts: Sequence[int]
) -> tuple[PoolIssue, ...]:
    """Every syntax and overlap issue of the pool, in source order, absolute offsets."""
    issues = [
        PoolIssue(base + s, base + e, code, message, severity)
        for block, base in zip(blocks, bases, strict=True)
        for s, e, code, message, severity in block.issues
    ]
    pairs = overlap_pairs(blocks, counts)
    for flagged, named in pairs:
        fb = bisect_right(counts, flagged) - 1
        nb = bisect_right(counts, named) - 1
        fblock, fk = blocks[fb], flagged - counts[fb]
        nblock, nk = blocks[nb], named - counts[nb]
        mine = (fblock.firsts[fk], fblock.lasts[fk])
        theirs = (nblock.firsts[nk], nblock.lasts[nk])
        start = bases[fb] + fblock.starts[fk]
        end = bases[fb] + fblock.ends[fk]
        if mine == theirs:
            code, verb = "duplicate", "repeats"
        else:
            code, verb = "overlap", "overlaps"
        message = f"{entry_label(*mine)} {verb} {entry_label(*theirs)} earlier in this pool"
        issues.append(PoolIssue(start, end, code, message, "error"))
    if pairs:
        issues.sort(key=lambda issue: (issue.start, issue.end))
    return tuple(issues)
