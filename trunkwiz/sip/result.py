"""The probe's result as plain data (`ProbeResult.to_dict()` is what ``--json`` prints)."""

from __future__ import annotations

from dataclasses import dataclass, field

from trunkwiz.compat import StrEnum
from trunkwiz.domain.jsondata import JsonObject
from trunkwiz.sip.resolve import ResolvedTarget


class Outcome(StrEnum):
    """What a probe ended with, one word each."""

    OK = "ok"
    AUTH_FAILED = "auth-failed"
    FORBIDDEN = "forbidden"
    NOT_FOUND = "not-found"
    PROXY_AUTH = "proxy-auth"
    TIMEOUT = "timeout"
    UDP_FILTERED = "udp-filtered"
    UNREACHABLE = "unreachable"
    DNS_FAILURE = "dns-failure"
    TLS_FAILURE = "tls-failure"
    RATE_LIMITED = "rate-limited"
    ERROR = "error"


@dataclass
class ProbeResult:
    """Everything the probe learned; never holds a password."""

    outcome: Outcome
    """One-word outcome."""
    diagnosis: str
    """Plain-words explanation for the admin."""
    status: int | None = None
    """Final SIP status code of the last exchange, None when nothing answered."""
    reason: str = ""
    """Reason phrase of that response."""
    realm: str | None = None
    """Realm of the digest challenge, when there was one."""
    algorithm: str | None = None
    """Digest algorithm of that challenge (MD5, SHA-256)."""
    resolved: ResolvedTarget | None = None
    """Address, port and transport actually used."""
    dialled: str = ""
    """What was dialled, e.g. ``sip.example.com (SRV)`` or ``10.0.0.1:5060/UDP``."""
    timings: dict[str, float] = field(default_factory=dict)
    """Milliseconds per step (resolve, connect, options, register, unregister, total)."""
    notes: list[str] = field(default_factory=list)
    """Extra observations (e.g. a fallback tried, a binding that could not be removed)."""
    retry_after: float | None = None
    """Seconds to wait before probing again (rate-limited only)."""

    @property
    def ok(self) -> bool:
        """True when the probe succeeded."""
        return self.outcome is Outcome.OK

    def to_dict(self) -> JsonObject:
        """A JSON-ready dict."""
        resolved = None
        if self.resolved is not None:
            resolved = {
                "address": self.resolved.address,
                "port": self.resolved.port,
                "transport": self.resolved.transport,
                "source": self.resolved.source,
            }
        return {
            "outcome": self.outcome.value,
            "ok": self.ok,
            "status": self.status,
            "reason": self.reason,
            "realm": self.realm,
            "algorithm": self.algorithm,
            "resolved": resolved,
            "dialled": self.dialled,
            "timings": dict(self.timings),
            "diagnosis": self.diagnosis,
            "notes": list(self.notes),
            "retry_after": self.retry_after,
        }
