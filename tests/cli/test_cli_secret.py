"""``trunkwiz secret set|delete pbx|trunk NAME`` with a fake keyring backend."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from keyring.backends import fail

from tests.cli.conftest import SIP_PASSWORD, Cli, run_subprocess
from tests.cli.fake_keyring import MemoryKeyring
from trunkwiz.cli import passwords
from trunkwiz.store.secrets import SecretStore, SecretStoreUnavailable

URL = "https://pbx.example.test:8887"


def test_set_and_delete_a_trunk_password(cli: Cli, keyring_backend: MemoryKeyring) -> None:
    r = cli("--pbx", URL + "/", "secret", "set", "trunk", "Acme SIP", stdin=SIP_PASSWORD + "\r\n")
    assert r.code == 0, r.err
    assert "Stored the SIP password of trunk Acme SIP" in r.err
    assert keyring_backend.entries == {("trunkwiz", f"trunk:{URL}:Acme SIP"): SIP_PASSWORD}
    gone = cli("--pbx", URL, "secret", "delete", "trunk", "Acme SIP")
    assert gone.code == 0 and "Deleted the SIP password" in gone.err
    assert keyring_backend.entries == {}
    again = cli("--pbx", URL, "secret", "delete", "trunk", "Acme SIP")
    assert again.code == 0 and "No SIP password of trunk Acme SIP" in again.err


def test_pbx_password_of_a_tenant_admin(cli: Cli, keyring_backend: MemoryKeyring) -> None:
    r = cli(
        "--pbx",
        URL,
        "--domain",
        "acme.example",
        "secret",
        "set",
        "pbx",
        "manager",
        stdin="tenant-admin\n",
    )
    assert r.code == 0, r.err
    assert keyring_backend.entries == {
        ("trunkwiz", f"pbx:{URL}:manager@acme.example"): "tenant-admin"
    }


def test_empty_secret_is_refused(cli: Cli, keyring_backend: MemoryKeyring) -> None:
    r = cli("--pbx", URL, "secret", "set", "pbx", "admin", stdin="\n")
    assert r.code == 2 and "nothing stored" in r.err
    assert keyring_backend.entries == {}


def test_unavailable_keyring_is_reported_as_is(cli: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(passwords, "open_secret_store", lambda: SecretStore(backend=fail.Keyring()))
    r = cli("--pbx", URL, "secret", "set", "pbx", "admin", stdin="whatever\n")
    assert r.code == 1
    with pytest.raises(SecretStoreUnavailable) as raised:
        SecretStore(backend=fail.Keyring()).get("pbx:x:y")
    assert r.err.strip() == str(raised.value)


def test_secret_via_keyring_backend_variable_in_a_subprocess(
    tmp_path: Path, outputs: list[str]
) -> None:
    store = tmp_path / "fake.keyring.json"
    env = {
        "PYTHON_KEYRING_BACKEND": "tests.cli.fake_keyring.JsonFileTestKeyring",
        "TRUNKWIZ_TEST_KEYRING_FILE": str(store),
        "TRUNKWIZ_CONFIG_DIR": str(tmp_path / "cfg"),
    }
    done = run_subprocess(
        ["--pbx", URL, "secret", "set", "trunk", "T1"], stdin=SIP_PASSWORD, env=env
    )
    outputs.append(done.stdout + done.stderr)
    assert done.returncode == 0, done.stderr
    assert json.loads(store.read_text()) == {f"trunkwiz|trunk:{URL}:T1": SIP_PASSWORD}
    done = run_subprocess(["--pbx", URL, "secret", "delete", "trunk", "T1"], env=env)
    outputs.append(done.stdout + done.stderr)
    assert done.returncode == 0, done.stderr
    assert json.loads(store.read_text()) == {}


def test_unusable_keyring_is_said_before_asking_for_the_password(
    cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    import getpass

    asked: list[str] = []
    monkeypatch.setattr(passwords, "open_secret_store", lambda: SecretStore(backend=fail.Keyring()))
    monkeypatch.setattr(passwords, "stdin_is_tty", lambda: True)
    monkeypatch.setattr(getpass, "getpass", lambda prompt="": asked.append(prompt) or "pw")
    r = cli("--pbx", URL, "secret", "set", "pbx", "admin")
    assert r.code == 1 and "secret store unavailable" in r.err
    assert asked == [], "no password was asked for"


def test_the_last_line_names_the_store(cli: Cli, keyring_backend: MemoryKeyring) -> None:
    r = cli("--pbx", URL, "secret", "set", "pbx", "admin", stdin="pw\n")
    assert r.code == 0, r.err
    assert r.err.strip().splitlines()[-1].startswith("Password kept in the keyring ")
