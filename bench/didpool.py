"""Benchmark: one keystroke in a 10,000-entry DID pool checked against 1,000 other pools.

Run with ``.venv/bin/python bench/didpool.py``. Prints the median time of one keystroke's
re-check (``check_pool(text, previous=...)`` plus ``PoolIndex.collisions``) against the
5 ms target, ratios against baselines measured in the same run (``str.split`` of the same
text, and a full re-check without ``previous``), and the memory that parsing
``1-999999999999999`` allocates next to ``1-2``. Exits 1 when a target is missed.
"""

from __future__ import annotations

import gc
import os
import random
import statistics
import sys
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from trunkwiz.domain.didpool import (
    DidPool,
    PoolCheck,
    PoolIndex,
    check_pool,
)

TARGET_MS = 5.0
RUNS = 50
BASE = 16_468_000_000


def edited_pool(entries: int = 10_000) -> str:
    """A pool of singles and ranges, ascending, as a PBX would hold it."""
    parts = []
    for i in range(entries):
        first = BASE + i * 20
        parts.append(f"{first}-{first + 9}" if i % 2 else str(first))
    return ";".join(parts)


def other_pools(owners: int = 1_000, entries: int = 10) -> dict[str, DidPool]:
    """Pools of other tenants interleaved with the edited pool's numbers (in its gaps),
    one entry of the first tenant colliding with it."""
    pools: dict[str, DidPool] = {}
    for o in range(owners):
        parts = []
        for e in range(entries):
            first = BASE + (o * entries + e) * 20 + 12
            parts.append(f"{first}-{first + 4}" if e % 2 else str(first))
        if o == 0:
            parts[0] = str(BASE + 25)
        pools[f"tenant T{o:04d}"] = DidPool.parse(";".join(parts))
    return pools


def median_ms(action: Callable[[], object], runs: int = RUNS) -> float:
    """Median wall time of ``action`` in milliseconds."""
    times = []
    for _ in range(runs):
        gc.collect()
        began = time.perf_counter()
        action()
        times.append(time.perf_counter() - began)
    return statistics.median(times) * 1000


def keystrokes(text: str) -> list[tuple[str, str]]:
    """``(before, after)`` texts of typical keystrokes: typing a new entry at the end,
    changing the last digit of an entry in the middle, deleting a character there."""
    mid = text.index(";", len(text) // 2)
    typed = "1646820"
    cases = []
    for n in range(1, len(typed)):
        cases.append((f"{text};{typed[: n - 1]}".rstrip(";"), f"{text};{typed[:n]}"))
    for digit in "1234567":
        changed = text[: mid - 1] + digit + text[mid:]
        cases.append((text, changed))
        cases.append((changed, text[: mid - 1] + text[mid:]))
    return cases


def keystroke_ms(text: str, index: PoolIndex) -> tuple[float, float, int]:
    """Median wall and CPU time of one keystroke's re-check, given the check before it."""
    cases = keystrokes(text)
    times = []
    cpu = []
    collisions = 0
    for run in range(RUNS):
        before_text, after_text = cases[run % len(cases)]
        before = check_pool(before_text)
        index.collisions(before.pool)
        gc.collect()
        began, began_cpu = time.perf_counter(), time.process_time()
        after = check_pool(after_text, previous=before)
        found = index.collisions(after.pool)
        times.append(time.perf_counter() - began)
        cpu.append(time.process_time() - began_cpu)
        collisions = max(collisions, len(found))
    return statistics.median(times) * 1000, statistics.median(cpu) * 1000, collisions


def allocated(text: str) -> tuple[int, int]:
    """Bytes held by the parsed pool (with its intervals and size computed) and the peak
    while parsing (which also counts the discarded check and its warnings)."""
    _ = DidPool.parse(text).intervals  # warm caches (interned ints, code objects)
    gc.collect()
    tracemalloc.start()
    pool = DidPool.parse(text)
    _ = pool.intervals, pool.size
    gc.collect()
    held, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    del pool
    return held, peak


def main() -> int:
    text = edited_pool()
    others = other_pools()
    began = time.perf_counter()
    index = PoolIndex(others)
    build_ms = (time.perf_counter() - began) * 1000
    fresh = check_pool(text)
    assert fresh.ok and len(fresh.pool.entries) == 10_000, fresh.issues[:3]

    split_ms = median_ms(lambda: text.split(";"))
    full_ms = median_ms(lambda: PoolIndex(others).collisions(check_pool(text).pool), runs=10)
    parse_ms = median_ms(lambda: check_pool(text), runs=10)
    key_ms, cpu_ms, found = keystroke_ms(text, index)

    shuffled = text.split(";")
    random.Random(1).shuffle(shuffled)
    unsorted = ";".join(shuffled)
    previous: PoolCheck = check_pool(unsorted)
    began = time.perf_counter()
    check_pool(unsorted + "1", previous=previous)
    unsorted_ms = (time.perf_counter() - began) * 1000

    small, small_peak = allocated("1-2")
    huge, huge_peak = allocated("1-999999999999999")
    tiny, _ = allocated("1-99")
    # Both '1-99' and '1-999999999999999' carry a length-mismatch warning; what differs is
    # text length (13 characters in the text and message copies) and a 15-digit int that
    # is not one of the cached small ints. Nothing may depend on how many numbers there are.
    allowance = 4 * (len("1-999999999999999") - len("1-99")) + 64
    # The same shape with the same text length: two numbers against 9 x 10^14 numbers.
    pair, _ = allocated("100000000000000-100000000000001")
    wide, _ = allocated("100000000000000-999999999999999")
    one_int = sys.getsizeof(10**15)  # the pool's cached count is a big int instead of 2
    memory_ok = huge - tiny <= allowance and wide - pair <= one_int
    passed = key_ms < TARGET_MS and memory_ok

    print("DID pool: 10,000 entries edited, 1,000 other pools of 10 entries")
    print(f"  index build (once per screen)         {build_ms:8.2f} ms")
    print(f"  full check_pool of 10,000 entries     {parse_ms:8.2f} ms")
    print(f"  baseline str.split(';') of same text  {split_ms:8.3f} ms")
    print(f"  baseline full re-check + new index    {full_ms:8.2f} ms")
    print(
        f"  keystroke re-check (median of {RUNS})    {key_ms:8.3f} ms   target < {TARGET_MS} ms"
        f"   {'PASS' if key_ms < TARGET_MS else 'FAIL'}"
    )
    print(f"    = {key_ms / split_ms:.2f}x str.split, {key_ms / full_ms:.3f}x full re-check")
    print(f"    CPU time of the same (median)       {cpu_ms:8.3f} ms")
    print(f"    collisions found per keystroke: {found}; load average {os.getloadavg()[0]:.2f}")
    print(f"  keystroke in the same pool shuffled  {unsorted_ms:8.2f} ms   (informative)")
    print("  tracemalloc, bytes held by the parsed pool (peak while parsing):")
    print(f"    '1-2'                  {small:6d} ({small_peak})   2 numbers")
    print(f"    '1-99'                 {tiny:6d}            99 numbers, length-mismatch warning")
    print(f"    '1-999999999999999'    {huge:6d} ({huge_peak})   10^15 numbers, same warning")
    print(
        f"    '1-999999999999999' vs '1-2': {huge - small:+d} bytes (its warning and 14 more"
        f" characters); vs '1-99': {huge - tiny:+d} bytes (allowed {allowance} for the longer"
        f" text and a 15-digit int): {'PASS' if memory_ok else 'FAIL'}"
    )
    print(
        f"    '100000000000000-100000000000001' {pair:6d}   2 numbers\n"
        f"    '100000000000000-999999999999999' {wide:6d}   9 x 10^14 numbers: "
        f"{'PASS' if wide - pair <= one_int else 'FAIL'} ({wide - pair:+d} bytes: the count"
        f" 900000000000000 is one {one_int}-byte int where 2 is a cached small int)"
    )
    print("PASS" if passed else "FAIL")
    return 0 if passed else 1


if __name__ == "__main__":
    raise SystemExit(main())
