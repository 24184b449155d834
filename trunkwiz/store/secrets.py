"""Passwords in the OS keyring (service ``trunkwiz``), never in a file.

Key names: ``pbx_key(url, user, domain)`` → ``pbx:<url>:<user>`` or
``pbx:<url>:<user>@<domain>`` (a Tenant Admin), ``trunk_key(url, name)`` →
``trunk:<url>:<name>``; a trailing ``/`` of the URL is dropped so one PBX has one key.

``SecretStore.get`` returns a pydantic ``SecretStr`` (its ``repr``/``str`` hide the value;
``get_secret_value()`` at the moment of the network call). Every backend call runs in a
daemon thread with a bounded timeout, so a keyring that waits for a GUI unlock prompt
(which nobody sees over SSH) gives ``SecretStoreUnavailable`` instead of hanging; the
stuck thread cannot keep the process alive.

Which store: a backend given to ``SecretStore`` or named by ``PYTHON_KEYRING_BACKEND`` is
used as is. Otherwise keyring's own choice (a Secret Service on a desktop) is used when it
is acceptable and answers; when it does not (a plain SSH login has no D-Bus session), the
kernel keyring (``trunkwiz.store.kernel_keyring``) is used. ``SecretStore.where`` says in a
few words which store holds the secrets and for how long. Refused backends are listed in
``trunkwiz.store.backends``. Secrets never appear in exception text or logs.

``keyring`` and ``pydantic`` are imported on first use, not with this module.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol, TypeVar, cast

from trunkwiz.store.backends import (
    FIX_LOCKED,
    FIX_TYPE_IT,
    SECRET_SERVICE,
    Refusal,
    backend_name,
    classify_error,
    pick,
)

if TYPE_CHECKING:
    from pydantic import SecretStr

SERVICE = "trunkwiz"
"""The keyring service name all trunkwiz secrets are stored under."""
PROBE_KEY = "trunkwiz:check"
"""An entry that is never stored: reading it shows whether a backend answers."""
DEFAULT_TIMEOUT = 5.0
"""Seconds a keyring call may take before the store is declared unavailable."""

T = TypeVar("T")


class KeyringBackend(Protocol):
    """What the store needs of a backend: keyring's ``KeyringBackend`` API."""

    def get_password(self, service: str, username: str) -> str | None: ...

    def set_password(self, service: str, username: str, password: str) -> None: ...

    def delete_password(self, service: str, username: str) -> None: ...


def pbx_key(url: str, user: str, domain: str | None = None) -> str:
    """Key of a PBX admin password: ``pbx:<url>:<user>`` or ``pbx:<url>:<user>@<domain>``."""
    user = _part(user, "user")
    key = f"pbx:{_part(url, 'url').rstrip('/')}:{user}"
    if domain:
        key += f"@{_part(domain, 'domain')}"
    return key


def trunk_key(url: str, name: str) -> str:
    """Key of a trunk's SIP password: ``trunk:<url>:<name>``."""
    return f"trunk:{_part(url, 'url').rstrip('/')}:{_part(name, 'name')}"


def _part(value: str, what: str) -> str:
    if not isinstance(value, str) or not value.strip() or any(ord(c) < 32 for c in value):
        raise ValueError(f"{what} must be non-empty text on one line")
    return value.strip()


@dataclass(frozen=True)
class BackendStatus:
    """The outcome of ``SecretStore.check()``."""

    ok: bool
    """Whether secrets can be stored and read right now."""
    backend_name: str
    """Dotted class name of the keyring backend found (empty when none could load)."""
    problem: str | None = None
    """What is wrong, in plain words (``None`` when ``ok``)."""
    fix: str | None = None
    """What the user can do about it (``None`` when ``ok``)."""


class SecretStoreUnavailable(RuntimeError):
    """No acceptable keyring can be used; the message says why and how to fix it."""

    def __init__(self, problem: str, fix: str, backend_name: str = "") -> None:
        self.problem = problem
        self.fix = fix
        self.backend_name = backend_name
        super().__init__(f"secret store unavailable: {problem}. To fix: {fix}")

    @classmethod
    def from_refusal(cls, why: Refusal, backend_name: str = "") -> SecretStoreUnavailable:
        """Build the exception from a backend ``Refusal``."""
        return cls(why.problem, why.fix, backend_name)

    def status(self) -> BackendStatus:
        """The same facts as a failed ``BackendStatus``."""
        return BackendStatus(False, self.backend_name, self.problem, self.fix)


class SecretStore:
    """get/set/delete secrets under service ``trunkwiz`` through an accepted keyring backend.

    ``backend`` is a keyring backend instance; ``None`` means keyring's own choice
    (``PYTHON_KEYRING_BACKEND``, keyringrc.cfg, then the best available), resolved on first
    use. ``timeout`` bounds every backend call (seconds).
    """

    def __init__(
        self,
        backend: KeyringBackend | None = None,
        *,
        timeout: float = DEFAULT_TIMEOUT,
        service: str = SERVICE,
    ) -> None:
        self._given = backend
        self._chosen: KeyringBackend | None = None
        self._name = ""
        self.timeout = timeout
        self.service = service

    @property
    def backend_name(self) -> str:
        """Dotted class name of the backend in use ('' before the first call)."""
        return self._name

    def get(self, key: str) -> SecretStr | None:
        """The secret stored under ``key``, or ``None`` when there is none."""
        key = _part(key, "key")
        backend = self._backend()
        value = self._call(backend.get_password, self.service, key)
        if value is None:
            return None
        from pydantic import SecretStr  # lazy: the store loads no pydantic on import

        return SecretStr(value)

    def set(self, key: str, secret: str | SecretStr) -> None:
        """Store ``secret`` under ``key`` (replacing any previous one)."""
        plain = secret if isinstance(secret, str) else secret.get_secret_value()
        if plain == "":
            raise ValueError("refusing to store an empty secret")
        key = _part(key, "key")
        backend = self._backend()
        self._call(backend.set_password, self.service, key, plain)

    def delete(self, key: str) -> bool:
        """Remove the secret under ``key``; return whether one was there."""
        key = _part(key, "key")
        backend = self._backend()
        try:
            self._call(backend.delete_password, self.service, key)
        except _Missing:
            return False
        return True

    def check(self) -> BackendStatus:
        """Say whether the keyring is usable now, with a fix when it is not.

        Reads one (absent) entry, which is what makes a locked collection speak up.
        """
        try:
            backend = self._backend()
            self._call(backend.get_password, self.service, PROBE_KEY)
        except SecretStoreUnavailable as exc:
            return exc.status()
        return BackendStatus(True, self._name)

    @property
    def where(self) -> str:
        """Where secrets are kept and for how long, e.g. ``the kernel keyring until reboot
        or 3 days unused`` ('' before the first call)."""
        if self._chosen is None:
            return ""
        where = getattr(self._chosen, "where", None)
        if isinstance(where, str):
            return where
        if self._name == SECRET_SERVICE:
            return "the Secret Service keyring"
        return f"the keyring {self._name}"

    def _backend(self) -> KeyringBackend:
        if self._chosen is not None:
            return self._chosen
        fallback = self._given is None and not os.environ.get("PYTHON_KEYRING_BACKEND", "")
        try:
            # Discovery and a chaining backend's member list talk to D-Bus: bounded too.
            name, chosen = self._call(_resolve, self._given)
            self._name = name
            if fallback:  # a Secret Service that is found must also answer
                self._call(chosen.get_password, self.service, PROBE_KEY)
        except SecretStoreUnavailable as first:
            if not fallback:
                raise
            name, chosen = self._kernel(first)
        self._name = name
        self._chosen = chosen
        return chosen

    def _kernel(self, first: SecretStoreUnavailable) -> tuple[str, KeyringBackend]:
        """The kernel keyring when keyring's own choice cannot be used (plain SSH)."""
        from trunkwiz.store.kernel_keyring import (  # lazy: keyring ~60 ms, when needed
            KernelKeyring,
            unusable,
        )

        kernel = KernelKeyring()
        self._name = backend_name(kernel)
        why = self._call(unusable, kernel)
        if why is not None:
            raise SecretStoreUnavailable(
                f"{first.problem}; the kernel keyring cannot be used here ({why})",
                FIX_TYPE_IT,
                self._name,
            )
        return self._name, kernel

    def _call(self, func: Callable[..., T], *args: object) -> T:
        values: list[T] = []
        errors: list[BaseException] = []
        done = threading.Event()

        def run() -> None:
            try:
                values.append(func(*args))
            except BaseException as exc:
                errors.append(exc)
            finally:
                done.set()

        threading.Thread(target=run, name="trunkwiz-keyring", daemon=True).start()
        if not done.wait(self.timeout):
            raise SecretStoreUnavailable(
                f"the keyring ({self._name or 'backend discovery'}) did not answer within "
                f"{self.timeout:g} s; it may be waiting for an unlock prompt that cannot be "
                "shown here",
                FIX_LOCKED,
                self._name,
            )
        if not errors:
            return values[0]
        error = errors[0]
        if type(error).__name__ == "PasswordDeleteError":
            raise _Missing from None
        if isinstance(error, SecretStoreUnavailable):
            raise error
        raise SecretStoreUnavailable.from_refusal(
            classify_error(error, self._name), self._name
        ) from None


class _Missing(Exception):
    """The backend had nothing to delete."""


def _resolve(given: KeyringBackend | None) -> tuple[str, KeyringBackend]:
    """Find the backend (keyring's choice unless given) and apply the refusal rules."""
    found = given if given is not None else _default_backend()
    chosen, why = pick(found)
    if why is not None:
        name = backend_name(found)
        raise SecretStoreUnavailable.from_refusal(why, name)
    return backend_name(chosen), cast("KeyringBackend", chosen)


def _default_backend() -> KeyringBackend:
    import keyring  # lazy: keyring ~60 ms, when needed

    try:
        return keyring.get_keyring()
    except ImportError as exc:
        chosen = os.environ.get("PYTHON_KEYRING_BACKEND", "")
        raise SecretStoreUnavailable(
            f"the keyring backend PYTHON_KEYRING_BACKEND={chosen} cannot be loaded "
            f"({type(exc).__name__})",
            "install the package that provides it, or unset PYTHON_KEYRING_BACKEND",
        ) from None
    except Exception as exc:  # e.g. RuntimeError: the chosen backend is not viable here
        raise SecretStoreUnavailable.from_refusal(classify_error(exc, "keyring"), "") from None
