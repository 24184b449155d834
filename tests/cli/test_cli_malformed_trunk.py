"""A trunk the PBX sends in a wrong shape (in ``GET /providers`` or ``GET /providers/{id}``):
``apply``, ``export`` and ``status`` name the call and the field, change nothing and never
echo the value (``status`` still lists a trunk whose detail alone is wrong); numbers and
switches sent as text read as what they spell, so applying the same file again sends
nothing."""

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


def _applied(cli: Cli, sandbox: SandboxServer, tmp_path: Path) -> tuple[str, str, dict[str, Any]]:
    file = apply_trunks(cli, sandbox, tmp_path / "trunks.toml", REGISTER_TRUNK)
    ((pid, trunk),) = sandbox.state.trunks.items()
    return str(file), pid, trunk.data


@pytest.mark.parametrize(
    ("field", "value", "said", "listed"),
    [
        ("hostname", {"host": ODD}, "an object where a string belongs", True),
        ("port", ODD, "a string where a port number belongs", True),
        ("keep_alive", [ODD], "a list where true or false belongs", False),
        ("register_interval", 2.5, "a number where a whole number belongs", False),
    ],
)
def test_apply_export_and_status_name_the_field_of_a_malformed_trunk(
    cli: Cli,
    sandbox: SandboxServer,
    recorder: Recorder,
    tmp_path: Path,
    field: str,
    value: object,
    said: str,
    listed: bool,
) -> None:
    """A field the list gives too is named in the list (``items[0].``); one only the
    detail gives, in the trunk's detail."""
    file, pid, data = _applied(cli, sandbox, tmp_path)
    data[field] = value
    where = f"GET /providers: items[0].{field}" if listed else f"GET /providers/{pid}: {field}"
    recorder.clear()
    out = tmp_path / "out.toml"
    for r in apply_and_export(cli, sandbox.url, file, out):
        assert r.code == 1, (r.code, r.out, r.err)
        assert f"{where}: the PBX sent {said}" in r.err, r.err
        assert ODD not in r.text and "Traceback" not in r.text
    assert recorder.mutating() == []
    assert not out.exists()
    status = cli("--pbx", sandbox.url, "status", "--password-stdin", stdin=admin_stdin())
    assert status.code == 1 and ODD not in status.text and "Traceback" not in status.text
    if listed:
        assert f"{where}: the PBX sent {said}" in status.err, status.text
    else:  # the row stays, from the list, saying what could not be read
        assert "Acme SIP" in status.out, status.text
        assert f"details unknown: {field}: the PBX sent {said}" in status.out, status.text


def test_numbers_and_switches_sent_as_text_read_as_what_they_spell(
    cli: Cli, sandbox: SandboxServer, recorder: Recorder, tmp_path: Path
) -> None:
    file, _, data = _applied(cli, sandbox, tmp_path)
    data["port"] = f" {data['port']} "
    data["concurrency"] = str(data["concurrency"])
    data["keep_alive"] = "true" if data["keep_alive"] else "false"
    recorder.clear()
    r = cli("--pbx", sandbox.url, "apply", file, "--password-stdin", stdin=admin_stdin())
    assert r.code == 0, r.err
    assert "no changes" in r.out, r.out
    assert recorder.mutating() == []  # nothing differs: the same values, read from text
