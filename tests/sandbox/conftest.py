"""Fixtures for the sandbox tests: a running sandbox and an httpx client whose every
response is checked against the vendor's spec with openapi-core.

Two documented allowances, both about the spec rather than the sandbox:
* ``signInWithCredentials`` answers ``oneOf`` two object schemas with no ``required``
  fields, so every object matches both and no reply could ever be valid; the checker's copy
  of the spec marks each branch's fields as required (the documented intent).
* The binary export (``format: binary`` in an OAS 3.1 document) is handed to openapi-core
  as text, since it checks such bodies as JSON-Schema strings.
* A 401 is accepted on every secured operation (the global ``bearer`` security implies it)
  even where the operation lists no 401/4XX.
Every 4xx/5xx body must have the PBX's error shape ``{"errors": [{code, message, detail}]}``.
"""

from __future__ import annotations

import copy
import functools
import json
import ssl
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import jsonschema
import pytest
from openapi_core import OpenAPI
from openapi_core.datatypes import RequestParameters

from trunkwiz.sandbox.server import SandboxServer
from trunkwiz.sandbox.spec import load_spec

SHARED_SPEC = Path(__file__).resolve().parents[3] / "shared" / "portsip" / "openapi-v22-trunks.json"

ERRORS_SCHEMA = {
    "type": "object",
    "required": ["errors"],
    "properties": {
        "errors": {
            "type": "array",
            "minItems": 1,
            "items": {
                "type": "object",
                "required": ["code", "message"],
                "properties": {
                    "code": {"type": "string", "pattern": "^[A-Z][A-Z_]*$"},
                    "message": {"type": "string", "minLength": 1},
                    "detail": {},
                },
            },
        }
    },
}


def checker_spec() -> dict[str, Any]:
    """The packaged spec with the sign-in ``oneOf`` made decidable (see module doc)."""
    spec = copy.deepcopy(load_spec())
    schema = spec["paths"]["/auth/sign_in"]["post"]["responses"]["200"]["content"][
        "application/json"
    ]["schema"]
    schema["oneOf"][0]["required"] = ["two_factor_enabled", "token"]
    schema["oneOf"][1]["required"] = ["token_type", "access_token", "refresh_token", "expires_in"]
    return spec


class _Req:
    def __init__(self, request: httpx.Request) -> None:
        self.host_url = f"{request.url.scheme}://{request.url.netloc.decode()}"
        # as sent: an encoded "/" belongs to its segment (url.path would decode it)
        self.path = request.url.raw_path.split(b"?")[0].decode("ascii")
        self.method = request.method.lower()
        self.body = request.content or None
        self.content_type = request.headers.get("content-type", "").lower()
        self.parameters = RequestParameters(
            query=dict(request.url.params), header=dict(request.headers)
        )

    @property
    def full_url_pattern(self) -> str:
        return self.host_url + self.path


class _Resp:
    def __init__(self, response: httpx.Response) -> None:
        # openapi-core checks ``format: binary`` bodies as OAS 3.1 strings: hand it text
        binary = response.headers.get("content-type", "").startswith("application/octet-stream")
        self.data: bytes | str = response.content.decode("latin-1") if binary else response.content
        self.status_code = response.status_code
        self.content_type = response.headers.get("content-type", "")
        self.headers = dict(response.headers)


class SpecChecker:
    """Validates responses of the sandbox against the spec; counts what it checked."""

    def __init__(self) -> None:
        self.openapi = OpenAPI.from_dict(checker_spec())
        self.checked = 0

    def problems(self, response: httpx.Response) -> list[str]:
        """Why ``response`` is outside the spec (empty when it conforms)."""
        response.read()
        out: list[str] = []
        if response.status_code >= 400:
            try:
                jsonschema.validate(response.json(), ERRORS_SCHEMA)
            except (ValueError, jsonschema.ValidationError) as exc:
                out.append(f"error body not in the PBX's shape: {exc}")
            if response.status_code == 401:
                self.checked += 1
                return out
        errors = list(
            self.openapi.iter_apicall_response_errors(_Req(response.request), _Resp(response))
        )
        out += [f"{type(e).__name__}: {e} {getattr(e, '__cause__', '')}" for e in errors]
        self.checked += 1
        return out

    def hook(self, response: httpx.Response) -> None:
        """httpx response hook: raise AssertionError for a response outside the spec."""
        found = self.problems(response)
        if found:
            req = response.request
            raise AssertionError(
                f"{req.method} {req.url.path} -> {response.status_code} is outside the spec: "
                f"{found}; body={response.text[:300]}"
            )


@functools.cache
def ssl_context() -> ssl.SSLContext:
    """One verifying context for every test client (building one costs ~0.2 s)."""
    return ssl.create_default_context()


def client_for(server: SandboxServer, checker: SpecChecker | None = None) -> httpx.Client:
    """A client on the server's ``/api``; with ``checker`` every response is validated."""
    hooks = {"response": [checker.hook]} if checker is not None else {}
    return httpx.Client(
        base_url=server.api_url, timeout=10, verify=ssl_context(), event_hooks=hooks
    )


@pytest.fixture(scope="session")
def spec_checker() -> SpecChecker:
    return SpecChecker()


@pytest.fixture
def sandbox() -> Iterator[SandboxServer]:
    server = SandboxServer(port=0).start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def api(sandbox: SandboxServer, spec_checker: SpecChecker) -> Iterator[httpx.Client]:
    """A client on ``/api`` whose every response is validated against the spec."""
    with client_for(sandbox, spec_checker) as client:
        yield client


def sign_in(
    client: httpx.Client,
    user: str = "admin",
    password: str = "sandbox-admin",
    domain: str | None = None,
) -> dict[str, str]:
    """Sign in and return the Authorization header."""
    body: dict[str, str] = {"username": user, "password": password}
    if domain is not None:
        body["domain"] = domain
    reply = client.post("/auth/sign_in", json=body)
    assert reply.status_code == 200, reply.text
    return {"Authorization": f"Bearer {reply.json()['access_token']}"}


def trunk_body(**overrides: Any) -> dict[str, Any]:
    """A valid register-trunk create body."""
    body: dict[str, Any] = {
        "name": "Carrier One",
        "brand": "Generic",
        "auth_mode": "REGISTER_AUTH",
        "transport": "UDP",
        "hostname": "sip.carrier.example",
        "port": 5060,
        "outbound_server": "",
        "outbound_server_port": 0,
        "concurrency": 100,
        "auth_id": "alice",
        "password": "s3cret-pw",
    }
    body.update(overrides)
    return body


def shared_spec_matches_packaged() -> bool:
    """True when the packaged spec is the shared vendor copy (when that copy is present)."""
    if not SHARED_SPEC.exists():
        return True
    return json.loads(SHARED_SPEC.read_text()) == load_spec()
