"""The trunk's fields, declared once: API name, label, wizard step, kinds, widget, file key.

Everything that lists trunk fields is derived from :data:`TRUNK_FIELDS`: the wizard's
``DRAFT_FIELDS``/``STEP_FIELDS`` (``trunkwiz.service.draft``), the labels
(``trunkwiz.domain.labels``), the trunk file's keys, value checks and emit order
(``trunkwiz.domain.trunkfile``), the fields ``trunk_from_api`` copies, and the rows the Basic and
Credentials steps show. The pydantic models (``trunk.py``) keep their own declarations
(limits from the API spec); ``tests/domain/test_fields.py`` checks that they and this
table name the same fields for every kind, so a field cannot be added in one place only.

Pure data: no pydantic, no I/O (light modules import it at start-up).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Literal

FieldValue = str | int | float | bool | list[str] | None
"""One field's value as the wizard's draft and steps hold it: text, a number, a flag, a
list of addresses, or None (not set)."""
FieldValues = dict[str, FieldValue]
"""A trunk's field values by API field name (the draft's ``fields`` and ``options``)."""

Widget = Literal["text", "int", "choice", "flag", "secret", "ips", "pool", "options", "tenants"]
"""How a field is entered: text, a whole number, one of a list, on/off, a password, a
``;``-separated IP list, a DID pool, the options table, the tenant assignments."""

ALL_KINDS = frozenset({"register", "ip", "accept_register"})
CREDENTIAL_KINDS = frozenset({"register", "accept_register"})
REGISTER_ONLY = frozenset({"register"})

#: The wizard's steps in procedure order (titles in ``trunkwiz.domain.labels``).
STEPS: tuple[str, ...] = (
    "connect",
    "kind",
    "basic",
    "credentials",
    "options",
    "tenants",
    "review",
)


@dataclass(frozen=True)
class TrunkField:
    """One field of a trunk."""

    name: str
    """The API field name (also the model field, the draft key and the trunk-file key)."""
    label: str
    """What the PBX web portal calls it."""
    step: str
    """The wizard step that sets it."""
    widget: Widget
    kinds: frozenset[str] = ALL_KINDS
    """The kinds whose model has the field."""
    shown_for: frozenset[str] | None = None
    """The kinds the wizard asks it for (None: every kind in ``kinds``)."""
    level: str | None = None
    """The only level the wizard asks it for (None: every level)."""
    file_key: bool = True
    """A top-level key of a ``[[trunk]]`` table."""
    copied: bool = True
    """Copied as is from a ``GET /providers/{id}`` body into the model."""
    on_update: bool = True
    """Sent on update (False: the PBX cannot change it on an existing trunk)."""
    api: bool = True
    """A top-level field of the API's provider body (``kind`` is sent as ``auth_mode``)."""
    default: object = ""
    """What the wizard shows while the draft holds no value (the model's default)."""
    placeholder: str = ""
    hint: str = ""

    @property
    def wizard_kinds(self) -> frozenset[str]:
        """The kinds whose steps show this field."""
        return self.shown_for if self.shown_for is not None else self.kinds

    def applies_to(self, kind: str | None) -> bool:
        """Whether a trunk of ``kind`` has this field (an unchosen kind has them all)."""
        return kind is None or kind in self.kinds

    def shown(self, kind: str | None, level: str | None) -> bool:
        """Whether the wizard shows this field for a trunk of ``kind`` at ``level``."""
        kind_ok = kind is None or kind in self.wizard_kinds
        return kind_ok and (self.level is None or level == self.level)


#: Every trunk field, in trunk-file (export) order.
TRUNK_FIELDS: tuple[TrunkField, ...] = (
    TrunkField("name", "Name", "basic", "text"),
    TrunkField("kind", "Kind", "kind", "choice", copied=False, api=False),
    TrunkField("brand", "Brand", "basic", "choice", on_update=False, default="Generic"),
    TrunkField("hostname", "Host", "basic", "text"),
    TrunkField("port", "Port", "basic", "int", default=5060),
    TrunkField("transport", "Transport", "basic", "choice", default="UDP"),
    TrunkField("outbound_server", "Outbound proxy", "basic", "text", placeholder="(none)"),
    TrunkField("outbound_server_port", "Proxy port", "basic", "int", default=0),
    TrunkField(
        "additional_ips",
        "Associated IPs",
        "basic",
        "ips",
        placeholder="203.0.113.10/32;198.51.100.0/24",
        hint="Other carrier source addresses, ';'-separated (IP or CIDR).",
    ),
    TrunkField("auth_id", "Authentication Name", "credentials", "text", CREDENTIAL_KINDS),
    TrunkField(
        "username",
        "Username",
        "credentials",
        "text",
        CREDENTIAL_KINDS,
        shown_for=REGISTER_ONLY,
        placeholder="(usually empty)",
        hint="3-way authentication only: the account username, when it is not the "
        "authentication name.",
    ),
    TrunkField(
        "password",
        "Password",
        "credentials",
        "secret",
        CREDENTIAL_KINDS,
        file_key=False,
        copied=False,
    ),
    TrunkField(
        "registration",
        "Register to the carrier",
        "credentials",
        "flag",
        CREDENTIAL_KINDS,
        shown_for=REGISTER_ONLY,
        default=True,
        # KB Twilio register-trunk guide, Step 4: "Need Registration: Disable", Twilio
        # "does not accept SIP REGISTER messages" (it still takes the credentials)
        hint="Off for carriers that do not accept REGISTER (the brand says so).",
    ),
    TrunkField(
        "register_interval",
        "Re-register (s)",
        "credentials",
        "int",
        CREDENTIAL_KINDS,
        shown_for=REGISTER_ONLY,
        default=600,
    ),
    TrunkField("concurrency", "Max concurrent calls", "options", "int", default=100000),
    TrunkField(
        "did_numbers",
        "DID pool",
        "basic",
        "pool",
        level="tenant",
        copied=False,
        hint="This trunk's numbers: ';'-separated numbers and a-b ranges.",
    ),
    TrunkField("level", "Level", "connect", "choice", file_key=False, copied=False, api=False),
    TrunkField("options", "Options", "options", "options", copied=False, api=False),
    TrunkField("tenants", "Tenants", "tenants", "tenants", copied=False, api=False),
)

FIELDS_BY_NAME: dict[str, TrunkField] = {f.name: f for f in TRUNK_FIELDS}

#: The fields the wizard's steps after Kind show, in step order (within a step: table
#: order). Kind and level are chosen on their own steps and kept apart in the draft.
WIZARD_FIELDS: tuple[TrunkField, ...] = tuple(
    f for step in STEPS[2:] for f in TRUNK_FIELDS if f.step == step
)


def model_fields(kind: str) -> frozenset[str]:
    """The names a model of ``kind`` declares."""
    return frozenset(f.name for f in TRUNK_FIELDS if kind in f.kinds)


def file_keys(*, credentials: bool) -> tuple[str, ...]:
    """Top-level trunk-file keys of every kind (``credentials=False``) or of the register
    kinds only (``credentials=True``), in file order."""
    return tuple(
        f.name for f in TRUNK_FIELDS if f.file_key and (f.kinds == CREDENTIAL_KINDS) is credentials
    )


def keys_of_widget(*widgets: Widget) -> frozenset[str]:
    """The trunk-file keys entered as one of ``widgets``."""
    return frozenset(f.name for f in TRUNK_FIELDS if f.file_key and f.widget in widgets)


def copied_fields(kind: str) -> tuple[str, ...]:
    """The API fields ``trunk_from_api`` copies as is for a trunk of ``kind``."""
    return tuple(f.name for f in TRUNK_FIELDS if f.copied and kind in f.kinds)


def step_rows(step: str, kind: str | None, level: str | None) -> Iterator[TrunkField]:
    """The fields ``step`` shows for a trunk of ``kind`` at ``level``, in table order."""
    for f in WIZARD_FIELDS:
        if f.step == step and f.shown(kind, level):
            yield f


#: Fields the PBX cannot change on an existing trunk (plus ``auth_mode``, the kind).
IMMUTABLE_FIELDS: tuple[str, ...] = (
    *(f.name for f in TRUNK_FIELDS if not f.on_update and f.copied),
    "auth_mode",
)

#: The option flags (``TrunkOptions``, each a top-level API field), in API order.
OPTION_NAMES: tuple[str, ...] = (
    "enabled",
    "inlan",
    "single_via_header",
    "rewrite_via_ip",
    "verify_port",
    "keep_alive",
    "keep_alive_interval",
    "adjust_sdp_direction",
    "remove_srtp_info",
    "stir_shaken_signature_required",
)

#: Every top-level field of the API's provider body: the trunk's own, ``auth_mode`` (the
#: kind) and the option flags.
API_FIELDS: frozenset[str] = frozenset(
    {*(f.name for f in TRUNK_FIELDS if f.api), "auth_mode", *OPTION_NAMES}
)
