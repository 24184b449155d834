"""The v22 request-body schemas of trunk create/update, as strict jsonschema validators.

The spec is read from ``../shared/portsip`` (the contract), else from the copy the sandbox
ships. Validation also refuses keys the schema does not list (the spec is the contract:
nothing may invent API fields) and integers outside ``int32`` for ``format: int32``.
"""

from __future__ import annotations

import json
from functools import cache
from importlib.resources import files
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator, FormatChecker
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

ROOT = Path(__file__).resolve().parents[2]
CANDIDATES = (
    ROOT.parent / "shared" / "portsip" / "openapi-v22-trunks.json",
    ROOT / "trunkwiz" / "sandbox" / "data" / "openapi-v22-trunks.json",
    # The installed package's copy, when the tests run against a wheel.
    Path(str(files("trunkwiz.sandbox") / "data" / "openapi-v22-trunks.json")),
)
SPEC_URI = "urn:portsip:v22"
CREATE = ("/providers", "post")
UPDATE = ("/providers/{id}", "post")


@cache
def spec() -> dict[str, Any]:
    for path in CANDIDATES:
        if path.is_file():
            loaded: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
            return loaded
    raise FileNotFoundError(f"the v22 spec is in none of {[str(p) for p in CANDIDATES]}")


def _pointer(path: str, method: str) -> str:
    escaped = path.replace("~", "~0").replace("/", "~1")
    return f"/paths/{escaped}/{method}/requestBody/content/application~1json/schema"


def body_schema(operation: tuple[str, str]) -> dict[str, Any]:
    """The raw request-body schema of an operation."""
    path, method = operation
    body: dict[str, Any] = spec()["paths"][path][method]["requestBody"]
    schema: dict[str, Any] = body["content"]["application/json"]["schema"]
    return schema


@cache
def validator(operation: tuple[str, str]) -> Draft202012Validator:
    """A strict validator: the spec's schema (refs resolved in the document) plus
    ``propertyNames`` limited to the schema's properties."""
    path, method = operation
    registry: Registry[Any] = Registry().with_resource(
        SPEC_URI, Resource.from_contents(spec(), default_specification=DRAFT202012)
    )
    props = sorted(body_schema(operation)["properties"])
    schema = {
        "allOf": [{"$ref": f"{SPEC_URI}#{_pointer(path, method)}"}],
        "propertyNames": {"enum": props},
    }
    checker = FormatChecker()
    checker.checks("int32")(lambda v: not isinstance(v, int) or -(2**31) <= v < 2**31)
    return Draft202012Validator(schema, registry=registry, format_checker=checker)


def errors(operation: tuple[str, str], payload: dict[str, Any]) -> list[str]:
    """Every schema violation of ``payload`` as text (empty when valid)."""
    return [
        f"{'/'.join(map(str, e.absolute_path)) or '<body>'}: {e.message}"
        for e in validator(operation).iter_errors(payload)
    ]


def assert_valid(operation: tuple[str, str], payload: dict[str, Any]) -> None:
    """Fail with every violation listed when ``payload`` breaks the schema."""
    found = errors(operation, payload)
    assert not found, "\n".join(found)
