"""Turn an existing trunk (a domain model) into the wizard's draft values for editing."""

from __future__ import annotations

from enum import Enum
from typing import TYPE_CHECKING

from trunkwiz.service.draft import DRAFT_FIELDS, StepValues, TenantPick

if TYPE_CHECKING:
    from trunkwiz.service.connection import TrunkModel

#: Draft values that are not plain fields of the model (handled below, or never read back).
_NOT_FIELDS = frozenset({"password", "options", "tenants"})


def draft_values(trunk: TrunkModel, trunk_id: str) -> StepValues:
    """The values ``WizardDraft.load_trunk`` takes to edit ``trunk`` (no password: the PBX
    keeps it). Every field of ``DRAFT_FIELDS`` the model has is taken as the PBX holds it,
    also one the kind's steps do not show (it is sent back unchanged)."""
    level = str(trunk.level.value)
    values: StepValues = {}
    for known in DRAFT_FIELDS:
        name = known.name
        if name in _NOT_FIELDS or not hasattr(trunk, name):
            continue
        if name == "did_numbers" and level != "tenant":
            continue
        value = getattr(trunk, name)
        if isinstance(value, Enum):
            value = value.value
        elif isinstance(value, list):
            value = ";".join(str(v) for v in value)
        values[name] = value
    values.update(
        kind=str(trunk.kind.value),
        level=level,
        trunk_id=trunk_id,
        options=trunk.options.model_dump(),
        password=None,
        tenants=[
            TenantPick(t.tenant_id, t.tenant_name or t.tenant_id, t.did_numbers, t.concurrency)
            for t in trunk.tenants
        ],
    )
    return values
