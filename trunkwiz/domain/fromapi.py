"""Build a trunk model from what the PBX returns, for the edit flow."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from trunkwiz.domain.fields import copied_fields
from trunkwiz.domain.options import API_DEFAULTS, OPTION_FIELDS, Level, TrunkKind
from trunkwiz.domain.trunk import MODEL_FOR_KIND, AcceptRegisterTrunk, IpTrunk, RegisterTrunk


def infer_level(detail: Mapping[str, Any], assignees: Sequence[Mapping[str, Any]]) -> Level:
    """The trunk's level from API data: shared or assigned -> system; a trunk with its
    own DID pool and no tenants -> tenant; otherwise system."""
    if assignees or detail.get("shared"):
        return Level.system
    if str(detail.get("did_numbers") or "").strip():
        return Level.tenant
    return Level.system


def trunk_from_api(
    detail: Mapping[str, Any],
    assignees: Sequence[Mapping[str, Any]],
    tenants: Mapping[str, str],
    *,
    level: Level | None = None,
) -> RegisterTrunk | IpTrunk | AcceptRegisterTrunk:
    """The model of an existing trunk.

    ``detail`` is a ``GET /providers/{id}`` body, ``assignees`` the ``items`` of
    ``GET /providers/{id}/assignees``, ``tenants`` maps tenant id -> name (for messages).
    Missing or ``null`` option flags mean the API schema's default
    (:data:`~trunkwiz.domain.options.API_DEFAULTS`), other missing fields take the model
    defaults, unknown ones are ignored; the
    password is never known (the model is validated as ``editing``). ``level`` overrides
    :func:`infer_level`. Raises ``ValueError`` for kinds this tool does not handle (TEAMS,
    WHATS_APP) and ``ValidationError`` when the PBX's data breaks a rule.
    """
    kind = TrunkKind.from_auth_mode(str(detail.get("auth_mode") or "REGISTER_AUTH"))
    chosen = level or infer_level(detail, assignees)
    keys = copied_fields(kind.value)
    data: dict[str, Any] = {k: detail[k] for k in keys if detail.get(k) is not None}
    data["kind"] = kind
    data["level"] = chosen
    data["options"] = {  # a flag left out means the API schema's default for it
        k: API_DEFAULTS[k] if detail.get(k) is None else detail[k] for k in OPTION_FIELDS
    }
    if chosen is Level.tenant:
        data["did_numbers"] = str(detail.get("did_numbers") or "")
    else:
        data["tenants"] = [
            {
                "tenant_id": str(item["tenant_id"]),
                "tenant_name": tenants.get(str(item["tenant_id"]), ""),
                "did_numbers": str(item.get("did_numbers") or ""),
                **(
                    {"concurrency": item["concurrency"]}
                    if item.get("concurrency") is not None
                    else {}
                ),
            }
            for item in assignees
            if item.get("tenant_id")
        ]
    model = MODEL_FOR_KIND[kind]
    return model.model_validate(data, context={"editing": True})
