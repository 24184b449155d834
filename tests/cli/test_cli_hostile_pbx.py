"""A broken or hostile PBX: every failure of ``status``, ``export`` and ``apply`` is one line
with exit code 1 (never a traceback, never "No trunks." or an empty file)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.cli.conftest import Cli, run_subprocess
from tests.support.hostile_pbx import MODES, HostilePbx

IP_FILE = """\
[[trunk]]
name = "Carrier IP"
kind = "ip"
hostname = "203.0.113.5"
"""
COMMANDS = ("status", "export", "apply")


@pytest.fixture
def hostile(request: pytest.FixtureRequest) -> Iterator[HostilePbx]:
    path, mode = request.param
    server = HostilePbx(path, mode, with_trunk=path.startswith("/api/providers/")).start()
    try:
        yield server
    finally:
        server.stop()


def run(cli: Cli, command: str, server: HostilePbx, tmp_path: Path, *extra: str) -> object:
    argv = ["--pbx", server.url, "--http-timeout", "0.5", *extra, command]
    if command == "apply":
        file = tmp_path / "t.toml"
        file.write_text(IP_FILE)
        argv.append(str(file))
    if command == "export":
        argv += ["-o", str(tmp_path / "out.toml")]
    return cli(*argv, "--password-stdin", stdin="pw\n")


def assert_one_line_failure(result: object, tmp_path: Path) -> None:
    code, out, err = result.code, result.out, result.err  # type: ignore[attr-defined]
    assert code == 1, (code, out, err)
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1, err
    assert lines[0].startswith("trunkwiz"), err
    assert "Traceback" not in out + err
    assert "No trunks." not in out
    assert "\x1b" not in out + err
    assert not (tmp_path / "out.toml").exists()


SCENARIOS = [("/api/providers", mode) for mode in MODES] + [
    ("/api/auth/sign_in", "html200"),
    ("/api/auth/sign_in", "truncated"),
    ("/api/auth/sign_in", "redirect302"),
    ("/api/auth/sign_in", "list"),
    ("/api/auth/user", "list"),
    ("/api/auth/user", "html200"),
]


@pytest.mark.parametrize("command", COMMANDS)
@pytest.mark.parametrize("hostile", SCENARIOS, indirect=True, ids=lambda p: f"{p[0]}:{p[1]}")
def test_broken_pbx_is_one_line_and_exit_1(
    cli: Cli, hostile: HostilePbx, command: str, tmp_path: Path
) -> None:
    result = run(cli, command, hostile, tmp_path)
    assert_one_line_failure(result, tmp_path)


DETAIL_MODES = ("html200", "truncated", "list", "empty200", "500", "401", "hang")
DETAIL_SCENARIOS = [
    (path, mode)
    for path in ("/api/providers/p1", "/api/providers/p1/status", "/api/providers/p1/assignees")
    for mode in DETAIL_MODES
]


DETAIL_CASES = [
    (command, scenario)
    for command in ("status", "export")
    for scenario in DETAIL_SCENARIOS
    if not (command == "export" and scenario[0].endswith("/status"))  # export reads none
]


@pytest.mark.parametrize(
    ("command", "hostile"),
    DETAIL_CASES,
    indirect=["hostile"],
    ids=[f"{c}-{p}:{m}" for c, (p, m) in DETAIL_CASES],
)
def test_broken_trunk_detail_is_one_line_and_exit_1(
    cli: Cli, hostile: HostilePbx, command: str, tmp_path: Path
) -> None:
    result = run(cli, command, hostile, tmp_path)
    assert_one_line_failure(result, tmp_path)


@pytest.mark.parametrize("hostile", [("/api/providers", "html200")], indirect=True)
def test_html_page_is_named_not_read_as_no_trunks(
    cli: Cli, hostile: HostilePbx, tmp_path: Path
) -> None:
    result = run(cli, "status", hostile, tmp_path)
    assert "GET /providers: the PBX's answer is not JSON (text/html" in result.err  # type: ignore[attr-defined]


@pytest.mark.parametrize("hostile", [("/api/providers", "trickle")], indirect=True)
def test_trickled_answer_ends_at_the_request_time_limit(
    cli: Cli, hostile: HostilePbx, tmp_path: Path
) -> None:
    result = run(cli, "status", hostile, tmp_path)
    assert "did not answer GET /providers" in result.err and "within 0.5 s" in result.err  # type: ignore[attr-defined]


@pytest.mark.parametrize("hostile", [("/api/providers", "hang")], indirect=True)
def test_command_deadline_stops_retries(cli: Cli, hostile: HostilePbx, tmp_path: Path) -> None:
    argv = ["--pbx", hostile.url, "--http-timeout", "5", "--deadline", "0.5", "status"]
    result = cli(*argv, "--password-stdin", stdin="pw\n")
    assert result.code == 1
    assert "time limit of 0.5 s" in result.err


@pytest.mark.parametrize("hostile", [("/api/providers", "huge")], indirect=True)
def test_huge_answer_stops_at_the_cap(cli: Cli, hostile: HostilePbx, tmp_path: Path) -> None:
    result = run(cli, "status", hostile, tmp_path)
    assert "larger than" in result.err and "stopped reading" in result.err  # type: ignore[attr-defined]


@pytest.mark.parametrize("hostile", [("/api/auth/user", "list")], indirect=True)
def test_subprocess_prints_no_traceback(hostile: HostilePbx, tmp_path: Path) -> None:
    done = run_subprocess(
        ["--config", str(tmp_path), "--pbx", hostile.url, "status", "--password-stdin"],
        stdin="pw\n",
    )
    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    assert done.stderr.strip().count("\n") == 0, done.stderr


@pytest.mark.parametrize(
    ("argv", "says"),
    [
        (["--pbx", "http://127.0.0.1:99999"], "port from 1 to 65535"),
        (["--pbx", "https://pbx.example\n.com:8887"], "control characters"),
        (["--pbx", "ftp://pbx.example.com"], "must start with https://"),
        (["--pbx", "http://pbx.example.com:8887"], "unencrypted"),
        (["--ca-file", "/nonexistent/ca.pem"], "--ca-file /nonexistent/ca.pem"),
    ],
)
def test_bad_target_is_bad_input(cli: Cli, argv: list[str], says: str) -> None:
    result = cli(*argv, "status", "--password-stdin", stdin="pw\n")
    assert result.code == 2, result.err
    assert says in result.err
    assert len(result.err.strip().splitlines()) == 1
    assert "outcome" not in result.err


@pytest.mark.parametrize("value", ["nan", "inf", "-1"])
def test_apply_wait_must_be_finite(cli: Cli, value: str, tmp_path: Path) -> None:
    file = tmp_path / "t.toml"
    file.write_text(IP_FILE)
    result = cli("apply", str(file), f"--wait={value}", "--password-stdin", stdin="pw\n")
    assert result.code == 2 and "--wait must be" in result.err


@pytest.mark.parametrize("value", ["nan", "0", "-3", "inf"])
def test_timeout_must_be_finite_and_positive(cli: Cli, value: str) -> None:
    result = cli("--http-timeout", value, "status", "--password-stdin", stdin="pw\n")
    assert result.code == 2 and "--http-timeout must be" in result.err


def test_allow_http_warns_that_the_password_is_sent_in_clear(cli: Cli) -> None:
    argv = ["--allow-http", "--pbx", "http://192.0.2.1:8887", "--http-timeout", "0.5"]
    result = cli(*argv, "status", "--password-stdin", stdin="pw\n")
    assert "WARNING: --allow-http: the admin password is sent UNENCRYPTED to 192.0.2.1" in (
        result.err
    )
    assert result.code == 1 and "Traceback" not in result.err


def test_undecodable_body_is_one_line(cli: Cli, tmp_path: Path) -> None:
    server = HostilePbx("/api/providers", "bad_gzip").start()
    try:
        result = run(cli, "status", server, tmp_path)
    finally:
        server.stop()
    assert_one_line_failure(result, tmp_path)
    assert "could not be decoded" in result.err  # type: ignore[attr-defined]


@pytest.mark.parametrize("hostile", [("/api/providers/p1/status", "500")], indirect=True)
def test_a_trunk_whose_status_fails_is_still_listed_saying_why(
    cli: Cli, hostile: HostilePbx, tmp_path: Path
) -> None:
    result = run(cli, "status", hostile, tmp_path)
    out = result.out  # type: ignore[attr-defined]
    assert result.code == 1  # type: ignore[attr-defined]
    assert "Carrier IP" in out and "status unknown: 500" in out, out
    assert "1 of 1 trunk(s) not fully read" in result.err  # type: ignore[attr-defined]
