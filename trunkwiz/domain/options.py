"""Enumerations, limits and the advanced trunk flags shared by every trunk kind.

The flags default to what the PortSIP web UI's trunk wizard pre-selects (api-notes #8 and
#9; the KB's ``ip-trunk-options.png``, shown in the vendor's carrier guides next to "keep
the default values for other options"), which differ from the defaults the API schema
prints for ``rewrite_via_ip``, ``verify_port`` and ``keep_alive``: payloads always send
every flag explicitly, so the schema's defaults never decide what a trunk gets. They only
say what a flag the PBX leaves out of a ``GET /providers/{id}`` body means
(:data:`API_DEFAULTS`). docs/internals.md ("Option defaults") gives the evidence.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from trunkwiz.compat import StrEnum

INT32_MAX = 2**31 - 1
"""Largest value of an ``int32`` field in the v22 API schema."""

DEFAULT_PORT = 5060
"""The SIP port used when a brand documents none."""

DEFAULT_CONCURRENCY = 100_000
"""The web UI's default for "Max Concurrent Calls"."""

DEFAULT_REGISTER_INTERVAL = 600
"""The web UI's default "Reregister Time (Seconds)"."""

DEFAULT_KEEP_ALIVE_INTERVAL = 360
"""The web UI's default OPTIONS keep-alive interval in seconds."""

Port = Annotated[int, Field(ge=0, le=65535)]
"""A TCP/UDP port as the API accepts it (0 = unspecified)."""

Count = Annotated[int, Field(ge=0, le=INT32_MAX)]
"""A non-negative ``int32`` (call caps, intervals)."""

Name64 = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=64)]
"""A required text of 1 to 64 characters (trunk name, brand)."""

Text64 = Annotated[str, StringConstraints(strip_whitespace=True, max_length=64)]
"""An optional text of at most 64 characters (``auth_id``, ``username``)."""


class TrunkKind(StrEnum):
    """How the trunk authenticates; the value is the one used in trunk files."""

    register = "register"
    ip = "ip"
    accept_register = "accept_register"

    @property
    def auth_mode(self) -> str:
        """The API's ``auth_mode`` value for this kind."""
        return _AUTH_MODES[self]

    @property
    def needs_credentials(self) -> bool:
        """Whether the kind carries ``auth_id``/``password`` (both register kinds)."""
        return self is not TrunkKind.ip

    @property
    def label(self) -> str:
        """The name the PBX web UI shows for the kind."""
        return _LABELS[self]

    @classmethod
    def from_auth_mode(cls, value: str) -> TrunkKind:
        """The kind for an API ``auth_mode`` (``ValueError`` for TEAMS, WHATS_APP, unknown)."""
        for kind, mode in _AUTH_MODES.items():
            if mode == value:
                return kind
        raise ValueError(f"trunks of auth_mode {value!r} are not handled by this tool")


_AUTH_MODES = {
    TrunkKind.register: "REGISTER_AUTH",
    TrunkKind.ip: "IP_AUTH",
    TrunkKind.accept_register: "ACCEPT_REGISTER",
}
_LABELS = {
    TrunkKind.register: "Register Based Trunk",
    TrunkKind.ip: "IP Based Trunk",
    TrunkKind.accept_register: "Accept Register Trunk",
}


class Level(StrEnum):
    """Who owns the trunk: the System Admin (shared to tenants) or one tenant."""

    system = "system"
    tenant = "tenant"


class Transport(StrEnum):
    """SIP transport of the trunk; TCP and TLS need a matching PBX listener."""

    UDP = "UDP"
    TCP = "TCP"
    TLS = "TLS"


class TrunkOptions(BaseModel):
    """The advanced flags, defaulting to what the PBX web UI pre-selects (the Options step
    shows each default as "Default: on/off"; labels are in ``trunkwiz.domain.labels``)."""

    model_config = ConfigDict(extra="forbid", validate_assignment=True)

    # Each default: KB screenshot ip-trunk-options.png (the carrier guides' options step,
    # "keep the default values for other options"), also twilio-fig13.png.
    enabled: bool = Field(default=True, description="Trunk in service.")
    inlan: bool = Field(
        default=False,
        description="Carrier sits in the PBX's LAN, so no public-IP rewriting.",
    )
    single_via_header: bool = Field(
        default=True,
        description="Send a single Via header; some carriers reject several.",
    )
    rewrite_via_ip: bool = Field(
        default=False,  # ip-trunk-options.png: off (the API schema says true)
        description="Put the PBX public IP in the Via header sent to the trunk.",
    )
    verify_port: bool = Field(
        default=False,  # ip-trunk-options.png: off (the API schema says true)
        description="Accept SIP from the trunk only on its configured port.",
    )
    keep_alive: bool = Field(
        default=False,  # ip-trunk-options.png: off (the API schema says true)
        description="Send OPTIONS pings; no 200 OK marks the trunk offline.",
    )
    keep_alive_interval: Count = Field(
        default=DEFAULT_KEEP_ALIVE_INTERVAL,  # screenshot and schema: 360
        description="Seconds between OPTIONS pings when keep-alive is on.",
    )
    adjust_sdp_direction: bool = Field(
        default=True,
        description="Rewrite the SDP direction attribute for call hold.",
    )
    remove_srtp_info: bool = Field(
        default=True,
        description="Strip SRTP crypto lines from SDP sent to the trunk.",
    )
    stir_shaken_signature_required: bool = Field(
        default=False,
        description="Require a STIR/SHAKEN signature on inbound calls.",
    )


OPTION_FIELDS: tuple[str, ...] = tuple(TrunkOptions.model_fields)
"""Names of the option flags, in API order (each is a top-level API field)."""

API_DEFAULTS: dict[str, bool | int] = {
    # v22 spec, GET /providers/{id} 200 schema: the ``default`` of each property
    "enabled": True,
    "inlan": False,
    "single_via_header": True,
    "rewrite_via_ip": True,
    "verify_port": True,
    "keep_alive": True,
    "keep_alive_interval": DEFAULT_KEEP_ALIVE_INTERVAL,
    "adjust_sdp_direction": True,
    "remove_srtp_info": True,
    "stir_shaken_signature_required": False,
}
"""What an option flag the PBX leaves out of a trunk's detail means: the API schema's
default (never used for what trunkwiz sends, which is always explicit)."""


class TenantAssignment(BaseModel):
    """One tenant a System Admin trunk is shared with, its DID pool and call cap."""

    model_config = ConfigDict(extra="forbid", validate_assignment=True)

    tenant_id: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)] = Field(
        description="The tenant's id in the PBX (``tenant_id`` of the assignee API)."
    )
    tenant_name: str = Field(
        default="", description="The tenant's name, used in messages (not sent to the PBX)."
    )
    did_numbers: str = Field(
        default="",
        description="The tenant's DID pool: ';'-separated numbers and a-b ranges.",
    )
    concurrency: Count = Field(
        default=DEFAULT_CONCURRENCY,
        description="Max concurrent calls for this tenant on the trunk (UI default 100000).",
    )

    @property
    def label(self) -> str:
        """How messages name the tenant: its name, else its id."""
        return self.tenant_name or self.tenant_id
