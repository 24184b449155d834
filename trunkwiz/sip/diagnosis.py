"""Plain-words explanations of probe and registration outcomes."""

from __future__ import annotations

from trunkwiz.sip.client import RegisterOutcome
from trunkwiz.sip.result import Outcome
from trunkwiz.sip.transport import TransportError


def where(address: str, port: int, transport: str) -> str:
    """``1.2.3.4:5060 over UDP`` (IPv6 in brackets)."""
    host = f"[{address}]" if ":" in address else address
    return f"{host}:{port} over {transport}"


def explain_register(out: RegisterOutcome, *, auth_id: str, domain: str) -> tuple[Outcome, str]:
    """Outcome and diagnosis for the final response of a REGISTER exchange."""
    resp = out.response
    status = resp.status or 0
    realm = out.challenge.realm if out.challenge else None
    in_realm = f" (realm {realm!r})" if realm else ""
    phrase = f"{status} {resp.reason}".strip()
    if 200 <= status < 300:
        granted = f", expires {out.granted} s" if out.granted is not None else ""
        return Outcome.OK, f"registered: {phrase}{granted}"
    if out.challenge_error:
        return Outcome.ERROR, f"{phrase}: cannot answer the challenge: {out.challenge_error}"
    if status == 401:
        if not out.authenticated:
            return Outcome.AUTH_FAILED, (
                f"{phrase}: the carrier asks for credentials{in_realm} but none were given"
            )
        return Outcome.AUTH_FAILED, (
            f"{phrase} after sending credentials: the password or the authentication name "
            f"({auth_id!r}) is wrong{in_realm}"
        )
    if status == 407:
        return Outcome.PROXY_AUTH, (
            f"{phrase}: a proxy wants authentication{in_realm} and refused the credentials"
            if out.authenticated
            else f"{phrase}: a proxy wants authentication{in_realm}; no credentials were given"
        )
    if status == 403:
        return Outcome.FORBIDDEN, (
            f"{phrase}: the carrier refused the registration: wrong credentials, or this "
            "host's IP address is not allowed at the carrier"
        )
    if status == 404:
        return Outcome.NOT_FOUND, (
            f"{phrase}: the carrier does not know this user: check the account username / "
            f"auth ID and the domain ({domain!r})"
        )
    if status in (408, 480, 500, 503, 504):
        return Outcome.ERROR, f"{phrase}: the carrier is temporarily unable to register"
    return Outcome.ERROR, f"{phrase}: the carrier refused the registration"


def explain_transport(err: TransportError, target: str) -> tuple[Outcome, str]:
    """Outcome and diagnosis for a connection that failed."""
    if err.kind.startswith("tls"):
        return Outcome.TLS_FAILURE, f"TLS to {target} failed: {err.detail}"
    if err.kind == "connect-timeout":
        return Outcome.TIMEOUT, (
            f"no answer from {target}: a firewall drops the packets, or the host or port is wrong"
        )
    if err.kind == "no-final-response":
        return Outcome.TIMEOUT, f"{target} {_stuck(err.detail)}"
    if err.kind == "refused":
        return Outcome.UNREACHABLE, (
            f"nothing listens at {target} (connection refused): wrong host or port, "
            "or the carrier uses another transport"
        )
    return Outcome.UNREACHABLE, f"{target} cannot be reached: {err.detail}"


def _stuck(detail: str) -> str:
    return (
        f"answered but never finished ({detail}): the carrier got the request, so no "
        "firewall is in the way; it is stuck or overloaded upstream: try again later or "
        "ask the carrier"
    )


def no_answer(
    target: str, waited: float, sent: int, *, provisional: str | None = None, provisionals: int = 0
) -> str:
    """Diagnosis for a request that never got a final answer (``provisional``: the last
    ``1xx`` that did come back, e.g. ``100 Trying``; ``provisionals``: how many came)."""
    if provisional:
        times = f" ({provisionals} times)" if provisionals > 1 else ""
        return f"{target} " + _stuck(
            f"only '{provisional}'{times} within {waited:.1f} s, {sent} sent"
        )
    return (
        f"no answer from {target} within {waited:.1f} s ({sent} sent): a firewall drops the "
        "packets, or the host or port is wrong"
    )
