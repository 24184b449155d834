"""No core dumps while a password is held: RLIMIT_CORE 0/0 and not dumpable.

Nothing here depends on the machine's ``core_pattern``: the test reads what the kernel
decides a dump from, the process's core limit (``/proc/PID/limits``) and its dumpable flag.
The flag has no ``/proc`` field; a process that is not dumpable refuses its
``/proc/PID/mem`` to a reader of the same user without ``CAP_SYS_PTRACE`` (the kernel's
``ptrace_may_access``): opening ``/proc/PID/mem`` is refused. That is how the real
``apply`` process is checked, next to a plain process the same reader may open (as root,
every process involved runs without ``CAP_SYS_PTRACE``, so the capability cannot decide).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.cli.conftest import IP_TRUNK, REPO, admin_stdin
from trunkwiz.sandbox.server import SandboxServer

CHILD = """
import ctypes, resource, sys
from trunkwiz.cli import main
libc = ctypes.CDLL(None, use_errno=True)
before = libc.prctl(3, 0, 0, 0, 0)  # PR_GET_DUMPABLE
try:
    code = main(sys.argv[1:])
except SystemExit as exc:
    code = exc.code
print(before, libc.prctl(3, 0, 0, 0, 0), *resource.getrlimit(resource.RLIMIT_CORE), code)
"""


def allow_cores() -> None:
    """(in the child, before exec) Core dumps allowed as far as we may: the limit the
    test reads must come from trunkwiz, not from the shell. Without CAP_SYS_RESOURCE a hard
    limit already 0 cannot be raised (this test process ran ``main()`` in-process before):
    then only the dumpable flag, which every ``exec`` resets, tells main from this branch."""
    import resource

    _, hard = resource.getrlimit(resource.RLIMIT_CORE)
    try:
        resource.setrlimit(resource.RLIMIT_CORE, (resource.RLIM_INFINITY,) * 2)
    except (ValueError, OSError):
        resource.setrlimit(resource.RLIMIT_CORE, (hard, hard))


def child_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("TRUNKWIZ_")}
    env.pop("PYTHONUNBUFFERED", None)
    return env


@pytest.mark.parametrize("argv", [["--version"], ["secret", "--help"], ["man"]])
def test_every_command_starts_without_core_dumps(argv: list[str]) -> None:
    done = subprocess.run(
        [sys.executable, "-c", CHILD, *argv],
        capture_output=True, text=True, cwd=REPO, env=child_env(), timeout=60, check=False,
        preexec_fn=allow_cores,
    )  # fmt: skip
    before, after, soft, hard, code = done.stdout.split()[-5:]
    assert code in ("0", "None"), done.stderr
    assert before == "1", "the child starts dumpable"
    assert (after, soft, hard) == ("0", "0", "0")


def wait_until(check: object, what: str, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while not check():  # type: ignore[operator]
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.01)


def blocked_on_stdin(pid: int) -> bool:
    """Whether ``pid`` sleeps in a read of its stdin pipe (nothing written yet)."""
    try:
        return "pipe_read" in Path(f"/proc/{pid}/wchan").read_text()
    except OSError:
        return False


@contextmanager
def held_on_stdin(argv: list[str]) -> Iterator[subprocess.Popen[str]]:
    """``argv`` started with a stdin pipe nothing is written to yet; killed at exit."""
    proc = subprocess.Popen(
        argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        text=True, cwd=REPO, env=child_env(), preexec_fn=allow_cores,
    )  # fmt: skip
    try:
        wait_until(lambda: blocked_on_stdin(proc.pid) or proc.poll() is not None, "a read")
        assert proc.poll() is None, proc.communicate()
        yield proc
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.communicate(timeout=30)


def core_limit(pid: int) -> tuple[str, str]:
    for line in Path(f"/proc/{pid}/limits").read_text().splitlines():
        if line.startswith("Max core file size"):
            soft, hard = line.split()[4:6]
            return soft, hard
    raise AssertionError("no core limit line")


def without_ptrace_capability() -> list[str]:
    """The prefix running a command as this user without ``CAP_SYS_PTRACE`` (as root:
    ``setpriv`` drops it from the bounding set; another user has none)."""
    if os.geteuid() != 0:
        return []
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        pytest.skip("setpriv (util-linux) is needed to run as root without CAP_SYS_PTRACE")
    return [setpriv, "--bounding-set", "-sys_ptrace", "--"]


OPEN_MEM = "import os, sys; os.close(os.open(sys.argv[1], os.O_RDONLY))"


def memory_readable(pid: int) -> bool:
    """Whether a process of our user and capabilities may open ``pid``'s memory
    (``/proc/PID/mem``: the kernel refuses it when ``pid`` is not dumpable)."""
    reader = [*without_ptrace_capability(), sys.executable, "-c", OPEN_MEM, f"/proc/{pid}/mem"]
    done = subprocess.run(reader, capture_output=True, text=True, timeout=30, check=False)
    assert done.returncode == 0 or "PermissionError" in done.stderr, done.stderr
    return done.returncode == 0


def test_a_real_apply_holding_the_password_cannot_dump_core(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    prefix = without_ptrace_capability()  # the reader has no more capabilities than these
    plain = [*prefix, sys.executable, "-c", "import sys; sys.stdin.readline()"]
    with held_on_stdin(plain) as control:
        assert memory_readable(control.pid), "the reader must see a dumpable process"
        inherited = core_limit(control.pid)  # (0, 0) after an in-process run of main()

    trunks = tmp_path / "trunks.toml"
    trunks.write_text(IP_TRUNK)
    config = tmp_path / "config"
    argv = [*prefix, sys.executable, "-m", "trunkwiz", "--config", str(config),
            "--pbx", sandbox.url, "apply", str(trunks), "--password-stdin"]  # fmt: skip
    with held_on_stdin(argv) as apply:
        assert core_limit(apply.pid) == ("0", "0"), f"inherited {inherited}"
        assert not memory_readable(apply.pid)
        out, err = apply.communicate(admin_stdin(), timeout=60)
        assert apply.returncode == 0, err
    assert "Carrier IP" in out


def test_the_ctypes_package_is_the_fallback(monkeypatch: pytest.MonkeyPatch) -> None:
    import ctypes

    from trunkwiz.cli import hardening

    expected = ctypes.CDLL(None, use_errno=True).prctl(hardening.PR_GET_DUMPABLE, 0, 0, 0, 0)
    assert hardening.prctl(hardening.PR_GET_DUMPABLE, 0) == expected

    def gone() -> None:
        raise AttributeError("no _ctypes here")

    monkeypatch.setattr(hardening, "_from_c_module", gone)
    assert hardening.prctl(hardening.PR_GET_DUMPABLE, 0) == expected
