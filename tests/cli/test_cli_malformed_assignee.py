"""A trunk's assignee the PBX sends in a wrong shape: ``apply``, ``export`` and ``status``
name the call and the field, change nothing and never echo the value; a call cap sent as
text is read as the number it spells."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.cli.conftest import (
    ODD,
    REGISTER_TRUNK,
    Cli,
    Recorder,
    admin_stdin,
    apply_and_export,
    apply_trunks,
)
from trunkwiz.sandbox.server import SandboxServer


def _shared(cli: Cli, sandbox: SandboxServer, tmp_path: Path) -> tuple[str, dict[str, Any]]:
    file = apply_trunks(cli, sandbox, tmp_path / "trunks.toml", REGISTER_TRUNK)
    (trunk,) = sandbox.state.trunks.values()
    return str(file), trunk.assignees


@pytest.mark.parametrize(
    ("field", "value", "said"),
    [
        ("concurrency", ODD, "a string where a number of calls belongs"),
        ("concurrency", {"max": ODD}, "an object where a number of calls belongs"),
        ("tenant_id", {"id": ODD}, "an object where a string belongs"),
        ("did_numbers", [ODD], "a list where a string belongs"),
    ],
)
def test_apply_and_export_name_the_field_of_a_malformed_assignee(
    cli: Cli,
    sandbox: SandboxServer,
    recorder: Recorder,
    tmp_path: Path,
    field: str,
    value: object,
    said: str,
) -> None:
    file, assignees = _shared(cli, sandbox, tmp_path)
    first = next(iter(assignees))
    assignees[first][field] = value
    recorder.clear()
    out = tmp_path / "out.toml"
    for r in apply_and_export(cli, sandbox.url, file, out):
        assert r.code == 1, (r.code, r.out, r.err)
        assert "/assignees: items[0]." + field + ": the PBX sent " + said in r.err, r.err
        assert ODD not in r.text and "Traceback" not in r.text
    assert recorder.mutating() == []
    assert not out.exists()


def test_status_lists_the_trunk_saying_its_tenants_could_not_be_read(
    cli: Cli, sandbox: SandboxServer, tmp_path: Path
) -> None:
    _, assignees = _shared(cli, sandbox, tmp_path)
    assignees[next(iter(assignees))]["tenant_id"] = {"id": ODD}
    r = cli("--pbx", sandbox.url, "status", "--password-stdin", stdin=admin_stdin())
    assert "Acme SIP" in r.out, r.text
    assert "items[0].tenant_id" in r.text and ODD not in r.text


def test_a_call_cap_sent_as_text_reads_as_its_number(
    cli: Cli, sandbox: SandboxServer, recorder: Recorder, tmp_path: Path
) -> None:
    file, assignees = _shared(cli, sandbox, tmp_path)
    for assignment in assignees.values():
        assignment["concurrency"] = f" {assignment['concurrency']} "
    recorder.clear()
    r = cli("--pbx", sandbox.url, "apply", file, "--password-stdin", stdin=admin_stdin())
    assert r.code == 0, r.err
    assert recorder.mutating() == []  # nothing differs: the same caps, read from text
