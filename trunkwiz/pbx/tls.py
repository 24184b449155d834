"""TLS policy for PBX connections: CA verification, fingerprint pinning, insecure mode.

A PortSIP PBX ships with a self-signed certificate. The user is shown its SHA-256
fingerprint (``fetch_fingerprint``) and, once they accept it, the fingerprint is pinned in
the profile. With a pin, the CA and hostname checks are replaced by a check that the
leaf certificate's fingerprint equals the pin; the check runs inside the TLS handshake of
every new connection (``ssl.SSLContext.sslobject_class``), so no request is ever sent
over a connection whose certificate was not checked.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import logging
import re
import ssl
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import httpx

from trunkwiz import compat
from trunkwiz.pbx.errors import FingerprintMismatch, TlsError

log = logging.getLogger(__name__)

_HEX64 = re.compile(r"[0-9A-F]{64}")


def fingerprint_of(der: bytes) -> str:
    """SHA-256 fingerprint of a DER certificate, as ``AA:BB:…`` (uppercase)."""
    digest = hashlib.sha256(der).hexdigest().upper()
    return ":".join(digest[i : i + 2] for i in range(0, len(digest), 2))


def normalize_fingerprint(text: str) -> str:
    """Accept ``aa:bb…``, ``AABB…`` or spaced hex and return the canonical ``AA:BB:…``."""
    compact = re.sub(r"[\s:]", "", text).upper()
    if compact.startswith("SHA256"):
        compact = compact[len("SHA256") :].lstrip("=")
    if not _HEX64.fullmatch(compact):
        raise ValueError("a SHA-256 fingerprint has 64 hexadecimal digits (32 bytes)")
    return ":".join(compact[i : i + 2] for i in range(0, 64, 2))


class PinMismatchSSLError(ssl.SSLError):
    """Raised inside the handshake when the leaf certificate does not match the pin."""

    def __init__(self, expected: str, actual: str) -> None:
        super().__init__(1, f"certificate fingerprint {actual} does not match pin {expected}")
        self.expected = expected
        self.actual = actual


def _pinned_sslobject_class(pin: str) -> type[ssl.SSLObject]:
    """An ``SSLObject`` subclass that checks the peer's leaf certificate after handshake."""

    class PinnedSSLObject(ssl.SSLObject):
        def do_handshake(self) -> None:
            super().do_handshake()
            der = self.getpeercert(binary_form=True)
            actual = fingerprint_of(der) if der else "none (no certificate offered)"
            if actual != pin:
                raise PinMismatchSSLError(pin, actual)

    return PinnedSSLObject


class _InsecureSSLObject(ssl.SSLObject):
    """Insecure mode: logs a warning on every new connection (no verification at all)."""

    def do_handshake(self) -> None:
        super().do_handshake()
        log.warning(
            "INSECURE: TLS certificate of %s NOT verified (--insecure); pin the "
            "fingerprint instead",
            self.server_hostname,
        )


def _insecure_context() -> ssl.SSLContext:
    """A client context without CA or hostname checks (insecure on its own: callers
    either pin the fingerprint or label the connection insecure)."""
    ctx = ssl.create_default_context()
    ctx.check_hostname = False  # insecure: callers pin or warn
    ctx.verify_mode = ssl.CERT_NONE  # insecure: callers pin or warn
    return ctx


@dataclass(frozen=True)
class TlsPolicy:
    """How to trust the PBX's certificate. Verification is on by default."""

    ca_file: str | Path | None = None
    """A CA bundle to verify the PBX certificate against (instead of the system store)."""
    pinned_sha256: str | None = None
    """The accepted SHA-256 fingerprint of the PBX's leaf certificate (``AA:BB:…``)."""
    insecure: bool = False
    """No verification at all (``--insecure``): a warning is logged on every connection."""

    def __post_init__(self) -> None:
        if self.pinned_sha256 is not None:
            object.__setattr__(self, "pinned_sha256", normalize_fingerprint(self.pinned_sha256))
        if self.insecure and self.pinned_sha256:
            raise ValueError("choose either a pinned fingerprint or insecure mode, not both")

    @property
    def mode(self) -> str:
        """``pinned``, ``insecure``, ``ca_file`` or ``system``."""
        if self.pinned_sha256:
            return "pinned"
        if self.insecure:
            return "insecure"
        return "ca_file" if self.ca_file else "system"

    def ssl_context(self) -> ssl.SSLContext:
        """A fresh client SSL context enforcing this policy on every connection."""
        if self.pinned_sha256:
            ctx = _insecure_context()  # insecure: replaced by the pin check below
            ctx.sslobject_class = _pinned_sslobject_class(self.pinned_sha256)
            return ctx
        if self.insecure:
            ctx = _insecure_context()  # insecure: --insecure, warned per connection
            ctx.sslobject_class = _InsecureSSLObject
            return ctx
        if self.ca_file:
            return ssl.create_default_context(cafile=str(self.ca_file))
        return ssl.create_default_context()


def build_transport(
    policy: TlsPolicy, *, limits: httpx.Limits | None = None
) -> httpx.AsyncHTTPTransport:
    """The real network transport for ``policy`` (no retries at the connection level)."""
    return httpx.AsyncHTTPTransport(
        verify=policy.ssl_context(),
        trust_env=False,
        limits=limits or httpx.Limits(max_connections=16, max_keepalive_connections=16),
        retries=0,
    )


def tls_failure(exc: BaseException) -> ssl.SSLError | None:
    """The TLS error at the root of ``exc`` (walking causes), if any."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, ssl.SSLError):
            return current
        current = current.__cause__ or current.__context__
    return None


def pin_error(exc: ssl.SSLError) -> FingerprintMismatch | None:
    """Turn a pin failure raised in the handshake into ``FingerprintMismatch``."""
    if isinstance(exc, PinMismatchSSLError):
        return FingerprintMismatch(exc.expected, exc.actual)
    return None


async def fetch_fingerprint(url: str, *, timeout: float = 10.0) -> str:
    """SHA-256 fingerprint of the leaf certificate the server at ``url`` offers.

    The certificate is fetched without verifying it, only so it can be shown to the user
    and pinned; nothing is sent over this connection.
    """
    parts = urlsplit(url if "//" in url else f"https://{url}")
    if parts.scheme != "https":
        raise TlsError(f"{url} is not an https URL: there is no certificate to pin")
    host = parts.hostname or ""
    port = parts.port or 443
    ctx = _insecure_context()  # insecure: only reads the certificate to show it
    try:
        _reader, writer = await compat.wait_for(
            asyncio.open_connection(host, port, ssl=ctx, server_hostname=host or None),
            timeout,
        )
    except (OSError, TimeoutError) as exc:
        raise TlsError(f"could not fetch the certificate of {host}:{port}: {exc}") from exc
    try:
        ssl_object = writer.get_extra_info("ssl_object")
        der = ssl_object.getpeercert(binary_form=True) if ssl_object else None
    finally:
        writer.close()
        with contextlib.suppress(OSError, TimeoutError):
            await compat.wait_for(writer.wait_closed(), timeout)
    if not der:
        raise TlsError(f"{host}:{port} offered no certificate")
    return fingerprint_of(der)
