"""Which keyring backends trunkwiz accepts, and what to tell the user when none fits.

Refused: keyring's ``fail`` backend (no backend at all), the ``null`` backend (drops
secrets), any plain-text backend (e.g. ``keyrings.alt`` ``PlaintextKeyring``), and an
encrypted-file backend that asks for its password on the terminal (``keyrings.cryptfile``,
``keyrings.alt`` ``EncryptedKeyring``) unless the user opted into it explicitly with
``PYTHON_KEYRING_BACKEND``. From keyring's chaining backend the first acceptable member is
used, so a plain-text member is never read or written.

This module only inspects objects; it imports neither keyring nor a D-Bus library.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

SECRET_SERVICE = "keyring.backends.SecretService.Keyring"
CRYPTFILE = "keyrings.cryptfile.cryptfile.CryptFileKeyring"

UNLOCK_HINT = 'printf %s "$KEYRING_PASSWORD" | gnome-keyring-daemon --unlock --components=secrets'
FIX_NO_DBUS = (
    "run trunkwiz inside `dbus-run-session -- sh` and unlock "
    f"gnome-keyring there with `{UNLOCK_HINT}` (apt-get install gnome-keyring dbus), "
    f"or set PYTHON_KEYRING_BACKEND={SECRET_SERVICE} once a Secret Service runs"
)
FIX_NO_SERVICE = (
    f"start and unlock gnome-keyring in this D-Bus session with `{UNLOCK_HINT}` "
    "(apt-get install gnome-keyring)"
)
FIX_LOCKED = (
    "unlock the keyring without a prompt: in the same D-Bus session run "
    f"`{UNLOCK_HINT}` (this also creates the login keyring on first use)"
)
FIX_OPT_IN = (
    f"or opt into the encrypted file backend with PYTHON_KEYRING_BACKEND={CRYPTFILE} "
    "(pip install keyrings.cryptfile; it asks for its own password on the terminal)"
)


@dataclass(frozen=True)
class Refusal:
    """Why a backend is not used, and what the user can do about it."""

    problem: str
    fix: str


def backend_name(backend: object) -> str:
    """The backend's dotted class name, e.g. ``keyring.backends.fail.Keyring``."""
    cls = type(backend)
    return f"{cls.__module__}.{cls.__qualname__}"


def _names(backend: object) -> list[str]:
    return [f"{c.__module__}.{c.__qualname__}".lower() for c in type(backend).__mro__]


def is_chainer(backend: object) -> bool:
    """Whether ``backend`` is keyring's chaining backend."""
    return any(n.endswith("chainer.chainerbackend") for n in _names(backend))


def is_plaintext(backend: object) -> bool:
    """Whether ``backend`` keeps secrets readable on disk (refused always)."""
    return any("plaintext" in n.rsplit(".", 1)[-1] for n in _names(backend))


def prompts_on_terminal(backend: object) -> bool:
    """Whether ``backend`` asks for a password with ``getpass`` on the terminal."""
    names = _names(backend)
    return any(n.startswith("keyrings.cryptfile.") for n in names) or any(
        n.startswith("keyrings.alt.") and n.endswith(".encryptedkeyring") for n in names
    )


def explicitly_chosen(backend: object) -> bool:
    """Whether ``PYTHON_KEYRING_BACKEND`` names exactly this backend's class."""
    chosen = os.environ.get("PYTHON_KEYRING_BACKEND", "").strip()
    return bool(chosen) and chosen == backend_name(backend)


def refusal(backend: object) -> Refusal | None:
    """Return why ``backend`` must not be used, or ``None`` when it is acceptable."""
    name = backend_name(backend)
    names = _names(backend)
    if "keyring.backends.fail.keyring" in names:
        return no_backend()
    if "keyring.backends.null.keyring" in names:
        return Refusal(
            f"the keyring backend is {name}, which throws secrets away",
            f"remove it from keyringrc.cfg or set PYTHON_KEYRING_BACKEND={SECRET_SERVICE}",
        )
    if is_plaintext(backend):
        return Refusal(
            f"the keyring backend {name} stores secrets as plain text; trunkwiz refuses it",
            f"set PYTHON_KEYRING_BACKEND={SECRET_SERVICE} with a running Secret Service "
            f"({FIX_NO_SERVICE}), or uninstall keyrings.alt; {FIX_OPT_IN}",
        )
    if prompts_on_terminal(backend) and not explicitly_chosen(backend):
        return Refusal(
            f"the keyring backend {name} would ask for a password on the terminal and "
            "was not chosen explicitly",
            f"use a Secret Service ({FIX_NO_SERVICE}), or opt in with "
            f"PYTHON_KEYRING_BACKEND={name}",
        )
    return None


def no_backend() -> Refusal:
    """The diagnosis when keyring found no usable backend at all."""
    if not os.environ.get("DBUS_SESSION_BUS_ADDRESS"):
        return Refusal(
            "no usable keyring: there is no D-Bus session (DBUS_SESSION_BUS_ADDRESS is "
            "unset, as in a plain SSH login), so no Secret Service can be reached",
            f"{FIX_NO_DBUS}; {FIX_OPT_IN}",
        )
    return Refusal(
        "no usable keyring: no Secret Service answers on this D-Bus session",
        f"{FIX_NO_SERVICE}; {FIX_OPT_IN}",
    )


def pick(backend: object) -> tuple[object | None, Refusal | None]:
    """Choose the backend to use: ``(backend, None)`` or ``(None, refusal)``.

    From a chaining backend the first acceptable member (highest priority) is chosen.
    """
    if not is_chainer(backend):
        why = refusal(backend)
        return (None, why) if why else (backend, None)
    members = list(getattr(backend, "backends", []))
    first: Refusal | None = None
    for member in members:
        why = refusal(member)
        if why is None:
            return member, None
        first = first or why
    return None, first or no_backend()


def classify_error(exc: BaseException, name: str) -> Refusal:
    """Turn an exception from a backend call into a diagnosis (never its arguments)."""
    kind = type(exc).__name__
    text = str(exc)
    lowered = text.lower()
    if kind == "NoKeyringError":
        return no_backend()
    if "dbus_session_bus_address" in lowered or kind == "SecretServiceNotAvailableException":
        if not os.environ.get("DBUS_SESSION_BUS_ADDRESS"):
            return no_backend()
        return Refusal(f"the Secret Service cannot be reached ({kind})", FIX_NO_SERVICE)
    if "prompt dismissed" in lowered or "locked" in lowered or "unlock" in lowered:
        seen = "Prompt dismissed" if "prompt dismissed" in lowered else "collection locked"
        return Refusal(
            "the keyring is locked and unlocking it needs a prompt that cannot be shown "
            f"here ({kind}: {seen})",
            FIX_LOCKED,
        )
    return Refusal(
        f"the keyring backend {name} failed ({kind})",
        f"check that backend, or choose another with PYTHON_KEYRING_BACKEND "
        f"(e.g. {SECRET_SERVICE}: {FIX_NO_SERVICE})",
    )
