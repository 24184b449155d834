"""Plan and apply: turn a desired trunk into PBX calls, idempotently, with rollback.

``plan(desired, current)`` compares and sends nothing; ``Plan.describe()`` gives the lines
shown before anything is sent; ``apply(client, plan, ...)`` sends the calls and undoes
what it changed when a later call fails (``ApplyFailed``).
"""

from __future__ import annotations

from trunkwiz.pbx.applying import apply
from trunkwiz.pbx.outcome import (
    ApplyFailed,
    ApplyInterrupted,
    ApplyRecord,
    ApplyResult,
    Progress,
)
from trunkwiz.pbx.planning import CurrentTrunk, Operation, OpKind, Plan, PlanError, plan

__all__ = [
    "ApplyFailed",
    "ApplyInterrupted",
    "ApplyRecord",
    "ApplyResult",
    "CurrentTrunk",
    "OpKind",
    "Operation",
    "Plan",
    "PlanError",
    "Progress",
    "apply",
    "plan",
]
