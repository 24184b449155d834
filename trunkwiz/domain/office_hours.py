"""Office hours of a call rule: when an outbound rule lets calls through, and when an
inbound rule sends calls to its office-hours destination rather than the after-hours one.

The API (``office_hours`` of ``/outbound_rules`` and ``/inbound_rules``) knows two modes:
``GLOBAL`` (the tenant's own office hours) and ``CUSTOM`` (a schedule per weekday, each day
``{enabled, ranges: [{from, to}]}`` with ``HH:MM`` times, ``from`` earlier than ``to``).
trunkwiz writes three spellings, in the trunk file and on screen:

- ``"always"`` — every day 00:00–23:59 (sent as ``CUSTOM`` with every day enabled);
- ``"global"`` — the tenant's office hours (``GLOBAL``);
- a weekly schedule — in the trunk file a table ``{ monday = "09:00-17:00", tuesday =
  "09:00-12:00;13:00-17:00" }``, on one line ``monday 09:00-17:00, tuesday 09:00-12:00;
  13:00-17:00``; a day left out is closed.

The spec gives ``mode`` no default and the KB says a call outside an outbound rule's office
hours is blocked, so trunkwiz always sends the hours it shows (``docs/internals.md``,
"Office hours").
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Mapping
from dataclasses import dataclass

from trunkwiz.domain.jsondata import JsonObject

DAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_SHORT = {d[:3]: d for d in DAYS}
_TIME = re.compile(r"([01][0-9]|2[0-3]):([0-5][0-9])")
_RANGE = re.compile(r"\s*(\d{1,2}:\d{2})\s*-\s*(\d{1,2}:\d{2})\s*")
ALL_DAY = ("00:00", "23:59")

Ranges = tuple[tuple[str, str], ...]


def _time(text: str) -> str:
    value = text.strip()
    if len(value) == 4 and value[1] == ":":
        value = "0" + value
    if not _TIME.fullmatch(value):
        raise ValueError(f"'{text.strip()}' is not a time of day: write HH:MM, 00:00 to 23:59")
    return value


def parse_ranges(text: str, day: str = "") -> Ranges:
    """``09:00-12:00;13:00-17:00`` as ``(("09:00", "12:00"), ("13:00", "17:00"))`` (sorted);
    empty text or ``closed`` is no range. Raises ``ValueError`` with a plain message."""
    where = f"{day}: " if day else ""
    value = text.strip()
    if not value or value.casefold() == "closed":
        return ()
    out: list[tuple[str, str]] = []
    for part in value.split(";"):
        found = _RANGE.fullmatch(part)
        if found is None:
            raise ValueError(f"{where}'{part.strip()}' is not a range: write HH:MM-HH:MM")
        start, end = _time(found.group(1)), _time(found.group(2))
        if start >= end:
            raise ValueError(f"{where}{start}-{end}: the start must be earlier than the end")
        out.append((start, end))
    out.sort()
    for (_a, end), (start, _b) in itertools.pairwise(out):
        if start < end:
            raise ValueError(f"{where}the ranges overlap at {start}")
    return tuple(out)


@dataclass(frozen=True)
class OfficeHours:
    """``mode`` is ``always``, ``global`` or ``weekly``; ``days`` (weekly only) holds the
    ranges of each weekday, Monday first (an empty tuple: closed that day)."""

    mode: str
    days: tuple[Ranges, ...] = ()

    # -- reading ------------------------------------------------------------------------

    @classmethod
    def parse(cls, value: object) -> OfficeHours:
        """From the trunk file or a form: ``"always"``, ``"global"``, a one-line weekly
        schedule, or a table of weekdays. Raises ``ValueError``."""
        if isinstance(value, OfficeHours):
            return value
        if isinstance(value, Mapping):
            return cls._weekly(value)
        if not isinstance(value, str):
            raise ValueError('write "always", "global" or a weekly schedule')
        text = value.strip()
        if text.casefold() in ("always", "global"):
            return cls(text.casefold())
        if not text:
            raise ValueError('write "always", "global" or a weekly schedule')
        days: dict[str, str] = {}
        for part in text.split(","):
            head, _, rest = part.strip().partition(" ")
            days[head] = rest
        return cls._weekly(days)

    @classmethod
    def _weekly(cls, days: Mapping[str, object]) -> OfficeHours:
        found: dict[str, Ranges] = {}
        for key, ranges in days.items():
            name = str(key).strip().casefold()
            day = name if name in DAYS else _SHORT.get(name)
            if day is None:
                raise ValueError(
                    f"'{key}' is not a weekday (monday … sunday, or mon … sun); or write "
                    '"always" or "global"'
                )
            if day in found:
                raise ValueError(f"{day} is given twice")
            if not isinstance(ranges, str):
                raise ValueError(f'{day}: write the hours in quotes, e.g. "09:00-17:00"')
            found[day] = parse_ranges(ranges, day)
        hours = cls("weekly", tuple(found.get(d, ()) for d in DAYS))
        if not any(hours.days):
            raise ValueError('no hours on any day: the rule would never apply (write "always"?)')
        return hours.normal()

    def normal(self) -> OfficeHours:
        """A weekly schedule of 00:00–23:59 every day is ``always``."""
        if self.mode == "weekly" and all(d == (ALL_DAY,) for d in self.days):
            return ALWAYS
        return self

    # -- the API --------------------------------------------------------------------------

    def to_api(self) -> JsonObject:
        """The explicit ``office_hours`` object to send."""
        if self.mode == "global":
            return {"mode": "GLOBAL"}
        days = tuple((ALL_DAY,) for _ in DAYS) if self.mode == "always" else self.days
        body: JsonObject = {"mode": "CUSTOM"}
        for day, ranges in zip(DAYS, days, strict=True):
            body[day] = {
                "enabled": bool(ranges),
                "ranges": [{"from": a, "to": b} for a, b in ranges],
            }
        return body

    @classmethod
    def from_api(cls, value: object) -> OfficeHours | None:
        """From the PBX's ``office_hours`` (None: absent or unreadable). A day ``enabled``
        with no range is all day, as the spec's description says."""
        if not isinstance(value, dict):
            return None
        mode = str(value.get("mode") or "").upper()
        if mode == "GLOBAL":
            return GLOBAL
        if mode != "CUSTOM":
            return None
        days: list[Ranges] = []
        for day in DAYS:
            entry = value.get(day)
            if not isinstance(entry, dict) or not entry.get("enabled"):
                days.append(())
                continue
            ranges = entry.get("ranges") or []
            if not isinstance(ranges, list):
                return None
            try:
                text = ";".join(f"{r.get('from')}-{r.get('to')}" for r in ranges)
                days.append(parse_ranges(text) or (ALL_DAY,))
            except (ValueError, AttributeError):
                return None
        return cls("weekly", tuple(days)).normal()

    # -- writing --------------------------------------------------------------------------

    @property
    def text(self) -> str:
        """The one-line spelling (what :meth:`parse` reads)."""
        if self.mode != "weekly":
            return self.mode
        return ", ".join(
            f"{day} {';'.join(f'{a}-{b}' for a, b in ranges)}"
            for day, ranges in zip(DAYS, self.days, strict=True)
            if ranges
        )

    def to_file(self) -> str | dict[str, str]:
        """The trunk-file value: ``"always"``, ``"global"`` or a table of open days."""
        if self.mode != "weekly":
            return self.mode
        return {
            day: ";".join(f"{a}-{b}" for a, b in ranges)
            for day, ranges in zip(DAYS, self.days, strict=True)
            if ranges
        }

    def describe(self) -> str:
        """For plan lines and screens."""
        if self.mode == "always":
            return "always (every day 00:00-23:59)"
        if self.mode == "global":
            return "the tenant's office hours (global)"
        return self.text


ALWAYS = OfficeHours("always")
GLOBAL = OfficeHours("global")
