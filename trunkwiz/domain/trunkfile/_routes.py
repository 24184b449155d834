"""Routes in the trunk file: ``[[trunk.tenants.outbound]]`` / ``[[trunk.tenants.inbound]]``
(a System Admin trunk, per tenant) and ``[[trunk.outbound]]`` / ``[[trunk.inbound]]`` (a
Tenant Admin's own trunk)::

    [[trunk.tenants.outbound]]
    name = "Flowroute out"
    number_length = "11"        # or number_prefix = "1;00"
    prepend = "52709417*"
    strip_digits = 0
    caller_id = "16468097065"
    enabled = false             # optional: the route through this trunk is off (default on)
    office_hours = "always"     # the default; or "global", or a weekly schedule:
    # office_hours = { monday = "09:00-17:00", tuesday = "09:00-12:00;13:00-17:00" }

    [[trunk.tenants.inbound]]
    name = "From Flowroute"
    did_numbers = "16468097065"
    forward_to = "1001"          # office hours
    after_hours = "voicemail:1001"  # optional: a number, voicemail:<ext> or hangup
    holidays = "hangup"          # optional
    office_hours = "global"      # default: "global" with after_hours, else "always"

``office_hours`` is ``"always"`` (every day 00:00-23:59), ``"global"`` (the tenant's office
hours) or a table of weekdays with ``;``-lists of ``HH:MM-HH:MM`` (a day left out is
closed). An outbound rule lets calls through only in its office hours; an inbound rule
sends calls to ``forward_to`` in them and to ``after_hours`` outside them.

A list that is absent leaves that tenant's rules of that kind as they are on the PBX; a
list that is present (``outbound = []`` for none) is the whole set of rules of that kind
using the trunk in that tenant: ``apply`` creates, updates and removes rules to match.
Caller IDs and inbound DIDs must lie inside the pool the file gives that tenant.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError

from trunkwiz.domain.didpool import DidPool, check_pool
from trunkwiz.domain.jsondata import JsonMapping, JsonObject
from trunkwiz.domain.routes import InboundRoute, OutboundRoute, TenantRoutes, route_issues
from trunkwiz.domain.trunkfile._lines import LineIndex

ROUTE_KEYS = ("outbound", "inbound")
OUTBOUND_KEYS = (
    "name",
    "number_prefix",
    "number_length",
    "prepend",
    "strip_digits",
    "caller_id",
    "enabled",
    "office_hours",
)
INBOUND_KEYS = ("name", "did_numbers", "forward_to", "after_hours", "holidays", "office_hours")
_TEXTS = frozenset(OUTBOUND_KEYS + INBOUND_KEYS) - {"strip_digits", "enabled", "office_hours"}


@dataclass(frozen=True)
class RouteProblem:
    """One problem of a route table: the dotted key (tenants counted from 1), line, message."""

    key: str
    line: int | None
    message: str


def _where(tenant: int | None, kind: str, k: int | None = None, key: str = "") -> str:
    head = f"tenants[{tenant + 1}]." if tenant is not None else ""
    return head + kind + (f"[{k + 1}]" if k is not None else "") + (f".{key}" if key else "")


def check_routes(
    raw: JsonMapping, tenant: int | None, pool_text: str, trunk: int, lines: LineIndex
) -> tuple[TenantRoutes, list[RouteProblem]]:
    """Read the ``outbound``/``inbound`` lists of one tenant entry (or of a Tenant Admin's
    trunk, ``tenant=None``); ``pool_text`` is that tenant's DID pool in the file."""
    problems: list[RouteProblem] = []

    def add(kind: str, k: int | None, key: str, message: str) -> None:
        line = lines.route_line(trunk, tenant, kind, k, key)
        problems.append(RouteProblem(_where(tenant, kind, k, key), line, message))

    # Any: outbound rules under "outbound", inbound ones under "inbound"
    lists: dict[str, tuple[Any, ...] | None] = {}
    for kind, model, allowed in (
        ("outbound", OutboundRoute, OUTBOUND_KEYS),
        ("inbound", InboundRoute, INBOUND_KEYS),
    ):
        if kind not in raw:
            lists[kind] = None
            continue
        items = raw[kind]
        header = f"[[trunk.{'tenants.' if tenant is not None else ''}{kind}]]"
        if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
            add(kind, None, "", f"must be an array of tables: write {header}")
            lists[kind] = None
            continue
        built: list[Any] = []  # Any: rules of the kind this loop reads
        for k, item in enumerate(items):
            data: JsonObject = {}
            for key, value in item.items():
                if key not in allowed:
                    add(kind, k, key, f"unknown key {key!r}: allowed: {', '.join(allowed)}")
                elif key == "strip_digits":
                    if isinstance(value, int) and not isinstance(value, bool):
                        data[key] = value
                    else:
                        add(kind, k, key, "must be a whole number 0-9 (without quotes)")
                elif key == "enabled":
                    if isinstance(value, bool):
                        data[key] = value
                    else:
                        add(kind, k, key, "must be true or false (without quotes)")
                elif key == "office_hours":
                    if isinstance(value, str | dict):
                        data[key] = value
                    else:
                        add(kind, k, key, 'must be "always", "global" or a table of weekdays')
                elif key in _TEXTS and isinstance(value, int) and not isinstance(value, bool):
                    data[key] = str(value)
                elif isinstance(value, str):
                    data[key] = value
                else:
                    add(kind, k, key, "must be text in quotes")
            try:
                built.append(model.model_validate(data))
            except ValidationError as exc:
                for err in exc.errors():
                    key = str(err["loc"][0]) if err["loc"] else ""
                    msg = "required" if err["msg"] == "Field required" else str(err["msg"])
                    add(kind, k, key, msg.removeprefix("Value error, "))
        lists[kind] = tuple(built) if len(built) == len(items) else None
    routes = TenantRoutes(outbound=lists["outbound"], inbound=lists["inbound"])
    checked = check_pool(pool_text) if pool_text.strip() else None
    pool = checked.pool if checked is not None and checked.ok else DidPool.empty()
    if checked is None or checked.ok:
        for issue in route_issues(routes, pool):
            add(issue.kind, issue.index, issue.field, issue.message)
    return routes, problems


def route_tables(routes: TenantRoutes) -> dict[str, list[JsonObject]]:
    """The ``outbound``/``inbound`` lists of one tenant as trunk-file tables (kinds that
    are not managed are left out)."""
    out: dict[str, list[JsonObject]] = {}
    if routes.outbound is not None:
        out["outbound"] = [_outbound_table(r) for r in routes.outbound]
    if routes.inbound is not None:
        out["inbound"] = [_inbound_table(r) for r in routes.inbound]
    return out


def _outbound_table(rule: OutboundRoute) -> JsonObject:
    table: JsonObject = {"name": rule.name}
    if rule.number_length:
        table["number_length"] = rule.number_length
    if rule.number_prefix:
        table["number_prefix"] = rule.number_prefix
    table["prepend"] = rule.prepend
    table["strip_digits"] = rule.strip_digits
    if rule.caller_id:
        table["caller_id"] = rule.caller_id
    if not rule.enabled:
        table["enabled"] = False
    if rule.office_hours is not None:
        table["office_hours"] = rule.office_hours.to_file()
    return table


def _inbound_table(rule: InboundRoute) -> JsonObject:
    table: JsonObject = {
        "name": rule.name,
        "did_numbers": rule.did_numbers,
        "forward_to": rule.forward_to.text,
    }
    if rule.after_hours is not None:
        table["after_hours"] = rule.after_hours.text
    if rule.holidays is not None:
        table["holidays"] = rule.holidays.text
    if rule.office_hours is not None:
        table["office_hours"] = rule.office_hours.to_file()
    return table
