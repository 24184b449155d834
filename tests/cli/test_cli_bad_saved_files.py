"""A saved file of the wrong shape never stops a command: the real ``trunkwiz status``
with a broken ``profiles.toml`` moves it aside, says where in one line and goes on."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.cli.conftest import REPO, admin_stdin
from trunkwiz.sandbox.server import SandboxServer


def test_status_goes_on_past_a_profiles_file_of_the_wrong_shape(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    config = tmp_path / "config"
    config.mkdir(mode=0o700)
    broken = config / "profiles.toml"
    broken.write_text('default = "main"\n[profiles.main]\nurl = 8887\nuser = ["admin"]\n')
    broken.chmod(0o600)
    env = {k: v for k, v in os.environ.items() if not k.startswith("TRUNKWIZ_")}
    env.pop("PYTHONUNBUFFERED", None)
    done = subprocess.run(
        [sys.executable, "-m", "trunkwiz", "--config", str(config), "--pbx", sandbox.url,
         "status", "--password-stdin"],
        input=admin_stdin(), capture_output=True, text=True, cwd=REPO, env=env, timeout=60,
        check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    (moved,) = config.glob("profiles.toml.bad-*")
    assert not broken.exists()
    assert done.stderr.splitlines() == [
        f"trunkwiz: the profiles file {broken} cannot be used (profiles.main.url: Input "
        f"should be a valid string (and 1 more)); moved it to {moved}, going on without it"
    ]
    assert moved.read_text().startswith('default = "main"')
    assert "Traceback" not in done.stderr
