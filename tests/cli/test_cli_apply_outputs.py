"""A 30-tenant ``trunkwiz apply`` cut in the middle by what happens to an admin's terminal:
the SSH session drops (tmux killed), the output is piped into ``head -n 2``, Ctrl+\\
(SIGQUIT). Output is never part of the transaction: the run stops, rolls back the trunk
being applied and exits with the documented code; the PBX never keeps the trunk partly
shared. The sandbox's gate holds the run mid-way until the cut has reached it (see
``tests.cli.interrupts``); ``PYTHONUNBUFFERED`` is unset, as in a user's shell."""

from __future__ import annotations

import contextlib
import os
import select
import signal
import subprocess
import sys
import threading
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.cli.conftest import REPO, admin_stdin
from tests.cli.interrupts import (
    HELD_POST,
    WAIT,
    Lines,
    apply_argv,
    child,
    child_env,
    hold_mid_run,
    stop,
    wide_trunk_file,
)
from tests.support.system import need_binary
from trunkwiz.sandbox.server import SandboxServer


@pytest.fixture
def wide_sandbox() -> Iterator[SandboxServer]:
    server = SandboxServer(tenants=30).start()
    try:
        yield server
    finally:
        server.faults.reset()  # a held call goes on, whatever the test did
        server.stop()


def test_sigquit_mid_apply_rolls_back_and_exits_131(
    wide_sandbox: SandboxServer, tmp_path: Path
) -> None:
    file = wide_trunk_file(wide_sandbox, tmp_path / "wide.toml")
    wide_sandbox.faults.hold_from(HELD_POST, "POST")
    proc = child(apply_argv(wide_sandbox, file, tmp_path / "cfg"), admin_stdin())
    try:
        assert proc.stdout is not None and proc.stderr is not None
        out, err = Lines(proc.stdout), Lines(proc.stderr)
        hold_mid_run(wide_sandbox)
        proc.send_signal(signal.SIGQUIT)  # Ctrl+\
        err.wait_for("SIGQUIT: starting no new call")
        wide_sandbox.faults.release()
        code = proc.wait(timeout=WAIT)
    finally:
        stop(proc)
    said = err.rest()
    assert code == 128 + signal.SIGQUIT, (code, said)
    assert "Traceback" not in said + out.rest()
    assert "Nothing of this run is left on the PBX." in said, said
    assert wide_sandbox.state.trunks == {}


def test_with_stderr_gone_the_last_lines_go_to_stdout(
    wide_sandbox: SandboxServer, tmp_path: Path
) -> None:
    """stderr's reader left (a closed pipe), then Ctrl+\\ mid-run: the run still rolls back
    and says so on stdout, the stream that still works."""
    file = wide_trunk_file(wide_sandbox, tmp_path / "wide.toml")
    wide_sandbox.faults.hold_from(HELD_POST, "POST")
    proc = child(apply_argv(wide_sandbox, file, tmp_path / "cfg"), admin_stdin())
    try:
        assert proc.stdout is not None and proc.stderr is not None
        proc.stderr.close()  # nobody reads stderr any more: writes to it fail (EPIPE)
        out = Lines(proc.stdout)
        hold_mid_run(wide_sandbox)
        proc.send_signal(signal.SIGQUIT)
        out.wait_for("SIGQUIT: starting no new call")
        wide_sandbox.faults.release()
        code = proc.wait(timeout=WAIT)
    finally:
        stop(proc)
    said = out.rest()
    assert code == 128 + signal.SIGQUIT, (code, said)
    assert "Traceback" not in said
    assert "Nothing of this run is left on the PBX." in said, said
    assert wide_sandbox.state.trunks == {}


def test_output_piped_into_head_rolls_back_and_exits_141(
    wide_sandbox: SandboxServer, tmp_path: Path
) -> None:
    """``trunkwiz apply f.toml | head -n 2`` in bash: head starts reading (and leaves after
    two lines) once the run is held mid-way; the gate opens once head is gone, so the next
    progress line meets the closed pipe."""
    file = wide_trunk_file(wide_sandbox, tmp_path / "wide.toml")
    go = tmp_path / "go"
    os.mkfifo(go)
    events_read, events_write = os.pipe()
    script = (
        'fd=$1; go=$2; shift 2; { "$@"; echo "apply-exit $?" >&"$fd"; } '
        '| { read -r _ < "$go"; head -n 2; echo head-done >&"$fd"; }'
    )
    argv = ["bash", "-c", script, "bash", str(events_write), str(go)]
    wide_sandbox.faults.hold_from(HELD_POST, "POST")
    proc = child(
        argv + apply_argv(wide_sandbox, file, tmp_path / "cfg"),
        admin_stdin(),
        pass_fds=(events_write,),
        start_new_session=True,  # the pipeline is one process group: stopped as one
    )
    os.close(events_write)
    try:
        assert proc.stdout is not None and proc.stderr is not None
        head, err = Lines(proc.stdout), Lines(proc.stderr)
        events = Lines(os.fdopen(events_read, encoding="utf-8"))
        hold_mid_run(wide_sandbox)
        with open(go, "w", encoding="utf-8") as gate:  # head may read now
            gate.write("go\n")
        events.wait_for("head-done")
        wide_sandbox.faults.release()
        line = events.wait_for("apply-exit")
        assert proc.wait(timeout=WAIT) == 0  # the pipeline's status is head's
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)  # only if the test failed: it ended otherwise
        stop(proc)
    said = err.rest()
    assert line.split() == ["apply-exit", "141"], (line, said)
    assert len(head.rest().splitlines()) == 2
    assert "Traceback" not in said and "Exception" not in said, said
    assert "stdout is gone (Broken pipe): starting no new call" in said, said
    assert "Nothing of this run is left on the PBX." in said, said
    assert wide_sandbox.state.trunks == {}


#: Runs a command in the tmux pane and writes its exit code to a FIFO once it ended. It
#: ignores the hang-up itself (the command gets it, as from any dropped SSH session), so
#: the test learns the command's exit code after the terminal is gone.
WRAPPER = """\
import signal, subprocess, sys
signal.signal(signal.SIGHUP, signal.SIG_IGN)
report, password, *command = sys.argv[1:]
with open(password, encoding="utf-8") as given:
    code = subprocess.call(
        command, stdin=given,
        preexec_fn=lambda: signal.signal(signal.SIGHUP, signal.SIG_DFL),
    )
with open(report, "w", encoding="utf-8") as out:
    out.write(f"{code}\\n")
"""


def _gone(pid: int, timeout: float) -> bool:
    """Whether process ``pid`` (not a child of ours) ended within ``timeout`` seconds."""
    try:
        handle = os.pidfd_open(pid)
    except ProcessLookupError:
        return True
    try:
        return bool(select.select([handle], [], [], timeout)[0])
    finally:
        os.close(handle)


def test_ssh_drop_mid_apply_in_tmux_rolls_back_and_exits_129(
    wide_sandbox: SandboxServer, tmp_path: Path
) -> None:
    """``trunkwiz apply`` in tmux; ``tmux kill-server`` mid-run: the terminal is gone (every
    write fails with EIO) and SIGHUP arrives. The run still rolls back completely."""
    tmux = need_binary("tmux")
    file = wide_trunk_file(wide_sandbox, tmp_path / "wide.toml")
    password = tmp_path / "password"
    password.write_text(admin_stdin(), encoding="utf-8")
    report = tmp_path / "exit-code"
    os.mkfifo(report)
    codes: list[str] = []
    reader = threading.Thread(target=lambda: codes.append(report.read_text()), daemon=True)
    reader.start()
    wrapper = tmp_path / "wrapper.py"
    wrapper.write_text(WRAPPER, encoding="utf-8")
    socket = f"trunkwiz-test-{uuid.uuid4().hex[:12]}"

    def tmux_run(*args: str) -> str:
        done = subprocess.run(
            [tmux, "-L", socket, "-f", "/dev/null", *args],
            capture_output=True, text=True, timeout=10, check=False, env=child_env(),
        )  # fmt: skip
        assert done.returncode == 0, done.stderr
        return done.stdout

    command = [sys.executable, str(wrapper), str(report), str(password)]
    command += apply_argv(wide_sandbox, file, tmp_path / "cfg")
    wide_sandbox.faults.hold_from(HELD_POST, "POST")
    tmux_run("new-session", "-d", "-x", "80", "-y", "24", "-c", str(REPO), *command)
    server = int(tmux_run("display-message", "-p", "#{pid}"))
    pane = int(tmux_run("display-message", "-p", "#{pane_pid}"))
    try:
        hold_mid_run(wide_sandbox)
        tmux_run("kill-server")  # the SSH session drops
        assert _gone(server, WAIT), "tmux did not end"
        wide_sandbox.faults.release()
        reader.join(WAIT)
        assert codes, "the command never ended"
    finally:
        if not codes:  # the test failed: stop what the pane still runs
            with contextlib.suppress(ProcessLookupError):
                os.killpg(pane, signal.SIGKILL)
        if reader.is_alive():  # unblock the reader of the FIFO
            with contextlib.suppress(OSError):
                os.close(os.open(report, os.O_WRONLY | os.O_NONBLOCK))
    assert codes[0].strip() == str(128 + signal.SIGHUP), codes
    assert wide_sandbox.state.trunks == {}
