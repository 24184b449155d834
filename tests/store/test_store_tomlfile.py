"""Config paths, atomic private TOML writes, corrupt files and refused secret keys."""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from trunkwiz.store.paths import ENV_VAR, config_dir, ensure_private_dir
from trunkwiz.store.tomlfile import (
    ConfigFileError,
    SecretKeyRefused,
    find_secret_keys,
    read_toml,
    write_toml,
)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_config_dir_precedence(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg"))
    monkeypatch.delenv(ENV_VAR, raising=False)
    assert config_dir() == tmp_path / "xdg" / "trunkwiz"
    monkeypatch.setenv(ENV_VAR, "")
    assert config_dir() == tmp_path / "xdg" / "trunkwiz"
    monkeypatch.setenv(ENV_VAR, str(tmp_path / "env"))
    assert config_dir() == tmp_path / "env"
    assert config_dir(tmp_path / "arg") == tmp_path / "arg"
    monkeypatch.setenv("HOME", str(tmp_path))
    assert config_dir("~/cfg") == tmp_path / "cfg"
    assert not (tmp_path / "env").exists(), "config_dir must not create anything"


def test_private_dir_is_created_and_tightened(tmp_path: Path) -> None:
    target = tmp_path / "a" / "b"
    ensure_private_dir(target)
    assert mode(target) == 0o700
    target.chmod(0o755)
    ensure_private_dir(target)
    assert mode(target) == 0o700


def test_write_then_read_round_trip_private(tmp_path: Path) -> None:
    path = tmp_path / "cfg" / "x.toml"
    data = {"a": 1, "b": "text", "c": [1, 2], "d": {"e": True, "f": [{"g": "h"}]}}
    write_toml(path, data)
    assert read_toml(path) == data
    assert mode(path) == 0o600
    assert mode(path.parent) == 0o700
    assert [p.name for p in path.parent.iterdir()] == ["x.toml"], "no temp file left"


def test_write_respects_no_umask_leak(tmp_path: Path) -> None:
    old = os.umask(0)
    try:
        write_toml(tmp_path / "y.toml", {"a": 1})
    finally:
        os.umask(old)
    assert mode(tmp_path / "y.toml") == 0o600


def test_failed_write_keeps_old_file_and_leaves_no_temp(tmp_path: Path) -> None:
    path = tmp_path / "x.toml"
    write_toml(path, {"a": 1})
    with pytest.raises(TypeError):
        write_toml(path, {"a": object()})
    assert read_toml(path) == {"a": 1}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["x.toml"]


@pytest.mark.parametrize(
    ("data", "where"),
    [
        ({"password": "x"}, "password"),
        ({"a": {"b": {"SIP_Passwd": "x"}}}, "a.b.SIP_Passwd"),
        ({"t": [{"ok": 1}, {"api_token": "x"}]}, "t[1].api_token"),
        ({"client_secret": "x"}, "client_secret"),
        ({"x": [[{"passphrase": "x"}]]}, "x[0][0].passphrase"),
    ],
)
def test_secret_keys_refused_at_any_depth(tmp_path: Path, data: dict[str, Any], where: str) -> None:
    path = tmp_path / "x.toml"
    with pytest.raises(SecretKeyRefused) as info:
        write_toml(path, data)
    assert info.value.key_path == where
    assert where in str(info.value)
    assert "keyring" in str(info.value)
    assert not path.exists()


def test_refusal_message_never_holds_the_value(tmp_path: Path) -> None:
    with pytest.raises(SecretKeyRefused) as info:
        write_toml(tmp_path / "x.toml", {"password": "hunter2-value"})
    assert "hunter2-value" not in str(info.value)


def test_ordinary_keys_pass() -> None:
    keys = {"auth_id": 1, "username": 2, "pinned_sha256": 3, "user": 4, "passage": 5}
    assert find_secret_keys(keys) == []


def test_corrupt_file_names_line_and_keeps_backup(tmp_path: Path) -> None:
    path = tmp_path / "profiles.toml"
    text = 'default = "a"\n\n[profiles.a]\nurl = "https://x\n'
    path.write_text(text)
    with pytest.raises(ConfigFileError) as info:
        read_toml(path)
    err = info.value
    assert err.path == path
    assert err.line == 4
    assert err.column is not None
    assert str(path) in str(err) and "line 4" in str(err)
    assert err.backup == tmp_path / "profiles.toml.bak"
    assert err.backup.read_text() == text
    assert mode(err.backup) == 0o600
    assert path.read_text() == text, "the user's file stays in place for editing"


def test_error_at_end_of_document(tmp_path: Path) -> None:
    path = tmp_path / "x.toml"
    path.write_text("a = 1\nb = [1,\n")
    with pytest.raises(ConfigFileError) as info:
        read_toml(path)
    assert info.value.line == 2
    assert "end of document" not in info.value.message


def test_not_utf8_names_line(tmp_path: Path) -> None:
    path = tmp_path / "x.toml"
    path.write_bytes(b'a = 1\nb = "\xff"\n')
    with pytest.raises(ConfigFileError) as info:
        read_toml(path)
    assert info.value.line == 2
    assert (tmp_path / "x.toml.bak").read_bytes() == path.read_bytes()


def test_missing_file_is_file_not_found(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        read_toml(tmp_path / "none.toml")


values = st.recursive(
    st.one_of(st.text(max_size=20), st.integers(-(2**63), 2**63 - 1), st.booleans()),
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.dictionaries(st.text(min_size=1, max_size=8), inner, max_size=4),
    ),
    max_leaves=12,
)


@settings(max_examples=60, deadline=None)
@given(st.dictionaries(st.text(min_size=1, max_size=8), values, max_size=5))
def test_round_trip_property(
    tmp_path_factory: pytest.TempPathFactory, data: dict[str, Any]
) -> None:
    path = tmp_path_factory.mktemp("prop") / "x.toml"
    if find_secret_keys(data):
        with pytest.raises(SecretKeyRefused):
            write_toml(path, data)
        return
    write_toml(path, data)
    assert read_toml(path) == data
