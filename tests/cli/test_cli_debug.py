"""``--debug``: every HTTP exchange on stderr (or ``--debug-file``), no secret in it."""

from __future__ import annotations

import os
import re
import stat
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.cli.conftest import REPO, Cli, admin_stdin, run_subprocess
from trunkwiz.pbx.redact import redact_body
from trunkwiz.sandbox.server import DEFAULT_ADMIN_PASSWORD, SandboxServer


def issued_tokens(sandbox: SandboxServer) -> list[str]:
    tokens = sandbox.tokens
    return [*tokens._by_access, *tokens._by_refresh]


def test_debug_status_shows_requests_and_no_secret(sandbox: SandboxServer, tmp_path: Path) -> None:
    done = run_subprocess(
        ["--config", str(tmp_path), "--debug", "--pbx", sandbox.url, "status",
         "--password-stdin"],
        stdin=admin_stdin(),
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    log = done.stderr
    assert re.search(r"> POST http://127\.0\.0\.1:\d+/api/auth/sign_in ", log)
    assert '"password": "***"' in log
    assert re.search(
        r"< 200 POST \S+/api/auth/sign_in \(\d+ ms\) .*\"access_token\": \"\*\*\*\"", log
    )
    assert re.search(r"< 200 GET \S+/api/providers\?skip=0&top=100 \(\d+ ms\) \{", log)
    secrets = [DEFAULT_ADMIN_PASSWORD, *issued_tokens(sandbox)]
    assert len(secrets) >= 3
    for secret in secrets:
        assert secret not in log
        assert secret not in done.stdout
    assert "Authorization" not in log and "Bearer " not in log
    assert '"password_verified": true' in log
    assert "\x1b" not in log


def test_debug_file_gets_the_log_and_stderr_stays_quiet(
    cli: Cli, sandbox: SandboxServer, tmp_path: Path
) -> None:
    target = tmp_path / "debug.log"
    argv = ["--debug-file", str(target), "--pbx", sandbox.url, "status", "--password-stdin"]
    result = cli(*argv, stdin=admin_stdin())
    assert result.code == 0, result.err
    assert result.err == ""
    text = target.read_text()
    assert "/api/auth/sign_in" in text and DEFAULT_ADMIN_PASSWORD not in text
    for secret in issued_tokens(sandbox):
        assert secret not in text


def test_wizard_debug_needs_a_file(cli: Cli) -> None:
    result = cli("--debug", "wizard")
    assert result.code == 2 and "--debug-file" in result.err


def test_redaction_of_bodies() -> None:
    shown = redact_body(
        b'{"user": {"password": "p1", "token_type": "Bearer"}, "refresh_token": "r"}'
    )
    assert "p1" not in shown and '"r"' not in shown and '"token_type": "Bearer"' in shown
    text = redact_body(b"username=a&password=hunter2\r\n<b>\x1b[2J</b>")
    assert "hunter2" not in text and "\r" not in text and "\n" not in text


# -- the debug file is private and never follows a link --------------------------------
def run_with_debug_file(
    target: Path, config: Path, url: str = "http://127.0.0.1:9"
) -> subprocess.CompletedProcess[str]:
    """``trunkwiz --debug-file TARGET status`` in a child with umask 022 (as most shells),
    PYTHONUNBUFFERED unset (as for real users)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("TRUNKWIZ_")}
    env.pop("PYTHONUNBUFFERED", None)
    return subprocess.run(
        [sys.executable, "-m", "trunkwiz", "--config", str(config), "--debug-file",
         str(target), "--pbx", url, "status", "--password-stdin"],
        input=admin_stdin(), capture_output=True, text=True, cwd=REPO, env=env, timeout=60,
        check=False, preexec_fn=lambda: os.umask(0o022),
    )  # fmt: skip


def mode(path: Path) -> int:
    return stat.S_IMODE(path.lstat().st_mode)


def test_a_new_debug_file_is_private(sandbox: SandboxServer, tmp_path: Path) -> None:
    target = tmp_path / "debug.log"
    done = run_with_debug_file(target, tmp_path / "config", sandbox.url)
    assert done.returncode == 0, done.stderr
    assert mode(target) == 0o600
    assert "/api/auth/sign_in" in target.read_text()


def test_an_own_private_debug_file_is_appended_to(sandbox: SandboxServer, tmp_path: Path) -> None:
    target = tmp_path / "debug.log"
    target.write_text("earlier run\n")
    target.chmod(0o600)
    done = run_with_debug_file(target, tmp_path / "config", sandbox.url)
    assert done.returncode == 0, done.stderr
    text = target.read_text()
    assert text.startswith("earlier run\n") and "/api/auth/sign_in" in text
    assert mode(target) == 0o600


def planted_link(tmp_path: Path) -> Callable[[], None]:
    """A link at the path to another file: that file must stay as it was."""
    victim = tmp_path / "victim.txt"
    victim.write_text("not yours\n")
    victim.chmod(0o600)
    (tmp_path / "debug.log").symlink_to(victim)

    def unchanged() -> None:
        assert victim.read_text() == "not yours\n"
        assert (tmp_path / "debug.log").is_symlink()

    return unchanged


def dangling_link(tmp_path: Path) -> Callable[[], None]:
    """A link to a path that does not exist yet: it must not be created."""
    (tmp_path / "debug.log").symlink_to(tmp_path / "created-through-the-link")

    def unchanged() -> None:
        assert not (tmp_path / "created-through-the-link").exists()

    return unchanged


def readable_by_others(tmp_path: Path) -> Callable[[], None]:
    target = tmp_path / "debug.log"
    target.write_text("old\n")
    target.chmod(0o644)

    def unchanged() -> None:
        assert target.read_text() == "old\n" and mode(target) == 0o644

    return unchanged


def another_users_file(tmp_path: Path) -> Callable[[], None]:
    if os.geteuid() != 0:
        pytest.skip("needs root to give a file to another user")
    target = tmp_path / "debug.log"
    target.write_text("theirs\n")
    target.chmod(0o600)
    os.chown(target, 65534, 65534)

    def unchanged() -> None:
        assert target.read_text() == "theirs\n"

    return unchanged


def a_directory(tmp_path: Path) -> Callable[[], None]:
    (tmp_path / "debug.log").mkdir()

    def unchanged() -> None:
        assert list((tmp_path / "debug.log").iterdir()) == []

    return unchanged


@pytest.mark.parametrize(
    "plant", [planted_link, dangling_link, readable_by_others, another_users_file, a_directory]
)
def test_an_unsafe_debug_file_is_refused_in_one_line(
    tmp_path: Path, plant: Callable[[Path], Callable[[], None]]
) -> None:
    check_unchanged = plant(tmp_path)
    done = run_with_debug_file(tmp_path / "debug.log", tmp_path / "config")
    assert done.returncode == 2, done.stderr
    lines = done.stderr.splitlines()
    assert len(lines) == 1, done.stderr
    assert lines[0].startswith(f"trunkwiz: --debug-file {tmp_path / 'debug.log'}: ")
    assert "Traceback" not in done.stderr and done.stdout == ""
    check_unchanged()
