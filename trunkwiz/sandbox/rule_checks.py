"""Server-side checks of inbound and outbound rule fields, as the spec and the KB state them.

Each check raises a 400 ``VALIDATE_FAILED`` whose ``detail.field`` names the field (a
dotted path, with ``[i]`` for list items, as the schema problems do). The comment above
each rule quotes its source: the v22 spec's description of the field (``spec:``), the
admin guide / KB as summarised in ``shared/portsip/routing-notes.md`` and ``api-notes.md``
(``KB:``), or says that the notes are silent and what the sandbox chose.

What the spec allows is allowed: a route without ``provider_id`` (not required by the
route schema), holiday ids of the tenant, fields the schema does not name (dropped by
:func:`trunkwiz.sandbox.spec.known_only`). ``office_hours`` is stored exactly as sent:
the spec gives ``mode`` no default, so nothing is filled in.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from trunkwiz.sandbox.checks import parse_did_numbers
from trunkwiz.sandbox.errors import invalid
from trunkwiz.sandbox.seed import tenant_holidays

DAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")

# spec (office_hours ranges): "The start time for office hour with format `HH:MM` in 24
# hour clock, such as "09:00"." — so 00:00 … 23:59, two digits each.
_CLOCK = re.compile(r"([01][0-9]|2[0-3]):[0-5][0-9]")

# KB (routing-notes §2, "Route row → Trunks"): "the guide allows up to 6 routes".
MAX_ROUTES = 6

# spec (routes[].strip_digits): "Digits for striping number. Values: 0-9."
MAX_STRIP_DIGITS = 9

# spec (number_length): "A semicolon-separated list of integer"; KB (api-notes §16): it is
# the digit count of the dialled number (e.g. `8;10;12`), so each is a whole number >= 1.
_LENGTHS = re.compile(r"[1-9][0-9]*(;[1-9][0-9]*)*")

# spec (number_mask): "A semicolon-separated list of extensions allowed. For example by
# specifying "101-110;199", extensions from 101 to 110 and 199" — digits or a digit range.
_EXTENSION_ENTRY = re.compile(r"([0-9]+)(?:-([0-9]+))?")

# spec (cid_number_mask): "add the number in it's entirety … or use the * as a wildcard.
# For example 0044********** … The CID number mask also allow set a number range, for
# example: 00442012345670-00442012345680."; KB (routing-notes §3): entries are
# `;`-combined. An entry: digits and `*`, or a range of two digit strings.
_CID_ENTRY = re.compile(r"[0-9*]+|([0-9]+)-([0-9]+)")

# spec (forward rule number): "Extension number … External number: The numeric sequence
# of numbers, with or without a plus sign at the beginning."; KB (routing-notes §3): also
# an extension range of the same size as the DID range, or `0` (keep the dialled number).
_FORWARD_NUMBER = re.compile(r"\+?[0-9]+")
_FORWARD_RANGE = re.compile(r"([0-9]+)-([0-9]+)")
_EXTENSION = re.compile(r"[0-9]+")

# spec (forward rule action): `FORWARD_TO_NUMBER`, `FORWARD_TO_VOICEMAIL`, `HANGUP`; KB
# (routing-notes §3): "For `FORWARD_TO_VOICEMAIL`, `number` is the extension whose mailbox
# receives the message" — both forwarding actions need a number, HANGUP none.
NEEDS_NUMBER = frozenset({"FORWARD_TO_NUMBER", "FORWARD_TO_VOICEMAIL"})
FORWARD_RULES = (
    "office_hours_forward_rule",
    "non_office_hours_forward_rule",
    "holiday_forward_rule",
)


def check_office_hours(value: Any, field: str = "office_hours") -> None:
    """Every range of every day: ``HH:MM`` (24 h) ``from`` earlier than ``to``."""
    if not isinstance(value, Mapping):
        return
    for day in DAYS:
        spec = value.get(day)
        if not isinstance(spec, Mapping):
            continue
        for i, rng in enumerate(spec.get("ranges") or []):
            where = f"{field}.{day}.ranges[{i}]"
            for end in ("from", "to"):
                text = rng.get(end)
                # a range is a start and an end ("Multiple start and end time periods")
                if text is None:
                    raise invalid(f"{where}.{end} is required.", f"{where}.{end}")
                if not _CLOCK.fullmatch(text):
                    raise invalid(
                        f"{where}.{end} '{text}' is not a time of day as HH:MM (00:00-23:59).",
                        f"{where}.{end}",
                    )
            # spec: from "Must be earlier than `to`", to "Must be later than `from`".
            if rng["from"] >= rng["to"]:
                raise invalid(
                    f"{where}: the start {rng['from']} must be earlier than the end {rng['to']}.",
                    f"{where}.from",
                )


def check_holidays(value: Any, tenant_id: str) -> None:
    """Each id is one of the tenant's holidays (spec: "A collection ID of tenant's holidays")."""
    known = {h["id"] for h in tenant_holidays(tenant_id)}
    for i, hid in enumerate(value or []):
        if hid not in known:
            raise invalid(f"Holiday '{hid}' not found in this tenant.", f"holidays[{i}]")


def holidays_reply(ids: Iterable[str], tenant_id: str) -> list[dict[str, Any]]:
    """Holiday ids as the objects the replies carry (api-notes §15)."""
    by_id = {h["id"]: h for h in tenant_holidays(tenant_id)}
    return [dict(by_id[i]) for i in ids if i in by_id]


def check_number_length(value: str) -> None:
    """``number_length``: ``;``-separated digit counts, each >= 1 (empty: no condition)."""
    if value and not _LENGTHS.fullmatch(value):
        raise invalid(
            f"number_length '{value}' must be digit counts of the dialled number separated "
            "by ';' (e.g. 10;11), each at least 1.",
            "number_length",
        )


def check_number_mask(value: str) -> None:
    """``number_mask``: ``;``-separated extensions or ``a-b`` extension ranges (a <= b)."""
    if not value:
        return
    for part in value.split(";"):
        found = _EXTENSION_ENTRY.fullmatch(part)
        if found is None or (found.group(2) and int(found.group(1)) > int(found.group(2))):
            raise invalid(
                f"number_mask entry '{part}' must be an extension or a range of extensions "
                "like 101-110 (entries separated by ';').",
                "number_mask",
            )


def check_cid_number_mask(value: str) -> None:
    """``cid_number_mask``: ``;``-separated numbers, ``*`` wildcards or ``a-b`` ranges."""
    if not value:
        return
    for part in value.split(";"):
        found = _CID_ENTRY.fullmatch(part)
        if found is None or (found.group(1) and int(found.group(1)) > int(found.group(2))):
            raise invalid(
                f"cid_number_mask entry '{part}' must be a number, a number with * wildcards "
                "(0044**********) or a range like 00442012345670-00442012345680.",
                "cid_number_mask",
            )


def check_forward_rules(data: Mapping[str, Any]) -> None:
    """Each forward rule's number: needed by the forwarding actions, a number or a range."""
    did = str(data.get("did_numbers") or "")
    for name in FORWARD_RULES:
        rule = data.get(name)
        if not isinstance(rule, Mapping):
            continue
        action, number = rule.get("action"), rule.get("number")
        field = f"{name}.number"
        if action in NEEDS_NUMBER and not (number or "").strip():
            raise invalid(f"{name}: {action} needs a number.", field)
        if not number or action == "HANGUP":
            continue
        if action == "FORWARD_TO_VOICEMAIL" and not _EXTENSION.fullmatch(number):
            # KB: the number of a voicemail forward is "the extension whose mailbox receives
            # the message": one extension, no range, no external number.
            raise invalid(
                f"{name}: '{number}' is not an extension (FORWARD_TO_VOICEMAIL takes the "
                "extension whose voicemail receives the call).",
                field,
            )
        span = _FORWARD_RANGE.fullmatch(number)
        if span is None and not _FORWARD_NUMBER.fullmatch(number):
            raise invalid(
                f"{name}: '{number}' is not an extension or a phone number (digits, "
                "optionally with + in front).",
                field,
            )
        if span is not None:
            # KB (routing-notes §3): "an extension range of the same size as the DID range
            # (1:1 offset mapping)".
            first, last = int(span.group(1)), int(span.group(2))
            dids = _FORWARD_RANGE.fullmatch(did)
            if (
                first > last
                or dids is None
                or (last - first != int(dids.group(2)) - int(dids.group(1)))
            ):
                raise invalid(
                    f"{name}: the extension range '{number}' must be as large as the DID "
                    f"range '{did}' (one extension per DID).",
                    field,
                )


def check_routes(routes: list[dict[str, Any]]) -> None:
    """At most `MAX_ROUTES` routes, each ``strip_digits`` 0-9."""
    if len(routes) > MAX_ROUTES:
        raise invalid(
            f"An outbound rule has at most {MAX_ROUTES} routes ({len(routes)} given).", "routes"
        )
    for i, route in enumerate(routes):
        strip = route.get("strip_digits", 0)
        if strip > MAX_STRIP_DIGITS:
            raise invalid(
                f"routes[{i}].strip_digits must be 0-{MAX_STRIP_DIGITS} ({strip} given).",
                f"routes[{i}].strip_digits",
            )


def check_unique_name(name: str, others: Iterable[Mapping[str, Any]], kind: str) -> None:
    """No other rule of this kind in the tenant has exactly this name.

    The notes are silent on rule names beyond "1-64 characters" and on case; the sandbox
    refuses an exact duplicate only, so "Dup" and "DUP" may both exist (as they do on PBXs
    in the field, and as trunkwiz matches names exactly).
    """
    for other in others:
        if other.get("name") == name:
            raise invalid(f"An {kind} rule named '{name}' already exists in this tenant.", "name")


def check_unique_inbound_did(data: Mapping[str, Any], others: Iterable[Mapping[str, Any]]) -> None:
    """No other inbound rule of the same trunk and caller-number mask covers one of its DIDs.

    KB (routing-notes §4): "Multiple inbound rules may share a trunk + DID only if their
    caller-number masks differ." Overlapping ranges count as the same DID.
    """
    mine = parse_did_numbers(str(data["did_numbers"]))
    mask = str(data.get("cid_number_mask") or "")
    for other in others:
        if other.get("provider_id") != data["provider_id"]:
            continue
        if str(other.get("cid_number_mask") or "") != mask:
            continue
        if mine.overlaps(parse_did_numbers(str(other.get("did_numbers") or ""))):
            raise invalid(
                f"The inbound rule '{other.get('name')}' already takes DID/DDI "
                f"'{other.get('did_numbers')}' on this trunk"
                + (f" for caller number mask '{mask}'" if mask else "")
                + "; each inbound rule of a trunk needs its own DID/DDI or caller number mask.",
                "did_numbers",
            )
