"""The probe rate limit covers OPTIONS too and holds across processes (a state file)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from pydantic import SecretStr

from trunkwiz.sip.probe import ProbeTarget, probe
from trunkwiz.sip.ratelimit import RateLimiter
from trunkwiz.sip.resolve import SrvRecord
from trunkwiz.sip.result import Outcome

ROOT = Path(__file__).resolve().parents[2]

ACQUIRE = """
import sys, time
from pathlib import Path
from trunkwiz.sip.ratelimit import RateLimiter
limiter = RateLimiter(60.0, state=Path(sys.argv[1]))
print(" ".join(f"{limiter.try_acquire(sys.argv[2]):.3f}" for _ in range(int(sys.argv[3]))))
"""


def acquire_in_processes(state: Path, host: str, times: int, processes: int) -> list[float]:
    """``times`` attempts in each of ``processes`` processes running at once."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    running = [
        subprocess.Popen(
            [sys.executable, "-c", ACQUIRE, str(state), host, str(times)],
            stdout=subprocess.PIPE,
            text=True,
            env=env,
        )
        for _ in range(processes)
    ]
    waits: list[float] = []
    for proc in running:
        out, _ = proc.communicate(timeout=60)
        assert proc.returncode == 0
        waits += [float(w) for w in out.split()]
    return waits


class NoDns:
    async def srv(self, name: str, timeout: float) -> list[SrvRecord]:
        raise AssertionError("no lookup while rate-limited")

    async def addresses(self, host: str, timeout: float) -> list[str]:
        raise AssertionError("no lookup while rate-limited")


async def test_an_options_probe_is_rate_limited_too(tmp_path: Path) -> None:
    limiter = RateLimiter(5.0, state=tmp_path / "state.json")
    assert limiter.try_acquire("carrier.test") == 0.0
    target = ProbeTarget("carrier.test", None, "UDP", "u", "", SecretStr("p"))
    result = await probe(target, register=False, limiter=limiter, resolver=NoDns())
    assert result.outcome is Outcome.RATE_LIMITED and result.retry_after > 0


def test_the_limit_holds_across_processes(tmp_path: Path) -> None:
    state = tmp_path / "state.json"
    first = acquire_in_processes(state, "sip.carrier.test", 1, 1)
    assert first == [0.0]
    later = acquire_in_processes(state, "SIP.carrier.test", 1, 1)
    assert 0 < later[0] <= 60.0, "another process sees the first one's attempt"
    assert acquire_in_processes(state, "other.test", 1, 1) == [0.0]
    assert state.stat().st_mode & 0o777 == 0o600


def test_processes_at_once_get_one_attempt_between_them(tmp_path: Path) -> None:
    waits = acquire_in_processes(tmp_path / "state.json", "carrier.test", 10, 3)
    assert len(waits) == 30 and waits.count(0.0) == 1, waits


@pytest.mark.parametrize("content", ["garbage", "[1, 2]", '{"carrier.test": "x"}'])
def test_an_unreadable_state_is_started_afresh(tmp_path: Path, content: str) -> None:
    state = tmp_path / "state.json"
    state.write_text(content)
    limiter = RateLimiter(60.0, state=state)
    assert limiter.try_acquire("carrier.test") == 0.0
    assert RateLimiter(60.0, state=state).try_acquire("carrier.test") > 0
    assert set(json.loads(state.read_text())) == {"carrier.test"}


def test_an_entry_from_before_a_reboot_is_ignored(tmp_path: Path) -> None:
    state = tmp_path / "state.json"
    state.write_text(json.dumps({"carrier.test": time.monotonic() + 10_000}))
    assert RateLimiter(60.0, state=state).try_acquire("carrier.test") == 0.0


def test_an_unusable_state_file_still_limits_in_process(tmp_path: Path) -> None:
    limiter = RateLimiter(60.0, state=tmp_path / "missing-dir" / "state.json")
    assert limiter.try_acquire("carrier.test") == 0.0
    assert limiter.try_acquire("carrier.test") > 0


def test_a_deep_state_file_falls_back_to_the_process_table(tmp_path: Path) -> None:
    """A state file nested without end is unusable like any broken one, not a crash."""
    state = tmp_path / "probe-hosts.json"
    state.write_bytes(b"[" * 200_000 + b"]" * 200_000)
    limiter = RateLimiter(5.0, state=state)
    assert limiter.try_acquire("sip.example.com") == 0
    assert limiter.try_acquire("sip.example.com") > 0
