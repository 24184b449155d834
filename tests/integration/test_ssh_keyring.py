"""Over a real SSH login (no D-Bus, no XDG_RUNTIME_DIR): ``secret set pbx`` keeps the
password in the kernel keyring; after logging out and in again ``status`` signs in
without asking; no file anywhere holds the password."""

from __future__ import annotations

import contextlib
import os
import shlex
import shutil
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.integration.sshd import Sshd
from tests.support.system import need_binary
from trunkwiz.sandbox.server import SandboxServer
from trunkwiz.store.kernel_keyring import KernelKeyring, unusable
from trunkwiz.store.secrets import SERVICE, pbx_key

pytestmark = [pytest.mark.integration, pytest.mark.slow]

REPO = Path(__file__).resolve().parents[2]
#: Not scanned: kernel and device views (not files), and what package installers write
#: (Debian's package state, the Debian 13 root the install test fills in parallel): trees
#: trunkwiz never writes to, and where other tests churn hundreds of megabytes meanwhile.
SKIP_TREES = (
    "/proc", "/sys", "/dev", "/var/cache/trunkwiz", "/var/cache/apt", "/var/lib/apt",
    "/var/lib/dpkg",
)  # fmt: skip
#: Directories of these names are not scanned either: installed Python packages, byte code,
#: tool caches and git objects (written by pip, Python, linters and git, never by trunkwiz).
SKIP_NAMES = ("site-packages", "__pycache__", ".mypy_cache", ".ruff_cache", ".git")


@pytest.fixture
def sshd(tmp_path: Path) -> Iterator[Sshd]:
    if os.geteuid() != 0:
        pytest.skip("sshd logs a user in only when started as root (`make test` as root)")
    if unusable() is not None:
        pytest.skip(f"no kernel keyring here: {unusable()}")
    server = Sshd(
        sshd=shutil.which("sshd") or _sbin("sshd") or need_binary("sshd", "openssh-server"),
        ssh_client=need_binary("ssh", "openssh-client"),
        keygen=need_binary("ssh-keygen", "openssh-client"),
        dir=tmp_path / "sshd",
    ).start()
    try:
        yield server
    finally:
        server.stop()


def _sbin(name: str) -> str | None:
    """``/usr/sbin/NAME`` when it exists (not always on a user's PATH)."""
    path = Path("/usr/sbin") / name
    return str(path) if path.exists() else None


def trunkwiz(config: Path, *argv: str) -> str:
    """The remote command line running this checkout's trunkwiz."""
    words = [sys.executable, "-m", "trunkwiz", "--config", str(config), *argv]
    return f"cd {shlex.quote(str(REPO))} && exec {shlex.join(words)}"


def files_holding(secrets: list[bytes], since: float) -> dict[bytes, list[str]]:
    """For each of ``secrets``, the regular files under / changed since ``since`` that
    contain it (one walk of the file system for all of them).

    A file untouched since the password was made up cannot hold it, so only files
    written or changed since are read (``find -newer``), which keeps the scan to seconds.
    """
    marker = Path(f"/tmp/trunkwiz-scan-{uuid.uuid4().hex}")
    marker.touch()
    os.utime(marker, (since, since))
    prune: list[str] = []
    for tree in SKIP_TREES:
        prune += ["-path", tree, "-o"]
    for name in SKIP_NAMES:
        prune += ["-name", name, "-o"]
    found = subprocess.run(
        ["find", "/", "(", *prune[:-1], ")", "-prune", "-o", "-type", "f",
         "(", "-newer", str(marker), "-o", "-cnewer", str(marker), ")", "-print0"],
        capture_output=True, timeout=300, check=False,
    )  # fmt: skip
    marker.unlink()
    names = [n for n in found.stdout.decode("utf-8", "surrogateescape").split("\0") if n]
    extra = [str(p) for p in Path("/dev/shm").rglob("*") if p.is_file()]
    holding: dict[bytes, list[str]] = {secret: [] for secret in secrets}
    keep = max(len(secret) for secret in secrets)
    for name in sorted({*names, *extra}):
        try:
            with open(name, "rb") as f:
                tail, seen = b"", set()
                while chunk := f.read(1 << 20):
                    seen |= {secret for secret in secrets if secret in tail + chunk}
                    tail = chunk[-keep:]
        except OSError:
            continue
        for secret in seen:
            holding[secret].append(name)
    return holding


def test_password_kept_over_plain_ssh_and_status_signs_in_after_a_new_login(
    sshd: Sshd, tmp_path: Path
) -> None:
    started = time.time() - 2
    password = "ssh-" + uuid.uuid4().hex
    config = tmp_path / "config"
    server = SandboxServer(admin_password=password, tenants=3).start()
    key = pbx_key(server.url, "admin")
    try:
        login = sshd.ssh("env; echo TTY=$(tty)")
        assert login.returncode == 0, login.stderr + sshd.log.read_text()[-2000:]
        assert "DBUS_SESSION_BUS_ADDRESS" not in login.stdout
        assert "XDG_RUNTIME_DIR" not in login.stdout
        assert "USER=root" in login.stdout

        kept = sshd.ssh(
            trunkwiz(config, "--pbx", server.url, "secret", "set", "pbx", "admin"),
            stdin=password + "\n",
        )
        assert kept.returncode == 0, kept.stderr
        last = kept.stderr.strip().splitlines()[-1]
        assert last.startswith("Password kept in the kernel keyring until reboot or "), last
        assert last.endswith(" days unused."), last

        # That login is over (pam_keyinit revoked its session keyring); a new one:
        status = sshd.ssh(
            trunkwiz(config, "--pbx", server.url, "--user", "admin", "status") + " </dev/null"
        )
        assert status.returncode == 0, status.stdout + status.stderr
        assert "password" not in status.stderr.lower(), status.stderr
        assert password not in status.stdout + status.stderr

        control = "control-" + uuid.uuid4().hex  # the scan does find a file written now
        (tmp_path / "control.txt").write_text(f"x{control}y")
        holding = files_holding([password.encode(), control.encode()], started)
        assert holding[password.encode()] == [], f"files holding the password: {holding}"
        assert holding[control.encode()] == [str(tmp_path / "control.txt")]
    finally:
        server.stop()
        with contextlib.suppress(Exception):
            KernelKeyring().delete_password(SERVICE, key)


def test_wizard_over_ssh_names_the_kernel_keyring_when_keep_is_ticked(
    sshd: Sshd, tmp_path: Path
) -> None:
    from tests.tui.test_tui_tmux import Tmux, shows, wait_until

    started = time.time() - 2
    password = "ssh-" + uuid.uuid4().hex
    server = SandboxServer(admin_password=password, tenants=3).start()
    key = pbx_key(server.url, "admin")
    term = Tmux(need_binary("tmux"), tmp_path)
    try:
        wizard = trunkwiz(tmp_path / "config", "--pbx", server.url, "--user", "admin")
        term.start(shlex.join([*sshd.argv(tty=True), wizard]))
        shows(term, r"^ Password\s", timeout=60)
        term.type(password)  # the form opens with the password focused (user given)
        shows(term, r"^ Password\s+•+")
        for line in ("Tenant SIP domain", "Keep the password"):  # Tab to the box
            before = term.styled_line(line)
            term.keys("Tab")  # the focused line changes colour
            wait_until(line, lambda: term.styled_line(line) != before, 10, term)  # noqa: B023
        term.keys("Space")
        shows(term, r"^ *Password kept in the kernel keyring until reboot or \d+ days unused\.")
        term.keys("C-n")
        shows(term, r"^ Kind\s", timeout=30)  # signed in: the next step
        kept = KernelKeyring().get_password(SERVICE, key)
        assert kept == password
        assert password not in term.screen()
    finally:
        term.stop()
        server.stop()
        with contextlib.suppress(Exception):
            KernelKeyring().delete_password(SERVICE, key)
    assert files_holding([password.encode()], started) == {password.encode(): []}
