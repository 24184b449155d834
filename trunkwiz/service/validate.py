"""Check one step's slice of the draft with the domain models; errors keyed by field.

The trunk model decides (rules live in the models). A step sees only the errors of the
fields it fills; the others wait for their own step. ``password`` is passed to the model
for the check only, never stored.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from pydantic import ValidationError

from trunkwiz.domain.didpool import DidPool, PoolIndex, check_pool
from trunkwiz.domain.options import Level
from trunkwiz.domain.routes import InboundRoute, OutboundRoute, route_issues
from trunkwiz.domain.rules import error_messages
from trunkwiz.domain.trunk import parse_trunk
from trunkwiz.service.draft import STEP_FIELDS

if TYPE_CHECKING:
    from trunkwiz.domain.routes import RouteIssue, TenantRoutes
    from trunkwiz.pbx.inventory import Inventory
    from trunkwiz.service.connection import Connection, TrunkModel
    from trunkwiz.service.draft import WizardDraft
    from trunkwiz.service.tenants import TenantInfo

#: The step where an error on a field (first part of its dotted path) is shown.
FIELD_STEP: dict[str, str] = {
    name: step for step, names in STEP_FIELDS.items() for name in names
} | {"level": "kind", "kind": "kind"}


def field_errors(exc: ValidationError) -> dict[str, str]:
    """One message per dotted field path (``tenants.0.did_numbers``) from a model error."""
    return {key: "; ".join(msgs) for key, msgs in error_messages(exc).items()}


def step_of(key: str) -> str:
    """The step that shows errors for ``key`` (``review`` when no step owns it)."""
    return FIELD_STEP.get(key.split(".", 1)[0], "review")


def build_trunk(draft: WizardDraft) -> TrunkModel:
    """The draft as a validated trunk model (raises pydantic ``ValidationError``)."""
    data = draft.trunk_data()
    if draft.password is not None and data["kind"] != "ip":
        data["password"] = draft.password
    return parse_trunk(data, editing=draft.trunk_id is not None)


def validate_step(draft: WizardDraft, step: str) -> dict[str, str]:
    """Errors (``{field path: message}``) the model reports for ``step``'s own fields."""
    try:
        build_trunk(draft)
    except ValidationError as exc:
        return {k: v for k, v in field_errors(exc).items() if step_of(k) == step}
    return {}


def tenant_domain_clash(hostname: str, tenants: Iterable[TenantInfo]) -> str | None:
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


# -- the one check before a plan (wizard Review and ``trunkwiz apply``) ---------------------


@dataclass(frozen=True)
class Finding:
    """One reason a trunk cannot be planned: the field at fault and what is wrong.

    ``path`` is the field's place in the trunk model (``("tenants", 0, "concurrency")``,
    ``("tenants", 1, "outbound", 0, "caller_id")``); ``key`` is it dotted, as the wizard
    names fields (``tenants.0.concurrency``), ``file_key`` as a trunk file names them
    (``tenants[1].concurrency``, counted from 1).
    """

    path: tuple[str | int, ...]
    message: str

    @property
    def key(self) -> str:
        """The dotted path, 0-based (``tenants.0.did_numbers``)."""
        return ".".join(str(p) for p in self.path)

    @property
    def tenant(self) -> int | None:
        """The tenant entry (0-based) the field belongs to, else None."""
        if len(self.path) >= 2 and self.path[0] == "tenants" and isinstance(self.path[1], int):
            return self.path[1]
        return None

    @property
    def tenant_key(self) -> str:
        """The key inside its tenant entry (or the trunk) in trunk-file form
        (``did_numbers``, ``outbound[1].caller_id``)."""
        rest = self.path[2:] if self.tenant is not None else self.path
        return _file_form(rest)

    @property
    def file_key(self) -> str:
        """The trunk-file key (``tenants[1].did_numbers``), as ``apply`` reports it."""
        return _file_form(self.path)


def _file_form(path: Iterable[str | int]) -> str:
    out = ""
    for part in path:
        out += f"[{part + 1}]" if isinstance(part, int) else ("." if out else "") + str(part)
    return out


_FILE_INDEX = re.compile(r"\[(\d+)\]")


def dotted_key(file_key: str) -> str:
    """A trunk-file key as the wizard names the field: ``tenants[2].outbound[1].name`` ->
    ``tenants.1.outbound.0.name`` (for comparing the CLI's findings with the wizard's)."""
    return _FILE_INDEX.sub(lambda m: f".{int(m.group(1)) - 1}", file_key)


def model_findings(exc: ValidationError) -> list[Finding]:
    """A model's refusal as findings (one per message; a pool lists every bad entry)."""
    found: list[Finding] = []
    for key, messages in error_messages(exc).items():
        path = tuple(int(p) if p.isdigit() else p for p in key.split("."))
        found.extend(Finding(path, m) for m in messages)
    return found


def trunk_findings(
    trunk: TrunkModel,
    routes: Mapping[str | None, TenantRoutes],
    held: Mapping[str, DidPool],
) -> list[Finding]:
    """Every check of a valid trunk model that needs more than the model (pure).

    ``routes``: the rules the plan manages, per tenant id (None: a Tenant Admin's own);
    ``held``: every DID pool the PBX holds for the trunk's host, read for this plan (owner
    label -> pool; ``Inventory.pools_for_host`` without the trunk itself). Checked: each
    pool against every held pool (every overlapping entry named), each tenant's call cap
    against the trunk's, each tenant's rules against its pool (caller IDs, inbound DIDs,
    names) and no DID routed twice by the inbound rules of the trunk.
    """
    found: list[Finding] = []
    index = PoolIndex(held) if held else None
    pools: dict[str | None, tuple[tuple[str | int, ...], DidPool]] = {}
    if trunk.level is Level.tenant:
        pools[None] = (("did_numbers",), check_pool(trunk.did_numbers).pool)
    for i, tenant in enumerate(trunk.tenants):
        pool = check_pool(tenant.did_numbers).pool if tenant.did_numbers.strip() else None
        pools[tenant.tenant_id] = (("tenants", i, "did_numbers"), pool or _empty())
        if tenant.concurrency is not None and tenant.concurrency > trunk.concurrency:
            found.append(
                Finding(
                    ("tenants", i, "concurrency"),
                    f"Tenant {tenant.label}: a call cap of {tenant.concurrency} is above the "
                    f"trunk's own cap of {trunk.concurrency} (Max concurrent calls): lower "
                    "it, or raise the trunk's",
                )
            )
    if index is not None:
        for path, pool in pools.values():
            clashes = index.collisions(pool) if not pool.is_empty else []
            if clashes:
                listed = "; ".join(c.as_issue().message for c in clashes)
                found.append(
                    Finding(path, f"already in a pool the PBX holds for this host: {listed}")
                )
    for tenant_id, tenant_routes in routes.items():
        path, pool = pools.get(tenant_id, ((), _empty()))
        head: tuple[str | int, ...] = path[:2] if tenant_id is not None else ()
        for issue in route_checks(tenant_routes, pool):
            found.append(Finding((*head, issue.kind, issue.index, issue.field), issue.message))
    return found


def route_checks(routes: TenantRoutes, pool: DidPool) -> list[RouteIssue]:
    """A tenant's rules against its pool: the domain's ``route_issues`` (caller IDs and
    inbound DIDs inside the pool, names unique per kind, one inbound rule per DID of the
    trunk)."""
    return route_issues(routes, pool)


def _empty() -> DidPool:
    return DidPool.empty()


async def check_trunk(
    conn: Connection,
    trunk: TrunkModel,
    trunk_id: str | None,
    routes: Mapping[str | None, TenantRoutes],
    *,
    also: Mapping[str, DidPool] | None = None,
    inventory: Inventory | None = None,
) -> list[Finding]:
    """The checks both the wizard's Review and ``trunkwiz apply`` run before planning.

    Reads the PBX afresh for this plan (its SIP listeners, the tenants' SIP domains for an
    Accept-Register host, every DID pool held for the trunk's host; ``trunk_id``'s own
    pools excluded; ``also``: more pools to count as held, e.g. a trunk earlier in the same
    file; ``inventory``: the PBX's trunks read once for a run checking several trunks,
    else read here) and adds :func:`trunk_findings`. A PBX failure is raised (a
    ``PbxError``): nothing is planned on pools that could not be read.
    """
    found: list[Finding] = []
    problem = await conn.transport_problem(str(trunk.transport.value))
    if problem:
        found.append(Finding(("transport",), problem))
    if str(trunk.kind.value) == "accept_register":
        clash = tenant_domain_clash(trunk.hostname, await conn.tenant_domains())
        if clash:
            found.append(Finding(("hostname",), clash))
    if inventory is None:
        inventory = await conn.inventory()
    held = inventory.pools_for_host(trunk.hostname, exclude_trunk_id=trunk_id)
    held.update(also or {})
    found.extend(trunk_findings(trunk, routes, held))
    return found


@dataclass(frozen=True)
class ReviewCheck:
    """What the Review found before planning: the trunk and its routes when valid, else
    every finding (model and PBX checks alike)."""

    trunk: TrunkModel | None
    routes: Mapping[str | None, TenantRoutes]
    findings: tuple[Finding, ...]

    @property
    def ok(self) -> bool:
        """Nothing stands in the way of planning."""
        return self.trunk is not None and not self.findings


def finding_step(finding: Finding) -> str:
    """The wizard step that shows ``finding``'s field (``routes`` for a rule's field)."""
    if any(part in ("outbound", "inbound") for part in finding.path):
        return "routes"
    return step_of(finding.key)


def _route_findings(draft: WizardDraft) -> list[Finding]:
    """The Routes step's rules the domain refuses, each at its tenant entry and rule."""

    if draft.routes_skipped:
        return []
    found: list[Finding] = []
    rows = {t.tenant_id: i for i, t in enumerate(draft.tenants)}
    models: dict[str, type[OutboundRoute] | type[InboundRoute]] = {
        "outbound": OutboundRoute,
        "inbound": InboundRoute,
    }
    for key, rules in draft.routes.items():
        head: tuple[str | int, ...] = ()
        if key:
            if key not in rows:
                continue  # not shared any more: not planned (see ``tenant_routes``)
            head = ("tenants", rows[key])
        for kind, model in models.items():
            for k, rule in enumerate(rules.get(kind) or ()):
                try:
                    model.model_validate(rule)
                except ValidationError as exc:
                    for f in model_findings(exc):
                        found.append(Finding((*head, kind, k, *f.path), f.message))
    return found


async def review_check(conn: Connection, draft: WizardDraft) -> ReviewCheck:
    """The one check the wizard's Review runs before it plans (the same as ``apply``'s):
    the model's rules, the rules of the Routes step, then :func:`check_trunk` on the PBX
    as it is now."""
    found: list[Finding] = []
    trunk: TrunkModel | None = None
    try:
        trunk = build_trunk(draft)
    except ValidationError as exc:
        found.extend(model_findings(exc))
    found.extend(_route_findings(draft))
    if found or trunk is None:
        return ReviewCheck(trunk, {}, tuple(found))
    routes = draft.tenant_routes()
    found.extend(await check_trunk(conn, trunk, draft.trunk_id, routes))
    return ReviewCheck(trunk, routes, tuple(found))
