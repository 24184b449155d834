"""A keyring backend that keeps secrets in this process only (the demo's).

``trunkwiz demo`` runs against a sandbox PBX on a random port with a temporary config
dir; its passwords must not land in the user's real keyring, where they would outlive
the demo (pointing at a PBX that is gone). Not a subclass of keyring's
``KeyringBackend``, so it never enters keyring's own backend discovery.
"""

from __future__ import annotations


class MemoryKeyring:
    """Secrets in a dict, gone when the process ends."""

    where = "memory only (the demo forgets it when it ends)"

    def __init__(self) -> None:
        self._items: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self._items.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self._items[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        if self._items.pop((service, username), None) is None:
            from keyring.errors import (  # lazy: keyring ~60 ms off the demo's start
                PasswordDeleteError,
            )

            raise PasswordDeleteError("no such password")
