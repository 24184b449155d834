"""The kernel keyring backend against the real kernel (keyctl system calls), and the
store's choice of it when keyring's own choice cannot be used (a plain SSH login)."""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import keyring.core
import pytest
from keyring.errors import PasswordDeleteError

from trunkwiz.store.kernel_keyring import KernelKeyring, expiry_seconds, unusable
from trunkwiz.store.secrets import SecretStore, SecretStoreUnavailable

ROOT = Path(__file__).resolve().parents[2]
PW = "kernel-Pw-" + uuid.uuid4().hex[:8]


@pytest.fixture
def service() -> Iterator[str]:
    """A service name of this test only; its keys are removed afterwards."""
    if unusable() is not None:
        pytest.skip(f"no kernel keyring here: {unusable()}")
    name = f"trunkwiz-test-{uuid.uuid4().hex}"
    yield name
    backend = KernelKeyring()
    for user in ("a", "b", "pbx:https://pbx.test:8887:admin"):
        with contextlib.suppress(PasswordDeleteError):
            backend.delete_password(name, user)


def test_round_trip_in_the_persistent_keyring(service: str) -> None:
    backend = KernelKeyring()
    assert backend.get_password(service, "a") is None
    backend.set_password(service, "a", PW)
    backend.set_password(service, "b", "x" * 3000)  # longer than the first read buffer
    assert backend.get_password(service, "a") == PW
    assert backend.get_password(service, "b") == "x" * 3000
    backend.set_password(service, "a", "replaced")
    assert backend.get_password(service, "a") == "replaced"
    backend.delete_password(service, "a")
    assert backend.get_password(service, "a") is None
    with pytest.raises(PasswordDeleteError):
        backend.delete_password(service, "a")
    assert backend.persistent, "this kernel has persistent keyrings"
    days = expiry_seconds() // 86400
    assert backend.where == f"the kernel keyring until reboot or {days} days unused"


def test_another_process_of_the_same_user_reads_it(service: str) -> None:
    """What a later login does: a new process (new session keyring) finds the key."""
    KernelKeyring().set_password(service, "a", PW)
    code = (
        "import os, sys\n"
        "from trunkwiz.store.kernel_keyring import KernelKeyring\n"
        "print(KernelKeyring().get_password(sys.argv[1], 'a') == os.environ['TW_PW'])\n"
    )
    # A fresh anonymous session keyring for the child, as a new login gets (keyctl(1)'s
    # `keyctl session`: KEYCTL_JOIN_SESSION_KEYRING with no name).
    child = subprocess.run(
        [sys.executable, "-c", f"import ctypes\n{_JOIN}\n{code}", service],
        capture_output=True,
        text=True,
        timeout=30,
        cwd=ROOT,
        env={**os.environ, "TW_PW": PW, "PYTHONPATH": str(ROOT)},
    )
    assert child.stdout.strip() == "True", child.stderr[-2000:]


_JOIN = (
    "libc = ctypes.CDLL(None, use_errno=True)\n"
    "from trunkwiz.store.kernel_keyring import _Calls\n"
    "assert libc.syscall(ctypes.c_long(_Calls().keyctl_nr), ctypes.c_long(1), "
    "ctypes.c_void_p(None)) > 0\n"
)


def test_a_key_has_the_timeout(service: str) -> None:
    backend = KernelKeyring(timeout=600)
    backend.set_password(service, "a", PW)
    _calls, _ring, key = backend._find(service, "a")
    assert key is not None
    line = next(
        line
        for line in Path("/proc/keys").read_text().splitlines()
        if int(line.split()[0], 16) == key
    )
    expires = line.split()[3]  # e.g. "9m" or "599s": set, not "perm"
    assert expires != "perm", line
    assert PW not in Path("/proc/keys").read_text()


def _no_secret_service(monkeypatch: pytest.MonkeyPatch) -> None:
    """keyring's own choice as in a plain SSH login: the fail backend, no D-Bus."""
    from keyring.backends import fail

    monkeypatch.delenv("PYTHON_KEYRING_BACKEND", raising=False)
    monkeypatch.delenv("DBUS_SESSION_BUS_ADDRESS", raising=False)
    monkeypatch.setattr(keyring.core, "_keyring_backend", fail.Keyring())


def test_store_falls_back_to_the_kernel_keyring_without_d_bus(
    service: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    _no_secret_service(monkeypatch)
    store = SecretStore(service=service)
    key = "pbx:https://pbx.test:8887:admin"
    store.set(key, PW)
    assert store.backend_name == "trunkwiz.store.kernel_keyring.KernelKeyring"
    assert store.where.startswith("the kernel keyring until reboot or ")
    got = SecretStore(service=service).get(key)
    assert got is not None and got.get_secret_value() == PW
    assert store.check().ok


def test_explicit_choice_gets_no_fallback(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(keyring.core, "_keyring_backend", None)
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyring.backends.fail.Keyring")
    monkeypatch.delenv("DBUS_SESSION_BUS_ADDRESS", raising=False)
    status = SecretStore().check()
    assert not status.ok and status.backend_name == "keyring.backends.fail.Keyring"


def test_no_kernel_keyring_either_gives_short_advice(monkeypatch: pytest.MonkeyPatch) -> None:
    """As in a container whose seccomp profile refuses keyctl."""
    from trunkwiz.store import kernel_keyring

    _no_secret_service(monkeypatch)
    monkeypatch.setattr(kernel_keyring, "_SYSCALLS", {})
    with pytest.raises(SecretStoreUnavailable) as info:
        SecretStore().set("k", PW)
    text = str(info.value)
    assert "kernel keyring cannot be used here" in text
    assert "type the password when asked" in text
    assert len(text) <= 3 * 80 and PW not in text
