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
