"""The sandbox's gate: hold calls from the Nth on until released, in process and over
``/_sandbox/faults``."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import httpx
import pytest

from tests.sandbox.conftest import client_for, sign_in
from trunkwiz.sandbox.server import SandboxServer

WAIT = 30.0


@pytest.fixture
def raw(sandbox: SandboxServer) -> Iterator[httpx.Client]:
    with client_for(sandbox) as client:
        yield client
    sandbox.faults.reset()


def test_calls_from_the_nth_wait_until_released(sandbox: SandboxServer, raw: httpx.Client) -> None:
    sandbox.faults.hold_from(2, "GET")
    auth = sign_in(raw)  # a POST: not counted
    assert raw.get("/network", headers=auth).status_code == 200  # the first GET passes
    answers: list[int] = []

    def call() -> None:
        with client_for(sandbox) as other:
            answers.append(other.get("/network", headers=auth).status_code)

    callers = [threading.Thread(target=call) for _ in range(2)]
    for caller in callers:
        caller.start()
    assert sandbox.faults.wait_held(2, timeout=WAIT)
    assert answers == [] and sandbox.faults.held == 2
    sandbox.faults.release()
    for caller in callers:
        caller.join(WAIT)
    assert answers == [200, 200] and sandbox.faults.held == 0
    assert raw.get("/network", headers=auth).status_code == 200  # the hold is over


def test_the_gate_over_http(sandbox: SandboxServer, raw: httpx.Client) -> None:
    url = f"{sandbox.url}/_sandbox/faults"
    shown = raw.post(url, json={"hold_from": 3, "hold_method": "POST"}).json()
    assert (shown["hold_in"], shown["hold_method"], shown["held"]) == (3, "POST", 0)
    shown = raw.post(url, json={"release": True}).json()
    assert shown["hold_in"] is None
    bad = raw.post(url, json={"hold_from": 1, "hold_method": "P O"})
    assert bad.status_code == 400
