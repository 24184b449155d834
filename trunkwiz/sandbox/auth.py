"""Accounts and bearer tokens of the sandbox PBX.

Seeded accounts (all configurable on :class:`Accounts`):

* System Admin: user ``admin``, password ``sandbox-admin``, no domain.
* Tenant Admin of every tenant: user ``manager`` with the tenant's SIP domain as
  ``domain`` (e.g. ``acme-001.sandbox.test``), password ``tenant-admin``. (``admin`` is a
  name the PBX reserves for the System Admin.)
* A System Admin with two-factor authentication: user ``secure-admin``, the System Admin's
  password; ``sign_in`` answers ``{"two_factor_enabled": true, "token": ...}``.
* Other system-wide roles, no domain, the System Admin's password: ``dealer`` (role
  ``Dealer``, system level: lists tenants, shares trunks) and ``viewer`` (a custom role
  ``Viewer`` that may not list tenants, nor do anything else).

Access tokens expire after ``ttl`` seconds (``expires_in``); refresh tokens after
``refresh_ttl``. A refresh token is single-use: refreshing returns a new pair and ends
the old access token.
"""

from __future__ import annotations

import hmac
import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from pydantic import SecretStr

from trunkwiz.sandbox.errors import unauthorized

SYSTEM_ADMIN = "SystemAdmin"
TENANT_ADMIN = "Admin"
SYSTEM_ROLES = frozenset({SYSTEM_ADMIN, "Dealer"})
"""Roles with system-wide rights in the sandbox."""
OTHER_USERS = {"dealer": "Dealer", "viewer": "Viewer"}
"""Users without a domain besides the System Admin, and their roles."""


@dataclass(frozen=True)
class Accounts:
    """Who may sign in. Passwords are SecretStr and never printed."""

    admin_user: str = "admin"
    admin_password: SecretStr = field(default_factory=lambda: SecretStr("sandbox-admin"))
    tenant_user: str = "manager"
    tenant_password: SecretStr = field(default_factory=lambda: SecretStr("tenant-admin"))
    two_factor_user: str = "secure-admin"


def _same(given: str, secret: SecretStr) -> bool:
    return hmac.compare_digest(given.encode(), secret.get_secret_value().encode())


@dataclass
class Session:
    """A signed-in user: role, tenant scope (own tenant, or the one switched to)."""

    role: str
    user: str
    tenant_id: str | None
    access_token: str = field(repr=False)
    refresh_token: str = field(repr=False)
    expires_at: float
    refresh_expires_at: float

    @property
    def is_system(self) -> bool:
        """True for the System Admin."""
        return self.role in SYSTEM_ROLES


class Tokens:
    """Issues, checks, refreshes and revokes bearer tokens (thread-safe)."""

    def __init__(
        self,
        ttl: int = 3600,
        refresh_ttl: int = 7 * 86400,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.ttl = ttl
        self.refresh_ttl = refresh_ttl
        self._clock = clock
        self._lock = threading.Lock()
        self._by_access: dict[str, Session] = {}
        self._by_refresh: dict[str, Session] = {}

    def issue(self, role: str, user: str, tenant_id: str | None) -> Session:
        """A new session with a fresh token pair."""
        now = self._clock()
        session = Session(
            role=role,
            user=user,
            tenant_id=tenant_id,
            access_token=secrets.token_urlsafe(32),
            refresh_token=secrets.token_urlsafe(32),
            expires_at=now + self.ttl,
            refresh_expires_at=now + self.refresh_ttl,
        )
        with self._lock:
            self._by_access[session.access_token] = session
            self._by_refresh[session.refresh_token] = session
        return session

    def pair(self, session: Session) -> dict[str, Any]:
        """The token reply of sign_in/refresh_token."""
        return {
            "token_type": "Bearer",
            "access_token": session.access_token,
            "refresh_token": session.refresh_token,
            "expires_in": max(0, round(session.expires_at - self._clock())),
        }

    def check(self, authorization: str | None) -> Session:
        """The session of an ``Authorization: Bearer`` header, or 401."""
        if not authorization or not authorization.lower().startswith("bearer "):
            raise unauthorized("Authorization header with a Bearer token is required.")
        token = authorization[7:].strip()
        with self._lock:
            session = self._by_access.get(token)
        if session is None:
            raise unauthorized("The access token is invalid.")
        if self._clock() >= session.expires_at:
            raise unauthorized("The access token has expired.")
        return session

    def refresh(self, refresh_token: str) -> Session:
        """Trade a refresh token for a new session (the old one ends), or 401."""
        with self._lock:
            old = self._by_refresh.pop(refresh_token, None)
            if old is not None:
                self._by_access.pop(old.access_token, None)
        if old is None:
            raise unauthorized("The refresh token is invalid.")
        if self._clock() >= old.refresh_expires_at:
            raise unauthorized("The refresh token has expired.")
        return self.issue(old.role, old.user, old.tenant_id)

    def revoke(self, session: Session) -> None:
        """End a session (sign_out)."""
        with self._lock:
            self._by_access.pop(session.access_token, None)
            self._by_refresh.pop(session.refresh_token, None)

    def expire_all(self, *, refresh: bool = False) -> None:
        """Make every current access token (and with ``refresh`` every refresh token) expire."""
        now = self._clock()
        with self._lock:
            for session in self._by_access.values():
                session.expires_at = min(session.expires_at, now)
                if refresh:
                    session.refresh_expires_at = min(session.refresh_expires_at, now)
