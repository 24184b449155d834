"""Call routes of a trunk: outbound rules (calls out through it) and inbound rules (its DIDs in).

Rules are tenant objects on the PBX. trunkwiz manages, per tenant, the rules that use one
trunk: an outbound rule with one route through the trunk, an inbound rule for one DID or
one DID range of the trunk. Field names follow the trunk file; :mod:`trunkwiz.pbx.rules`
maps them to the API (``routes[].prepend``, ``office_hours_forward_rule`` …).

A destination (where inbound calls go) is written in one text, in the trunk file too:

- ``"1001"`` — forward to a number: an extension, ring group, queue or external number;
- ``"1100-1200"`` — an extension range of the same size as the rule's DID range (1:1);
- ``"voicemail:1001"`` — the voicemail of extension 1001;
- ``"hangup"`` — hang up.

Checks against the tenant's DID pool for the trunk (:func:`caller_id_problem`,
:func:`did_problem`) are separate pure functions so a screen can run them per keystroke.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Annotated, Any

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    field_validator,
    model_validator,
)

from trunkwiz.compat import Self, StrEnum
from trunkwiz.domain.didpool import DidPool
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
_CALLER_ID = re.compile(r"(\+00|\+|00|0)?([1-9][0-9]{0,14})")
_PREFIX_LIST = re.compile(r"\+?[0-9*#]+(;\+?[0-9*#]+)*")
_LENGTH_LIST = re.compile(r"[0-9]{1,2}(;[0-9]{1,2})*")
_PREPEND = re.compile(r"[0-9*#+]{0,64}")
# The KB gives one tech prefix, "52709417" (Flowroute configuring-outbound-and-inbound-calls
# .md, Step 3: Prepend "52709417*"), and no length; the dial string is
# "<tech_prefix>*<number>" (seed brands.json, Flowroute prefix_facts.format_on_wire). So:
# digits, leaving room for the "*" in the 64-character Prepend.
_TECH_PREFIX = re.compile(r"[0-9]{1,63}")

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
        raise ValueError(
            f"'{value}' is not a destination: write a number (1001), an extension range "
            "(1100-1199), voicemail:<extension> or hangup"
        )

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

    def to_api(self) -> dict[str, Any]:
        """The API's ``{action, number}`` (``number`` left out for hang up)."""
        return {"action": self.action.value} | ({"number": self.number} if self.number else {})

    @classmethod
    def from_api(cls, value: Any) -> Destination | None:
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


def default_inbound_hours(after_hours: Any) -> OfficeHours:
    """An inbound rule's hours when none are given: with an after-hours destination, the
    tenant's office hours (``global``: "after hours" means after those); without one,
    ``always`` (every call goes to ``forward_to``, at any hour)."""
    return GLOBAL if after_hours not in (None, "") else ALWAYS


def parse_did_range(text: str) -> tuple[int, int]:
    """One DID or one ``a-b`` range as ``(first, last)``; raises ``ValueError``."""
    value = text.strip()
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
    def _hours(cls, value: Any) -> Any:
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
        if value and not _CALLER_ID.fullmatch(value):
            raise ValueError("write a number of the DID pool (a leading +, 0, 00 or +00 is ok)")
        return value

    @model_validator(mode="after")
    def _some_calls(self) -> Self:
        if not self.number_prefix and not self.number_length:
            raise ValueError("say which calls: set number_prefix and/or number_length")
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
    def _default_hours(cls, data: Any) -> Any:
        if isinstance(data, dict) and "office_hours" not in data:
            return {**data, "office_hours": default_inbound_hours(data.get("after_hours"))}
        return data

    @field_validator("office_hours", mode="before")
    @classmethod
    def _hours(cls, value: Any) -> Any:
        return None if value is None else OfficeHours.parse(value)

    @field_validator("did_numbers")
    @classmethod
    def _did(cls, value: str) -> str:
        first, last = parse_did_range(value)
        return str(first) if first == last else f"{first}-{last}"

    @field_validator("forward_to", "after_hours", "holidays", mode="before")
    @classmethod
    def _destination(cls, value: Any) -> Any:
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


# -- checks against the tenant's pool -------------------------------------------------------


def caller_id_problem(caller_id: str, pool: DidPool | None) -> str | None:
    """Why ``caller_id`` cannot be used with this pool (None: fine or nothing to check).

    A leading ``+``, ``0``, ``00`` or ``+00`` is allowed; the number after it must be in
    the tenant's DID pool for the trunk.
    """
    value = caller_id.strip()
    if not value:
        return None
    found = _CALLER_ID.fullmatch(value)
    if found is None:
        return f"'{value}' is not a number (a leading +, 0, 00 or +00 is allowed)"
    if pool is None or pool.is_empty:
        return "the tenant has no DID pool for this trunk: a caller ID must come from it"
    if int(found.group(2)) not in pool:
        return f"{value} is not in the tenant's DID pool for this trunk ({pool.format()})"
    return None


def did_problem(did_numbers: str, pool: DidPool | None) -> str | None:
    """Why ``did_numbers`` (one DID or range) is not wholly inside ``pool`` (None: it is)."""
    try:
        first, last = parse_did_range(did_numbers)
    except ValueError as exc:
        return str(exc)
    if pool is None or pool.is_empty:
        return "the tenant has no DID pool for this trunk: inbound DIDs must come from it"
    wanted = DidPool.from_intervals([(first, last)])
    if wanted.intersection(pool).size != wanted.size:
        return (
            f"{did_numbers.strip()} is not wholly in the DID pool for this trunk ({pool.format()})"
        )
    return None


@dataclass(frozen=True)
class RouteIssue:
    """One problem of a tenant's routes: which rule and field, and what is wrong."""

    kind: str
    """``outbound`` or ``inbound``."""
    index: int
    """0-based position of the rule in its list."""
    field: str
    message: str


def duplicate_issues(routes: TenantRoutes) -> list[RouteIssue]:
    """Rules of one tenant and trunk that cannot live together: two rules of a kind with
    exactly the same name (names are matched exactly: "Dup" and "DUP" are two rules), and
    two inbound rules for the same DID (the KB: each inbound rule of a trunk needs its own
    number; trunkwiz sets no caller-number mask that could tell them apart)."""
    issues: list[RouteIssue] = []
    for kind in ("outbound", "inbound"):
        names: list[str] = [r.name for r in getattr(routes, kind) or ()]
        seen: set[str] = set()
        for i, name in enumerate(names):
            if name in seen:
                issues.append(RouteIssue(kind, i, "name", f"another {kind} rule is named '{name}'"))
            seen.add(name)
    taken: list[tuple[int, int, str]] = []
    for i, inbound in enumerate(routes.inbound or ()):
        first, last = inbound.did_range
        clash = next((name for a, b, name in taken if a <= last and first <= b), None)
        if clash is not None:
            issues.append(
                RouteIssue(
                    "inbound",
                    i,
                    "did_numbers",
                    f"{inbound.did_numbers} is already routed by inbound rule '{clash}' "
                    "of this trunk: each DID needs one inbound rule",
                )
            )
        taken.append((first, last, inbound.name))
    return issues


def route_issues(routes: TenantRoutes, pool: DidPool | None) -> list[RouteIssue]:
    """Every pool problem, duplicate name and duplicate DID of a tenant's routes (empty:
    all good)."""
    issues = duplicate_issues(routes)
    for i, out in enumerate(routes.outbound or ()):
        problem = caller_id_problem(out.caller_id, pool)
        if problem:
            issues.append(RouteIssue("outbound", i, "caller_id", problem))
    for i, inbound in enumerate(routes.inbound or ()):
        problem = did_problem(inbound.did_numbers, pool)
        if problem:
            issues.append(RouteIssue("inbound", i, "did_numbers", problem))
    return issues


# -- brand pre-fills -------------------------------------------------------------------------


@dataclass(frozen=True)
class OutboundPrefill:
    """What a brand's guide documents for an outbound rule through its trunk."""

    number_length: str = ""
    prepend: str = ""
    strip_digits: int = 0
    note: str = ""
    ask: dict[str, str] = field(default_factory=dict)
    """Per field with no documented value: what to ask the carrier (shown as placeholder)."""


def flowroute_prepend(tech_prefix: str) -> str:
    """Flowroute's Prepend: the tech prefix followed by ``*`` (``52709417*``).

    Raises ``ValueError`` unless the prefix is digits (shown in the Flowroute portal under
    IP Authentication, as "Tech Prefix" or "Call Prefix").
    """
    value = tech_prefix.strip()
    if not _TECH_PREFIX.fullmatch(value):
        raise ValueError(
            "the Flowroute tech prefix is digits only (Flowroute portal › IP Authentication)"
        )
    return f"{value}*"


def outbound_prefill(brand: str, *, tech_prefix: str = "") -> OutboundPrefill:
    """The outbound-rule pre-fill for ``brand`` (an empty pre-fill for other brands).

    Flowroute: Prepend ``<tech prefix>*`` (needs ``tech_prefix``); which numbers the rule
    matches is not documented, so it is asked for. SIPTRUNK: 10-digit dialling with ``1``
    prepended.
    """
    key = brand.strip().casefold()
    if key == "flowroute":
        prepend = flowroute_prepend(tech_prefix) if tech_prefix.strip() else ""
        return OutboundPrefill(
            # no number_length: the KB's Flowroute routing page sets no condition (its
            # screenshot wavix-fig21.png leaves "certain digits" empty); the seed gives only
            # the format after the prefix (outbound_number_format: country code + number)
            "",
            # KB Flowroute configuring-outbound-and-inbound-calls.md Step 3: "52709417*"
            prepend,
            0,
            "every call carries Flowroute's tech prefix followed by *",
            {"number_length": "ask Flowroute: digits after the prefix"},
        )
    if key == "siptrunk":
        # KB SIPTRUNK configuring-outbound-and-inbound-calls.md, "Dialing Format Best
        # Practices": 10-digit format; users dialling without the country code: prepend 1
        # (screenshot SIPTRUNK.com_5.png: Strip Digits 0, Prepend 1)
        return OutboundPrefill("10", "1", 0, "10-digit US numbers get a leading 1")
    return OutboundPrefill()
