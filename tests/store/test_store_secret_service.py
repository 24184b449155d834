"""Against a real Secret Service: gnome-keyring unlocked inside its own D-Bus session."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

pytestmark = pytest.mark.integration

SECRET = "real-Keyring-pw-7731"
TRUNK_SECRET = "real-Trunk-pw-0932"


def test_round_trip_through_gnome_keyring(secret_service: Callable[..., dict[str, Any]]) -> None:
    out = secret_service(secret=SECRET, trunk_secret=TRUNK_SECRET)
    assert out["check"] == {
        "ok": True,
        "backend": "keyring.backends.SecretService.Keyring",
        "problem": None,
        "fix": None,
    }
    assert out["get_matches"] and out["trunk_get_matches"] and out["repr_hides"]
    assert out["deleted"] is True
    assert out["after_delete"] is None
    assert out["delete_again"] is False
    assert out["trunk_still_there"] is True
    assert out["round_trip_s"] < 3.0
    print(f"keyring round trip (2 set, 2 get, 2 delete, 2 get): {out['round_trip_s']:.3f} s")


def test_locked_keyring_is_explained_not_hung(
    secret_service: Callable[..., dict[str, Any]],
) -> None:
    out = secret_service(unlock=False, secret=SECRET, trunk_secret=TRUNK_SECRET)
    check = out["check"]
    assert check["ok"] is False
    assert check["backend"] == "keyring.backends.SecretService.Keyring"
    assert "locked" in check["problem"] and "Prompt dismissed" in check["problem"]
    assert "unlock the login keyring" in check["fix"]
    assert "secret store unavailable" in out["set_error"]
    assert SECRET not in out["set_error"]


def test_existing_but_locked_login_keyring(secret_service: Callable[..., dict[str, Any]]) -> None:
    first = secret_service(secret=SECRET, trunk_secret=TRUNK_SECRET)
    assert first["check"]["ok"] is True, "the first session creates the login keyring"
    out = secret_service(unlock=False, secret=SECRET, trunk_secret=TRUNK_SECRET)
    assert out["check"]["ok"] is False
    assert "locked" in out["check"]["problem"]
    assert "unlock the login keyring" in out["check"]["fix"]


def test_a_running_secret_service_comes_before_the_kernel_keyring(
    secret_service: Callable[..., dict[str, Any]],
) -> None:
    out = secret_service(secret=SECRET, trunk_secret=TRUNK_SECRET, chosen=False)
    assert out["check"]["ok"] is True
    assert out["check"]["backend"] == "keyring.backends.SecretService.Keyring"
    assert out["where"] == "the Secret Service keyring"
    assert out["get_matches"] and out["deleted"] is True
