"""JSON nested without end from a PBX (a 200 answer, an error body, the debug log) is a
``BadAnswer`` or an error without the PBX's message, never a ``RecursionError``; through
the real command line it is one line and exit code 1. The debug log's redaction of an
answer that is not JSON takes one pass, whatever the answer holds."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from pydantic import SecretStr

from tests.support.hostile_pbx import HostilePbx
from trunkwiz.domain.jsonbounds import MAX_DEPTH
from trunkwiz.pbx.client import PbxClient
from trunkwiz.pbx.errors import BadAnswer, UnavailableError
from trunkwiz.pbx.session import RetryPolicy

REPO = Path(__file__).resolve().parents[2]


def _status(
    server: HostilePbx, tmp_path: Path, *, debug: bool, within: float = 60
) -> subprocess.CompletedProcess[str]:
    """``trunkwiz status`` in a child process (PYTHONUNBUFFERED unset, like a user's)."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}
    env["TRUNKWIZ_CONFIG_DIR"] = str(tmp_path / "cfg")
    argv = ["--config", str(tmp_path / "cfg"), "--pbx", server.url, "--http-timeout", "10"]
    if debug:
        argv += ["--debug", "--debug-file", str(tmp_path / "debug.log")]
    return subprocess.run(
        [sys.executable, "-m", "trunkwiz", *argv, "status", "--password-stdin"],
        input="pw\n",
        capture_output=True,
        text=True,
        cwd=REPO,
        env=env,
        timeout=within,
        check=False,
    )


@pytest.fixture
def deep(request: pytest.FixtureRequest) -> Iterator[HostilePbx]:
    path, mode = request.param
    server = HostilePbx(path, mode).start()
    try:
        yield server
    finally:
        server.stop()


def _client(server: HostilePbx) -> PbxClient:
    return PbxClient(server.url, request_timeout=10.0, retry=RetryPolicy(tries=1))


@pytest.mark.parametrize("deep", [("/api/providers", "deep")], indirect=True)
async def test_a_deep_answer_is_a_bad_answer(deep: HostilePbx) -> None:
    async with _client(deep) as pbx:
        await pbx.sign_in("admin", SecretStr("pw"))
        with pytest.raises(BadAnswer) as caught:
            await pbx.providers()
    assert str(caught.value).startswith("GET /providers: the PBX's answer is nested deeper")
    assert f"than {MAX_DEPTH} levels" in str(caught.value)


@pytest.mark.parametrize("deep", [("/api/auth/sign_in", "deep")], indirect=True)
async def test_a_deep_sign_in_answer_is_a_bad_answer(deep: HostilePbx) -> None:
    async with _client(deep) as pbx:
        with pytest.raises(BadAnswer, match="nested deeper"):
            await pbx.sign_in("admin", SecretStr("pw"))


@pytest.mark.parametrize("deep", [("/api/providers", "deep500")], indirect=True)
async def test_a_deep_error_body_is_read_without_a_message(deep: HostilePbx) -> None:
    async with _client(deep) as pbx:
        await pbx.sign_in("admin", SecretStr("pw"))
        with pytest.raises(UnavailableError) as caught:
            await pbx.providers()
    assert caught.value.status == 500
    assert caught.value.messages == ()
    assert "(HTTP 500)" in str(caught.value)


@pytest.mark.parametrize("deep", [("/api/providers", "deep")], indirect=True)
async def test_the_debug_log_shows_a_deep_answer_as_text(
    deep: HostilePbx, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="trunkwiz.pbx.http")
    async with _client(deep) as pbx:
        await pbx.sign_in("admin", SecretStr("pw"))
        with pytest.raises(BadAnswer):
            await pbx.providers()
    logged = [r.getMessage() for r in caplog.records if "/providers" in r.getMessage()]
    assert any(line.startswith("< 200 GET") and "[[[[" in line for line in logged), logged
    assert all(len(line) < 10_000 for line in logged)


@pytest.mark.parametrize(
    ("deep", "debug"),
    [
        (("/api/providers", "deep"), False),
        (("/api/providers", "deep"), True),
        (("/api/providers", "deep500"), False),
    ],
    indirect=["deep"],
    ids=["deep", "deep-debug", "deep500"],
)
def test_status_says_bad_answer_in_one_line(deep: HostilePbx, tmp_path: Path, debug: bool) -> None:
    """The real command, without PYTHONUNBUFFERED: exit 1, one line, no traceback."""
    done = _status(deep, tmp_path, debug=debug)
    lines = [line for line in done.stderr.splitlines() if line.strip()]
    assert done.returncode == 1, done.stderr
    assert len(lines) == 1, done.stderr
    assert "Traceback" not in done.stderr + done.stdout
    assert "unexpected error" not in done.stderr
    assert "RecursionError" not in done.stderr
    if deep.mode == "deep":
        assert "GET /providers: the PBX's answer is nested deeper than" in lines[0]
    else:
        assert "GET /providers: the PBX is unavailable (HTTP 500)" in lines[0]
    assert len(lines[0]) < 300


@pytest.mark.parametrize("deep", [("/api/providers", "word")], indirect=True)
def test_debug_log_of_one_endless_word_is_quick(deep: HostilePbx, tmp_path: Path) -> None:
    """An HTML page of one 200,000-letter word: the redaction of the debug log is linear
    (it used to backtrack through the word from every letter: hours)."""
    try:
        done = _status(deep, tmp_path, debug=True, within=30)
    except subprocess.TimeoutExpired:
        pytest.fail("the debug log's redaction did not finish within 30 s")
    assert done.returncode == 1, done.stderr
    assert "GET /providers: the PBX's answer is not JSON (text/html" in done.stderr
    logged = (tmp_path / "debug.log").read_text()
    assert "aaaa… (" in logged  # shown, cut at MAX_SHOWN characters
