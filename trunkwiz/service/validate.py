"""Check one step's slice of the draft with the domain models; errors keyed by field.

The trunk model decides (rules live in the models). A step sees only the errors of the
fields it fills; the others wait for their own step. ``password`` is passed to the model
for the check only, never stored.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from trunkwiz.service.draft import STEP_FIELDS

if TYPE_CHECKING:
    from pydantic import ValidationError

    from trunkwiz.service.connection import TrunkModel
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


def build_trunk(draft: WizardDraft) -> TrunkModel:
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


def tenant_domain_clash(hostname: str, tenants: Iterable[Any]) -> str | None:
    """Why ``hostname`` cannot be an Accept-Register trunk's host, or None.

    The gateway registers to the PBX under the trunk's host, so the host is a label that
    must not equal any tenant's SIP domain (``tenants``: objects with ``name`` and
    ``domain``, e.g. ``TenantInfo``). Compared case-insensitively, a trailing dot ignored.
    """
    host = hostname.strip().rstrip(".").casefold()
    if not host:
        return None
    for tenant in tenants:
        domain = str(getattr(tenant, "domain", "") or "").strip().rstrip(".").casefold()
        if domain and domain == host:
            return (
                f"{hostname.strip()} is the SIP domain of tenant {tenant.name}: an "
                "Accept-Register trunk's host is a label for the gateway and must not equal "
                "a tenant's SIP domain."
            )
    return None
