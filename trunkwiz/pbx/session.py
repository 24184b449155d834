"""Value objects of a PBX connection: the signed-in session, tokens, retry policy, stats.

Tokens are kept as ``SecretStr`` so no repr, log line or exception ever shows them.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import datetime

from pydantic import SecretStr

SYSTEM_ADMIN_ROLE = "SystemAdmin"
#: Requests one command keeps in flight at most: the calls of an apply, the status reads
#: of a listing, the pages of a collection once its count is known.
REQUEST_CONCURRENCY = 8


@dataclass(frozen=True)
class Session:
    """Who is signed in: the PBX role and, for a Tenant Admin, the tenant's SIP domain."""

    role: str
    """The PBX role from ``GET /auth/user`` (``SystemAdmin``, ``Admin``, …)."""
    is_system_admin: bool
    """True for the System Admin (shared trunks, tenant assignment)."""
    domain: str | None
    """The tenant SIP domain a Tenant Admin signed in with; None for the System Admin."""
    expires_at: datetime
    """When the current access token expires (UTC); it is renewed automatically."""
    user: str = ""
    """The account name used to sign in."""
    level_reason: str = ""
    """How the level was decided, in words (shown by Connect): ``role SystemAdmin``,
    ``role Dealer can list tenants``, ``signed in to tenant domain x`` …"""

    @property
    def level_label(self) -> str:
        """``System level (role Dealer can list tenants)``-style text."""
        level = "System level" if self.is_system_admin else "Tenant level"
        return f"{level} ({self.level_reason})" if self.level_reason else level


@dataclass
class Tokens:
    """The bearer token pair; ``expires_at`` is on the ``time.monotonic`` clock."""

    access: SecretStr
    refresh: SecretStr
    expires_at: float
    lifetime: float

    def refresh_due(self, now: float) -> bool:
        """True when the access token expires within the safety margin."""
        margin = max(1.0, min(60.0, self.lifetime / 10))
        return now >= self.expires_at - margin


@dataclass(frozen=True)
class RetryPolicy:
    """Bounded exponential backoff with jitter for idempotent reads."""

    tries: int = 3
    """Attempts in total (the first one included)."""
    base_delay: float = 0.1
    """Delay before the first retry, in seconds (doubled each time, before jitter)."""
    max_delay: float = 1.0
    """Upper bound of one delay, in seconds."""
    max_total: float = 2.0
    """Upper bound of all delays of one request together, in seconds."""

    def delay(self, attempt: int, rng: random.Random) -> float:
        """Delay before retry number ``attempt`` (0-based): full jitter in [d/2, d]."""
        ceiling = min(self.max_delay, self.base_delay * (2**attempt))
        return rng.uniform(ceiling / 2, ceiling)


@dataclass
class RequestStats:
    """Counters of what a client sent (for progress, tests and the benchmark)."""

    requests: int = 0
    """HTTP requests sent, retries and token refreshes included."""
    mutations: int = 0
    """Requests that change PBX state (POSTs other than sign-in/refresh/sign-out)."""
    retries: int = 0
    """Requests re-sent after a failure (idempotent reads, or after a token refresh)."""
    refreshes: int = 0
    """Token refreshes."""
    by_method: dict[str, int] = field(default_factory=dict)
    """Requests per HTTP method."""

    def count(self, method: str, path: str) -> None:
        """Record one request."""
        self.requests += 1
        self.by_method[method] = self.by_method.get(method, 0) + 1
        if method == "POST" and not path.startswith("/auth/"):
            self.mutations += 1
