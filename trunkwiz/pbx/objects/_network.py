"""The PBX's SIP listeners (``Transport``, ``GET /transports``; ``port_for``) and its
addresses (``Network``, ``GET /network``)."""

from __future__ import annotations

from collections.abc import Sequence

from pydantic import field_validator

from trunkwiz.pbx.objects._read import Flag, IdText, PbxObject, PortNumber, Text


class Transport(PbxObject):
    """One SIP listener of the PBX (``GET /transports``)."""

    id: IdText = ""
    protocol: Text = ""
    """As the PBX spells it (``UDP``, ``TCP``, ``TLS``, …); compare with ``speaks``."""
    port: PortNumber = None
    """The listening port; None when the PBX gives none (missing, ``null``, 0, ``""``)."""
    verification: Text = ""
    """TLS client certificates: ``DISABLE``, ``OPTIONAL`` or ``MANDATORY``."""

    @field_validator("port")
    @classmethod
    def _port(cls, number: int | None) -> int | None:
        if number is None:
            return None
        if not 0 <= number <= 65535:
            raise ValueError("the PBX sent a port outside 0-65535")
        return number or None

    def speaks(self, protocol: str) -> bool:
        """Whether this listener is for ``protocol`` (case-insensitive)."""
        return self.protocol.strip().upper() == protocol.strip().upper()


def port_for(transports: Sequence[Transport], protocol: str) -> int | None:
    """The port of the PBX's first ``protocol`` listener that has one, or None."""
    return next((t.port for t in transports if t.speaks(protocol) and t.port), None)


class Network(PbxObject):
    """The PBX's addresses (``GET /network``); empty strings where the PBX has none."""

    web_domain: Text = ""
    private_ipv4: Text = ""
    public_ipv4: Text = ""
    """The address a carrier reaches (to whitelist there); empty when not set."""
    enable_ipv6: Flag | None = None
    private_ipv6: Text = ""
    public_ipv6: Text = ""
    primary_dns_server: Text = ""
    secondary_dns_server: Text = ""
