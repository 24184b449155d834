"""What an apply reports: its progress, its result, the record of what is in effect, and
its failures (``ApplyFailed``, ``ApplyInterrupted``: what was rolled back, what could not
be, what was kept). ``StepStopped`` carries the step an apply stopped at to its rollback.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from trunkwiz.pbx.errors import PbxError
from trunkwiz.pbx.planning import Operation
from trunkwiz.pbx.rules_ops import RuleOp


@dataclass(frozen=True)
class Progress:
    """One step of an apply (``stage`` ``apply``) or of its rollback (``rollback``)."""

    stage: str
    done: int
    total: int
    line: str


@dataclass(frozen=True)
class ApplyResult:
    """What a successful apply did."""

    trunk_id: str | None
    """The trunk's id (new when it was created)."""
    created: bool
    """True when this run created the trunk."""
    done: tuple[str, ...]
    """One line per operation sent, in completion order."""
    requests: int
    """HTTP requests sent by this run."""


ROLLBACK_TIMEOUT = 60.0
"""Seconds a rollback may take in all (its calls, a new sign-in included)."""


@dataclass
class ApplyRecord:
    """What one apply has changed so far; updated in place as each call completes."""

    trunk_id: str | None = None
    """The trunk's id: known before the run, or set as soon as this run created it
    (None again once a created trunk was deleted by the rollback)."""
    created: bool = False
    """True while a trunk this run created exists on the PBX."""
    in_effect: list[str] = field(default_factory=list)
    """Changes of this run currently in effect on the PBX, one line each."""


class Interrupted(Exception):
    """The apply was asked to stop (a signal, or the task was cancelled)."""


class ApplyFailed(PbxError):
    """A call failed; what this run had changed was rolled back where possible."""

    def __init__(
        self,
        trunk_name: str,
        failed: str,
        cause: BaseException,
        *,
        rolled_back: list[str],
        not_rolled_back: list[str],
        kept: list[str],
        record: ApplyRecord | None = None,
    ) -> None:
        lines = [self.headline(trunk_name, failed, cause)]
        if rolled_back:
            lines.append("Rolled back: " + "; ".join(rolled_back))
        if not_rolled_back:
            lines.append("Could NOT be rolled back: " + "; ".join(not_rolled_back))
        if kept:
            lines.append("Kept: " + "; ".join(kept))
        if not (rolled_back or not_rolled_back or kept):
            lines.append("Nothing had been changed.")
        elif not (not_rolled_back or kept):
            lines.append("Nothing of this run is left on the PBX.")
        status = cause.status if isinstance(cause, PbxError) else None
        messages = cause.messages if isinstance(cause, PbxError) else ()
        super().__init__("\n".join(lines), status=status, messages=messages)
        self.failed = failed
        """The operation that failed."""
        self.cause = cause
        """The error it failed with."""
        self.rolled_back = rolled_back
        """Changes of this run that were undone."""
        self.not_rolled_back = not_rolled_back
        """Changes of this run that remain because undoing them failed (with the reason)."""
        self.kept = kept
        """Changes that remain on purpose (e.g. a new password cannot be un-set)."""
        self.record = record or ApplyRecord()
        """The trunk's id and the changes still in effect after the rollback."""

    @staticmethod
    def headline(trunk_name: str, failed: str, cause: BaseException) -> str:
        """The first line of the message."""
        return f"applying trunk {trunk_name} failed at '{failed}': {cause}"

    @property
    def trunk_id(self) -> str | None:
        """The trunk left on the PBX (None when there is none, e.g. a create undone)."""
        return self.record.trunk_id


class ApplyInterrupted(ApplyFailed):
    """The apply was stopped (``stop`` set or the task cancelled) and rolled back."""

    @staticmethod
    def headline(trunk_name: str, failed: str, cause: BaseException) -> str:
        return (
            f"applying trunk {trunk_name} was interrupted before '{failed}': no new call "
            "was started"
        )


class StepStopped(Exception):
    """The step an apply stopped at (a failure or a stop), and why."""

    def __init__(self, op: Operation | RuleOp, cause: BaseException) -> None:
        super().__init__(str(cause))
        self.op = op
        self.cause = cause
