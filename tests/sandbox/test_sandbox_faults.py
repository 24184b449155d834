"""Fault switches, in process and over ``/_sandbox/faults``.

These tests use a client without the spec checker on purpose: an injected 500 is not in
the spec, it is the fault being tested.
"""

from __future__ import annotations

import time
from collections.abc import Iterator

import httpx
import pytest

from tests.sandbox.conftest import client_for, sign_in
from trunkwiz.sandbox.server import SandboxServer


@pytest.fixture
def raw(sandbox: SandboxServer) -> Iterator[httpx.Client]:
    with client_for(sandbox) as client:
        yield client


def test_fail_the_nth_call(sandbox: SandboxServer, raw: httpx.Client) -> None:
    auth = sign_in(raw)
    sandbox.faults.fail_nth(2)
    assert raw.get("/network", headers=auth).status_code == 200
    failed = raw.get("/network", headers=auth)
    assert failed.status_code == 500
    assert failed.json()["errors"][0]["code"] == "UNKNOWN"
    assert raw.get("/network", headers=auth).status_code == 200
    sandbox.faults.fail_nth(1, status=503)
    assert raw.get("/network", headers=auth).status_code == 503


def test_delay_replies(sandbox: SandboxServer, raw: httpx.Client) -> None:
    sandbox.faults.delay_ms = 300
    began = time.monotonic()
    assert raw.get("/auth/user").status_code == 401
    assert time.monotonic() - began >= 0.3
    sandbox.faults.reset()
    began = time.monotonic()
    raw.get("/auth/user")
    assert time.monotonic() - began < 0.3


def test_drop_the_connection(sandbox: SandboxServer, raw: httpx.Client) -> None:
    auth = sign_in(raw)
    sandbox.faults.drop_nth(1)
    with pytest.raises(httpx.RemoteProtocolError):
        raw.get("/network", headers=auth)
    assert raw.get("/network", headers=auth).status_code == 200  # only that one call


def test_expire_tokens(sandbox: SandboxServer, raw: httpx.Client) -> None:
    auth = sign_in(raw)
    sandbox.faults.expire_tokens()
    assert raw.get("/network", headers=auth).status_code == 401
    assert sign_in(raw)  # new sign-ins work


def test_switches_over_http(sandbox: SandboxServer, raw: httpx.Client) -> None:
    base = sandbox.url + "/_sandbox/faults"
    auth = sign_in(raw)
    reply = raw.post(base, json={"fail_nth": 1, "fail_status": 502, "delay_ms": 0})
    assert reply.status_code == 200
    assert reply.json()["fail_at"] == {"1": 502}
    assert raw.get("/network", headers=auth).status_code == 502
    raw.post(base, json={"expire_tokens": True})
    assert raw.get("/network", headers=auth).status_code == 401
    raw.post(base, json={"drop_nth": 1})
    with pytest.raises(httpx.RemoteProtocolError):
        raw.get("/network")
    assert raw.post(base, json={"fail_nth": "2"}).status_code == 400
    assert raw.post(base, json={"explode": True}).status_code == 400
    raw.post(base, json={"fail_nth": 5})
    cleared = raw.post(base, json={"reset": True}).json()
    assert cleared["fail_at"] == {} and cleared["drop_at"] == []
    # the control path itself is never counted as an API call
    calls = raw.get(base).json()["calls"]
    raw.get(base)
    assert raw.get(base).json()["calls"] == calls
