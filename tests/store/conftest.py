"""Fixtures for the store tests: in-memory keyring backends and a real Secret Service.

The fake backends deliberately do not subclass keyring's ``KeyringBackend``: subclassing
registers a class in keyring's process-wide backend list, which would leak into other
tests. ``SecretStore`` only needs the three methods.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.support.system import need_binary

ROOT = Path(__file__).resolve().parents[2]


class MemoryKeyring:
    """An acceptable backend that keeps secrets in a dict (and records the calls)."""

    def __init__(self) -> None:
        self.items: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.items.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.items[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        if (service, username) not in self.items:
            from keyring.errors import PasswordDeleteError

            raise PasswordDeleteError("No such password!")
        del self.items[(service, username)]


def named(cls: type, dotted: str) -> type:
    """Make ``cls`` look like the class at ``dotted`` (module + name) to the store."""
    module, _, name = dotted.rpartition(".")
    cls.__module__ = module
    cls.__qualname__ = cls.__name__ = name
    return cls


class BlockingKeyring(MemoryKeyring):
    """Every call blocks until ``release`` is set, like a backend awaiting a GUI prompt."""

    def __init__(self) -> None:
        super().__init__()
        self.release = threading.Event()
        self.entered = threading.Event()

    def _block(self) -> None:
        self.entered.set()
        self.release.wait(30)

    def get_password(self, service: str, username: str) -> str | None:
        self._block()
        return None

    def set_password(self, service: str, username: str, password: str) -> None:
        self._block()


@pytest.fixture
def memory_keyring() -> MemoryKeyring:
    return MemoryKeyring()


@pytest.fixture
def blocking_keyring() -> Iterator[BlockingKeyring]:
    backend = BlockingKeyring()
    yield backend
    backend.release.set()


# --- a real Secret Service (gnome-keyring inside its own D-Bus session) ---------------

CHILD = r"""
import json, os, sys, time
from trunkwiz.store.secrets import SecretStore, SecretStoreUnavailable, pbx_key, trunk_key
out = {}
store = SecretStore(timeout=float(os.environ["TW_TIMEOUT"]))
status = store.check()
out["check"] = {"ok": status.ok, "backend": status.backend_name,
                "problem": status.problem, "fix": status.fix}
out["where"] = store.where
if status.ok:
    key = pbx_key("https://pbx.test:8887", "admin", "tenant.test")
    tkey = trunk_key("https://pbx.test:8887", "carrier-a")
    pw, tpw = os.environ["TW_SECRET"], os.environ["TW_TRUNK_SECRET"]
    start = time.perf_counter()
    store.set(key, pw)
    store.set(tkey, tpw)
    got = store.get(key)
    tgot = store.get(tkey)
    deleted = store.delete(key)
    after = store.get(key)
    again = store.delete(key)
    out["round_trip_s"] = time.perf_counter() - start
    out["get_matches"] = got is not None and got.get_secret_value() == pw
    out["trunk_get_matches"] = tgot is not None and tgot.get_secret_value() == tpw
    out["repr_hides"] = pw not in repr(got) and pw not in str(got)
    out["deleted"], out["after_delete"], out["delete_again"] = deleted, after, again
    out["trunk_still_there"] = store.get(tkey) is not None
else:
    try:
        store.set("pbx:x:y", os.environ["TW_SECRET"])
        out["set_error"] = None
    except SecretStoreUnavailable as exc:
        out["set_error"] = str(exc)
print(json.dumps(out))
"""

REAPER = r"""
import ctypes, os, signal, subprocess, sys
# Become the parent of every orphan below us (gnome-keyring-daemon daemonizes), so they
# are reaped here instead of lingering as zombies under an init that does not reap.
ctypes.CDLL(None, use_errno=True).prctl(36, 1, 0, 0, 0)  # PR_SET_CHILD_SUBREAPER
code = subprocess.run(sys.argv[1:]).returncode

def kill_rest(*_):
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = open(f"/proc/{entry}/stat").read().rsplit(")", 1)[1].split()
            if stat[1] == str(os.getpid()):
                os.kill(int(entry), signal.SIGKILL)
        except OSError:
            pass

signal.signal(signal.SIGALRM, kill_rest)
signal.alarm(5)
while True:
    try:
        os.wait()
    except ChildProcessError:
        break
    except InterruptedError:
        continue
sys.exit(code)
"""

UNLOCK = 'printf %s "$TW_UNLOCK" | gnome-keyring-daemon --unlock --components=secrets >/dev/null'
START_LOCKED = "gnome-keyring-daemon --start --components=secrets >/dev/null"


def _live_pids_with(marker: str) -> list[int]:
    """PIDs of live processes whose environment holds ``marker`` (zombies excluded)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            if f"TW_MARKER={marker}".encode() in (entry / "environ").read_bytes():
                found.append(int(entry.name))
        except OSError:
            continue
    return found


@pytest.fixture
def secret_service(tmp_path: Path) -> Iterator[Callable[..., dict[str, Any]]]:
    """Run ``CHILD`` under ``dbus-run-session`` with gnome-keyring; return its JSON."""
    dbus_run = need_binary("dbus-run-session", "dbus")
    need_binary("gnome-keyring-daemon", "gnome-keyring")
    marker = f"trunkwiz-store-{os.getpid()}-{tmp_path.name}"

    def run(
        *, unlock: bool = True, secret: str, trunk_secret: str, chosen: bool = True
    ) -> dict[str, Any]:
        home = tmp_path / "home"
        runtime = tmp_path / "run"
        home.mkdir(exist_ok=True)
        runtime.mkdir(mode=0o700, exist_ok=True)
        env = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "HOME": str(home),
            "XDG_RUNTIME_DIR": str(runtime),
            "PYTHONPATH": str(ROOT),
            "PYTHON_KEYRING_BACKEND": "keyring.backends.SecretService.Keyring",
            "TW_UNLOCK": "unlock-" + marker,
            "TW_SECRET": secret,
            "TW_TRUNK_SECRET": trunk_secret,
            "TW_TIMEOUT": "5",
            "TW_MARKER": marker,
        }
        if not chosen:  # keyring's own choice, as on a desktop
            del env["PYTHON_KEYRING_BACKEND"]
        prepare = UNLOCK if unlock else START_LOCKED
        script = f'{prepare} && exec "$TW_PY" -c "$TW_CHILD"'
        env.update(TW_PY=sys.executable, TW_CHILD=CHILD)
        done = subprocess.run(
            [sys.executable, "-c", REAPER, dbus_run, "--", "sh", "-c", script],
            env=env,
            capture_output=True,
            text=True,
            timeout=30,
            cwd=tmp_path,
        )
        assert done.returncode == 0, done.stderr[-2000:]
        return dict(json.loads(done.stdout.strip().splitlines()[-1]))

    yield run
    deadline = time.monotonic() + 5
    while (left := _live_pids_with(marker)) and time.monotonic() < deadline:
        time.sleep(0.05)  # polling for exit with a deadline, not a fixed wait
    for pid in left:
        os.kill(pid, signal.SIGTERM)
    assert not left, f"processes outlived their D-Bus session: {left}"
