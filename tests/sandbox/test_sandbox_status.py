"""Trunk status rules and the pluggable status source with its change hooks."""

from __future__ import annotations

import logging
import threading
from collections.abc import Mapping
from typing import Any

import pytest
from pydantic import SecretStr

from tests.sandbox.conftest import SpecChecker, client_for, sign_in, trunk_body
from trunkwiz.sandbox.server import SandboxServer
from trunkwiz.sandbox.status import NoRegistration


class RecordingSource:
    """Answers ONLINE for auth_id 'good'; records the hooks it receives."""

    def __init__(self) -> None:
        self.changed: list[tuple[dict[str, Any], SecretStr | None]] = []
        self.removed: list[str] = []
        self.closed = threading.Event()

    def status(self, provider: Mapping[str, Any]) -> tuple[str, str]:
        if provider.get("auth_id") == "good":
            return "ONLINE", "registered"
        return "OFFLINE", "401 Unauthorized: wrong password or auth ID"

    def trunk_changed(self, provider: dict[str, Any], password: SecretStr | None) -> None:
        self.changed.append((provider, password))

    def trunk_removed(self, provider_id: str) -> None:
        self.removed.append(provider_id)

    def close(self) -> None:
        self.closed.set()


def test_source_decides_register_trunks_and_gets_hooks(spec_checker: SpecChecker) -> None:
    source = RecordingSource()
    with (
        SandboxServer(status_source=source, tenants=2) as server,
        client_for(server, spec_checker) as api,
    ):
        auth = sign_in(api)
        good = api.post("/providers", json=trunk_body(auth_id="good"), headers=auth).json()["id"]
        bad = api.post("/providers", json=trunk_body(name="B", auth_id="bad"), headers=auth).json()[
            "id"
        ]
        assert api.get(f"/providers/{good}/status", headers=auth).json()["status"] == "ONLINE"
        assert api.get(f"/providers/{bad}/status", headers=auth).json()["status"] == "OFFLINE"
        provider, password = source.changed[0]
        assert provider["id"] == good and "password" not in provider
        assert isinstance(password, SecretStr)
        assert password.get_secret_value() == "s3cret-pw"
        api.post(f"/providers/{bad}", json={"password": "other"}, headers=auth)
        assert source.changed[-1][1] is not None
        assert source.changed[-1][1].get_secret_value() == "other"
        # disabled: OFFLINE whatever the source says
        api.post(f"/providers/{good}", json={"enabled": False}, headers=auth)
        assert api.get(f"/providers/{good}/status", headers=auth).json()["status"] == "OFFLINE"
        api.post(f"/providers/{bad}/destroy", headers=auth)
        assert source.removed == [bad]
    assert source.closed.is_set()


def test_registration_off_is_online_and_no_sip_source_is_offline_with_reason(
    spec_checker: SpecChecker, caplog: pytest.LogCaptureFixture
) -> None:
    with (
        SandboxServer(status_source=NoRegistration(), tenants=1) as sandbox,
        client_for(sandbox, spec_checker) as api,
    ):
        auth = sign_in(api)
        off = api.post("/providers", json=trunk_body(registration=False), headers=auth).json()["id"]
        on = api.post("/providers", json=trunk_body(name="On", auth_id="x"), headers=auth).json()[
            "id"
        ]
        with caplog.at_level(logging.INFO, logger="trunkwiz.sandbox.status"):
            assert api.get(f"/providers/{off}/status", headers=auth).json()["status"] == "ONLINE"
            assert api.get(f"/providers/{on}/status", headers=auth).json()["status"] == "OFFLINE"
    assert "no SIP registration layer" in caplog.text
    assert "s3cret-pw" not in caplog.text


def test_a_failing_or_odd_source_never_fails_the_api(spec_checker: SpecChecker) -> None:
    def broken(provider: Mapping[str, Any]) -> tuple[str, str]:
        raise RuntimeError("boom")

    with (
        SandboxServer(status_source=broken, tenants=1) as server,
        client_for(server, spec_checker) as api,
    ):
        auth = sign_in(api)
        trunk_id = api.post("/providers", json=trunk_body(), headers=auth).json()["id"]
        assert api.get(f"/providers/{trunk_id}/status", headers=auth).json()["status"] == "OFFLINE"

    with (
        SandboxServer(status_source=lambda p: ("MAYBE", "?"), tenants=1) as server,
        client_for(server, spec_checker) as api,
    ):
        auth = sign_in(api)
        trunk_id = api.post("/providers", json=trunk_body(), headers=auth).json()["id"]
        assert api.get(f"/providers/{trunk_id}/status", headers=auth).json()["status"] == "OFFLINE"


def test_stored_trunks_are_announced_at_start(tmp_path: Any) -> None:
    path = tmp_path / "state.json"
    with SandboxServer(state_file=path, tenants=1) as server, client_for(server) as api:
        api.post("/providers", json=trunk_body(), headers=sign_in(api))
    source = RecordingSource()
    with SandboxServer(state_file=path, status_source=source):
        assert [p["name"] for p, _ in source.changed] == ["Carrier One"]
