"""The sandbox reads a request body within bounds: too large or nested too deeply is a 400
``VALIDATE_FAILED`` in the PBX's error shape, never a 500 or a crash of the handler."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import httpx

from tests.sandbox.conftest import client_for, sign_in, trunk_body
from trunkwiz.domain.jsonbounds import MAX_DEPTH
from trunkwiz.sandbox.app import MAX_REQUEST_BODY
from trunkwiz.sandbox.server import SandboxServer
from trunkwiz.sandbox.state import SandboxState

DEEP = 100_000


def _messages(reply: httpx.Response) -> list[str]:
    return [e["message"] for e in reply.json()["errors"]]


def test_a_deep_body_is_refused_as_invalid(api: httpx.Client) -> None:
    auth = sign_in(api)
    body = b'{"name": ' + b"[" * DEEP + b"]" * DEEP + b"}"
    reply = api.post("/providers", content=body, headers=auth)
    assert reply.status_code == 400, reply.text
    assert reply.json()["errors"][0]["code"] == "VALIDATE_FAILED"
    assert _messages(reply) == [f"The request body is nested deeper than {MAX_DEPTH} levels."]


def test_a_large_body_is_refused_before_it_is_used(api: httpx.Client) -> None:
    """A valid trunk padded with whitespace past the limit is not created."""
    auth = sign_in(api)
    body = json.dumps(trunk_body()).encode() + b" " * MAX_REQUEST_BODY
    reply = api.post("/providers", content=body, headers=auth)
    assert reply.status_code == 400, reply.text
    assert _messages(reply) == [f"The request body is larger than {MAX_REQUEST_BODY} bytes."]
    assert api.get("/providers", headers=auth).json()["count"] == 0


def test_a_large_body_without_a_length_is_cut_off(sandbox: SandboxServer) -> None:
    """Sent in chunks (no Content-Length), the body is still stopped at the limit."""

    def chunks() -> Iterator[bytes]:
        yield json.dumps(trunk_body()).encode()
        for _ in range(MAX_REQUEST_BODY // 65536 + 2):
            yield b" " * 65536

    with client_for(sandbox) as plain:  # the spec checker cannot read a streamed request
        auth = sign_in(plain)
        reply = plain.post("/providers", content=chunks(), headers=auth)
    assert reply.status_code == 400, reply.text
    assert _messages(reply) == [f"The request body is larger than {MAX_REQUEST_BODY} bytes."]


def test_a_deep_faults_body_is_refused(sandbox: SandboxServer) -> None:
    deep = b"[" * DEEP + b"]" * DEEP
    reply = httpx.post(f"{sandbox.url}/_sandbox/faults", content=deep, timeout=10)
    assert reply.status_code == 400, reply.text
    assert "nested deeper" in reply.json()["errors"][0]["message"]


def test_a_deep_state_file_is_named_not_a_crash(tmp_path: Path) -> None:
    state = tmp_path / "state.json"
    state.write_bytes(b"[" * DEEP + b"]" * DEEP)
    try:
        SandboxState.load(state)
    except ValueError as exc:
        assert "is not a sandbox state file: nested deeper than" in str(exc)
    else:
        raise AssertionError("a deep state file was accepted")
