"""Checks of a tenant's routes against its DID pool for the trunk, and between its rules.

Pure functions, so a screen can run them per keystroke; :func:`route_issues` gathers
every one of them.
"""

from __future__ import annotations

from dataclasses import dataclass

from trunkwiz.domain.didpool import DidPool
from trunkwiz.domain.routes._model import CALLER_ID, TenantRoutes, parse_did_range


def caller_id_problem(caller_id: str, pool: DidPool | None) -> str | None:
    """Why ``caller_id`` cannot be used with this pool (None: fine or nothing to check).

    A leading ``+``, ``0``, ``00`` or ``+00`` is allowed; the number after it must be in
    the tenant's DID pool for the trunk.
    """
    value = caller_id.strip()
    if not value:
        return None
    found = CALLER_ID.fullmatch(value)
    if found is None:
        return f"'{value}' is not a number (a leading +, 0, 00 or +00 is allowed)"
    if pool is None or pool.is_empty:
        return "the tenant has no DID pool for this trunk: a caller ID must come from it"
    if int(found.group(2)) not in pool:
        return f"{value} is not in the tenant's DID pool for this trunk ({pool.format()})"
    return None


def did_problem(did_numbers: str, pool: DidPool | None) -> str | None:
    """Why ``did_numbers`` (one DID or range) is not wholly inside ``pool`` (None: it is)."""
    try:
        first, last = parse_did_range(did_numbers)
    except ValueError as exc:
        return str(exc)
    if pool is None or pool.is_empty:
        return "the tenant has no DID pool for this trunk: inbound DIDs must come from it"
    wanted = DidPool.from_intervals([(first, last)])
    if wanted.intersection(pool).size != wanted.size:
        return (
            f"{did_numbers.strip()} is not wholly in the DID pool for this trunk ({pool.format()})"
        )
    return None


@dataclass(frozen=True)
class RouteIssue:
    """One problem of a tenant's routes: which rule and field, and what is wrong."""

    kind: str
    """``outbound`` or ``inbound``."""
    index: int
    """0-based position of the rule in its list."""
    field: str
    message: str


def duplicate_issues(routes: TenantRoutes) -> list[RouteIssue]:
    """Rules of one tenant and trunk that cannot live together: two rules of a kind with
    exactly the same name (names are matched exactly: "Dup" and "DUP" are two rules), and
    two inbound rules for the same DID (the KB: each inbound rule of a trunk needs its own
    number; trunkwiz sets no caller-number mask that could tell them apart)."""
    issues: list[RouteIssue] = []
    for kind in ("outbound", "inbound"):
        names: list[str] = [r.name for r in getattr(routes, kind) or ()]
        seen: set[str] = set()
        for i, name in enumerate(names):
            if name in seen:
                issues.append(RouteIssue(kind, i, "name", f"another {kind} rule is named '{name}'"))
            seen.add(name)
    taken: list[tuple[int, int, str]] = []
    for i, inbound in enumerate(routes.inbound or ()):
        first, last = inbound.did_range
        clash = next((name for a, b, name in taken if a <= last and first <= b), None)
        if clash is not None:
            issues.append(
                RouteIssue(
                    "inbound",
                    i,
                    "did_numbers",
                    f"{inbound.did_numbers} is already routed by inbound rule '{clash}' "
                    "of this trunk: each DID needs one inbound rule",
                )
            )
        taken.append((first, last, inbound.name))
    return issues


def route_issues(routes: TenantRoutes, pool: DidPool | None) -> list[RouteIssue]:
    """Every pool problem, duplicate name and duplicate DID of a tenant's routes (empty:
    all good)."""
    issues = duplicate_issues(routes)
    for i, out in enumerate(routes.outbound or ()):
        problem = caller_id_problem(out.caller_id, pool)
        if problem:
            issues.append(RouteIssue("outbound", i, "caller_id", problem))
    for i, inbound in enumerate(routes.inbound or ()):
        problem = did_problem(inbound.did_numbers, pool)
        if problem:
            issues.append(RouteIssue("inbound", i, "did_numbers", problem))
    return issues
