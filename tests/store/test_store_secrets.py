"""SecretStore: key names, refused backends, bounded calls, no secret in any message."""

from __future__ import annotations

import time
from typing import Any

import keyring.core
import pytest
from keyring.backends import fail, null
from pydantic import SecretStr

from tests.store.conftest import BlockingKeyring, MemoryKeyring, named
from trunkwiz.store.backends import CRYPTFILE, SECRET_SERVICE
from trunkwiz.store.secrets import (
    SERVICE,
    BackendStatus,
    SecretStore,
    SecretStoreUnavailable,
    pbx_key,
    trunk_key,
)

PW = "Pa55-word-never-shown"


def backend(cls: Any) -> Any:
    """An instance of one of keyring's own (untyped) backend classes."""
    return cls()


def test_key_names() -> None:
    assert pbx_key("https://pbx:8887", "admin") == "pbx:https://pbx:8887:admin"
    assert pbx_key("https://pbx:8887/", "t1", "acme.test") == "pbx:https://pbx:8887:t1@acme.test"
    assert pbx_key("https://pbx:8887", "admin", "") == "pbx:https://pbx:8887:admin"
    assert trunk_key("https://pbx:8887/", "carrier-a") == "trunk:https://pbx:8887:carrier-a"
    for bad in ("", " ", "a\nb"):
        with pytest.raises(ValueError):
            pbx_key("https://pbx", bad)
        with pytest.raises(ValueError):
            trunk_key(bad, "x")


def test_round_trip_with_an_accepted_backend(memory_keyring: MemoryKeyring) -> None:
    store = SecretStore(memory_keyring)
    key = pbx_key("https://pbx:8887", "admin")
    assert store.get(key) is None
    store.set(key, PW)
    got = store.get(key)
    assert isinstance(got, SecretStr) and got.get_secret_value() == PW
    assert PW not in repr(got) and PW not in str(got)
    assert memory_keyring.items == {(SERVICE, key): PW}
    store.set(key, SecretStr("other"))
    assert store.get(key).get_secret_value() == "other"  # type: ignore[union-attr]
    assert store.delete(key) is True
    assert store.delete(key) is False
    assert store.get(key) is None
    assert store.check() == BackendStatus(True, store.backend_name)
    assert store.backend_name.endswith("MemoryKeyring")
    with pytest.raises(ValueError):
        store.set(key, "")


def test_fail_backend_without_dbus_says_how_to_fix(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DBUS_SESSION_BUS_ADDRESS", raising=False)
    store = SecretStore(backend(fail.Keyring))
    with pytest.raises(SecretStoreUnavailable) as info:
        store.set("pbx:x:y", PW)
    text = str(info.value)
    assert "D-Bus" in text and "type the password" in text
    assert len(text) <= 2 * 80, "short enough for two lines of an 80x24 screen"
    assert PW not in text
    status = store.check()
    assert not status.ok and status.backend_name == "keyring.backends.fail.Keyring"
    assert status.problem and "D-Bus" in status.problem and status.fix


def test_fail_backend_with_dbus_but_no_service(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent")
    status = SecretStore(backend(fail.Keyring)).check()
    assert not status.ok and "no Secret Service" in (status.problem or "")
    assert "type the password" in (status.fix or "")


def test_null_backend_refused(memory_keyring: MemoryKeyring) -> None:
    with pytest.raises(SecretStoreUnavailable) as info:
        SecretStore(backend(null.Keyring)).set("k", PW)
    assert "throws secrets away" in str(info.value)


class PlaintextKeyring(MemoryKeyring):
    """Looks like keyrings.alt's plain-text file backend."""


named(PlaintextKeyring, "keyrings.alt.file.PlaintextKeyring")


def test_plaintext_backend_refused_and_untouched() -> None:
    plain = PlaintextKeyring()
    store = SecretStore(plain)
    with pytest.raises(SecretStoreUnavailable) as info:
        store.set("k", PW)
    assert "plain text" in info.value.problem
    assert "kernel keyring" in info.value.fix
    assert plain.items == {}, "nothing was written to the plain-text backend"
    assert info.value.backend_name == "keyrings.alt.file.PlaintextKeyring"
    assert not store.check().ok


class CryptFileKeyring(MemoryKeyring):
    """Looks like keyrings.cryptfile's backend (which prompts with getpass)."""


named(CryptFileKeyring, CRYPTFILE)


@pytest.mark.parametrize("env", ["", CRYPTFILE])
def test_prompting_backend_refused_even_when_chosen(
    monkeypatch: pytest.MonkeyPatch, env: str
) -> None:
    """Its getpass prompt would race the wizard's form and the call's timeout."""
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", env)
    backend = CryptFileKeyring()
    status = SecretStore(backend).check()
    assert not status.ok and "terminal" in (status.problem or "")
    assert "unset PYTHON_KEYRING_BACKEND" in (status.fix or "")
    with pytest.raises(SecretStoreUnavailable):
        SecretStore(backend).set("k", PW)
    assert backend.items == {}


class ChainerBackend:
    """Looks like keyring's chaining backend over the given members."""

    def __init__(self, *members: object) -> None:
        self.backends = list(members)


named(ChainerBackend, "keyring.backends.chainer.ChainerBackend")


def test_chainer_uses_first_acceptable_member(memory_keyring: MemoryKeyring) -> None:
    plain = PlaintextKeyring()
    plain.items[(SERVICE, "k")] = "stale-plain"
    store = SecretStore(ChainerBackend(plain, memory_keyring))  # type: ignore[arg-type]
    assert store.get("k") is None, "the plain-text member is never read"
    store.set("k", PW)
    assert memory_keyring.items == {(SERVICE, "k"): PW}
    assert plain.items == {(SERVICE, "k"): "stale-plain"}
    only_plain = SecretStore(ChainerBackend(plain))  # type: ignore[arg-type]
    assert "plain text" in (only_plain.check().problem or "")


def test_blocking_backend_times_out_quickly(blocking_keyring: BlockingKeyring) -> None:
    store = SecretStore(blocking_keyring, timeout=0.3)
    start = time.perf_counter()
    with pytest.raises(SecretStoreUnavailable) as info:
        store.set("k", PW)
    elapsed = time.perf_counter() - start
    assert blocking_keyring.entered.is_set()
    assert 0.25 <= elapsed < 1.5, elapsed
    assert "did not answer within 0.3 s" in str(info.value)
    assert "unlock" in info.value.fix and PW not in str(info.value)
    start = time.perf_counter()
    assert not store.check().ok
    assert time.perf_counter() - start < 1.5


class LeakyKeyring(MemoryKeyring):
    """A backend whose errors quote the secret it was handed."""

    def set_password(self, service: str, username: str, password: str) -> None:
        raise RuntimeError(f"cannot store {password!r} for {username}")


def test_backend_error_text_never_reaches_the_user() -> None:
    with pytest.raises(SecretStoreUnavailable) as info:
        SecretStore(LeakyKeyring()).set("k", PW)
    err = info.value
    assert PW not in str(err) and PW not in repr(err)
    assert err.__cause__ is None and err.__suppress_context__
    assert "RuntimeError" in err.problem


class LockedKeyring(MemoryKeyring):
    def get_password(self, service: str, username: str) -> str | None:
        from keyring.errors import KeyringLocked

        raise KeyringLocked("Failed to unlock the collection!")


class DismissedKeyring(MemoryKeyring):
    def get_password(self, service: str, username: str) -> str | None:
        from keyring.errors import InitError

        raise InitError("Failed to create the collection: Prompt dismissed..")


@pytest.mark.parametrize("cls", [LockedKeyring, DismissedKeyring])
def test_locked_collection_explained(cls: type[MemoryKeyring]) -> None:
    status = SecretStore(cls()).check()
    assert not status.ok
    assert "locked" in (status.problem or "")
    assert "unlock the login keyring" in (status.fix or "")


def test_default_backend_comes_from_keyring(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(keyring.core, "_keyring_backend", None)
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyring.backends.fail.Keyring")
    monkeypatch.delenv("DBUS_SESSION_BUS_ADDRESS", raising=False)
    status = SecretStore().check()
    assert not status.ok and status.backend_name == "keyring.backends.fail.Keyring"
    assert "D-Bus" in (status.problem or "")


def test_default_backend_not_installed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(keyring.core, "_keyring_backend", None)
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyrings.nosuch.Keyring")
    status = SecretStore().check()
    assert not status.ok and "cannot be loaded" in (status.problem or "")
    assert "unset PYTHON_KEYRING_BACKEND" in (status.fix or "")


def test_secret_service_without_dbus(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(keyring.core, "_keyring_backend", None)
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", SECRET_SERVICE)
    monkeypatch.delenv("DBUS_SESSION_BUS_ADDRESS", raising=False)
    with pytest.raises(SecretStoreUnavailable) as info:
        SecretStore().get("k")
    assert "no D-Bus session" in str(info.value)
    assert "unset PYTHON_KEYRING_BACKEND" in info.value.fix
