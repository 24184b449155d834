"""Profiles: validation, the one-file layout, default handling, broken files."""

from __future__ import annotations

import stat
from pathlib import Path
from typing import Any

import pytest

from trunkwiz.store.profiles import (
    DEFAULT_URL,
    Profile,
    ProfileNotFound,
    ProfileStore,
    normalize_fingerprint,
)
from trunkwiz.store.tomlfile import read_toml

FP = "ab" * 32


def full(name: str = "main") -> Profile:
    return Profile(
        name=name,
        url="https://pbx.example.com:8887/",
        user="admin",
        domain="tenant.example.com",
        ca_file="/etc/ssl/pbx-ca.pem",
        pinned_sha256=FP,
        insecure=False,
    )


def test_defaults_and_normalisation() -> None:
    p = Profile(name="x")
    assert (p.url, p.user, p.domain, p.pinned_sha256, p.insecure) == (
        DEFAULT_URL,
        "admin",
        None,
        None,
        False,
    )
    q = full()
    assert q.url == "https://pbx.example.com:8887"
    assert q.pinned_sha256 == ":".join(["AB"] * 32)
    assert Profile(name="y", domain="").domain is None


@pytest.mark.parametrize(
    "kwargs",
    [
        {"name": ""},
        {"name": "a b"},
        {"name": "../x"},
        {"name": "x", "url": "pbx:8887"},
        {"name": "x", "url": "ftp://pbx"},
        {"name": "x", "user": ""},
        {"name": "x", "user": "a\nb"},
        {"name": "x", "pinned_sha256": "AB:CD"},
        {"name": "x", "insecure": "yes"},
    ],
)
def test_invalid_profiles_rejected(kwargs: dict[str, Any]) -> None:
    with pytest.raises(ValueError):
        Profile(**kwargs)


def test_fingerprint_forms_agree() -> None:
    colon = ":".join(["0f"] * 32)
    assert normalize_fingerprint(colon) == normalize_fingerprint("0F" * 32)


def test_save_load_round_trip_and_file_layout(tmp_path: Path) -> None:
    store = ProfileStore(tmp_path / "cfg")
    store.save(full())
    assert store.load("main") == full()
    data = read_toml(store.path)
    assert data["default"] == "main"
    assert data["profiles"]["main"]["domain"] == "tenant.example.com"
    assert stat.S_IMODE(store.path.stat().st_mode) == 0o600
    store.save(Profile(name="sys"))
    assert "domain" not in read_toml(store.path)["profiles"]["sys"], "None is left out"
    assert store.load("sys") == Profile(name="sys")


def test_names_default_set_default_delete(tmp_path: Path) -> None:
    store = ProfileStore(tmp_path)
    assert store.names() == []
    assert store.default() is None
    store.save(full("b"))
    assert store.default() == full("b"), "first profile becomes the default"
    store.save(full("a"))
    assert store.names() == ["a", "b"]
    assert store.default() is not None and store.default().name == "b"  # type: ignore[union-attr]
    store.save(full("c"), make_default=True)
    assert store.default().name == "c"  # type: ignore[union-attr]
    store.set_default("a")
    assert store.default().name == "a"  # type: ignore[union-attr]
    with pytest.raises(ProfileNotFound):
        store.set_default("zzz")
    assert store.delete("a") is True
    assert store.delete("a") is False
    assert store.default() is None, "no silent pick among several"
    store.delete("c")
    assert store.default().name == "b", "a single profile is the default"  # type: ignore[union-attr]
    with pytest.raises(ProfileNotFound) as info:
        store.load("c")
    assert "c" in str(info.value)


def test_replacing_a_profile_keeps_others(tmp_path: Path) -> None:
    store = ProfileStore(tmp_path)
    store.save(full("a"))
    store.save(full("b"))
    store.save(Profile(name="a", user="root"))
    assert store.load("a").user == "root"
    assert store.load("b") == full("b")


def test_reset_keeps_a_copy_and_starts_afresh(tmp_path: Path) -> None:
    store = ProfileStore(tmp_path)
    store.save(full("a"))
    backup = store.reset()
    assert backup is not None and "[profiles.a]" in backup.read_text()
    assert stat.S_IMODE(backup.stat().st_mode) == 0o600
    assert store.names() == []
    store.save(Profile(name="fresh"))
    assert store.names() == ["fresh"]
    assert "[profiles.a]" in backup.read_text(), "the old text survives"
    assert store.reset() == backup and ProfileStore(tmp_path).names() == []
    assert ProfileStore(tmp_path).reset() is None
