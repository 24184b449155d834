"""Errors in the PBX's shape: ``{"errors": [{"code", "message", "detail"}]}``.

Status codes the sandbox uses: 400 ``VALIDATE_FAILED`` (a rule or the schema), 401
``UNAUTHORIZED`` (missing, unknown or expired token; bad credentials), 403 ``FORBIDDEN``
(the signed-in role may not do this), 404 ``NOT_FOUND`` (unknown id), 409
``VALIDATE_FAILED`` (a uniqueness conflict: name, IP trunk host, host + auth ID). When an
operation's spec lists no ``4XX`` class (e.g. ``deleteProvider``: only 400), the app maps
any 4xx other than 401 onto the status the spec lists.
"""

from __future__ import annotations

from typing import Any

from trunkwiz.sandbox.spec import Problem


class ApiError(Exception):
    """A 4xx/5xx reply with one or more PBX-style error entries."""

    def __init__(self, status: int, entries: list[dict[str, Any]]) -> None:
        super().__init__(entries[0]["message"] if entries else str(status))
        self.status = status
        self.entries = entries

    def body(self) -> dict[str, Any]:
        """The JSON body of the reply."""
        return {"errors": self.entries}


def entry(code: str, message: str, field: str | None = None) -> dict[str, Any]:
    """One error entry; ``detail`` names the field at fault when there is one."""
    return {"code": code, "message": message, "detail": {"field": field} if field else {}}


def invalid(message: str, field: str | None = None) -> ApiError:
    """400 VALIDATE_FAILED with the PBX's message."""
    return ApiError(400, [entry("VALIDATE_FAILED", message, field)])


def from_problems(problems: list[Problem]) -> ApiError:
    """400 VALIDATE_FAILED listing every schema problem."""
    return ApiError(
        400, [entry("VALIDATE_FAILED", f"{p.field} {p.message}", p.field) for p in problems]
    )


def conflict(message: str, field: str | None = None) -> ApiError:
    """409 for a uniqueness conflict (still coded VALIDATE_FAILED, as the spec knows it)."""
    return ApiError(409, [entry("VALIDATE_FAILED", message, field)])


def not_found(message: str) -> ApiError:
    """404 for an unknown id."""
    return ApiError(404, [entry("NOT_FOUND", message)])


def forbidden(message: str) -> ApiError:
    """403 when the signed-in role may not do this."""
    return ApiError(403, [entry("FORBIDDEN", message)])


def unauthorized(message: str) -> ApiError:
    """401 for a bad, expired or missing token, or bad credentials."""
    return ApiError(401, [entry("UNAUTHORIZED", message)])
