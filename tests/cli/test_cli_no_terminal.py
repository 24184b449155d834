"""Without a terminal the interactive commands refuse at once (exit 2, one line)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
MESSAGE = "trunkwiz needs a terminal; for scripts use `trunkwiz apply`\n"

#: Runs ``trunkwiz.cli.main`` and reports which heavy packages it imported.
CHILD = (
    "import sys\n"
    "from trunkwiz.cli import main\n"
    "code = main(sys.argv[1:])\n"
    "print(sorted({m.split('.')[0] for m in sys.modules} & {'textual', 'httpx'}))\n"
    "sys.exit(code)\n"
)


@pytest.mark.parametrize("argv", [[], ["wizard"], ["demo"], ["edit", "Some Carrier"]])
def test_no_terminal_exits_2_at_once(argv: list[str], tmp_path: Path) -> None:
    """``setsid trunkwiz </dev/null >out 2>err``: no escape codes, no wait for keys."""
    out, err = tmp_path / "out", tmp_path / "err"
    env = {**os.environ, "HOME": str(tmp_path), "TRUNKWIZ_CONFIG_DIR": str(tmp_path / "cfg")}
    with out.open("wb") as stdout, err.open("wb") as stderr:
        done = subprocess.run(
            [sys.executable, "-c", CHILD, *argv],
            stdin=subprocess.DEVNULL,
            stdout=stdout,
            stderr=stderr,
            start_new_session=True,  # setsid: no controlling terminal either
            cwd=REPO,
            env=env,
            timeout=60,
            check=False,
        )
    assert done.returncode == 2
    assert err.read_text() == MESSAGE
    assert out.read_text() == "[]\n"  # refused before Textual (or httpx) was imported
