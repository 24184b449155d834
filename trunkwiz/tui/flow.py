"""The wizard's step order: a small pure object, no Textual, so Back/Next is unit-testable.

The order follows the vendor's documented procedure. Which steps apply depends on the
trunk kind (an IP-Based trunk has no credentials) and on the signed-in level (a Tenant
Admin owns the trunk and shares it with nobody, so there is no Tenants step).
"""

from __future__ import annotations

from dataclasses import dataclass

from trunkwiz.domain.labels import STEP_TITLES as STEP_TITLES

ALL_STEPS: tuple[str, ...] = tuple(STEP_TITLES)

#: Short names for the one-line step indicator (all seven fit in 80 columns); each step
#: has one name everywhere, only "Basic info" is shortened.
STEP_SHORT: dict[str, str] = {**STEP_TITLES, "basic": "Basic"}

#: Trunk kinds that authenticate with credentials (and so have a Credentials step).
CREDENTIAL_KINDS = frozenset({"register", "accept_register"})


@dataclass(frozen=True)
class Flow:
    """Decides which steps apply and in what order.

    ``kind`` is ``"register"``, ``"ip"``, ``"accept_register"`` or ``None`` (not chosen
    yet: every step that could apply is listed); ``level`` is ``"system"``, ``"tenant"`` or
    ``None`` (not signed in yet).
    """

    kind: str | None = None
    level: str | None = None

    def steps(self) -> tuple[str, ...]:
        """The steps that apply, in order."""
        out = []
        for step in ALL_STEPS:
            if (
                step == "credentials"
                and self.kind is not None
                and self.kind not in CREDENTIAL_KINDS
            ):
                continue
            if step == "tenants" and self.level == "tenant":
                continue
            out.append(step)
        return tuple(out)

    def next(self, step: str) -> str | None:
        """The step after ``step``, or ``None`` after the last one.

        ``step`` may be one that no longer applies (Credentials after switching to IP):
        the answer is still the next step that does apply.
        """
        order = _order(step)
        return next((s for s in self.steps() if _order(s) > order), None)

    def prev(self, step: str) -> str | None:
        """The step before ``step``, or ``None`` before the first one."""
        order = _order(step)
        before = [s for s in self.steps() if _order(s) < order]
        return before[-1] if before else None

    def position(self, step: str) -> tuple[int, int]:
        """``(number, total)`` for the step indicator, 1-based."""
        steps = self.steps()
        order = _order(step)
        return sum(1 for s in steps if _order(s) < order) + 1, len(steps)

    def is_last(self, step: str) -> bool:
        """True for the final step (its button is Submit, not Next)."""
        return self.next(step) is None


def _order(step: str) -> int:
    try:
        return ALL_STEPS.index(step)
    except ValueError:
        raise ValueError(f"unknown step {step!r}; steps are {', '.join(ALL_STEPS)}") from None
