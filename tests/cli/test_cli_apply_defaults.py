"""The option defaults against a trunk the PBX holds with the API schema's defaults.

A trunk made through the API without the flags gets the schema's defaults
(``rewrite_via_ip``, ``verify_port``, ``keep_alive``: true); a trunk file that leaves them
out means the web UI's (off). ``apply`` shows that difference in its plan and sends it.
"""

from __future__ import annotations

from pathlib import Path

import httpx

from tests.cli.conftest import IP_TRUNK, Cli, Recorder, admin_stdin
from trunkwiz.domain.labels import label_of
from trunkwiz.sandbox.server import DEFAULT_ADMIN_PASSWORD, SandboxServer

FLAGS = ("rewrite_via_ip", "verify_port", "keep_alive")


def create_without_flags(sandbox: SandboxServer) -> str:
    """``Carrier IP`` made through the API with no option flag in the body."""
    with httpx.Client(base_url=sandbox.api_url, verify=False, timeout=30) as api:
        token = api.post(
            "/auth/sign_in", json={"username": "admin", "password": DEFAULT_ADMIN_PASSWORD}
        ).json()["access_token"]
        body = {
            "name": "Carrier IP",
            "brand": "Generic",
            "auth_mode": "IP_AUTH",
            "transport": "UDP",
            "hostname": "203.0.113.5",
            "port": 5060,
            "outbound_server": "",
            "outbound_server_port": 0,
            "concurrency": 100000,
            "additional_ips": "198.51.100.0/24",
        }
        reply = api.post("/providers", json=body, headers={"Authorization": f"Bearer {token}"})
        assert reply.status_code == 201, reply.text
        return str(reply.json()["id"])


def test_a_file_without_the_flags_plans_the_ui_defaults_over_the_schema_ones(
    cli: Cli, sandbox: SandboxServer, recorder: Recorder, tmp_path: Path
) -> None:
    trunk_id = create_without_flags(sandbox)
    held = sandbox.state.trunks[trunk_id].data
    assert all(held[f] is True for f in FLAGS)  # the schema's default
    file = tmp_path / "trunks.toml"
    file.write_text(IP_TRUNK)
    argv = ("--pbx", sandbox.url, "apply", str(file), "--password-stdin")
    recorder.clear()
    dry = cli(*argv, "--dry-run", stdin=admin_stdin())
    assert dry.code == 0, dry.err
    for flag in FLAGS:
        assert f"{label_of(flag)}: on → off" in dry.out, dry.out
    assert recorder.mutating() == []
    assert cli(*argv, stdin=admin_stdin()).code == 0
    assert all(sandbox.state.trunks[trunk_id].data[f] is False for f in FLAGS)
    again = cli(*argv, "--dry-run", stdin=admin_stdin())
    assert not any(f in again.out for f in FLAGS), again.out
