"""Write trunks as a trunk file (``trunkwiz export``): the same keys ``parse`` reads.

Every value is written explicitly except empty optional ones (no outbound proxy, no
additional IPs, no account username), so applying the output changes nothing. Never a
password: the models exclude it and no key for it exists here.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from enum import Enum

import tomli_w

from trunkwiz.domain.fields import TRUNK_FIELDS
from trunkwiz.domain.jsondata import JsonObject
from trunkwiz.domain.options import Level
from trunkwiz.domain.routes import TenantRoutes
from trunkwiz.domain.text import is_hidden
from trunkwiz.domain.trunkfile._model import AnyTrunk, TrunkEntry, TrunkFile
from trunkwiz.domain.trunkfile._routes import route_tables

_PROXY = frozenset({"outbound_server", "outbound_server_port"})
"""Written together, only when a proxy is set."""
_OMIT_EMPTY = frozenset({"additional_ips", "username"})
"""Optional values left out when empty."""

HEADER = """\
# trunkwiz trunk file: apply with `trunkwiz apply FILE --dry-run`, then without --dry-run.
# Passwords are never stored here: they come from the keyring
# (`trunkwiz secret set trunk NAME`), --password-stdin or a prompt.
"""


def trunk_table(
    trunk: AnyTrunk,
    tenant_refs: Mapping[str, str] | None = None,
    routes: Mapping[str | None, TenantRoutes] | None = None,
) -> JsonObject:
    """One ``[[trunk]]`` table. ``tenant_refs`` maps a tenant id to the reference written
    in ``tenant`` (e.g. its SIP domain); without an entry the id is written. ``routes``
    maps a tenant id (None: a Tenant Admin's own trunk) to the rules written for it."""
    refs = tenant_refs or {}
    rules = routes or {}
    kind = trunk.trunk_kind
    proxy = bool(trunk.outbound_server or trunk.outbound_server_port)
    table: JsonObject = {}
    for field in TRUNK_FIELDS:  # in file order
        name = field.name
        if not field.file_key or not field.applies_to(kind.value):
            continue
        if name == "kind":
            table[name] = kind.value
        elif name == "did_numbers":
            if trunk.level is Level.tenant:
                table[name] = trunk.did_numbers.strip()
                table.update(route_tables(rules.get(None, TenantRoutes())))
        elif name == "options":
            table[name] = trunk.options.model_dump()
        elif name == "tenants":
            if trunk.tenants:
                table[name] = [
                    {
                        "tenant": refs.get(t.tenant_id, t.tenant_id),
                        "did_numbers": t.did_numbers.strip(),
                        "concurrency": t.concurrency,
                        **route_tables(rules.get(t.tenant_id, TenantRoutes())),
                    }
                    for t in trunk.tenants
                ]
        elif name in _PROXY:
            if proxy:
                table[name] = getattr(trunk, name)
        else:
            value = getattr(trunk, name)
            if isinstance(value, Enum):
                value = value.value
            elif isinstance(value, list):
                value = list(value)
            if value or name not in _OMIT_EMPTY:
                table[name] = value
    return table


def emit(
    trunks: Sequence[AnyTrunk],
    tenant_refs: Mapping[str, str] | None = None,
    routes: Sequence[Mapping[str | None, TenantRoutes]] | None = None,
) -> str:
    """The trunk file text for ``trunks`` (a header comment, then one table each);
    ``routes``, when given, holds each trunk's rules (see :func:`trunk_table`)."""
    per_trunk = list(routes) if routes is not None else [{} for _ in trunks]
    tables = [trunk_table(t, tenant_refs, r) for t, r in zip(trunks, per_trunk, strict=True)]
    body = tomli_w.dumps({"trunk": tables})
    return HEADER + "\n" + _escape_hidden(body)


_HIDDEN = re.compile(r"[^\x00-\x7e]")


def _escape_hidden(body: str) -> str:
    """TOML text with every control/format character still raw (C1 controls, bidi
    overrides, line separators; ``tomli_w`` escapes only C0) written as a ``\\u`` escape,
    so the file shows no hidden text in a terminal or an editor. Such characters can only
    sit inside quoted strings, where the escape means the same character; a lone
    surrogate (not valid in TOML nor UTF-8) becomes U+FFFD."""

    def escape(match: re.Match[str]) -> str:
        char = match.group()
        if "\ud800" <= char <= "\udfff":
            return "\\ufffd"
        if not is_hidden(char):
            return char
        code = ord(char)
        return f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"

    return _HIDDEN.sub(escape, body)


def emit_file(file: TrunkFile) -> str:
    """Re-emit a parsed file in canonical form (references kept as written)."""
    return emit(file.trunks, routes=[entry_routes(e) for e in file.entries])


def entry_routes(entry: TrunkEntry) -> dict[str | None, TenantRoutes]:
    """A file entry's rules keyed by tenant id (None: a Tenant Admin's own trunk); after
    :func:`resolve_tenants` pair them with the resolved trunk's tenants by position."""
    out: dict[str | None, TenantRoutes] = {None: entry.own_routes}
    for tenant, routes in zip(entry.trunk.tenants, entry.tenant_routes, strict=False):
        out[tenant.tenant_id] = routes
    return out
