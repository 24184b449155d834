"""Typed errors of the PBX client.

Every failure the client can raise is a ``PbxError``. HTTP answers are mapped from the
status code and the PBX's ``{"errors": [{"code", "message", "detail"}]}`` body by
``error_from_response``; network failures become ``UnavailableError``. Messages never
contain a password or a token: they are built from the method, the path and the PBX's own
error messages only.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import Any

from trunkwiz.domain.fields import API_FIELDS

# API field names a validation message may name (provider, assignee and sign-in bodies).
KNOWN_FIELDS: frozenset[str] = API_FIELDS | {"domain", "tenant_id", "refresh_token"}

_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


class PbxError(Exception):
    """Base class of every error the PBX client raises."""

    def __init__(
        self,
        message: str,
        *,
        status: int | None = None,
        messages: Sequence[str] = (),
        codes: Sequence[str] = (),
    ) -> None:
        super().__init__(message)
        self.status = status
        """HTTP status of the PBX's answer, or None when there was no answer."""
        self.messages: tuple[str, ...] = tuple(messages)
        """The PBX's own ``errors[].message`` texts, in order."""
        self.codes: tuple[str, ...] = tuple(codes)
        """The PBX's ``errors[].code`` values (e.g. ``VALIDATE_FAILED``)."""


class AuthError(PbxError):
    """Sign-in refused, session expired and refresh failed, or permission denied."""


class TwoFactorRequired(AuthError):
    """The account has two-factor sign-in enabled, which trunkwiz does not support yet."""

    def __init__(self) -> None:
        super().__init__(
            "two-factor sign-in is not supported yet: use an account without two-factor "
            "authentication for trunk administration"
        )


class PbxValidationError(PbxError):
    """HTTP 400: the PBX refused the request body; ``messages`` holds its reasons."""

    def __init__(
        self,
        message: str,
        *,
        status: int | None = 400,
        messages: Sequence[str] = (),
        codes: Sequence[str] = (),
        field: str | None = None,
    ) -> None:
        super().__init__(message, status=status, messages=messages, codes=codes)
        self.field = field
        """The API field a message names (first match), so a screen can point at it."""


class NotFoundError(PbxError):
    """HTTP 404: the trunk, tenant or assignment does not exist."""


class ConflictError(PbxError):
    """HTTP 409: the change collides with something the PBX already holds."""


class UnavailableError(PbxError):
    """The PBX could not be reached or answered 5xx/429.

    ``outcome_unknown`` is True when a change was sent but no answer came back: the
    change may or may not have been made, so the caller must re-read the PBX's state.
    """

    def __init__(
        self,
        message: str,
        *,
        status: int | None = None,
        messages: Sequence[str] = (),
        codes: Sequence[str] = (),
        outcome_unknown: bool = False,
    ) -> None:
        super().__init__(message, status=status, messages=messages, codes=codes)
        self.outcome_unknown = outcome_unknown
        """True when a change request may have been applied although it failed."""


class BadAnswer(PbxError):
    """The PBX answered with something that is not the API's JSON of the expected shape
    (an HTML page, a redirect, truncated JSON, a list where an object belongs, a body over
    the size cap). Never read as "nothing": the caller stops with this error."""


class DeadlineExceeded(UnavailableError):
    """A request or the whole command ran past its time limit."""


class BadTarget(PbxError):
    """The PBX URL or TLS settings cannot be used (bad scheme or port, unreadable CA file)."""


class TlsError(PbxError):
    """The PBX's TLS certificate is not acceptable."""


class UntrustedCertificate(TlsError):
    """The certificate is not trusted (e.g. the PBX's self-signed one) and not pinned."""

    def __init__(self, fingerprint: str | None, reason: str = "") -> None:
        shown = fingerprint or "unknown"
        detail = f" ({reason})" if reason else ""
        super().__init__(
            f"the PBX certificate is not trusted{detail}; its SHA-256 fingerprint is "
            f"{shown}: compare it with the one the PBX shows and pin it to trust it"
        )
        self.fingerprint = fingerprint
        """SHA-256 fingerprint (``AA:BB:…``) of the certificate that was offered."""


class FingerprintMismatch(TlsError):
    """The certificate's fingerprint differs from the one pinned in the profile."""

    def __init__(self, expected: str, actual: str) -> None:
        super().__init__(
            f"the PBX certificate changed: pinned fingerprint {expected}, but the PBX "
            f"offered {actual}; if the certificate was replaced on purpose, trust the new "
            "one again, otherwise someone may be intercepting the connection"
        )
        self.expected = expected
        """The pinned fingerprint."""
        self.actual = actual
        """The fingerprint of the certificate the PBX offered."""


def parse_error_body(body: Any) -> tuple[list[str], list[str], list[str], list[str]]:
    """(messages, codes, details, fields) of a PBX error body; empty lists if malformed.

    ``fields`` are field names an entry's ``detail`` states explicitly (``{"field": …}``).
    """
    messages: list[str] = []
    codes: list[str] = []
    details: list[str] = []
    fields: list[str] = []
    errors = body.get("errors") if isinstance(body, dict) else None
    if isinstance(errors, list):
        for item in errors:
            if not isinstance(item, dict):
                continue
            if item.get("message"):
                messages.append(str(item["message"]))
            if item.get("code"):
                codes.append(str(item["code"]))
            detail = item.get("detail")
            if isinstance(detail, dict) and isinstance(detail.get("field"), str):
                fields.append(detail["field"])
            elif detail:
                details.append(str(detail))
    return messages, codes, details, fields


def field_hint(texts: Iterable[str]) -> str | None:
    """Return the API field a message names: snake_case names first, then plain words."""
    words: list[str] = [str(w) for text in texts for w in _WORD.findall(text)]
    for word in words:
        if "_" in word and word in KNOWN_FIELDS:
            return word
    for word in words:
        if word in KNOWN_FIELDS:
            return word
    return None


def error_from_response(
    status: int, body: Any, *, method: str, path: str, sent_change: bool = False
) -> PbxError:
    """Map an HTTP error answer to the matching ``PbxError`` subclass."""
    messages, codes, details, fields = parse_error_body(body)
    what = f"{method} {path}"
    said = "; ".join(messages) if messages else f"HTTP {status}"
    kw: dict[str, Any] = {"status": status, "messages": messages, "codes": codes}
    if status == 400 or status == 422:
        return PbxValidationError(
            f"the PBX refused {what}: {said}",
            field=fields[0] if fields else field_hint([*messages, *details]),
            **kw,
        )
    if status in (401, 403):
        reason = "permission denied" if status == 403 else "not signed in or session expired"
        return AuthError(f"{what}: {reason} ({said})", **kw)
    if status == 404:
        return NotFoundError(f"{what}: not found ({said})", **kw)
    if status == 409:
        return ConflictError(f"the PBX refused {what}: conflict ({said})", **kw)
    if status == 429 or status >= 500:
        unknown = sent_change and status != 429  # a throttled request was not processed
        tail = "; the change may or may not have been made" if unknown else ""
        return UnavailableError(
            f"{what}: the PBX is unavailable ({said}){tail}",
            outcome_unknown=unknown,
            **kw,
        )
    return PbxError(f"{what}: unexpected answer ({said})", **kw)
