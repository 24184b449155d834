"""Check one step's slice of the draft with the domain models; errors keyed by field.

The trunk model decides (rules live in the models). A step sees only the errors of the
fields it fills; the others wait for their own step. ``password`` is passed to the model
for the check only, never stored.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from trunkwiz.service.draft import STEP_FIELDS

if TYPE_CHECKING:
    from pydantic import ValidationError

    from trunkwiz.service.draft import WizardDraft

#: The step where an error on a field (first part of its dotted path) is shown.
FIELD_STEP: dict[str, str] = {
    name: step for step, names in STEP_FIELDS.items() for name in names
} | {"level": "kind", "kind": "kind"}


def field_errors(exc: ValidationError) -> dict[str, str]:
    """One message per dotted field path (``tenants.0.did_numbers``) from a model error."""
    from trunkwiz.domain.rules import error_messages

    return {key: "; ".join(msgs) for key, msgs in error_messages(exc).items()}


def step_of(key: str) -> str:
    """The step that shows errors for ``key`` (``review`` when no step owns it)."""
    return FIELD_STEP.get(key.split(".", 1)[0], "review")


def build_trunk(draft: WizardDraft) -> Any:
    """The draft as a validated trunk model (raises pydantic ``ValidationError``)."""
    from trunkwiz.domain.trunk import parse_trunk

    data = draft.trunk_data()
    if draft.password is not None and data["kind"] != "ip":
        data["password"] = draft.password
    return parse_trunk(data, editing=draft.trunk_id is not None)


def validate_step(draft: WizardDraft, step: str) -> dict[str, str]:
    """Errors (``{field path: message}``) the model reports for ``step``'s own fields."""
    from pydantic import ValidationError

    try:
        build_trunk(draft)
    except ValidationError as exc:
        return {k: v for k, v in field_errors(exc).items() if step_of(k) == step}
    return {}


def validate_all(draft: WizardDraft) -> dict[str, str]:
    """Every error of the whole draft (the Review step shows what is left)."""
    from pydantic import ValidationError

    try:
        build_trunk(draft)
    except ValidationError as exc:
        return field_errors(exc)
    return {}
