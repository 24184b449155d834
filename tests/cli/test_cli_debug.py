"""``--debug``: every HTTP exchange on stderr (or ``--debug-file``), no secret in it."""

from __future__ import annotations

import re
from pathlib import Path

from tests.cli.conftest import Cli, admin_stdin, run_subprocess
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
