"""A trunk as the PBX holds it: ``TrunkSummary`` (an item of ``GET /providers``) and
``Trunk`` (``GET /providers/{id}``, every field of the v22 answer).

A field of ``Trunk`` the PBX leaves out or sends as ``null`` is None, so "not given" stays
apart from "empty": an option flag the PBX leaves out means the API schema's default, and
a wanted value is sent when the PBX gave none. ``Trunk.api_values`` is the one place the
comparison with a wanted payload reads the trunk from.
"""

from __future__ import annotations

from pydantic import field_validator

from trunkwiz.pbx.objects._read import (
    PbxObject,
    _id_text,
    _kind,
    _optional_flag,
    _optional_text,
    _optional_whole,
)

_TEXTS = (
    "name",
    "brand",
    "auth_mode",
    "transport",
    "hostname",
    "auth_id",
    "username",
    "outbound_server",
    "did_numbers",
)
_FLAGS = (
    "enabled",
    "registration",
    "inlan",
    "single_via_header",
    "rewrite_via_ip",
    "verify_port",
    "keep_alive",
    "adjust_sdp_direction",
    "remove_srtp_info",
    "stir_shaken_signature_required",
    "shared",
)
_PORTS = ("port", "outbound_server_port")
_SECONDS = ("register_interval", "keep_alive_interval")


def _ports(value: object) -> int | None:
    return _optional_whole(value, "a port number")


def _whole(value: object) -> int | None:
    return _optional_whole(value, "a whole number")


class TrunkSummary(PbxObject):
    """One trunk of ``GET /providers`` (the list's short form: no ``auth_mode``)."""

    id: str = ""
    name: str = ""
    """Empty when the PBX gives none."""
    enabled: bool | None = None
    brand: str = ""
    hostname: str = ""
    port: int | None = None
    did_numbers: str = ""
    """The trunk's own DID pool (a tenant's trunk); empty when none."""
    shared: bool | None = None

    @field_validator("id", "name", "brand", "hostname", "did_numbers", mode="before")
    @classmethod
    def _texts(cls, value: object) -> str:
        return _id_text(value)

    @field_validator("enabled", "shared", mode="before")
    @classmethod
    def _flags(cls, value: object) -> bool | None:
        return _optional_flag(value)

    @field_validator("port", mode="before")
    @classmethod
    def _port(cls, value: object) -> int | None:
        return _ports(value)


class Trunk(PbxObject):
    """One trunk as ``GET /providers/{id}`` gives it (every field but the password).

    Each field is None when the PBX leaves it out or sends ``null``; a number or a port
    sent as text (``"5060"``) is its number, a string field sent as a number its digits,
    a switch sent as 1/0 or ``"true"``/``"false"`` is on/off.
    """

    id: str = ""
    name: str | None = None
    enabled: bool | None = None
    brand: str | None = None
    auth_mode: str | None = None
    """``REGISTER_AUTH``, ``IP_AUTH``, ``ACCEPT_REGISTER``, ``TEAMS`` or ``WHATS_APP``."""
    transport: str | None = None
    hostname: str | None = None
    port: int | None = None
    auth_id: str | None = None
    username: str | None = None
    registration: bool | None = None
    register_interval: int | None = None
    outbound_server: str | None = None
    outbound_server_port: int | None = None
    inlan: bool | None = None
    single_via_header: bool | None = None
    rewrite_via_ip: bool | None = None
    verify_port: bool | None = None
    keep_alive: bool | None = None
    keep_alive_interval: int | None = None
    concurrency: int | None = None
    additional_ips: str | None = None
    """``;``-separated addresses and networks (a list the PBX sends is joined so)."""
    adjust_sdp_direction: bool | None = None
    remove_srtp_info: bool | None = None
    stir_shaken_signature_required: bool | None = None
    did_numbers: str | None = None
    """The trunk's own DID pool (a tenant's trunk)."""
    inbound_parameters: dict[str, object] | None = None
    outbound_parameters: dict[str, object] | None = None
    shared: bool | None = None
    """True for a System Admin's trunk shared with tenants."""

    @field_validator("id", mode="before")
    @classmethod
    def _id(cls, value: object) -> str:
        return _id_text(value)

    @field_validator(*_TEXTS, mode="before")
    @classmethod
    def _texts(cls, value: object) -> str | None:
        return _optional_text(value)

    @field_validator(*_FLAGS, mode="before")
    @classmethod
    def _flags(cls, value: object) -> bool | None:
        return _optional_flag(value)

    @field_validator(*_PORTS, mode="before")
    @classmethod
    def _ports(cls, value: object) -> int | None:
        return _ports(value)

    @field_validator(*_SECONDS, "concurrency", mode="before")
    @classmethod
    def _numbers(cls, value: object) -> int | None:
        return _whole(value)

    @field_validator("additional_ips", mode="before")
    @classmethod
    def _ips(cls, value: object) -> str | None:
        if isinstance(value, list):
            return ";".join(_id_text(item) for item in value)
        return _optional_text(value)

    @field_validator("inbound_parameters", "outbound_parameters", mode="before")
    @classmethod
    def _parameters(cls, value: object) -> object:
        if value is None or isinstance(value, dict):
            return value
        raise ValueError(f"the PBX sent {_kind(value)} where an object belongs")

    @classmethod
    def of_summary(cls, summary: TrunkSummary) -> Trunk:
        """What the list told of a trunk whose detail could not be read (the fields the
        list gave, nothing else)."""
        return cls.model_validate(summary.model_dump(exclude_unset=True))

    def api_values(self) -> dict[str, object]:
        """The fields the PBX gave, by API name, as read (a field it left out or sent as
        ``null`` is absent): what a wanted payload is compared with, and what a rollback
        writes back."""
        return self.model_dump(exclude_none=True)
