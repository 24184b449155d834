"""Installed on Debian 13 (Python 3.13) as a PBX admin would, in a minimal trixie root
(debootstrap minbase: no desktop, no D-Bus, no /etc/hosts): the wheel, unmodified, goes in
with Debian's ``pipx`` (its dependencies from PyPI through pip in the root); then
``trunkwiz --version``, ``trunkwiz sandbox`` until READY, ``secret set`` into the kernel
keyring and ``status`` against the sandbox with that password; then the unit and domain
tests on the root's Python, in the environment pipx made (the test tools added to it once
the tool was checked).

The root is made once by scripts/chroot-trixie.sh (kept in /var/cache/trunkwiz). Needs
root on a Debian host with debootstrap (``make system-deps`` installs it); otherwise it
skips with the reason. /proc is mounted for the run only, every process started in the
root is ended, and the run's files are removed.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import shutil
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.integration.test_install import _ready_line
from trunkwiz import __version__
from trunkwiz.compat import tomllib

# Two pip installs from PyPI and the unit tests in the root: more than the suite's 120 s
# per test when the machine is busy, so the hang guard is wider here.
pytestmark = [pytest.mark.integration, pytest.mark.slow, pytest.mark.timeout(360)]

REPO = Path(__file__).resolve().parents[2]
SCRIPT = REPO / "scripts" / "chroot-trixie.sh"
ROOT = Path(os.environ.get("TRUNKWIZ_CHROOT", "/var/cache/trunkwiz/chroot-trixie"))
HOST_CAS = "/etc/ssl/certs/ca-certificates.crt"
#: What the unit and domain tests import from the [test] extra.
TEST_TOOLS = (
    "pytest", "pytest-asyncio", "pytest-timeout", "pytest-xdist", "hypothesis", "jsonschema",
)  # fmt: skip
#: The tests run in the root: the unit and domain ones, the TLS ones (3.13 verifies
#: certificates strictly) and the resolver's (the root has no /etc/hosts).
TESTS = (
    "tests/domain",
    "tests/store",
    "tests/test_compat.py",
    "tests/test_certificates.py",
    "tests/sip/test_sip_tls.py",
    "tests/sip/test_sip_ratelimit.py",
    "tests/pbx/test_pbx_tls.py",
)


def _why_not() -> str | None:
    if not sys.platform.startswith("linux"):
        return "needs Linux (chroot)"
    if os.geteuid() != 0:
        return "needs root: debootstrap, chroot and mounting /proc (CI runs as root)"
    if not Path("/etc/debian_version").exists():
        return "needs a Debian host: the root is made from the Debian mirror apt uses here"
    if shutil.which("debootstrap", path=f"{os.environ.get('PATH', '')}:/usr/sbin:/sbin") is None:
        return "debootstrap is not installed (apt-get install debootstrap; make system-deps)"
    return None


def _tools_from_the_test_extra() -> list[str]:
    with (REPO / "pyproject.toml").open("rb") as fh:
        extra = tomllib.load(fh)["project"]["optional-dependencies"]["test"]
    return [r for r in extra if r.split(">")[0].split("=")[0].split("[")[0] in TEST_TOOLS]


def _mounts_under(root: Path) -> list[str]:
    prefix = str(root.resolve()) + "/"
    with open("/proc/self/mounts", encoding="utf-8") as fh:
        return [
            line.split()[1] for line in fh if (line.split()[1] + "/").startswith(prefix)
        ]  # fmt: skip


def _processes_in(root: Path) -> list[int]:
    """The processes whose root directory is ``root`` (all started by this test)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            with contextlib.suppress(OSError):
                if os.readlink(entry / "root") == str(root.resolve()):
                    found.append(int(entry.name))
    return found


class Root:
    """Commands in the chroot with a clean environment (nothing of this machine's: no
    pip configuration, no D-Bus, no CI variable), HOME and pipx's homes in ``work``."""

    def __init__(self, root: Path, work: str) -> None:
        self.root, self.work = root, work
        self.env = {
            "HOME": f"{work}/home",
            "PATH": f"{work}/bin:/usr/local/bin:/usr/bin:/bin",
            "LANG": "C.UTF-8",
            "PIPX_HOME": f"{work}/pipx",
            "PIPX_BIN_DIR": f"{work}/bin",
            "PIP_CACHE_DIR": "/var/cache/trunkwiz-pip",  # kept with the root: faster again
            "PIP_DISABLE_PIP_VERSION_CHECK": "1",
            "PYTHONDONTWRITEBYTECODE": "1",
            "TERM": "dumb",
        }
        if Path(HOST_CAS).is_file():
            # This machine's trust store (Debian's CAs and any it adds, e.g. a proxy's):
            # what pip in the root trusts to reach PyPI from here.
            self.env["PIP_CERT"] = self.env["SSL_CERT_FILE"] = f"{work}/ca-certificates.crt"

    def argv(self, *command: str, cwd: str | None = None) -> list[str]:
        env = [f"{k}={v}" for k, v in self.env.items()]
        inner = ["/usr/bin/env", "-i", *env, *command]
        if cwd is not None:
            inner = ["/bin/sh", "-c", 'cd "$0" && exec "$@"', cwd, *inner]
        return ["chroot", str(self.root), *inner]

    def run(
        self, *command: str, timeout: float, stdin: str | None = None, cwd: str | None = None
    ) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            self.argv(*command, cwd=cwd),
            input=stdin if stdin is not None else "",
            capture_output=True, text=True, timeout=timeout, check=False,
            env={"PATH": "/usr/sbin:/usr/bin:/sbin:/bin"}, start_new_session=True,
        )  # fmt: skip


@pytest.fixture(scope="module")
def trixie() -> Path:
    why = _why_not()
    if why is not None:
        pytest.skip(why)
    made = subprocess.run(
        ["bash", str(SCRIPT)], capture_output=True, text=True, timeout=400, check=False,
        env={**os.environ, "TRUNKWIZ_CHROOT": str(ROOT)},
    )  # fmt: skip
    assert made.returncode == 0, made.stderr[-3000:]
    return Path(made.stdout.strip().splitlines()[-1])


@pytest.fixture
def root(trixie: Path, tmp_path: Path) -> Iterator[Root]:
    """The root with /proc mounted, resolv.conf for pip and a work directory; all gone
    afterwards (mounts, processes, files). One run at a time per root."""
    lock = open(f"{trixie}.use.lock", "w")  # noqa: SIM115
    fcntl.flock(lock, fcntl.LOCK_EX)
    name = f"/tmp/trunkwiz-install-{uuid.uuid4().hex[:8]}"
    work = trixie / name.lstrip("/")
    resolv = trixie / "etc" / "resolv.conf"
    try:
        work.mkdir(parents=True)
        shutil.copyfile("/etc/resolv.conf", resolv)
        if Path(HOST_CAS).is_file():
            shutil.copyfile(HOST_CAS, work / "ca-certificates.crt")
        subprocess.run(["mount", "-t", "proc", "proc", str(trixie / "proc")], check=True)
        yield Root(trixie, name)
    finally:
        for pid in _processes_in(trixie):
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        deadline = time.monotonic() + 10
        while _processes_in(trixie) and time.monotonic() < deadline:
            time.sleep(0.05)
        for mount in reversed(_mounts_under(trixie)):
            if subprocess.run(["umount", mount], check=False).returncode != 0:
                subprocess.run(["umount", "-l", mount], check=False)
        left = _mounts_under(trixie)
        shutil.rmtree(work, ignore_errors=True)
        resolv.unlink(missing_ok=True)
        fcntl.flock(lock, fcntl.LOCK_UN)
        lock.close()
        assert left == [], f"mounts left under {trixie}: {left}"


def _build_wheel(dest: Path) -> Path:
    env = {k: v for k, v in os.environ.items() if k not in {"PYTHONPATH", "VIRTUAL_ENV"}}
    built = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "-w", str(dest), str(REPO)],
        capture_output=True, text=True, timeout=300, cwd=dest, env=env, check=False,
    )  # fmt: skip
    assert built.returncode == 0, built.stderr[-3000:]
    (wheel,) = dest.glob("trunkwiz-*.whl")
    return wheel


def _ok(done: subprocess.CompletedProcess[str], what: str) -> str:
    out = f"{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
    assert done.returncode == 0, f"{what}: exit {done.returncode}\n{out}"
    return done.stdout


def test_pipx_install_on_debian_13_runs_the_tool_and_the_unit_tests(
    root: Root, tmp_path: Path
) -> None:
    wheel = _build_wheel(tmp_path)
    host_work = root.root / root.work.lstrip("/")
    shutil.copy(wheel, host_work / wheel.name)
    inside_wheel = f"{root.work}/{wheel.name}"

    version = _ok(root.run("python3", "--version", timeout=30), "python3 --version")
    assert version.startswith("Python 3.13"), version

    _ok(root.run("pipx", "install", inside_wheel, timeout=600), "pipx install")
    shown = _ok(root.run("trunkwiz", "--version", timeout=60), "trunkwiz --version")
    assert shown.strip() == f"trunkwiz {__version__}"

    sandbox = subprocess.Popen(
        root.argv("trunkwiz", "sandbox", "--port", "0"),
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        env={"PATH": "/usr/sbin:/usr/bin:/sbin:/bin"}, start_new_session=True,
    )  # fmt: skip
    url = ""
    try:
        url = _ready_line(sandbox, timeout=90).split()[1]
        assert url.startswith("http://127.0.0.1:"), url
        # No password yet (stdin is not a terminal): status cannot sign in.
        refused = root.run("trunkwiz", "status", "--pbx", url, "--user", "admin", timeout=60)
        assert refused.returncode != 0, refused.stdout
        stored = root.run(
            "trunkwiz", "secret", "set", "pbx", "admin", "--pbx", url,
            stdin="sandbox-admin\n", timeout=60,
        )  # fmt: skip
        _ok(stored, "secret set")
        assert "kept in the kernel keyring" in stored.stderr, stored.stderr
        status = _ok(
            root.run("trunkwiz", "status", "--pbx", url, "--user", "admin", timeout=60),
            "status with the password from the kernel keyring",
        )
        assert "No trunks." in status, status
    finally:
        if url:
            root.run("trunkwiz", "secret", "delete", "pbx", "admin", "--pbx", url, timeout=60)
        if sandbox.poll() is None:
            sandbox.send_signal(signal.SIGINT)
            try:
                sandbox.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(sandbox.pid, signal.SIGKILL)
                sandbox.wait(timeout=10)
        if sandbox.stdout is not None:
            sandbox.stdout.close()

    # The unit and domain tests on the root's Python, against the installed wheel: in the
    # environment pipx made for it, once the tool itself has been checked, with the test
    # tools added (nothing installed twice, so the run stays short).
    shutil.copytree(REPO / "tests", host_work / "src" / "tests", ignore=_no_caches)
    shutil.copy(REPO / "pyproject.toml", host_work / "src" / "pyproject.toml")
    _ok(
        root.run(
            "pipx", "runpip", "trunkwiz", "install", "--quiet", *_tools_from_the_test_extra(),
            timeout=600,
        ),
        "pip install of the test tools",
    )  # fmt: skip
    tested = root.run(
        f"{root.env['PIPX_HOME']}/venvs/trunkwiz/bin/python", "-m", "pytest", "-q",
        "-p", "no:cacheprovider", "-n", "2", f"--basetemp={root.work}/pytest-tmp",
        "-m", "not slow and not integration", *TESTS,
        timeout=600, cwd=f"{root.work}/src",
    )  # fmt: skip
    assert tested.returncode == 0, (
        tested.stdout[:5000] + tested.stdout[-3000:] + tested.stderr[-2000:]
    )
    assert " passed" in tested.stdout.splitlines()[-1], tested.stdout[-2000:]


def _no_caches(_dir: str, names: list[str]) -> list[str]:
    return [n for n in names if n in {"__pycache__", ".hypothesis", ".pytest_cache"}]
