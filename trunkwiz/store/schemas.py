"""The shape of each file trunkwiz reads back: one strict pydantic model per kind of file.

Strict: values must already have the TOML type (no ``"5"`` for 5, no ``true`` for 1),
unknown keys are refused at every level, and the input is never echoed in an error (a
draft holds tenant names and hosts). ``trunkwiz.store.checked.load_checked`` hands each
file to its model; a file that does not fit is moved aside, never half-used.

- ``DraftFile``: ``drafts/<key>.toml``, what ``service.draft.WizardDraft.to_dict`` writes
  plus ``saved_at`` (``DraftStore`` adds it).
- ``ProfilesFile``: ``profiles.toml`` (``default`` and ``[profiles.NAME]`` tables); the
  values are then checked by ``profiles.Profile`` itself.

Imported on first read (pydantic is not loaded by ``import trunkwiz.store``).
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StrictBool,
    StrictFloat,
    StrictInt,
    StrictStr,
    field_validator,
)

from trunkwiz.domain.labels import STEP_TITLES

Scalar = StrictStr | StrictBool | StrictInt | StrictFloat
"""A plain TOML value (a date only where a model says so)."""
Value = Scalar | list[Scalar]
"""A field's value: plain, or a list of plain values."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, hide_input_in_errors=True)


class TenantEntry(_Strict):
    """One tenant the trunk is shared with (``service.draft.TenantPick``)."""

    tenant_id: str = Field(min_length=1)
    tenant_name: str = ""
    did_numbers: str = ""
    concurrency: int | None = None


class TrunkValues(_Strict):
    """The trunk's own values (``WizardDraft.trunk_values``; an edit's ``baseline``)."""

    kind: Literal["register", "ip", "accept_register"] | None = None
    level: Literal["system", "tenant"] | None = None
    trunk_id: str | None = None
    fields: dict[str, Value] = Field(default_factory=dict)
    options: dict[str, Scalar] = Field(default_factory=dict)
    tenants: list[TenantEntry] = Field(default_factory=list)


class TenantRules(_Strict):
    """The Routes step's rules of one tenant (trunk-file keys, destinations as text)."""

    outbound: list[dict[str, Scalar]] | None = None
    inbound: list[dict[str, Scalar]] | None = None


class DraftFile(TrunkValues):
    """A saved wizard draft."""

    saved_at: datetime
    step: str = "connect"
    url: str = ""
    user: str = ""
    domain: str = ""
    baseline: TrunkValues | None = None
    prefilled: dict[str, Value] = Field(default_factory=dict)
    routes: dict[str, TenantRules] = Field(default_factory=dict)
    routes_skipped: bool = False
    tech_prefix: str = ""

    @field_validator("step")
    @classmethod
    def _known_step(cls, value: str) -> str:
        if value not in STEP_TITLES:
            raise ValueError(f"not a step of the wizard ({', '.join(STEP_TITLES)})")
        return value

    @field_validator("saved_at")
    @classmethod
    def _aware(cls, value: datetime) -> datetime:
        if value.tzinfo is None:
            raise ValueError("must carry its UTC offset")
        return value


class ProfileTable(_Strict):
    """One ``[profiles.NAME]`` table (values checked again by ``profiles.Profile``)."""

    url: str | None = None
    user: str | None = None
    domain: str | None = None
    ca_file: str | None = None
    pinned_sha256: str | None = None
    insecure: bool = False


class ProfilesFile(_Strict):
    """``profiles.toml``."""

    default: str | None = None
    profiles: dict[str, ProfileTable] = Field(default_factory=dict)
