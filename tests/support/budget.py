"""Time budgets of the long explorations (the random walks through the wizard, fuzzers).

``make test`` gives each exploration a bounded time (``TRUNKWIZ_EXPLORE_SECONDS``, 30 s by
default) after a minimum number of runs, so the suite's length does not depend on the
machine's speed; ``make explore`` sets a long budget and many examples and prints the seed
of any failure. A budget is a bound on work, never an expected wait.
"""

from __future__ import annotations

import os
import time


def explore_seconds(default: float = 15.0) -> float:
    """Seconds an exploration may run once its minimum is done."""
    return float(os.environ.get("TRUNKWIZ_EXPLORE_SECONDS", default))


def explore_examples(default: int) -> int:
    """How many examples an exploration draws at most (more under ``make explore``)."""
    return int(os.environ.get("TRUNKWIZ_EXPLORE_EXAMPLES", default))


class Budget:
    """Started when made: ``spent(done)`` once ``minimum`` runs are done and time is up."""

    def __init__(self, minimum: int, seconds: float | None = None) -> None:
        self.minimum = minimum
        self.seconds = explore_seconds() if seconds is None else seconds
        self.deadline = time.monotonic() + self.seconds

    def spent(self, done: int) -> bool:
        return done >= self.minimum and time.monotonic() >= self.deadline
