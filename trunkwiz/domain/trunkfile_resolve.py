"""Checks of a valid trunk file against what the PBX says: tenants and the signed-in role.

Both are still errors *of the file* (the CLI reports them with exit 2 and sends nothing):
a ``tenant`` reference that matches no tenant (or several), and a trunk whose level does
not fit the account (a System Admin has no trunk-level ``did_numbers``; a Tenant Admin's
trunk needs one and shares nothing).
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping, Sequence
from typing import Any

from pydantic import ValidationError

from trunkwiz.domain.options import Level
from trunkwiz.domain.trunk import parse_trunk
from trunkwiz.domain.trunkfile import AnyTrunk, FileIssue, TrunkFile, TrunkFileError


def match_tenant(ref: str, tenants: Sequence[Mapping[str, Any]]) -> tuple[str | None, str]:
    """The id of the tenant ``ref`` names (id, then SIP domain, then name; case-insensitive
    for domain and name), or ``(None, why)``. ``tenants`` are ``GET /tenants`` items."""
    text = ref.strip()
    folded = text.casefold()
    for tenant in tenants:
        if str(tenant.get("id")) == text:
            return str(tenant["id"]), ""
    by_domain = [t for t in tenants if str(t.get("domain") or "").casefold() == folded]
    if len(by_domain) == 1:
        return str(by_domain[0]["id"]), ""
    by_name = [t for t in tenants if str(t.get("name") or "").strip().casefold() == folded]
    if len(by_name) == 1:
        return str(by_name[0]["id"]), ""
    if len(by_name) > 1:
        domains = ", ".join(str(t.get("domain") or t.get("id")) for t in by_name)
        return None, f"{len(by_name)} tenants are named {text!r}: use a SIP domain ({domains})"
    labels = [str(t.get(k)) for t in tenants for k in ("name", "domain") if t.get(k)]
    close = difflib.get_close_matches(text, labels, n=3)
    hint = f" Did you mean {' or '.join(repr(c) for c in close)}?" if close else ""
    return None, f"no tenant {text!r} on the PBX (by name, SIP domain or id).{hint}"


def resolve_tenants(file: TrunkFile, tenants: Sequence[Mapping[str, Any]]) -> list[AnyTrunk]:
    """The file's trunks with each ``tenant`` reference replaced by the tenant's id (and
    its name for messages). Raises ``TrunkFileError`` listing every unknown or ambiguous
    reference, and a tenant listed twice under different references."""
    issues: list[FileIssue] = []
    names = {str(t.get("id")): str(t.get("name") or t.get("id")) for t in tenants}
    out: list[AnyTrunk] = []
    for entry in file.entries:
        trunk = entry.trunk
        if not trunk.tenants:
            out.append(trunk)
            continue
        resolved: list[dict[str, Any]] = []
        for j, assignment in enumerate(trunk.tenants):
            found, why = match_tenant(assignment.tenant_id, tenants)
            if found is None:
                issues.append(file.issue(entry.index, "tenant", why, j))
                continue
            resolved.append(
                {
                    **assignment.model_dump(),
                    "tenant_id": found,
                    "tenant_name": names.get(found, found),
                }
            )
        if len(resolved) != len(trunk.tenants):
            continue
        data = {**trunk.model_dump(), "tenants": resolved}
        try:
            out.append(parse_trunk(data, editing=True))
        except ValidationError as exc:
            for err in exc.errors():
                loc = [p for p in err["loc"] if p not in {"register", "ip", "accept_register"}]
                tenant = loc[1] if loc[:1] == ["tenants"] and len(loc) > 1 else None
                key = "tenant" if loc[-1:] == ["tenant_id"] else str(loc[-1] if loc else "")
                index = tenant if isinstance(tenant, int) else None
                issues.append(file.issue(entry.index, key, str(err["msg"]), index))
    if issues:
        raise TrunkFileError(issues)
    return out


def level_issues(file: TrunkFile, level: Level) -> list[FileIssue]:
    """Trunks whose level does not fit the signed-in account's ``level``."""
    issues: list[FileIssue] = []
    for entry in file.entries:
        trunk = entry.trunk
        if trunk.level is level:
            continue
        if level is Level.system:
            issues.append(
                file.issue(
                    entry.index,
                    "did_numbers",
                    "you are signed in as the System Admin, whose trunks have no DID pool of "
                    "their own: set did_numbers per [[trunk.tenants]] entry, or sign in as the "
                    "tenant's admin (--domain SIP_DOMAIN) to manage the tenant's own trunk",
                )
            )
        elif trunk.tenants:
            issues.append(
                file.issue(
                    entry.index,
                    "tenants",
                    "you are signed in as a Tenant Admin, who cannot share trunks with tenants: "
                    "remove [[trunk.tenants]] and set the trunk's own did_numbers",
                )
            )
        else:
            issues.append(
                file.issue(
                    entry.index,
                    "did_numbers",
                    "required: a Tenant Admin's trunk has its own DID pool (did_numbers)",
                )
            )
    return issues
