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
    IdText,
    ObjectField,
    OptionalFlag,
    OptionalText,
    PbxObject,
    PortNumber,
    WholeNumber,
    _id_text,
    _optional_text,
)


class TrunkSummary(PbxObject):
    """One trunk of ``GET /providers`` (the list's short form: no ``auth_mode``)."""

    id: IdText = ""
    name: IdText = ""
    """Empty when the PBX gives none."""
    enabled: OptionalFlag = None
    brand: IdText = ""
    hostname: IdText = ""
    port: PortNumber = None
    did_numbers: IdText = ""
    """The trunk's own DID pool (a tenant's trunk); empty when none."""
    shared: OptionalFlag = None


class Trunk(PbxObject):
    """One trunk as ``GET /providers/{id}`` gives it (every field but the password).

    Each field is None when the PBX leaves it out or sends ``null``; a number or a port
    sent as text (``"5060"``) is its number, a string field sent as a number its digits,
    a switch sent as 1/0 or ``"true"``/``"false"`` is on/off.
    """

    id: IdText = ""
    name: OptionalText = None
    enabled: OptionalFlag = None
    brand: OptionalText = None
    auth_mode: OptionalText = None
    """``REGISTER_AUTH``, ``IP_AUTH``, ``ACCEPT_REGISTER``, ``TEAMS`` or ``WHATS_APP``."""
    transport: OptionalText = None
    hostname: OptionalText = None
    port: PortNumber = None
    auth_id: OptionalText = None
    username: OptionalText = None
    registration: OptionalFlag = None
    register_interval: WholeNumber = None
    outbound_server: OptionalText = None
    outbound_server_port: PortNumber = None
    inlan: OptionalFlag = None
    single_via_header: OptionalFlag = None
    rewrite_via_ip: OptionalFlag = None
    verify_port: OptionalFlag = None
    keep_alive: OptionalFlag = None
    keep_alive_interval: WholeNumber = None
    concurrency: WholeNumber = None
    additional_ips: str | None = None
    """``;``-separated addresses and networks (a list the PBX sends is joined so)."""
    adjust_sdp_direction: OptionalFlag = None
    remove_srtp_info: OptionalFlag = None
    stir_shaken_signature_required: OptionalFlag = None
    did_numbers: OptionalText = None
    """The trunk's own DID pool (a tenant's trunk)."""
    inbound_parameters: ObjectField | None = None
    outbound_parameters: ObjectField | None = None
    shared: OptionalFlag = None
    """True for a System Admin's trunk shared with tenants."""

    @field_validator("additional_ips", mode="before")
    @classmethod
    def _ips(cls, value: object) -> str | None:
        if isinstance(value, list):
            return ";".join(_id_text(item) for item in value)
        return _optional_text(value)

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
