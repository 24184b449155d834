"""Turn an existing trunk (a domain model) into the wizard's draft values for editing."""

from __future__ import annotations

from typing import Any

from trunkwiz.service.draft import TenantPick


def draft_values(trunk: Any, trunk_id: str) -> dict[str, Any]:
    """The values ``WizardDraft.apply`` takes to edit ``trunk`` (no password: kept on PBX)."""
    fields: dict[str, Any] = {
        "name": trunk.name,
        "brand": trunk.brand,
        "hostname": trunk.hostname,
        "port": trunk.port,
        "transport": str(trunk.transport.value),
        "outbound_server": trunk.outbound_server,
        "outbound_server_port": trunk.outbound_server_port,
        "additional_ips": ";".join(trunk.additional_ips),
        "concurrency": trunk.concurrency,
    }
    for name in ("auth_id", "username", "registration", "register_interval"):
        if hasattr(trunk, name):
            fields[name] = getattr(trunk, name)
    if str(trunk.level.value) == "tenant":
        fields["did_numbers"] = trunk.did_numbers
    values: dict[str, Any] = dict(fields)
    values.update(
        kind=str(trunk.kind.value),
        level=str(trunk.level.value),
        trunk_id=trunk_id,
        options=trunk.options.model_dump(),
        password=None,
        tenants=[
            TenantPick(t.tenant_id, t.tenant_name or t.tenant_id, t.did_numbers, t.concurrency)
            for t in trunk.tenants
        ],
    )
    return values
