"""The PBX's SIP listeners (``Transport``, ``GET /transports``; ``port_for``) and its
addresses (``Network``, ``GET /network``)."""

from __future__ import annotations

from collections.abc import Sequence

from pydantic import field_validator

from trunkwiz.pbx.objects._read import PbxObject, _id_text, _kind, _optional_whole, _text


class Transport(PbxObject):
    """One SIP listener of the PBX (``GET /transports``)."""

    id: str = ""
    protocol: str = ""
    """As the PBX spells it (``UDP``, ``TCP``, ``TLS``, …); compare with ``speaks``."""
    port: int | None = None
    """The listening port; None when the PBX gives none (missing, ``null``, 0, ``""``)."""
    verification: str = ""
    """TLS client certificates: ``DISABLE``, ``OPTIONAL`` or ``MANDATORY``."""

    @field_validator("id", mode="before")
    @classmethod
    def _id(cls, value: object) -> str:
        return _id_text(value)

    @field_validator("protocol", "verification", mode="before")
    @classmethod
    def _texts(cls, value: object) -> str:
        return _text(value)

    @field_validator("port", mode="before")
    @classmethod
    def _port(cls, value: object) -> int | None:
        number = _optional_whole(value, "a port number")
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

    web_domain: str = ""
    private_ipv4: str = ""
    public_ipv4: str = ""
    """The address a carrier reaches (to whitelist there); empty when not set."""
    enable_ipv6: bool | None = None
    private_ipv6: str = ""
    public_ipv6: str = ""
    primary_dns_server: str = ""
    secondary_dns_server: str = ""

    @field_validator(
        "web_domain",
        "private_ipv4",
        "public_ipv4",
        "private_ipv6",
        "public_ipv6",
        "primary_dns_server",
        "secondary_dns_server",
        mode="before",
    )
    @classmethod
    def _texts(cls, value: object) -> str:
        return _text(value)

    @field_validator("enable_ipv6", mode="before")
    @classmethod
    def _flag(cls, value: object) -> bool | None:
        if value is None or isinstance(value, bool):
            return value
        raise ValueError(f"the PBX sent {_kind(value)} where true or false belongs")
