"""Brand pre-fills of an outbound rule: what a carrier's guide documents for it."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

# The KB gives one tech prefix, "52709417" (Flowroute configuring-outbound-and-inbound-calls
# .md, Step 3: Prepend "52709417*"), and no length; the dial string is
# "<tech_prefix>*<number>" (seed brands.json, Flowroute prefix_facts.format_on_wire). So:
# digits, leaving room for the "*" in the 64-character Prepend.
_TECH_PREFIX = re.compile(r"[0-9]{1,63}")


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
