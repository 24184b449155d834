"""SandboxServer life cycle: start/stop, addresses, TLS fingerprint, state file."""

from __future__ import annotations

import socket
import ssl
import stat
import threading
import time
from pathlib import Path

import httpx
import pytest

from tests.sandbox.conftest import client_for, shared_spec_matches_packaged, sign_in, trunk_body
from trunkwiz.sandbox.server import SandboxServer
from trunkwiz.sandbox.tlscert import fingerprint_of


def sandbox_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name == "trunkwiz-sandbox"]


def test_start_accepts_at_once_and_stop_leaves_no_thread() -> None:
    server = SandboxServer()
    started = time.monotonic()
    server.start()
    assert time.monotonic() - started < 5
    assert server.url == f"http://127.0.0.1:{server.port}"
    assert server.api_url == server.url + "/api"
    assert server.port > 0
    # no retry: start() returned, so the very first request is served
    assert httpx.get(server.api_url + "/auth/user").status_code == 401
    assert len(sandbox_threads()) == 1
    began = time.monotonic()
    server.stop()
    assert time.monotonic() - began < 6
    assert sandbox_threads() == []
    with pytest.raises(httpx.ConnectError):
        httpx.get(server.api_url + "/auth/user")


def test_context_manager_and_port_is_released() -> None:
    with SandboxServer() as server:
        port = server.port
        assert httpx.post(server.api_url + "/auth/sign_out").status_code == 401
    # the port can be bound again at once
    with socket.create_server(("127.0.0.1", port)):
        pass
    assert sandbox_threads() == []


async def test_async_context_manager() -> None:
    async with SandboxServer() as server, httpx.AsyncClient(base_url=server.api_url) as client:
        reply = await client.post(
            "/auth/sign_in", json={"username": "admin", "password": "sandbox-admin"}
        )
        assert reply.status_code == 200
    assert sandbox_threads() == []


def test_tls_serves_the_certificate_whose_fingerprint_it_reports() -> None:
    with SandboxServer(tls=True) as server:
        assert server.url.startswith("https://127.0.0.1:")
        assert server.fingerprint is not None
        assert len(server.fingerprint.split(":")) == 32
        assert server.fingerprint == server.fingerprint.upper()
        ctx = ssl.create_default_context()
        ctx.check_hostname = False
        ctx.verify_mode = ssl.CERT_NONE
        with (
            socket.create_connection(("127.0.0.1", server.port), timeout=5) as raw,
            ctx.wrap_socket(raw, server_hostname="127.0.0.1") as tls,
        ):
            der = tls.getpeercert(binary_form=True)
        assert der is not None
        assert fingerprint_of(der) == server.fingerprint
        # and an ordinary verifying client refuses the self-signed certificate
        with pytest.raises(httpx.ConnectError):
            httpx.get(server.api_url + "/auth/user")


def test_state_file_keeps_trunks_mode_0600_and_never_echoes_passwords(tmp_path: Path) -> None:
    path = tmp_path / "pbx.json"
    with SandboxServer(state_file=path, tenants=3) as server:
        client = client_for(server)
        auth = sign_in(client)
        reply = client.post("/providers", json=trunk_body(), headers=auth)
        assert reply.status_code == 201
        trunk_id = reply.json()["id"]
        tenant = client.get("/tenants", headers=auth).json()["items"][0]["id"]
        assert (
            client.post(
                f"/providers/{trunk_id}/assignees/{tenant}",
                json={"did_numbers": "100-199", "concurrency": 4},
                headers=auth,
            ).status_code
            == 204
        )
        texts = [
            client.get(p, headers=auth).text
            for p in ("/providers", f"/providers/{trunk_id}", "/providers/export")
        ]
        assert all("s3cret-pw" not in t for t in texts)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert [p.name for p in tmp_path.iterdir()] == ["pbx.json"]  # no temp files left
    with SandboxServer(state_file=path, tenants=50) as again:
        assert len(again.state.tenants) == 3  # loaded, not re-seeded
        client = client_for(again)
        auth = sign_in(client)
        detail = client.get(f"/providers/{trunk_id}", headers=auth).json()
        assert detail["name"] == "Carrier One"
        assigned = client.get(f"/providers/{trunk_id}/assignees/{tenant}", headers=auth).json()
        assert assigned == {"did_numbers": "100-199", "concurrency": 4}
        assert again.state.trunks[trunk_id].password == "s3cret-pw"


def test_seeded_tenants_have_unique_names_and_domains() -> None:
    server = SandboxServer(tenants=130)
    tenants = list(server.state.tenants.values())
    assert len(tenants) == 130
    assert len({t["name"] for t in tenants}) == 130
    assert len({t["domain"] for t in tenants}) == 130
    assert (tenants[0]["name"], tenants[0]["domain"]) == (
        "Acme Dental 001",
        "acme-001.sandbox.test",
    )
    assert tenants[16]["domain"] == "quarry-017.sandbox.test"
    assert all(t["domain"].endswith(".sandbox.test") for t in tenants)


def test_packaged_spec_is_the_vendor_copy() -> None:
    assert shared_spec_matches_packaged()


def test_start_fails_cleanly_when_the_port_is_taken() -> None:
    with socket.create_server(("127.0.0.1", 0)) as taken:
        port = taken.getsockname()[1]
        with pytest.raises(OSError):
            SandboxServer(port=port).start()
    assert sandbox_threads() == []
