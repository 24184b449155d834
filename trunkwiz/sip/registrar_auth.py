"""Server-side digest checks for the demo registrar: signed nonces and response checking."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Callable

from pydantic import SecretStr

from trunkwiz.sip.digest import Credentials, DigestError, digest_response


class NonceBook:
    """Issues nonces signed with a per-instance key; knows when one has gone stale."""

    def __init__(self, ttl: float, clock: Callable[[], float]) -> None:
        self.ttl = ttl
        self.clock = clock
        self._key = secrets.token_bytes(16)

    def _sign(self, stamp: str, salt: str) -> str:
        return hmac.new(self._key, f"{stamp}:{salt}".encode(), hashlib.sha256).hexdigest()[:24]

    def issue(self) -> str:
        """A fresh nonce: ``<milliseconds>.<salt>.<signature>``."""
        stamp = str(int(self.clock() * 1000))
        salt = secrets.token_hex(4)
        return f"{stamp}.{salt}.{self._sign(stamp, salt)}"

    def check(self, nonce: str) -> str:
        """``fresh``, ``stale`` (ours but older than ttl) or ``invalid`` (not ours)."""
        parts = nonce.split(".")
        if len(parts) != 3 or not (parts[0].isascii() and parts[0].isdigit()):
            return "invalid"
        stamp, salt, sig = parts
        if not hmac.compare_digest(self._sign(stamp, salt), sig):
            return "invalid"
        return "stale" if self.clock() - int(stamp) / 1000 > self.ttl else "fresh"


def check_response(creds: Credentials, password: SecretStr, method: str, algorithm: str) -> bool:
    """True when ``creds`` carry the right digest response for ``password``."""
    p = creds.params
    if p.get("algorithm", "MD5").upper() != algorithm.upper():
        return False
    qop = p.get("qop") or None
    if qop not in (None, "auth"):
        return False
    try:
        expected = digest_response(
            algorithm=algorithm,
            username=creds.username,
            realm=p["realm"],
            password=password,
            method=method,
            uri=p["uri"],
            nonce=p["nonce"],
            qop=qop,
            nc=p.get("nc", ""),
            cnonce=p.get("cnonce", ""),
        )
    except DigestError:
        return False
    return hmac.compare_digest(expected, p["response"].lower())
