"""Trunk models: one pydantic class per kind, field names equal to the v22 API's.

Cross-field rules run after field validation and raise ``ValidationError`` with the
offending field's ``loc``. A register-kind trunk needs a password, except while editing a
trunk the PBX already holds (the PBX keeps the stored one): validate with the context
``{"editing": True}`` (see :func:`parse_trunk`), and call
:meth:`check_ready_to_create` right before creating.
"""

from __future__ import annotations

from functools import cache
from typing import Annotated, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ModelWrapValidatorHandler,
    SecretStr,
    TypeAdapter,
    ValidationError,
    ValidationInfo,
    model_validator,
)
from pydantic_core import PydanticCustomError

from trunkwiz.compat import Self
from trunkwiz.domain.jsondata import JsonObject
from trunkwiz.domain.options import (
    DEFAULT_CONCURRENCY,
    DEFAULT_PORT,
    DEFAULT_REGISTER_INTERVAL,
    Count,
    Level,
    Name64,
    Port,
    TenantAssignment,
    Text64,
    Transport,
    TrunkKind,
    TrunkOptions,
)
from trunkwiz.domain.payloads import build_create_payload, build_update_payload
from trunkwiz.domain.poolrules import level_errors
from trunkwiz.domain.rules import (
    RuleError,
    check_hostname,
    check_optional_hostname,
    join_ips,
    normalize_network,
    raise_rule_errors,
    scrub,
    split_ip_list,
)
from trunkwiz.domain.text import control_chars_problem


def check_plain_name(value: str) -> str:
    """Refuse a name holding control characters (escapes, newlines, NUL, bidi overrides):
    it would be shown on terminals and in the PBX's web UI."""
    problem = control_chars_problem(value)
    if problem:
        raise PydanticCustomError("plain_name", "The name {problem}.", {"problem": problem})
    return value


PlainName64 = Annotated[Name64, AfterValidator(check_plain_name)]
"""A trunk name: 1-64 characters, no control characters."""

IpNetwork = Annotated[str, AfterValidator(normalize_network)]
"""One ``additional_ips`` entry, normalised to network form (``a.b.c.d/32``)."""


class TrunkBase(BaseModel):
    """Fields and behaviour common to every trunk kind (not used directly)."""

    model_config = ConfigDict(extra="forbid", hide_input_in_errors=True)

    name: PlainName64 = Field(description="Trunk name shown in the PBX (1-64 characters).")
    brand: Name64 = Field(
        default="Generic",
        description="Brand from the PBX list; 'Generic' for unlisted carriers. Immutable.",
    )
    hostname: Annotated[str, AfterValidator(check_hostname)] = Field(
        description="Carrier host name or IP address, without scheme or port."
    )
    port: Port = Field(
        default=DEFAULT_PORT,
        description="Carrier SIP port (5060 usual; 0 = unspecified, as some brands show).",
    )
    transport: Transport = Field(
        default=Transport.UDP,
        description="SIP transport; TCP/TLS need a matching PBX transport listener.",
    )
    outbound_server: Annotated[str, AfterValidator(check_optional_hostname)] = Field(
        default="", description="Outbound proxy host; empty when none (the UI sends '')."
    )
    outbound_server_port: Port = Field(
        default=0, description="Outbound proxy port; 0 when there is no proxy (as the UI)."
    )
    concurrency: Count = Field(
        default=DEFAULT_CONCURRENCY,
        description="Max concurrent calls on the trunk (UI default 100000).",
    )
    additional_ips: Annotated[list[IpNetwork], BeforeValidator(split_ip_list)] = Field(
        default_factory=list,
        description="Other carrier source IPs/CIDRs accepted as this trunk (network form).",
    )
    did_numbers: str = Field(
        default="",
        description="Tenant level only: the trunk's own DID pool (';'-separated, a-b ranges).",
    )
    level: Level = Field(
        default=Level.system,
        description="System Admin trunk (shared to tenants) or a tenant's own trunk.",
    )
    options: TrunkOptions = Field(
        default_factory=TrunkOptions, description="Advanced flags (web UI defaults)."
    )
    tenants: list[TenantAssignment] = Field(
        default_factory=list,
        description="System level only: tenants sharing the trunk, each with a DID pool.",
    )

    @property
    def trunk_kind(self) -> TrunkKind:
        """The kind as a :class:`TrunkKind` (the ``kind`` field of each subclass)."""
        return TrunkKind(getattr(self, "kind"))  # noqa: B009 - defined by subclasses

    @model_validator(mode="wrap")
    @classmethod
    def _redact_errors(cls, data: object, handler: ModelWrapValidatorHandler[Self]) -> Self:
        """Errors never carry the password in their inputs (``errors()`` shows inputs)."""
        try:
            return handler(data)
        except ValidationError as exc:
            raise scrub(exc) from None

    @model_validator(mode="after")
    def _cross_field_rules(self, info: ValidationInfo) -> Self:
        editing = bool(info.context and info.context.get("editing"))
        raise_rule_errors(type(self).__name__, self.rule_errors(password_known=editing))
        return self

    def rule_errors(self, *, password_known: bool = False) -> list[RuleError]:
        """Every broken cross-field rule; ``password_known`` waives the password rule."""
        return level_errors(self.trunk_kind, self.level, self.did_numbers, self.tenants)

    def check_ready_to_create(self, *, password_known: bool = False) -> None:
        """Raise ``ValidationError`` unless the trunk can be created as it is.

        Models validated with ``{"editing": True}`` may lack a password; creating needs
        one, held by the model or known to the caller (``password_known``).
        """
        raise_rule_errors(type(self).__name__, self.rule_errors(password_known=password_known))

    def api_fields(self) -> JsonObject:
        """Every API field this trunk sets (no password), in the create body's form."""
        kind = self.trunk_kind
        fields: JsonObject = {
            "name": self.name,
            "brand": self.brand,
            "auth_mode": kind.auth_mode,
            "transport": self.transport.value,
            "hostname": self.hostname,
            "port": self.port,
            "outbound_server": self.outbound_server,
            "outbound_server_port": self.outbound_server_port,
            "concurrency": self.concurrency,
            "additional_ips": join_ips(self.additional_ips),
        }
        fields.update(self.options.model_dump())
        fields.update(self._credential_fields())
        if self.level is Level.tenant:
            fields["did_numbers"] = self.did_numbers.strip()
        return fields

    def _credential_fields(self) -> JsonObject:
        return {}

    def to_create_payload(self, password: str | None = None) -> JsonObject:
        """The ``POST /providers`` body: every flag explicit, ``password`` only if passed."""
        return build_create_payload(self.api_fields(), password)

    def to_update_payload(
        self, current: JsonObject | None = None, *, password: str | None = None
    ) -> JsonObject:
        """The ``POST /providers/{id}`` body (no ``brand``/``auth_mode``).

        With ``current`` (a ``GET /providers/{id}`` body) only the changed fields are
        sent; ``password`` is included only if passed (to change it).
        """
        return build_update_payload(self.api_fields(), current, password)


class CredentialTrunk(TrunkBase):
    """Fields of the kinds that authenticate with a SIP account (not used directly)."""

    auth_id: Text64 = Field(
        default="",
        description="Authentication Name (SIP user ID) the carrier gave you; required.",
    )
    username: Text64 = Field(
        default="",
        description="Account username, only for 3-way authentication; else leave empty.",
    )
    password: SecretStr | None = Field(
        default=None,
        exclude=True,
        description="SIP password; never serialised. Absent when editing keeps the old one.",
    )
    registration: bool = Field(
        default=True,
        description="Send REGISTER to the carrier ('Need Registration'; off for Twilio).",
    )
    register_interval: Count = Field(
        default=DEFAULT_REGISTER_INTERVAL,
        description="Seconds between re-registrations (UI default 600).",
    )

    def rule_errors(self, *, password_known: bool = False) -> list[RuleError]:
        """Level/pool rules plus: ``auth_id`` and a password are required."""
        errors = super().rule_errors(password_known=password_known)
        if not self.auth_id:
            errors.append(RuleError(("auth_id",), "Enter the authentication name (SIP user ID)"))
        has_password = self.password is not None and self.password.get_secret_value() != ""
        if not (has_password or password_known):
            errors.append(RuleError(("password",), "Enter the SIP password for this account"))
        return errors

    def _credential_fields(self) -> JsonObject:
        return {
            "auth_id": self.auth_id,
            "username": self.username,
            "registration": self.registration,
            "register_interval": self.register_interval,
        }


class RegisterTrunk(CredentialTrunk):
    """Register Based Trunk (``REGISTER_AUTH``): the PBX registers to the carrier."""

    kind: Literal[TrunkKind.register] = Field(
        default=TrunkKind.register, description="Trunk kind discriminator."
    )


class AcceptRegisterTrunk(CredentialTrunk):
    """Accept Register Trunk (``ACCEPT_REGISTER``): the carrier registers to the PBX."""

    kind: Literal[TrunkKind.accept_register] = Field(
        default=TrunkKind.accept_register, description="Trunk kind discriminator."
    )


class IpTrunk(TrunkBase):
    """IP Based Trunk (``IP_AUTH``): System Admin only, one per carrier host."""

    kind: Literal[TrunkKind.ip] = Field(
        default=TrunkKind.ip, description="Trunk kind discriminator."
    )


AnyTrunk = RegisterTrunk | IpTrunk | AcceptRegisterTrunk
"""A trunk of any kind (the union of the three models)."""

Trunk = Annotated[AnyTrunk, Field(discriminator="kind")]
"""Any trunk, told apart by ``kind`` (for validation)."""

MODEL_FOR_KIND: dict[TrunkKind, type[AnyTrunk]] = {
    TrunkKind.register: RegisterTrunk,
    TrunkKind.ip: IpTrunk,
    TrunkKind.accept_register: AcceptRegisterTrunk,
}
"""The model class of each kind."""


@cache
def _trunk_adapter() -> TypeAdapter[AnyTrunk]:
    return TypeAdapter(Trunk, config=ConfigDict(hide_input_in_errors=True))


def parse_trunk(data: JsonObject, *, editing: bool = False) -> AnyTrunk:
    """Validate ``data`` (with a ``kind`` key) into the matching model.

    ``editing=True`` accepts a register-kind trunk without a password (editing a trunk the
    PBX already holds). Error ``loc``s start with the kind tag; see ``error_messages``.
    """
    try:
        return _trunk_adapter().validate_python(data, context={"editing": editing})
    except ValidationError as exc:
        raise scrub(exc) from None
