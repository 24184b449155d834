"""Benchmark: create one trunk and share it with 100 tenants, concurrent vs one at a time.

A sandbox PBX runs in its own process on loopback (``trunkwiz sandbox --port 0
--no-register``), as a PBX is a separate program. Bare loopback has almost no round trip,
so there would be no waiting for concurrency to overlap; a real PBX answers after a
network round trip plus its own processing. Both runs therefore use the sandbox's
``delay_ms`` fault (default 20 ms added before every API reply; a PBX over a WAN is
slower), set identically for BOTH runs, and the ratio is computed within the same run.

Each mode is run ``--repeat`` times, alternating, and the medians are compared. Prints the
wall time of the apply, the HTTP requests (counted by the client and by the sandbox) and
the ratio. Targets: the concurrent apply under 2 s and at least 3x faster than one at a
time; exits 1 when a target is missed.

Usage: python bench/apply.py [--tenants 100] [--concurrency 8] [--delay-ms 20] [--repeat 3]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import httpx
from pydantic import SecretStr

from trunkwiz.domain.trunk import parse_trunk
from trunkwiz.pbx.client import PbxClient
from trunkwiz.pbx.objects import Tenant
from trunkwiz.pbx.plan import apply, plan
from trunkwiz.sandbox.server import DEFAULT_ADMIN_PASSWORD

TARGET_SECONDS = 2.0
TARGET_RATIO = 3.0


@dataclass(frozen=True)
class Run:
    """One apply: its wall time and requests (client-side and sandbox-side counts)."""

    seconds: float
    requests: int
    served: int
    assigned: int


@contextmanager
def sandbox_process(tenants: int) -> Iterator[str]:
    """A ``trunkwiz sandbox`` child process; yields its URL, stops it afterwards."""
    argv = [sys.executable, "-m", "trunkwiz", "sandbox", "--port", "0", "--no-register"]
    argv += ["--tenants", str(tenants)]
    proc = subprocess.Popen(argv, stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline()
        if not line.startswith("READY "):
            raise SystemExit(f"the sandbox did not start: {line!r}")
        yield line.split()[1]
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def desired(label: str, tenants: list[Tenant]) -> Any:
    """A register trunk shared with ``tenants`` (100 DIDs each)."""
    return parse_trunk(
        {
            "kind": "register",
            "name": f"Bench {label}",
            "hostname": f"sip.{label}.bench.example",
            "auth_id": f"bench-{label}",
            "password": "bench-secret",
            "tenants": [
                {
                    "tenant_id": t.id,
                    "tenant_name": t.name,
                    "did_numbers": f"{10_000 + 100 * i}-{10_099 + 100 * i}",
                    "concurrency": 10,
                }
                for i, t in enumerate(tenants)
            ],
        }
    )


async def faults(http: httpx.AsyncClient, **switches: int) -> dict[str, Any]:
    """Read (and with ``switches``, set) the sandbox's fault switches (not an API call)."""
    if switches:
        reply = await http.post("/_sandbox/faults", json=switches)
    else:
        reply = await http.get("/_sandbox/faults")
    reply.raise_for_status()
    body: dict[str, Any] = reply.json()
    return body


async def one_run(
    pbx: PbxClient, http: httpx.AsyncClient, label: str, tenants: list[Tenant], conc: int
) -> Run:
    """Plan (not timed), apply (timed), check, then destroy the trunk (not timed)."""
    steps = plan(desired(label, tenants), None)
    calls_before = (await faults(http))["calls"]
    started = time.perf_counter()
    result = await apply(pbx, steps, concurrency=conc)
    seconds = time.perf_counter() - started
    served = (await faults(http))["calls"] - calls_before
    assert result.trunk_id is not None
    assigned = len(await pbx.assignees(result.trunk_id))
    await pbx.destroy_provider(result.trunk_id)
    return Run(seconds, result.requests, served, assigned)


async def measure(
    url: str, count: int, concurrency: int, delay_ms: int, repeat: int
) -> tuple[list[Run], list[Run]]:
    """``repeat`` concurrent and one-at-a-time runs, alternating, all with ``delay_ms``."""
    async with PbxClient(url) as pbx, httpx.AsyncClient(base_url=url, timeout=10) as http:
        await pbx.sign_in("admin", SecretStr(DEFAULT_ADMIN_PASSWORD))
        tenants = (await pbx.tenants())[:count]
        if len(tenants) < count:
            raise SystemExit(f"the sandbox has only {len(tenants)} tenants")
        await one_run(pbx, http, "warmup", tenants[:10], concurrency)  # imports, connections
        await faults(http, delay_ms=delay_ms)
        fast: list[Run] = []
        slow: list[Run] = []
        try:
            for k in range(repeat):
                fast.append(await one_run(pbx, http, f"c{concurrency}r{k}", tenants, concurrency))
                slow.append(await one_run(pbx, http, f"c1r{k}", tenants, 1))
        finally:
            await faults(http, delay_ms=0)
    return fast, slow


def describe(name: str, runs: list[Run]) -> float:
    """Print one mode's runs; return the median wall time."""
    median = statistics.median(r.seconds for r in runs)
    times = ", ".join(f"{r.seconds:.3f}" for r in runs)
    last = runs[-1]
    print(
        f"  {name:<16} median {median:.3f} s  (runs: {times} s); {last.requests} HTTP "
        f"requests sent, {last.served} served by the sandbox, {last.assigned} tenants assigned"
    )
    return median


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark; 0 when both targets are met, 1 otherwise."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--tenants", type=int, default=100)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument(
        "--delay-ms", type=int, default=20, help="latency added to every reply (both runs)"
    )
    parser.add_argument("--repeat", type=int, default=3, help="runs per mode (median is used)")
    args = parser.parse_args(argv)
    load = os.getloadavg()[0]
    print(
        f"create 1 trunk + assign {args.tenants} tenants; sandbox PBX in its own process on "
        f"loopback; {os.cpu_count()} CPUs, load average {load:.2f}"
    )
    print(
        f"modelled network: +{args.delay_ms} ms before every API reply, in BOTH runs "
        "(bare loopback has ~0 round trip, so nothing would overlap)"
    )
    with sandbox_process(max(120, args.tenants)) as url:
        fast, slow = asyncio.run(
            measure(url, args.tenants, args.concurrency, args.delay_ms, args.repeat)
        )
    fast_s = describe(f"concurrency={args.concurrency}", fast)
    slow_s = describe("one at a time", slow)
    ratio = slow_s / fast_s
    print(f"  ratio one-at-a-time / concurrent (medians): {ratio:.2f}x")
    ok = True
    expected = args.tenants + 1
    for run in fast + slow:
        if run.assigned != args.tenants or run.requests != expected or run.served != expected:
            print(f"FAIL: expected {args.tenants} tenants in {expected} requests, got {run}")
            ok = False
    if fast_s >= TARGET_SECONDS:
        print(f"FAIL: {fast_s:.3f} s is not under the {TARGET_SECONDS} s target")
        ok = False
    if ratio < TARGET_RATIO:
        print(f"FAIL: {ratio:.2f}x is below the {TARGET_RATIO}x target")
        ok = False
    print("targets met" if ok else "targets MISSED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
