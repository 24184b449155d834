"""Every command answers --help with a description and at least one example."""

from __future__ import annotations

import pytest

from trunkwiz.cli import main
from trunkwiz.cli.parser import COMMANDS


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_help_has_an_example(command: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main([command, "--help"])
    assert exit_info.value.code == 0
    out = capsys.readouterr().out
    assert f"trunkwiz {command}" in out
    assert "example" in out.lower(), f"trunkwiz {command} --help shows no example"


def test_top_level_help_lists_every_command(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["--help"])
    out = capsys.readouterr().out
    assert all(name in out for name in COMMANDS)
    assert "not available" not in out


def test_the_collector_paused_for_start_up_is_back_on_after_main(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """``main`` pauses the garbage collector for start-up; no way out leaves it off."""
    import gc

    from trunkwiz.cli import status

    seen: list[bool] = []

    def fake_run(args: object) -> int:
        seen.append(gc.isenabled())
        return 0

    monkeypatch.setattr(status, "run", fake_run)
    assert main(["status"]) == 0
    assert seen == [True]  # a command line tool: on again as soon as the line is parsed
    with pytest.raises(SystemExit):
        main(["--version"])
    assert gc.isenabled()
    with pytest.raises(SystemExit):
        main(["no-such-command"])
    assert gc.isenabled()
    capsys.readouterr()
