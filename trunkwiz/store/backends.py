"""Which keyring backends trunkwiz accepts, and what to tell the user when none fits.

Refused: keyring's ``fail`` backend (no backend at all), the ``null`` backend (drops
secrets), any plain-text backend (e.g. ``keyrings.alt`` ``PlaintextKeyring``), and an
encrypted-file backend that asks for its password on the terminal (``keyrings.cryptfile``,
``keyrings.alt`` ``EncryptedKeyring``: its ``getpass`` prompt would race the wizard's form
and the bounded keyring call). From keyring's chaining backend the first acceptable member is
used, so a plain-text member is never read or written. When keyring's own choice is
refused or does not answer (no D-Bus over SSH), ``secrets`` falls back to the kernel
keyring (``kernel_keyring``). Advice here is short and works when followed literally.

This module only inspects objects; it imports neither keyring nor a D-Bus library.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

SECRET_SERVICE = "keyring.backends.SecretService.Keyring"
CRYPTFILE = "keyrings.cryptfile.cryptfile.CryptFileKeyring"

KERNEL = "trunkwiz.store.kernel_keyring.KernelKeyring"

# Short advice that works when followed literally (each fits two lines of an 80x24 screen).
FIX_NO_DBUS = "unset PYTHON_KEYRING_BACKEND so that trunkwiz uses the kernel keyring"
FIX_NO_SERVICE = "start gnome-keyring in your desktop session, or unset PYTHON_KEYRING_BACKEND"
FIX_LOCKED = "unlock the login keyring in your desktop session, then try again"
FIX_TYPE_IT = "type the password when asked (or pipe it with --password-stdin)"
FIX_OPT_IN = "unset PYTHON_KEYRING_BACKEND to use the kernel keyring"


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
            f"{FIX_OPT_IN}, or uninstall keyrings.alt",
        )
    if prompts_on_terminal(backend):
        # Its getpass prompt would race the wizard's form or the keyring call's timeout.
        return Refusal(
            f"the keyring backend {name} asks for its own password on the terminal",
            FIX_OPT_IN,
        )
    return None


def no_backend() -> Refusal:
    """The diagnosis when keyring found no usable backend at all."""
    chosen = bool(os.environ.get("PYTHON_KEYRING_BACKEND", "").strip())
    if not os.environ.get("DBUS_SESSION_BUS_ADDRESS"):
        return Refusal(
            "no usable keyring: no D-Bus session, so no Secret Service",
            FIX_NO_DBUS if chosen else FIX_TYPE_IT,
        )
    return Refusal(
        "no usable keyring: no Secret Service answers on this D-Bus session",
        FIX_NO_SERVICE if chosen else FIX_TYPE_IT,
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
        "check that backend, or unset PYTHON_KEYRING_BACKEND",
    )
