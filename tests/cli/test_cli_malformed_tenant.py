"""A tenant the PBX sends in a wrong shape: ``export`` and ``apply`` name the call and the
field, write and change nothing, and never echo the value (a SIP domain that was an object
used to be written into the exported file as the tenant's reference)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.cli.conftest import ODD, REGISTER_TRUNK, Cli, Recorder, apply_and_export, apply_trunks
from trunkwiz.sandbox.server import SandboxServer


@pytest.mark.parametrize(
    ("field", "value", "said"),
    [
        ("domain", {"fqdn": ODD}, "an object where a string belongs"),
        ("name", [ODD], "a list where a string belongs"),
    ],
)
def test_export_and_apply_name_the_field_of_a_malformed_tenant(
    cli: Cli,
    sandbox: SandboxServer,
    recorder: Recorder,
    tmp_path: Path,
    field: str,
    value: object,
    said: str,
) -> None:
    file = apply_trunks(cli, sandbox, tmp_path / "trunks.toml", REGISTER_TRUNK)
    (trunk,) = sandbox.state.trunks.values()
    shared = next(iter(trunk.assignees))
    sandbox.state.tenants[shared][field] = value
    recorder.clear()
    out = tmp_path / "out.toml"
    for r in apply_and_export(cli, sandbox.url, str(file), out):
        assert r.code == 1, (r.code, r.out, r.err)
        assert re.search(rf"GET /tenants: items\[\d+\]\.{field}: the PBX sent {said}", r.err)
        assert ODD not in r.text and "Traceback" not in r.text
    assert not out.exists()
    assert recorder.mutating() == []
