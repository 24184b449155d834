"""The values the wizard asks for, step by step: ``DRAFT_FIELDS`` (derived from the
trunk's field table, ``trunkwiz.domain.fields``) and ``STEP_FIELDS``, the fields each step
fills."""

from __future__ import annotations

from dataclasses import dataclass

from trunkwiz.domain.fields import ALL_KINDS, WIZARD_FIELDS


@dataclass(frozen=True)
class DraftField:
    """One trunk value the wizard asks for: its API name, the step that shows it and the
    kinds that have it (``None``: every kind)."""

    name: str
    step: str
    kinds: frozenset[str] | None = None

    def applies_to(self, kind: str | None) -> bool:
        """Whether a trunk of ``kind`` has this value (an unchosen kind has them all)."""
        return self.kinds is None or kind is None or kind in self.kinds


#: Every value the steps show, in step order: the one list the wizard's field names come
#: from (``STEP_FIELDS``, ``FIELD_STEP``, what a change of kind drops), derived from the
#: trunk's field table (``trunkwiz.domain.fields``).
DRAFT_FIELDS: tuple[DraftField, ...] = tuple(
    DraftField(f.name, f.step, None if f.wizard_kinds == ALL_KINDS else f.wizard_kinds)
    for f in WIZARD_FIELDS
)

#: The trunk fields each step fills (API field names); used to put errors on the right step.
STEP_FIELDS: dict[str, tuple[str, ...]] = {
    step: tuple(f.name for f in DRAFT_FIELDS if f.step == step)
    for step in dict.fromkeys(f.step for f in DRAFT_FIELDS)
}

#: Each value the steps show by its API name.
DRAFT_FIELD_BY_NAME: dict[str, DraftField] = {f.name: f for f in DRAFT_FIELDS}
