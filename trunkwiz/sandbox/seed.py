"""Deterministic seed data: tenants with realistic names and SIP domains, SIP transports."""

from __future__ import annotations

import base64
from typing import Any

#: First id of the seeded objects; ids are base64 of a decimal number, like the PBX's.
ID_BASE = 700551909773148160

_STEMS = (
    "Acme",
    "Bluebird",
    "Cedar",
    "Delta",
    "Evergreen",
    "Falcon",
    "Granite",
    "Harbor",
    "Iris",
    "Juniper",
    "Keystone",
    "Lakeside",
    "Maple",
    "Northwind",
    "Oakridge",
    "Pioneer",
    "Quarry",
    "Riverside",
    "Summit",
    "Tidewater",
    "Union",
    "Valley",
    "Westfield",
    "Yellowstone",
    "Zenith",
    "Aurora",
    "Beacon",
    "Coastal",
    "Driftwood",
    "Elm",
    "Foxglove",
    "Golden Gate",
    "Highland",
    "Ironwood",
    "Jasper",
    "Kestrel",
    "Lighthouse",
    "Meadow",
    "Nova",
    "Orchard",
)
_KINDS = (
    "Dental",
    "Logistics",
    "Law Group",
    "Realty",
    "Clinic",
    "Hotels",
    "Motors",
    "Insurance",
    "Accounting",
    "Bakery",
    "Fitness",
    "Architects",
    "Vet Care",
    "Travel",
    "Printing",
)
_ZONES = ("America/New_York", "America/Chicago", "America/Los_Angeles", "Europe/London")

#: Seeded SIP listeners (protocol, port): the vendor's defaults.
TRANSPORTS = (("UDP", 5060), ("TCP", 5063), ("TLS", 5061))


def make_id(number: int) -> str:
    """An opaque resource id in the PBX's style (base64 of a decimal number)."""
    return base64.b64encode(str(number).encode()).decode()


def seed_tenants(count: int) -> list[dict[str, Any]]:
    """``count`` tenants: ``Acme Dental 001`` with SIP domain ``acme-001.sandbox.test``."""
    out = []
    for i in range(1, count + 1):
        stem = _STEMS[(i - 1) % len(_STEMS)]
        kind = _KINDS[(i - 1) % len(_KINDS)]
        slug = stem.lower().replace(" ", "")
        out.append(
            {
                "id": make_id(ID_BASE + 1000 + i),
                "name": f"{stem} {kind} {i:03d}",
                "domain": f"{slug}-{i:03d}.sandbox.test",
                "enabled": i % 17 != 0,
                "max_extensions": 100 + (i % 5) * 100,
                "max_concurrent_calls": 10 + (i % 4) * 10,
                "timezone": _ZONES[i % len(_ZONES)],
                "currency": "USD",
                "region": "US",
                "created_at": f"2024-{1 + i % 12:02d}-{1 + i % 28:02d}T09:00:00Z",
            }
        )
    return out


def seed_transports() -> list[dict[str, Any]]:
    """The three default listeners: UDP 5060, TCP 5063, TLS 5061."""
    return [
        {
            "id": make_id(ID_BASE + 10 + n),
            "protocol": proto,
            "port": port,
            "verification": "DISABLE",
        }
        for n, (proto, port) in enumerate(TRANSPORTS)
    ]


#: Holidays every tenant has (name, month, day): the spec's rule bodies take the ids of
#: "tenant's holidays" and its replies return holiday objects (api-notes §15). The trimmed
#: spec has no holiday endpoints, so each tenant gets these two, derived from its id.
HOLIDAYS = (("New Year's Day", 1, 1), ("Christmas Day", 12, 25))


def tenant_holidays(tenant_id: str) -> list[dict[str, Any]]:
    """The holidays of a tenant in the replies' object form (ids stable per tenant)."""
    return [
        {
            "id": base64.b64encode(f"{tenant_id}:holiday:{n}".encode()).decode(),
            "name": name,
            "every_year": True,
            "consecutive": False,
            "month_start": month,
            "month_end": month,
            "day_start": day,
            "day_end": day,
            "hour_start": 0,
            "hour_end": 23,
            "minute_start": 0,
            "minute_end": 59,
        }
        for n, (name, month, day) in enumerate(HOLIDAYS, start=1)
    ]
