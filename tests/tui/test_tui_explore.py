"""The explorer over the real wizard at 80x24 against the sandbox (tests/support/explorer.py).

``make test`` runs one fixed seed within the exploration budget (tests/support/budget.py);
``make explore`` runs seed after seed for as long as asked and prints the seed of any
failure; ``TRUNKWIZ_EXPLORE_SEED=N`` replays one seed.
"""

from __future__ import annotations

import asyncio
import os
import random
import time

import pytest

from tests.support.budget import Budget, explore_seconds
from tests.support.explorer import Explorer
from tests.tui.conftest import make_services
from trunkwiz.sandbox.server import SandboxServer

FIXED_SEED = 17
MINIMUM_ACTIONS = 100  # actions every run makes, whatever the budget
SESSIONS_PER_SEED = 4  # a longer run: this many app sessions per seed, then a new seed


@pytest.mark.slow
def test_explorer_finds_no_crash_no_hidden_focus_and_resume_keeps_every_value(
    sandbox: SandboxServer,
) -> None:
    seconds = explore_seconds(15.0)
    budget = Budget(minimum=MINIMUM_ACTIONS, seconds=seconds)
    replay = os.environ.get("TRUNKWIZ_EXPLORE_SEED")
    long_run = seconds > 60 and replay is None
    seeds = [int(replay)] if replay else [FIXED_SEED]
    started = time.monotonic()
    totals = {"actions": 0, "sessions": 0, "resumes": 0, "seeds": 0}
    steps: set[str] = set()
    while True:
        seed = seeds.pop(0) if seeds else random.SystemRandom().randrange(1 << 32)
        explorer = Explorer(seed, sandbox, make_services)
        try:
            asyncio.run(
                explorer.run(
                    lambda n, done=totals["actions"]: budget.spent(done + n),
                    sessions=SESSIONS_PER_SEED if long_run else None,
                )
            )
        except AssertionError:
            print(f"\nexplorer: seed {seed} failed; replay with TRUNKWIZ_EXPLORE_SEED={seed}")
            raise
        totals["actions"] += explorer.actions
        totals["sessions"] += explorer.sessions
        totals["resumes"] += explorer.resumes
        totals["seeds"] += 1
        steps |= explorer.steps_seen
        if replay:
            print(sorted(explorer.counts.items()))
        if not long_run or budget.spent(totals["actions"]):
            break
    print(
        f"\nexplorer: {totals} in {time.monotonic() - started:.0f} s; steps seen: "
        f"{', '.join(sorted(steps))}"
    )
    assert totals["actions"] >= MINIMUM_ACTIONS
