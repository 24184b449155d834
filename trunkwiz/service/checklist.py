"""The carrier's side, before anything is sent: the provider-portal checklist with the
values to copy, and the Review step's warnings.

Every kind gets a checklist: the brand's documented portal steps for that kind (from the
vendor's guides; a step the guide scopes to IP trunks is not shown for a register trunk),
then the values to copy. The PBX's public IPv4 is the one a carrier can reach;
when the PBX has none set, the checklist says so and how to set it (Settings › Network in
the PBX web portal) and shows the private address only labelled as such — never as the
public one.
"""

from __future__ import annotations

import asyncio
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from trunkwiz.domain.brands import Brand, BrandCatalogue
from trunkwiz.domain.options import Level, TrunkKind
from trunkwiz.pbx.objects import port_for

if TYPE_CHECKING:
    from trunkwiz.service.connection import Connection, TrunkModel

NO_PUBLIC_IP = (
    "The PBX has no public IPv4 set: a carrier cannot reach it. Set it in the PBX web "
    "portal under Settings › Network (Public IPv4), then read this checklist again."
)
_PLACEHOLDERS = ("<PBX-PUBLIC-IP>", "<PBX-IP-or-FQDN>", "<PBX-FQDN-or-IP>", "<PBX-IP>")
_PORT_PLACEHOLDERS = ("<PBX-SIP-PORT>", "<port>", "<PORT>")
_EXAMPLE_URI = re.compile(r" \(e\.g\. sip:[^)]*\)")


@dataclass(frozen=True)
class PbxAddress:
    """Where a carrier reaches the PBX: its addresses and the trunk transport's port."""

    public_ipv4: str = ""
    private_ipv4: str = ""
    transport: str = "UDP"
    port: int | None = None
    """The port of the PBX listener for ``transport`` (None: no such listener)."""

    @property
    def sip_uri(self) -> str | None:
        """``sip:<public-ip>:<port>`` when both are known, else None."""
        if self.public_ipv4 and self.port:
            return f"sip:{self.public_ipv4}:{self.port}"
        return None


@dataclass(frozen=True)
class Checklist:
    """What to do at the carrier's portal, and the values to copy."""

    brand: str
    steps: tuple[str, ...]
    """The portal steps, in order."""
    values: tuple[tuple[str, str], ...]
    """(label, value) pairs to copy."""
    warnings: tuple[str, ...] = ()
    """Problems to fix first (e.g. no public IPv4 on the PBX)."""

    def lines(self) -> list[str]:
        """The checklist as plain text lines."""
        out = [f"At the {self.brand} portal:" if self.brand else "At the carrier's portal:"]
        out += [f"  {i}. {step}" for i, step in enumerate(self.steps, start=1)]
        if self.values:
            out.append("Values to copy:")
            out += [f"  {label}: {value}" for label, value in self.values]
        out += [f"Warning: {w}" for w in self.warnings]
        return out


def _fill(text: str, address: PbxAddress) -> str:
    if address.public_ipv4:
        text = _EXAMPLE_URI.sub("", text)  # the guide's "(e.g. sip:1.2.3.4:5060)"
    ip = address.public_ipv4 or "(the PBX's public IPv4, not set yet)"
    for holder in _PLACEHOLDERS:
        text = text.replace(holder, ip)
    for holder in _PORT_PLACEHOLDERS:
        text = text.replace(holder, str(address.port) if address.port else "(SIP port)")
    return text


def _generic_steps(kind: TrunkKind, address: PbxAddress) -> list[str]:
    ip = address.public_ipv4 or "(not set)"
    if kind is TrunkKind.ip:
        uri = address.sip_uri or "sip:<public-ip>:<port>"
        return [
            f"Allow (whitelist) the PBX's public IP: {ip}",
            f"Send inbound calls (inbound route / SIP URI) to {uri}",
            "Buy or port a DID and point it at that route",
        ]
    if kind is TrunkKind.accept_register:
        uri = address.sip_uri or "the PBX's public SIP address"
        return [f"Configure the gateway to register to {uri} ({address.transport})"]
    return [
        "Copy the SIP username and password of the account",
        f"If the carrier filters by address, allow the PBX's public IP: {ip}",
        "Buy or port a DID and route it to this account",
    ]


def portal_checklist(trunk: TrunkModel, address: PbxAddress, *, tech_prefix: str = "") -> Checklist:
    """The checklist for ``trunk`` (any kind, any brand) and the PBX's ``address`` (pure)."""
    kind = TrunkKind(trunk.trunk_kind)
    brand: Brand | None = BrandCatalogue.load().find(str(trunk.brand))
    own = brand.prerequisites_for(kind) if brand is not None and brand.documented else ()
    steps = [_fill(step, address) for step in own] if own else _generic_steps(kind, address)
    values: list[tuple[str, str]] = []
    warnings: list[str] = []
    if address.public_ipv4:
        values.append(("PBX public IPv4 (allow/whitelist it at the carrier)", address.public_ipv4))
    else:
        warnings.append(NO_PUBLIC_IP)
        if address.private_ipv4:
            values.append(
                ("PBX private IPv4 (inside your network only; not for the carrier)",
                 address.private_ipv4)
            )  # fmt: skip
    if address.port:
        values.append((f"PBX SIP port ({address.transport})", str(address.port)))
    else:
        warnings.append(
            f"The PBX has no {address.transport} transport: create one (Settings › Transports)."
        )
    if address.sip_uri and kind is not TrunkKind.register:
        # "Route Type = Host" is Flowroute's portal (its own step says so), not every carrier's
        values.append(("Inbound route / SIP URI", address.sip_uri))
    values.append(("Carrier SIP host in this trunk", str(trunk.hostname)))
    prefix = brand.call_prefix if brand is not None else None
    if prefix and prefix.get("where_used_in_pbx"):
        name = str(prefix.get("name_on_provider_portal") or "Call prefix")
        shown = (
            f"{tech_prefix}* in the outbound rule's Prepend"
            if tech_prefix
            else (
                "copy it from the portal; it goes into the outbound rule's Prepend, followed by *"
            )
        )
        values.append((name, shown))
    label = brand.name if brand is not None and brand.name != "Generic" else ""
    return Checklist(label, tuple(steps), tuple(values), tuple(warnings))


def ip_checklist(trunk: TrunkModel, public_ip: str, port: int | None) -> list[str]:
    """Lines of the checklist from a public IP and port (kept for existing callers)."""
    address = PbxAddress(public_ipv4=public_ip, transport=str(trunk.transport.value), port=port)
    return portal_checklist(trunk, address).lines()


async def pbx_address(conn: Connection, transport: str) -> PbxAddress:
    """The PBX's public and private IPv4 (``GET /network``) and the transport's port."""
    network, listeners = await asyncio.gather(conn.network(), conn.transports())
    return PbxAddress(
        public_ipv4=network.public_ipv4.strip(),
        private_ipv4=network.private_ipv4.strip(),
        transport=transport.upper(),
        port=port_for(listeners, transport),
    )


async def checklist_for(conn: Connection, trunk: TrunkModel, *, tech_prefix: str = "") -> Checklist:
    """The checklist of ``trunk`` with the PBX's real addresses (Review and ``checklist``)."""
    address = await pbx_address(conn, str(trunk.transport.value))
    return portal_checklist(trunk, address, tech_prefix=tech_prefix)


def review_warnings(trunk: TrunkModel, level: Level | str) -> list[str]:
    """Warnings for the Review step: a System Admin trunk shared with no tenant, a tenant
    with an empty DID pool (the guides say one or more tenants, each with a pool)."""
    if Level(level) is not Level.system or getattr(trunk, "level", None) is Level.tenant:
        return []
    tenants = list(getattr(trunk, "tenants", ()) or ())
    if not tenants:
        return [
            "The trunk is shared with no tenant: no tenant can use it for calls. "
            "Share it with one or more tenants, each with a DID pool."
        ]
    return [
        f"Tenant {t.label} has an empty DID pool: it cannot receive calls on this trunk, "
        "nor use a caller ID from it."
        for t in tenants
        if not str(t.did_numbers).strip()
    ]
