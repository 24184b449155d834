"""A trunk the PBX holds as the domain's model, for the edit flow, the export and the
probe: ``trunk_from_api`` builds it from the typed objects the client returns (``Trunk``,
``Assignee``); ``infer_level`` says at which level the trunk lives."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from trunkwiz.domain.fields import copied_fields
from trunkwiz.domain.options import API_DEFAULTS, OPTION_FIELDS, Level, TrunkKind
from trunkwiz.domain.trunk import MODEL_FOR_KIND, AnyTrunk
from trunkwiz.pbx.objects import Assignee, Trunk


def infer_level(trunk: Trunk, assignees: Sequence[Assignee]) -> Level:
    """The trunk's level from API data: shared or assigned -> system; a trunk with its
    own DID pool and no tenants -> tenant; otherwise system."""
    if assignees or trunk.shared:
        return Level.system
    if (trunk.did_numbers or "").strip():
        return Level.tenant
    return Level.system


def trunk_from_api(
    trunk: Trunk,
    assignees: Sequence[Assignee],
    tenants: Mapping[str, str],
    *,
    level: Level | None = None,
) -> AnyTrunk:
    """The model of an existing trunk.

    ``trunk`` is its ``GET /providers/{id}``, ``assignees`` its
    ``GET /providers/{id}/assignees``, ``tenants`` maps tenant id -> name (for messages).
    Missing or ``null`` option flags mean the API schema's default
    (:data:`~trunkwiz.domain.options.API_DEFAULTS`), other missing fields take the model
    defaults, unknown ones are ignored; the password is never known (the model is
    validated as ``editing``). ``level`` overrides :func:`infer_level`. Raises
    ``ValueError`` for kinds this tool does not handle (TEAMS, WHATS_APP) and
    ``ValidationError`` when the PBX's data breaks a rule.
    """
    kind = TrunkKind.from_auth_mode(trunk.auth_mode or "REGISTER_AUTH")
    chosen = level or infer_level(trunk, assignees)
    given = trunk.api_values()
    data: dict[str, object] = {k: given[k] for k in copied_fields(kind.value) if k in given}
    data["kind"] = kind
    data["level"] = chosen
    # a flag left out means the API schema's default for it
    data["options"] = {k: given.get(k, API_DEFAULTS[k]) for k in OPTION_FIELDS}
    if chosen is Level.tenant:
        data["did_numbers"] = trunk.did_numbers or ""
    else:
        data["tenants"] = [
            {
                "tenant_id": item.tenant_id,
                "tenant_name": tenants.get(item.tenant_id, ""),
                "did_numbers": item.did_numbers,
                **({"concurrency": item.concurrency} if item.concurrency is not None else {}),
            }
            for item in assignees
            if item.tenant_id
        ]
    model = MODEL_FOR_KIND[kind]
    return model.model_validate(data, context={"editing": True})
