"""Small result types of the use cases, and the errors the front ends may catch.

The TUI and the CLI see the PBX and the keyring only through ``trunkwiz.service``: a
sign-in answers ``Connected | NeedsTrust | Refused``, a carrier test a ``CarrierTest``, a
running submit reports ``Progress``, a failed one is explained as a ``SubmitFailure``.
``ServiceError`` is the one exception type a PBX read or write raises
(``trunkwiz.service.errors``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from trunkwiz.domain.labels import STEP_TITLES, label_of
from trunkwiz.pbx.errors import PbxError, field_hint
from trunkwiz.pbx.outcome import ApplyFailed
from trunkwiz.pbx.outcome import ApplyResult as ApplyResult  # what a submit did
from trunkwiz.pbx.outcome import Progress as Progress  # what a running submit reports
from trunkwiz.service.validate import step_of

if TYPE_CHECKING:
    from trunkwiz.pbx.planning import Plan as Plan  # what a submit sends (the review shows)
    from trunkwiz.service.connection import Connection


@dataclass(frozen=True)
class Connected:
    """Signed in."""

    connection: Connection


@dataclass(frozen=True)
class NeedsTrust:
    """The PBX's certificate is not trusted yet: ask, then sign in again with the pin."""

    fingerprint: str | None
    """The certificate's SHA-256 fingerprint (None when it could not be read)."""
    message: str


@dataclass(frozen=True)
class Refused:
    """The sign-in failed; ``field`` is where the Connect step shows ``message``."""

    field: str
    """``url`` (network, TLS, the PBX) or ``pbx_password`` (credentials refused)."""
    message: str
    pin_expected: str | None = None
    """The pinned fingerprint, when the PBX's certificate no longer matches it."""
    bad_input: bool = False
    """The URL or TLS settings themselves cannot be used (the user's input, not the PBX)."""


SignIn = Connected | NeedsTrust | Refused


@dataclass(frozen=True)
class CarrierTest:
    """A SIP test of the carrier from this host (or why none was run)."""

    method: str
    """``REGISTER``, ``OPTIONS`` or empty when nothing was sent."""
    diagnosis: str
    note: str = ""
    """Why the method is weaker than it could be (e.g. no password typed)."""
    ok: bool = False


@dataclass(frozen=True)
class SubmitFailure:
    """A failed submit in the user's words, and the field the PBX named (if any)."""

    message: str
    field: str | None = None


def explain_submit_failure(exc: Exception) -> SubmitFailure:
    """The error and what was rolled back; and the field the PBX named, if any.

    When the PBX named a field of another step, the message says which step to go back to.
    """
    cause = getattr(exc, "cause", exc)
    field = None
    if isinstance(cause, PbxError):
        field = getattr(cause, "field", None) or field_hint(cause.messages)
    if isinstance(exc, ApplyFailed):
        # ApplyFailed's own text: the failure, then what was (or was not) rolled back.
        rest = str(exc).splitlines()[1:]
        lines = [f"Submit failed at '{exc.failed}': {cause}", *rest]
    else:
        lines = [f"Submit failed: {exc}"]
    if field and step_of(field) != "review":
        step = step_of(field)
        lines.append(
            f"The PBX refused {label_of(field)}: go Back to the {STEP_TITLES.get(step, step)} step."
        )
    return SubmitFailure("\n".join(lines), field)


def left_created_trunk(exc: Exception) -> bool:
    """Whether a failed submit left the trunk it created (its deletion failed too)."""
    if not isinstance(exc, ApplyFailed):
        return True
    return any(line.startswith("created trunk") for line in exc.not_rolled_back)
