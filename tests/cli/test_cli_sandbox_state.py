"""``trunkwiz sandbox --state FILE`` with a file that is not a sandbox state: one line, exit 1."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.cli.conftest import Cli


@pytest.mark.parametrize(
    "content",
    [
        "[]",
        "{}",
        '{"format": 1}',
        "not json",
        '{"format": 1, "next_number": "x", "tenants": [], "transports": [], "trunks": []}',
    ],
)
def test_sandbox_refuses_a_state_file_that_is_not_one(
    cli: Cli, tmp_path: Path, content: str
) -> None:
    state = tmp_path / "state.json"
    state.write_text(content)
    result = cli("sandbox", "--port", "0", "--state", str(state))
    assert result.code == 1
    assert "Traceback" not in result.err
    assert f"{state} is not a sandbox state file" in result.err
    assert len(result.err.strip().splitlines()) == 1
