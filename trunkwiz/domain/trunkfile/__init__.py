"""The trunk file (``trunkwiz apply``/``export``): TOML ``[[trunk]]`` tables, parsed and
validated as a whole, and emitted back in the same form.

Keys are the API field names (``hostname``, ``auth_id`` …) plus ``kind``
(``register``/``ip``/``accept_register``), a ``[trunk.options]`` table for the flags and
``[[trunk.tenants]]`` entries (``tenant`` = a tenant's name, SIP domain or id,
``did_numbers``, ``concurrency``). Keys left out take the PBX web UI's defaults: the file
describes the whole trunk. A ``did_numbers`` key at trunk level makes the trunk a Tenant
Admin's own trunk; without it the trunk is a System Admin trunk shared per tenant.

Never a password: a password-like key anywhere is an error. Every problem of the file is
collected before anything is reported (``TrunkFileError.issues``), each with its trunk,
key, message and, where the text shows it, its line. Pure: takes text or dicts.

The package keeps its parts in private modules: ``_lines`` (keys placed on lines),
``_values`` (value checks), ``_routes`` (route tables), ``_model`` (the file's data and
issues), ``_parse`` (checking a file), ``_emit`` (writing one) and ``_resolve`` (tenant
references matched to the PBX's tenants). Import the names below from here.
"""

from trunkwiz.domain.trunkfile._emit import emit, emit_file, entry_routes, trunk_table
from trunkwiz.domain.trunkfile._model import (
    AnyTrunk,
    FileIssue,
    TrunkEntry,
    TrunkFile,
    TrunkFileError,
)
from trunkwiz.domain.trunkfile._parse import (
    COMMON_KEYS,
    CREDENTIAL_KEYS,
    TOO_DEEP,
    parse,
    parse_data,
)
from trunkwiz.domain.trunkfile._resolve import (
    TenantIndex,
    level_issues,
    match_tenant,
    resolve_tenants,
)
from trunkwiz.domain.trunkfile._routes import ROUTE_KEYS

__all__ = [
    "COMMON_KEYS",
    "CREDENTIAL_KEYS",
    "ROUTE_KEYS",
    "TOO_DEEP",
    "AnyTrunk",
    "FileIssue",
    "TenantIndex",
    "TrunkEntry",
    "TrunkFile",
    "TrunkFileError",
    "emit",
    "emit_file",
    "entry_routes",
    "level_issues",
    "match_tenant",
    "parse",
    "parse_data",
    "resolve_tenants",
    "trunk_table",
]
