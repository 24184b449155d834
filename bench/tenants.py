"""Benchmark: the Tenants step against a PBX with 100 and with 10,000 tenants.

Run with ``.venv/bin/python bench/tenants.py``. The sandbox PBX answers every request after
a modelled delay (``DELAY_MS``, as a busy PBX on the same host would), in both runs; the
wizard runs as a child process on its own 80x24 pseudo-terminal (``bench/tui.py``'s
harness), signed in and on the Options step. Measured for each size, and as a 10k/100
ratio:

* ``/tenants`` requests on the critical path: the longest chain of requests of which
  each reached the PBX after the one before it was answered (what the step waited for,
  one after the other; time the wizard spends between requests lengthens the chain too),
  and the requests in all; target <= 2 + ceil((pages - 1) / 8) at 10,000 tenants (the
  first page, the skip-convention probe, then the rest 8 at a time);
* the Tenants step: Ctrl+N on Options to the first tenant on screen (median of ``RUNS``);
  target < 0.5 s at 10,000 and within 3x of 100;
* a filter keystroke: a key written to the terminal to the last byte of the screen's
  update (the terminal quiet for ``QUIET`` s after it), typing ``FILTER`` one key at a
  time (median); target within 1.5x of 100.

Exits 1 when a target is missed.
"""

from __future__ import annotations

import math
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import tui as harness  # bench/tui.py: the pty child, the wizard signed in on a step

from trunkwiz.domain.ordering import natural_key
from trunkwiz.sandbox import server as server_module
from trunkwiz.sandbox.server import SandboxServer

SIZES = (100, 10_000)
DELAY_MS = 5
RUNS = 3
FILTER = "dental 09"
QUIET = 0.25
CONCURRENCY = 8
STEP_TARGET_S = 0.5
STEP_RATIO_TARGET = 3.0
KEY_RATIO_TARGET = 1.5


class Timeline:
    """When each ``GET /api/tenants`` arrived at the sandbox and when it was answered."""

    def __init__(self) -> None:
        self.spans: list[tuple[float, float]] = []

    def wrap(self, app: Any) -> Any:
        async def timed(scope: Any, receive: Any, send: Any) -> None:
            if scope["type"] != "http" or scope["path"] != "/api/tenants":
                await app(scope, receive, send)
                return
            start = time.perf_counter()
            try:
                await app(scope, receive, send)
            finally:
                self.spans.append((start, time.perf_counter()))

        return timed

    def critical_path(self) -> int:
        """The longest chain of requests each starting after the previous one ended."""
        chain, ended = 0, -math.inf
        for start, end in sorted(self.spans, key=lambda span: span[1]):
            if start >= ended:
                chain, ended = chain + 1, end
        return chain


def first_tenant(sandbox: SandboxServer) -> bytes:
    """The name the Tenants step lists first (natural order), as it reaches the terminal."""
    tenants = sandbox.state.tenants.values()
    first = min(tenants, key=lambda t: (natural_key(t["name"]), t["domain"].casefold(), t["id"]))
    return str(first["name"]).encode()


def keystroke(child: harness.PtyChild, key: bytes) -> float:
    """Seconds from writing ``key`` to the last byte of the update it caused."""
    mark = len(child.output)
    sent = time.perf_counter()
    child.write(key)
    last = sent
    while True:
        got = child._read(QUIET)
        if got < 0:
            raise RuntimeError("the wizard closed its terminal")
        if got == 0 and len(child.output) > mark:
            return last - sent
        if got == 0 and time.perf_counter() - sent > 10:
            raise TimeoutError(f"nothing was written after {key!r}")
        if got > 0:
            last = time.perf_counter()


def measure(size: int, tmp: Path) -> dict[str, float]:
    timeline = Timeline()
    real = server_module.create_app
    server_module.create_app = lambda *a, **k: timeline.wrap(real(*a, **k))  # type: ignore[assignment]
    try:
        sandbox = SandboxServer(tenants=size).start()
    finally:
        server_module.create_app = real  # type: ignore[assignment]
    sandbox.faults.delay_ms = DELAY_MS
    sentinel = first_tenant(sandbox)
    steps: list[float] = []
    keys: list[float] = []
    paths: list[int] = []
    try:
        for run in range(RUNS):
            folder = tmp / f"{size}-{run}"
            folder.mkdir()
            timeline.spans.clear()  # every /tenants request of this run, read ahead included
            child = harness.wizard_at(sandbox, "options", folder)
            try:
                child.settle()
                mark = len(child.output)
                child.write(b"\x0e")  # Ctrl+N: Options -> Tenants
                steps.append(child.wait_for(sentinel, since=mark))
                paths.append(timeline.critical_path())
                child.settle()
                keys += [keystroke(child, char.encode()) for char in FILTER]
            finally:
                harness.reap_with_rss(child)
    finally:
        harness.kill_leftovers()
        sandbox.stop()
    pages = math.ceil(size / 100)
    return {
        "step": statistics.median(steps),
        "key": statistics.median(keys),
        "key_max": max(keys),
        "critical": max(paths),
        "requests": len(timeline.spans),
        "bound": 2 + math.ceil((pages - 1) / CONCURRENCY),
    }


def main() -> int:
    harness.compile_package()
    with tempfile.TemporaryDirectory(prefix="trunkwiz-bench-") as name:
        small, large = (measure(size, Path(name)) for size in SIZES)
    print(f"the sandbox delays every request by {DELAY_MS} ms; pty 80x24; median of {RUNS}")
    print(f"{'':34s} {'100':>9s} {'10,000':>9s} {'ratio':>7s}")
    print(
        f"{'/tenants requests, critical path':34s} {small['critical']:9.0f} "
        f"{large['critical']:9.0f} {large['critical'] / small['critical']:6.1f}x"
        f"   (bound at 10,000: {large['bound']:.0f})"
    )
    print(f"{'/tenants requests in all':34s} {small['requests']:9.0f} {large['requests']:9.0f}")
    step_ratio = large["step"] / small["step"]
    print(
        f"{'Tenants step, Next to listed (ms)':34s} {small['step'] * 1000:9.0f} "
        f"{large['step'] * 1000:9.0f} {step_ratio:6.2f}x"
    )
    key_ratio = large["key"] / small["key"]
    print(
        f"{'filter keystroke, median (ms)':34s} {small['key'] * 1000:9.1f} "
        f"{large['key'] * 1000:9.1f} {key_ratio:6.2f}x"
    )
    print(
        f"{'filter keystroke, max (ms)':34s} {small['key_max'] * 1000:9.1f} "
        f"{large['key_max'] * 1000:9.1f}"
    )
    checks = {
        f"critical path <= {large['bound']:.0f} requests": large["critical"] <= large["bound"],
        f"Tenants step at 10,000 < {STEP_TARGET_S} s": large["step"] < STEP_TARGET_S,
        f"Tenants step within {STEP_RATIO_TARGET}x of 100": step_ratio <= STEP_RATIO_TARGET,
        f"filter keystroke within {KEY_RATIO_TARGET}x of 100": key_ratio <= KEY_RATIO_TARGET,
    }
    for what, ok in checks.items():
        print(f"  {what}: {'ok' if ok else 'MISSED'}")
    return 0 if all(checks.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
