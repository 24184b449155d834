"""The vendor's OpenAPI document as the sandbox uses it: operations and a typed validator.

The spec ships as package data (``trunkwiz/sandbox/data/openapi-v22-trunks.json``, an exact
copy of the trimmed PortSIP v22 document). Request bodies are checked with a small
validator that understands the JSON-Schema keywords the document uses. Like a typed
server it coerces nothing (``"5060"`` is not an integer, ``true`` is not an integer) and
``int32`` bounds apply. Objects are open, as the document leaves them (no schema of it says
``additionalProperties: false``): a property the schema does not name is accepted and then
dropped by :func:`known_only` (a typed server ignores it), never stored nor echoed.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from importlib import resources
from typing import Any

INT32 = (-(2**31), 2**31 - 1)
_TYPES: dict[str, tuple[type, ...]] = {
    "string": (str,),
    "boolean": (bool,),
    "object": (dict,),
    "array": (list,),
    "number": (int, float),
    "integer": (int,),
}


@dataclass(frozen=True)
class Problem:
    """One reason a value does not match its schema; ``field`` is a dotted path."""

    field: str
    message: str


@dataclass(frozen=True)
class Operation:
    """One operation of the spec: its method, path template and what it accepts/returns."""

    operation_id: str
    method: str
    path: str
    secured: bool
    body_schema: dict[str, Any] | None
    body_required: bool
    query: dict[str, dict[str, Any]] = field(default_factory=dict)
    statuses: frozenset[str] = frozenset()

    def allows(self, status: int) -> bool:
        """True when the spec lists ``status`` (exactly or by its ``4XX`` class)."""
        return str(status) in self.statuses or f"{str(status)[0]}XX" in self.statuses


def load_spec() -> dict[str, Any]:
    """Read the packaged OpenAPI document."""
    ref = resources.files("trunkwiz.sandbox") / "data" / "openapi-v22-trunks.json"
    data: dict[str, Any] = json.loads(ref.read_text(encoding="utf-8"))
    return data


def operations(spec: dict[str, Any]) -> dict[str, Operation]:
    """Every operation of ``spec`` by operationId."""
    default_secured = bool(spec.get("security"))
    out: dict[str, Operation] = {}
    for path, item in spec["paths"].items():
        for method, op in item.items():
            if method not in {"get", "post"}:
                continue
            body = op.get("requestBody") or {}
            schema = body.get("content", {}).get("application/json", {}).get("schema")
            secured = bool(op["security"]) if "security" in op else default_secured
            query = {p["name"]: p["schema"] for p in op.get("parameters", []) if p["in"] == "query"}
            out[op["operationId"]] = Operation(
                operation_id=op["operationId"],
                method=method.upper(),
                path=path,
                secured=secured,
                body_schema=schema,
                body_required=bool(body.get("required")),
                query=query,
                statuses=frozenset(op.get("responses", {})),
            )
    return out


def validate(value: Any, schema: dict[str, Any], where: str = "") -> list[Problem]:
    """Check ``value`` against ``schema`` (types, bounds, enums, required; objects open);
    an empty list means it is valid."""
    schema = _flatten(schema)
    problems: list[Problem] = []
    kind = schema.get("type")
    if kind is not None and not _is_type(value, kind):
        return [Problem(where or "body", f"must be {_article(kind)}")]
    if "enum" in schema and value not in schema["enum"]:
        allowed = ", ".join(str(v) for v in schema["enum"])
        problems.append(Problem(where, f"must be one of {allowed}"))
    if isinstance(value, str):
        problems += _check_string(value, schema, where)
    elif isinstance(value, int) and not isinstance(value, bool):
        problems += _check_number(value, schema, where)
    elif isinstance(value, dict):
        problems += _check_object(value, schema, where)
    elif isinstance(value, list) and "items" in schema:
        for i, item in enumerate(value):
            problems += validate(item, schema["items"], f"{where}[{i}]")
    return problems


def _flatten(schema: dict[str, Any]) -> dict[str, Any]:
    """Merge ``allOf`` parts into one schema (properties and required lists are united)."""
    if "allOf" not in schema:
        return schema
    flat = {k: v for k, v in schema.items() if k != "allOf"}
    for sub in schema["allOf"]:
        sub = _flatten(sub)
        for key, val in sub.items():
            if key == "properties":
                flat["properties"] = {**flat.get("properties", {}), **val}
            elif key == "required":
                flat["required"] = [*flat.get("required", []), *val]
            else:
                flat.setdefault(key, val)
    return flat


def _is_type(value: Any, kind: str) -> bool:
    if kind in {"integer", "number"} and isinstance(value, bool):
        return False
    return isinstance(value, _TYPES.get(kind, (object,)))


def _article(kind: str) -> str:
    return {"integer": "an integer", "object": "an object", "array": "an array"}.get(
        kind, f"a {kind}"
    )


def _check_string(value: str, schema: dict[str, Any], where: str) -> list[Problem]:
    out = []
    if "minLength" in schema and len(value) < schema["minLength"]:
        out.append(Problem(where, f"must be at least {schema['minLength']} characters"))
    if "maxLength" in schema and len(value) > schema["maxLength"]:
        out.append(Problem(where, f"must be at most {schema['maxLength']} characters"))
    return out


def _check_number(value: int, schema: dict[str, Any], where: str) -> list[Problem]:
    low, high = schema.get("minimum"), schema.get("maximum")
    if schema.get("format") == "int32":
        low = INT32[0] if low is None else low
        high = INT32[1] if high is None else high
    if low is not None and value < low:
        return [Problem(where, f"must be at least {low}")]
    if high is not None and value > high:
        return [Problem(where, f"must be at most {high}")]
    return []


def _check_object(value: dict[str, Any], schema: dict[str, Any], where: str) -> list[Problem]:
    props: dict[str, Any] = schema.get("properties", {})
    prefix = f"{where}." if where else ""
    out = [
        Problem(f"{prefix}{name}", "is required")
        for name in schema.get("required", [])
        if name not in value
    ]
    for name, item in value.items():
        if name in props:  # open schema: other names are allowed (and dropped later)
            out += validate(item, props[name], f"{prefix}{name}")
    return out


def known_only(value: Any, schema: dict[str, Any]) -> Any:
    """``value`` (valid for ``schema``) without the properties the schema does not name.

    Objects whose schema names no property at all are kept whole (free-form objects).
    """
    schema = _flatten(schema)
    if isinstance(value, dict):
        props: dict[str, Any] = schema.get("properties", {})
        if not props:
            return value
        return {k: known_only(v, props[k]) for k, v in value.items() if k in props}
    if isinstance(value, list) and "items" in schema:
        return [known_only(item, schema["items"]) for item in value]
    return value


def defaults_of(schema: dict[str, Any]) -> dict[str, Any]:
    """The ``default`` of every property of an object schema (nested objects included)."""
    out: dict[str, Any] = {}
    for name, prop in _flatten(schema).get("properties", {}).items():
        prop = _flatten(prop)
        if "default" in prop:
            out[name] = prop["default"]
        elif prop.get("type") == "object" and prop.get("properties"):
            nested = defaults_of(prop)
            if nested:
                out[name] = nested
    return out
