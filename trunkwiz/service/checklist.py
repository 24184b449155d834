"""What to enter at the carrier's portal for an IP-Based trunk, with the values to copy."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from trunkwiz.service.connection import TrunkModel


def ip_checklist(trunk: TrunkModel, public_ip: str, port: int | None) -> list[str]:
    """Lines of the provider-portal checklist for ``trunk`` (an IP-Based trunk model)."""
    from trunkwiz.domain.brands import BrandCatalogue

    shown_ip = public_ip or "(the PBX reports no public IP: set it in the PBX's network settings)"
    lines = [
        "At the carrier's portal:",
        f"  1. Allow (whitelist) the PBX's public IP: {shown_ip}",
    ]
    if public_ip and port:
        lines.append(f"  2. Inbound route / SIP URI: sip:{public_ip}:{port}")
    else:
        proto = str(trunk.transport.value)
        lines.append(f"  2. Inbound route: the PBX has no {proto} transport; create one first.")
    brand = BrandCatalogue.load().find(str(trunk.brand))
    prefix = brand.call_prefix if brand is not None else None
    if prefix and prefix.get("where_used_in_pbx"):
        name = prefix.get("name_on_provider_portal") or "Call Prefix"
        lines.append(
            f"  3. {name}: copy it from the portal, then in the PBX: {prefix['where_used_in_pbx']}"
        )
    return lines
