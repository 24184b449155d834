"""A real OpenSSH server on 127.0.0.1 for one test, and a key-based login to it.

The server has its own configuration, host key and authorized key in a temporary
directory (``sshd -D -e -f``); it logs ``root`` in with a key only, through PAM as a
Debian host does (``pam_keyinit force revoke`` drops the session keyring at logout). A
login has no D-Bus session and no ``XDG_RUNTIME_DIR``, like an admin's SSH login to a
headless PBX host. ``stop()`` ends the server and every process below it.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

CONFIG = """\
Port {port}
ListenAddress 127.0.0.1
HostKey {dir}/host_key
PidFile {dir}/sshd.pid
AuthorizedKeysFile {dir}/authorized_keys
AllowUsers root
PermitRootLogin prohibit-password
PubkeyAuthentication yes
PasswordAuthentication no
KbdInteractiveAuthentication no
UsePAM yes
StrictModes no
PrintMotd no
PrintLastLog no
X11Forwarding no
AllowTcpForwarding no
AllowAgentForwarding no
PermitUserEnvironment no
LogLevel INFO
"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _children(root: int) -> list[int]:
    """Every live process below ``root`` (by parent links in /proc), deepest last."""
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        parents[int(entry.name)] = int(stat[1])
    found: list[int] = []
    frontier = [root]
    while frontier:
        pid = frontier.pop()
        kids = [p for p, parent in parents.items() if parent == pid]
        found += kids
        frontier += kids
    return found


@dataclass
class Sshd:
    """A running sshd; ``ssh(command)`` runs one command in a fresh login."""

    sshd: str
    ssh_client: str
    keygen: str
    dir: Path
    port: int = 0
    proc: subprocess.Popen[bytes] | None = None
    log: Path = field(init=False)

    def start(self) -> Sshd:
        self.dir.mkdir(mode=0o700, parents=True, exist_ok=True)
        for name in ("host_key", "user_key"):
            subprocess.run(
                [self.keygen, "-q", "-t", "ed25519", "-N", "", "-f", str(self.dir / name)],
                check=True,
                timeout=30,
            )
        keys = self.dir / "authorized_keys"
        keys.write_text((self.dir / "user_key.pub").read_text())
        keys.chmod(0o600)
        Path("/run/sshd").mkdir(mode=0o755, exist_ok=True)  # sshd's privilege separation dir
        self.port = _free_port()
        config = self.dir / "sshd_config"
        config.write_text(CONFIG.format(port=self.port, dir=self.dir))
        subprocess.run([self.sshd, "-t", "-f", str(config)], check=True, timeout=30)
        self.log = self.dir / "sshd.log"
        with self.log.open("wb") as log:
            self.proc = subprocess.Popen(
                [self.sshd, "-D", "-e", "-f", str(config)],
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=log,
                start_new_session=True,
            )
        deadline = time.monotonic() + 20
        while True:  # wait until it listens (bounded)
            if self.proc.poll() is not None:
                raise RuntimeError(f"sshd exited: {self.log.read_text()[-2000:]}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                    break
            except OSError:
                if time.monotonic() > deadline:
                    raise RuntimeError("sshd did not listen within 20 s") from None
                time.sleep(0.05)  # polling for readiness with a deadline
        return self

    def argv(self, *, tty: bool = False) -> list[str]:
        """The ssh command line of a login as root (append the remote command)."""
        return [
            self.ssh_client,
            "-tt" if tty else "-T",
            "-F", "/dev/null",
            "-i", str(self.dir / "user_key"),
            "-p", str(self.port),
            "-o", "BatchMode=yes",
            "-o", "IdentitiesOnly=yes",
            "-o", "StrictHostKeyChecking=no",
            "-o", f"UserKnownHostsFile={self.dir / 'known_hosts'}",
            "-o", "LogLevel=ERROR",
            "root@127.0.0.1",
        ]  # fmt: skip

    def ssh(
        self, command: str, *, stdin: str = "", timeout: float = 60
    ) -> subprocess.CompletedProcess[str]:
        """Log in, run ``command`` in the login shell, log out."""
        env = {k: v for k, v in os.environ.items() if not k.startswith(("DBUS_", "XDG_"))}
        return subprocess.run(
            [*self.argv(), command],
            input=stdin,
            capture_output=True,
            text=True,
            timeout=timeout,
            env=env,
            check=False,
        )

    def stop(self) -> None:
        """End sshd and every process below it (sessions call setsid, so by /proc)."""
        if self.proc is None:
            return
        below = _children(self.proc.pid)
        for pid in [*below, self.proc.pid]:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        self.proc.wait(timeout=10)
        self.proc = None
