"""Parsing a trunk file: TOML text (or decoded data) checked as a whole into a
:class:`~trunkwiz.domain.trunkfile._model.TrunkFile`, or every problem found raised at once
in a :class:`~trunkwiz.domain.trunkfile._model.TrunkFileError`.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from pydantic import ValidationError

from trunkwiz.compat import tomllib
from trunkwiz.domain.fields import file_keys
from trunkwiz.domain.jsondata import JsonMapping, JsonObject
from trunkwiz.domain.options import OPTION_FIELDS, Level, TenantAssignment, TrunkKind
from trunkwiz.domain.poolrules import level_errors
from trunkwiz.domain.routes import TenantRoutes
from trunkwiz.domain.text import control_chars_problem
from trunkwiz.domain.trunk import parse_trunk
from trunkwiz.domain.trunkfile._lines import LineIndex
from trunkwiz.domain.trunkfile._model import (
    FileIssue,
    TrunkEntry,
    TrunkFile,
    TrunkFileError,
)
from trunkwiz.domain.trunkfile._routes import ROUTE_KEYS, check_routes
from trunkwiz.domain.trunkfile._values import (
    is_secret,
    pool_text,
    secret_paths,
    tenant_of,
    type_problem,
    unknown,
)

COMMON_KEYS = (*file_keys(credentials=False), *ROUTE_KEYS)
"""Keys every ``[[trunk]]`` table may hold."""
CREDENTIAL_KEYS = file_keys(credentials=True)
"""Keys of the register kinds only."""
TENANT_KEYS = ("tenant", "did_numbers", "concurrency", *ROUTE_KEYS)
"""Keys of a ``[[trunk.tenants]]`` entry."""
PASSWORD_HELP = (
    "passwords never go in a trunk file: trunk passwords come from the keyring "
    "(`trunkwiz secret set trunk NAME`), `--password-stdin` or a hidden prompt"
)
TOO_DEEP = "arrays or tables are nested too deeply for a trunk file"
_TOML_LINE = re.compile(r"at line (\d+)")
_RULE_TYPES = frozenset({"trunk_rule", "did_pool", "did_overlap"})


def parse(text: str) -> TrunkFile:
    """Parse and validate a trunk file's text; raises :class:`TrunkFileError`."""
    text = text.removeprefix("\ufeff")  # a UTF-8 byte order mark some editors write
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        found = _TOML_LINE.search(str(exc))
        line = int(found.group(1)) if found else None
        raise TrunkFileError([FileIssue(f"not valid TOML: {exc}", line=line)]) from None
    except RecursionError:
        raise TrunkFileError([FileIssue(TOO_DEEP)]) from None
    return parse_data(data, LineIndex.scan(text))


def parse_data(data: JsonMapping, lines: LineIndex | None = None) -> TrunkFile:
    """Validate an already-decoded trunk file; raises :class:`TrunkFileError`."""
    try:
        return _parse_data(data, lines or LineIndex())
    except RecursionError:
        raise TrunkFileError([FileIssue(TOO_DEEP)]) from None


def _parse_data(data: JsonMapping, lines: LineIndex) -> TrunkFile:
    issues: list[FileIssue] = []
    for key in data:
        if key != "trunk" and not is_secret(key):
            issues.append(
                FileIssue(f"unknown top-level key {key!r}: the file holds [[trunk]] tables only")
            )
    issues += [
        FileIssue(PASSWORD_HELP, key=path)
        for path in secret_paths(data, "")
        if not path.startswith("trunk")
    ]
    raw_trunks = data.get("trunk")
    if raw_trunks is None or raw_trunks == []:
        issues.append(FileIssue("the file defines no trunk: add a [[trunk]] table"))
        raw_trunks = []
    elif not isinstance(raw_trunks, list) or not all(isinstance(t, dict) for t in raw_trunks):
        issues.append(FileIssue("'trunk' must be an array of tables: write [[trunk]]"))
        raw_trunks = []
    entries: list[TrunkEntry] = []
    for index, raw in enumerate(raw_trunks):
        checker = _TrunkChecker(index, raw, lines)
        entry = checker.run()
        issues += checker.issues
        if entry is not None:
            entries.append(entry)
    issues += _duplicate_names(raw_trunks, lines)
    if issues:
        ordered = sorted(issues, key=lambda i: (-1 if i.trunk is None else i.trunk, i.line or 0))
        raise TrunkFileError(list(dict.fromkeys(ordered)))
    return TrunkFile(tuple(entries), lines)


class _TrunkChecker:
    """Checks one raw ``[[trunk]]`` table and builds its model."""

    def __init__(self, index: int, raw: JsonObject, lines: LineIndex) -> None:
        self.index, self.raw, self.lines = index, raw, lines
        name = raw.get("name")
        self.name = name.strip() if isinstance(name, str) else ""
        self.issues: list[FileIssue] = []
        self._type_keys: set[str] = set()
        """Keys the type checks reported: the model's messages on them add nothing (every
        message of the model's own rules is kept: a pool's every bad entry)."""

    def add(
        self, key: str, message: str, tenant: int | None = None, *, model: bool = False
    ) -> None:
        shown = f"tenants[{tenant + 1}]" + (f".{key}" if key else "") if tenant is not None else key
        if model and shown in self._type_keys:
            return  # the type check already reported this key
        if not model:
            self._type_keys.add(shown)
        line = self.lines.line(self.index, key, tenant)
        self.issues.append(FileIssue(message, self.index, self.name, shown, line))

    def run(self) -> TrunkEntry | None:
        raw = self.raw
        for path in secret_paths(raw, ""):
            tenant = tenant_of(path)
            self.add(path.rsplit(".", 1)[-1] if tenant is not None else path, PASSWORD_HELP, tenant)
        kind = self._kind()
        allowed = COMMON_KEYS + (CREDENTIAL_KEYS if kind is None or kind.needs_credentials else ())
        for key in raw:
            if is_secret(key) or key in allowed:
                continue
            if key in CREDENTIAL_KEYS:
                self.add(key, f"{key} is only for register and accept_register trunks")
            elif key in OPTION_FIELDS:
                self.add(key, f"{key} is a flag: put it under [trunk.options]")
            else:
                self.add(key, unknown(key, allowed))
        options = self._options()
        tenants = self._tenants()
        if kind is None:
            return None
        data: JsonObject = {
            k: raw[k]
            for k in allowed
            if k in raw
            and k not in ("options", "tenants", "did_numbers", *ROUTE_KEYS)
            and self._typed(k, raw[k])
        }
        data["kind"] = kind
        pool = pool_text(raw.get("did_numbers", ""))
        if pool is None:
            self.add("did_numbers", "did_numbers must be text ('a-b;c') or a list of entries")
            pool = ""
        data["did_numbers"] = pool
        data["level"] = Level.tenant if pool.strip() else Level.system
        data["options"] = options
        data["tenants"] = tenants
        own, per_tenant = self._routes(data["level"], pool)
        try:
            trunk = parse_trunk(data, editing=True)
        except ValidationError as exc:
            for err in exc.errors():
                self._model_error(list(err["loc"]), str(err["msg"]), data["level"])
            if not any(err["type"] in _RULE_TYPES for err in exc.errors()):
                self._rules_anyway(kind, data)
            return None
        return TrunkEntry(self.index, trunk, per_tenant, own)

    def _routes(self, level: Level, pool: str) -> tuple[TenantRoutes, tuple[TenantRoutes, ...]]:
        """The route tables of the trunk (Tenant Admin) or of each tenant entry."""
        own, problems = check_routes(self.raw, None, pool, self.index, self.lines)
        if own.managed and level is Level.system:
            self.add(
                "outbound" if own.outbound is not None else "inbound",
                "a System Admin trunk's rules belong to a tenant: write "
                "[[trunk.tenants.outbound]] / [[trunk.tenants.inbound]] under that tenant",
            )
        per_tenant: list[TenantRoutes] = []
        tenants = self.raw.get("tenants", [])
        for j, item in enumerate(tenants if isinstance(tenants, list) else []):
            if not isinstance(item, dict):
                continue
            did = pool_text(item.get("did_numbers", "")) or ""
            routes, more = check_routes(item, j, did, self.index, self.lines)
            per_tenant.append(routes)
            problems += more
        for p in problems:
            self.issues.append(FileIssue(p.message, self.index, self.name, p.key, p.line))
        return own, tuple(per_tenant)

    def _typed(self, key: str, value: object, tenant: int | None = None) -> bool:
        """Whether ``value`` has the TOML type ``key`` needs (else an issue is added)."""
        problem = type_problem(key.rpartition(".")[2], value)
        if problem is not None:
            self.add(key, problem, tenant)
        return problem is None

    def _rules_anyway(self, kind: TrunkKind, data: JsonObject) -> None:
        """The cross-field rules (pools, overlaps, level), which pydantic skips when a
        field is invalid, run on whatever parts are valid so one run reports them too."""
        tenants: list[TenantAssignment] = []
        for item in data["tenants"]:
            try:
                tenants.append(TenantAssignment.model_validate(item))
            except ValidationError:
                return  # already reported; indexes would no longer match
        pool = data["did_numbers"]
        for err in level_errors(kind, data["level"], pool, tenants):
            self._model_error(list(err.loc), err.message, data["level"])
        if kind.needs_credentials and not str(data.get("auth_id") or "").strip():
            self._model_error(
                ["auth_id"], "Enter the authentication name (SIP user ID)", data["level"]
            )

    def _kind(self) -> TrunkKind | None:
        value = self.raw.get("kind")
        choices = ", ".join(k.value for k in TrunkKind)
        if value is None:
            self.add("kind", f"required: one of {choices}")
        elif not isinstance(value, str):
            self.add("kind", f"must be text in quotes: one of {choices}")
        elif value not in {k.value for k in TrunkKind}:
            self.add("kind", f"{value!r} is not a trunk kind: use one of {choices}")
        else:
            return TrunkKind(value)
        return None

    def _options(self) -> JsonObject:
        options = self.raw.get("options", {})
        if not isinstance(options, dict):
            self.add("options", "must be a table: write [trunk.options]")
            return {}
        for key in options:
            if key not in OPTION_FIELDS and not is_secret(key):
                self.add(f"options.{key}", unknown(key, OPTION_FIELDS))
        return {
            k: v
            for k, v in options.items()
            if k in OPTION_FIELDS and self._typed(f"options.{k}", v)
        }

    def _tenants(self) -> list[JsonObject]:
        tenants = self.raw.get("tenants", [])
        if not isinstance(tenants, list) or not all(isinstance(t, dict) for t in tenants):
            self.add("tenants", "must be an array of tables: write [[trunk.tenants]]")
            return []
        out: list[JsonObject] = []
        for j, item in enumerate(tenants):
            for key in item:
                if key not in TENANT_KEYS and not is_secret(key):
                    self.add(key, unknown(key, TENANT_KEYS), j)
            ref = item.get("tenant")
            if not isinstance(ref, str) or not ref.strip():
                self.add("tenant", "required: the tenant's name, SIP domain or id", j)
                ref = f"#{j + 1}"
            elif problem := control_chars_problem(ref):
                self.add("tenant", f"the reference {problem}", j)
                ref = f"#{j + 1}"
            pool = pool_text(item.get("did_numbers", ""))
            if pool is None:
                self.add("did_numbers", "must be text ('a-b;c') or a list of entries", j)
                pool = ""
            entry: JsonObject = {
                "tenant_id": ref.strip(),
                "tenant_name": ref.strip(),
                "did_numbers": pool,
            }
            if "concurrency" in item and self._typed("concurrency", item["concurrency"], j):
                entry["concurrency"] = item["concurrency"]
            out.append(entry)
        return out

    def _model_error(self, loc: list[str | int], message: str, level: Level) -> None:
        if loc and loc[0] in {k.value for k in TrunkKind}:
            loc = loc[1:]
        message = "required" if message == "Field required" else message
        if loc[:1] == ["tenants"] and len(loc) >= 2 and isinstance(loc[1], int):
            key = "tenant" if loc[2:3] == ["tenant_id"] else ".".join(str(p) for p in loc[2:])
            self.add(key, message, loc[1], model=True)
            return
        if loc[:1] == ["level"] or (loc == ["tenants"] and level is Level.tenant):
            message += (
                " (a did_numbers key at trunk level makes this a Tenant Admin's own "
                "trunk; a System Admin trunk sets DID pools per [[trunk.tenants]])"
            )
            loc = ["did_numbers"] if loc[:1] == ["level"] else loc
        key = ""
        for part in loc:
            key += f"[{part + 1}]" if isinstance(part, int) else ("." if key else "") + str(part)
        self.add(key, message, model=True)


def _duplicate_names(raw_trunks: Sequence[object], lines: LineIndex) -> list[FileIssue]:
    seen: dict[str, int] = {}
    issues: list[FileIssue] = []
    for index, raw in enumerate(raw_trunks):
        name = raw.get("name") if isinstance(raw, dict) else None
        if not isinstance(name, str) or not name.strip():
            continue
        folded = name.strip().casefold()
        if folded in seen:
            issues.append(
                FileIssue(
                    f"the name is used by trunk #{seen[folded] + 1} too: "
                    "trunk names are unique on the PBX",
                    index,
                    name.strip(),
                    "name",
                    lines.line(index, "name"),
                )
            )
        else:
            seen[folded] = index
    return issues
