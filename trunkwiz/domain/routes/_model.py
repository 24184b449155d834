"""The route models: outbound and inbound rules of one tenant and trunk, and destinations.

Each model checks its own fields (pydantic); checks against the tenant's DID pool are in
:mod:`~trunkwiz.domain.routes._checks`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Annotated

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    field_validator,
    model_validator,
)

from trunkwiz.compat import Self, StrEnum
from trunkwiz.domain.jsondata import JsonObject
from trunkwiz.domain.office_hours import ALWAYS, GLOBAL, OfficeHours
from trunkwiz.domain.options import Name64

VOICEMAIL_PREFIX = "voicemail:"
HANGUP = "hangup"
MAX_DIGITS = 15

# A forward-to number: spec /inbound_rules *_forward_rule.number, "Extension number … or
# External number: the numeric sequence of numbers, with or without a plus sign".
_NUMBER = re.compile(r"\+?[0-9]{1,64}")
_RANGE = re.compile(r"([0-9]{1,15})\s*-\s*([0-9]{1,15})")
_DID = re.compile(r"[1-9][0-9]{0,14}")
CALLER_ID = re.compile(r"(\+00|\+|00|0)?([1-9][0-9]{0,14})")
"""A caller ID: an optional ``+``, ``0``, ``00`` or ``+00``, then a DID (group 2)."""
_PREFIX_LIST = re.compile(r"\+?[0-9*#]+(;\+?[0-9*#]+)*")
_LENGTH_LIST = re.compile(r"[0-9]{1,2}(;[0-9]{1,2})*")
_PREPEND = re.compile(r"[0-9*#+]{0,64}")

Text64 = Annotated[str, StringConstraints(strip_whitespace=True, max_length=64)]


class Action(StrEnum):
    """What an inbound rule does with a call (the API's ``action``)."""

    number = "FORWARD_TO_NUMBER"
    voicemail = "FORWARD_TO_VOICEMAIL"
    hangup = "HANGUP"


@dataclass(frozen=True)
class Destination:
    """Where an inbound call goes: a number (or extension range), a voicemail, or hang up."""

    action: Action
    number: str = ""
    """The number, extension range (``a-b``) or, for voicemail, the extension."""

    @classmethod
    def parse(cls, text: str) -> Destination:
        """Read the trunk-file spelling; raises ``ValueError`` with a plain message."""
        value = text.strip()
        if value.casefold() == HANGUP:
            return cls(Action.hangup)
        if value.casefold().startswith(VOICEMAIL_PREFIX):
            ext = value[len(VOICEMAIL_PREFIX) :].strip()
            if not re.fullmatch(r"[0-9]{1,15}", ext):
                raise ValueError(f"'{value}': write voicemail:<extension>, e.g. voicemail:1001")
            return cls(Action.voicemail, ext)
        if _RANGE.fullmatch(value):
            first, last = _RANGE.fullmatch(value).groups()  # type: ignore[union-attr]
            if int(first) > int(last):
                raise ValueError(f"'{value}': the range must go from low to high")
            return cls(Action.number, f"{first}-{last}")
        if _NUMBER.fullmatch(value):
            return cls(Action.number, value)
        forms = "a number (1001), an extension range (1100-1199), voicemail:<extension> or hangup"
        if not value:
            raise ValueError(f"enter where calls go: {forms}")
        raise ValueError(f"'{value}' is not a destination: write {forms}")

    @property
    def text(self) -> str:
        """The trunk-file spelling (what :meth:`parse` reads)."""
        if self.action is Action.hangup:
            return HANGUP
        if self.action is Action.voicemail:
            return VOICEMAIL_PREFIX + self.number
        return self.number

    @property
    def range_size(self) -> int | None:
        """How many extensions an ``a-b`` range covers (None: not a range)."""
        found = _RANGE.fullmatch(self.number) if self.action is Action.number else None
        return None if found is None else int(found.group(2)) - int(found.group(1)) + 1

    def to_api(self) -> JsonObject:
        """The API's ``{action, number}`` (``number`` left out for hang up)."""
        return {"action": self.action.value} | ({"number": self.number} if self.number else {})

    @classmethod
    def from_api(cls, value: object) -> Destination | None:
        """From ``{action, number}``; None when absent or unusable (no number to forward to)."""
        if not isinstance(value, dict):
            return None
        try:
            action = Action(str(value.get("action") or ""))
        except ValueError:
            return None
        number = str(value.get("number") or "").strip()
        if action is not Action.hangup and not number:
            return None
        return cls(action, "" if action is Action.hangup else number)


def default_inbound_hours(after_hours: object) -> OfficeHours:
    """An inbound rule's hours when none are given: with an after-hours destination, the
    tenant's office hours (``global``: "after hours" means after those); without one,
    ``always`` (every call goes to ``forward_to``, at any hour)."""
    return GLOBAL if after_hours not in (None, "") else ALWAYS


def parse_did_range(text: str) -> tuple[int, int]:
    """One DID or one ``a-b`` range as ``(first, last)``; raises ``ValueError``."""
    value = text.strip()
    if not value:
        raise ValueError("enter one DID or one a-b range of DIDs")
    found = _RANGE.fullmatch(value)
    if found:
        first, last = found.groups()
        if not (_DID.fullmatch(first) and _DID.fullmatch(last)):
            raise ValueError(f"'{value}': a DID never starts with 0 (nor + or 00)")
        if int(first) > int(last):
            raise ValueError(f"'{value}': the range must go from low to high")
        return int(first), int(last)
    if _DID.fullmatch(value):
        return int(value), int(value)
    if value.startswith(("+", "0")):
        raise ValueError(f"'{value}': write the DID without a leading +, 0 or 00")
    raise ValueError(f"'{value}' is not one DID or one a-b range of DIDs")


class OutboundRoute(BaseModel):
    """An outbound rule that sends matching calls out through the trunk (its route through
    the trunk: ``prepend``, ``strip_digits``, ``caller_id``, ``enabled``)."""

    name: Name64 = Field(description="Rule name (1-64 characters), unique in the tenant.")
    number_prefix: Text64 = Field(
        default="", description="Dialled numbers starting with one of these (';'-list)."
    )
    number_length: Text64 = Field(
        default="", description="Dialled numbers with one of these digit counts (';'-list)."
    )
    prepend: Text64 = Field(default="", description="Digits put in front after stripping.")
    strip_digits: int = Field(default=0, ge=0, le=9, description="Digits removed at the start.")
    caller_id: Text64 = Field(
        default="", description="Outbound caller ID: a number of the tenant's pool."
    )
    enabled: bool = Field(default=True, description="Whether the route through the trunk is on.")
    office_hours: OfficeHours | None = Field(
        default=ALWAYS,
        description="When the rule lets calls through (default: always). None only when "
        "read from a PBX rule that states no office hours.",
    )

    model_config = ConfigDict(
        extra="forbid", frozen=True, hide_input_in_errors=True, arbitrary_types_allowed=True
    )

    @field_validator("office_hours", mode="before")
    @classmethod
    def _hours(cls, value: object) -> OfficeHours | None:
        return None if value is None else OfficeHours.parse(value)

    @field_validator("number_prefix")
    @classmethod
    def _prefix(cls, value: str) -> str:
        if value and not _PREFIX_LIST.fullmatch(value):
            raise ValueError("write digits, ';'-separated (e.g. 1;00)")
        return value

    @field_validator("number_length")
    @classmethod
    def _length(cls, value: str) -> str:
        if value and not _LENGTH_LIST.fullmatch(value):
            raise ValueError("write digit counts, ';'-separated (e.g. 10;11)")
        if value and any(not 1 <= int(n) <= 64 for n in value.split(";")):
            raise ValueError("a digit count is between 1 and 64")
        return value

    @field_validator("prepend")
    @classmethod
    def _prepend(cls, value: str) -> str:
        if not _PREPEND.fullmatch(value):
            raise ValueError("write digits, * # or + only (e.g. 52709417*)")
        return value

    @field_validator("caller_id")
    @classmethod
    def _caller(cls, value: str) -> str:
        if value and not CALLER_ID.fullmatch(value):
            raise ValueError("write a number of the DID pool (a leading +, 0, 00 or +00 is ok)")
        return value

    @model_validator(mode="after")
    def _some_calls(self) -> Self:
        if not self.number_prefix and not self.number_length:
            raise ValueError("say which calls: a number prefix, a number length or both")
        return self


class InboundRoute(BaseModel):
    """An inbound rule that routes one DID or one DID range of the trunk."""

    model_config = ConfigDict(
        extra="forbid", frozen=True, hide_input_in_errors=True, arbitrary_types_allowed=True
    )

    name: Name64 = Field(description="Rule name (1-64 characters), unique in the tenant.")
    did_numbers: str = Field(description="One DID or one a-b range, inside the tenant's pool.")
    forward_to: Destination = Field(description="Where calls go in office hours.")
    after_hours: Destination | None = Field(default=None, description="Outside office hours.")
    holidays: Destination | None = Field(default=None, description="On holidays.")
    office_hours: OfficeHours | None = Field(
        default=None,
        description="When calls go to forward_to rather than after_hours. Left out: "
        "global (the tenant's hours) when after_hours is set, else always. None after "
        "reading only when the PBX rule states none.",
    )

    @model_validator(mode="before")
    @classmethod
    def _default_hours(cls, data: object) -> object:
        if isinstance(data, dict) and "office_hours" not in data:
            return {**data, "office_hours": default_inbound_hours(data.get("after_hours"))}
        return data

    @field_validator("office_hours", mode="before")
    @classmethod
    def _hours(cls, value: object) -> OfficeHours | None:
        return None if value is None else OfficeHours.parse(value)

    @field_validator("did_numbers")
    @classmethod
    def _did(cls, value: str) -> str:
        first, last = parse_did_range(value)
        return str(first) if first == last else f"{first}-{last}"

    @field_validator("forward_to", "after_hours", "holidays", mode="before")
    @classmethod
    def _destination(cls, value: object) -> object:
        return Destination.parse(value) if isinstance(value, str) else value

    @model_validator(mode="after")
    def _sizes(self) -> Self:
        first, last = parse_did_range(self.did_numbers)
        for label, dest in (
            ("forward_to", self.forward_to),
            ("after_hours", self.after_hours),
            ("holidays", self.holidays),
        ):
            size = dest.range_size if dest is not None else None
            if size is not None and size != last - first + 1:
                raise ValueError(
                    f"{label}: the extension range {dest.number} has {size} numbers but the "  # type: ignore[union-attr]
                    f"DID range {self.did_numbers} has {last - first + 1}; they must match"
                )
        return self

    @property
    def did_range(self) -> tuple[int, int]:
        """``(first, last)`` of the DID or range."""
        return parse_did_range(self.did_numbers)


@dataclass(frozen=True)
class TenantRoutes:
    """The rules of one tenant that use the trunk.

    ``None`` for a kind means "not managed": the rules of that kind are left as they are.
    An empty tuple means "none": rules of that kind using the trunk are removed.
    """

    outbound: tuple[OutboundRoute, ...] | None = None
    inbound: tuple[InboundRoute, ...] | None = None

    @property
    def managed(self) -> bool:
        """Whether either kind is managed."""
        return self.outbound is not None or self.inbound is not None
