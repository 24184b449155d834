"""The plain data of DID pools: issues, entries and the one exception.

Issue codes are stable (a widget or a test may match on them):

- ``empty`` — the whole text is blank; a pool to submit needs at least one entry.
- ``empty-entry`` — nothing between two separators, or a leading/trailing ``;``. The span
  covers the separator(s) around the gap (``;;`` is one issue spanning both).
- ``not-digits`` — a number holds a character other than ``0``-``9``.
- ``leading-plus`` — a number is written ``+…``; pools never carry the ``+``.
- ``leading-zero`` — a number starts with ``0`` or ``00``.
- ``too-long`` — more than 15 digits (the E.164 maximum).
- ``bad-range`` — a range with a missing side (``5-``) or more than one ``-``.
- ``reversed-range`` — ``a-b`` with ``a > b``.
- ``length-mismatch`` (warning) — ``a`` and ``b`` of a range have different lengths.
- ``duplicate`` / ``overlap`` — an entry repeats or overlaps an earlier entry of the same
  pool; the later entry is flagged, the message names the earlier one.
- ``collision`` — an entry overlaps an entry of another owner's pool.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, NamedTuple

Severity = Literal["error", "warning"]

MAX_DIGITS = 15
"""E.164 allows at most 15 digits."""


@dataclass(frozen=True, slots=True)
class PoolIssue:
    """One finding about a pool text, positioned so a widget can underline it."""

    start: int
    """Offset of the first character at fault in the source text."""
    end: int
    """Offset just past the last character at fault (exclusive)."""
    code: str
    """Stable machine-readable code, e.g. ``leading-zero``."""
    message: str
    """One plain sentence for the user."""
    severity: Severity = "error"
    """``"error"`` blocks submitting the pool; ``"warning"`` does not."""


class PoolEntry(NamedTuple):
    """One ``;``-separated entry: an inclusive interval and where it sits in the text."""

    first: int
    """Lowest number of the entry."""
    last: int
    """Highest number of the entry (equal to ``first`` for a single number)."""
    start: int
    """Offset of the entry's first non-blank character in the source text."""
    end: int
    """Offset just past the entry's last non-blank character."""
    text: str
    """The entry exactly as written (``text[start:end]`` of the source)."""

    @property
    def label(self) -> str:
        """Canonical spelling: ``a`` or ``a-b``."""
        return entry_label(self.first, self.last)


class DidPoolError(ValueError):
    """Raised by :meth:`DidPool.parse` for text that is not a valid pool."""

    def __init__(self, issues: tuple[PoolIssue, ...]) -> None:
        self.issues = issues
        """Every issue found (errors and warnings), in source order."""
        errors = [issue for issue in issues if issue.severity == "error"]
        shown = "; ".join(f"{e.message} (at {e.start}-{e.end})" for e in errors[:3])
        more = f" and {len(errors) - 3} more" if len(errors) > 3 else ""
        super().__init__(f"invalid DID pool: {shown}{more}")


def entry_label(first: int, last: int) -> str:
    """``a`` for a single number, ``a-b`` for a range."""
    return str(first) if first == last else f"{first}-{last}"


def shorten(text: str, limit: int = 24) -> str:
    """``text`` cut to ``limit`` characters with an ellipsis, for messages."""
    return text if len(text) <= limit else text[: limit - 1] + "…"
