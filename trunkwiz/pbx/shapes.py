"""Shape checks of the PBX's answers, and the error-answer helpers of the transport.

Only a 2xx with a JSON body counts: an HTML page, truncated JSON, an empty body or a wrong
shape raises ``BadAnswer`` instead of reading as "nothing" (``decode``; ``expect_object``
for an object, ``page_items`` for the paged ``{"items": [objects]}`` form). Every body is
decoded by ``trunkwiz.domain.jsonbounds.loads`` (size and depth limits): an answer nested
deeper than ``MAX_DEPTH`` levels is a ``BadAnswer`` too, and an error answer that deep is
read as one without a PBX message (``error_json``). ``not_api`` describes a redirect that
came back instead of the API's JSON.
"""

from __future__ import annotations

from typing import Any

import httpx

from trunkwiz.domain.jsonbounds import JsonRefused
from trunkwiz.domain.jsonbounds import loads as json_loads
from trunkwiz.pbx.errors import BadAnswer


def _describe_body(resp: httpx.Response) -> str:
    kind = resp.headers.get("content-type", "").split(";")[0].strip() or "no content type"
    return f"{kind}, {len(resp.content)} bytes"


def not_api(resp: httpx.Response, method: str, path: str) -> BadAnswer:
    where = resp.headers.get("location", "")
    to = f" to {where.encode('unicode_escape').decode('ascii')}" if where else ""
    return BadAnswer(
        f"{method} {path}: the PBX answered HTTP {resp.status_code} (a redirect{to}) instead "
        "of the API's JSON: is the URL that of the PBX's API (https://HOST:8887)?",
        status=resp.status_code,
    )


def decode(resp: httpx.Response, method: str, path: str, *, empty_ok: bool = False) -> Any:
    """The JSON body of a successful answer; ``BadAnswer`` if it is not JSON (an HTML
    page, truncated JSON) or empty (unless ``empty_ok``: then None)."""
    if not resp.content.strip():
        if empty_ok:
            return None
        raise BadAnswer(f"{method} {path}: the PBX sent an empty answer", status=resp.status_code)
    try:
        return json_loads(resp.content)
    except JsonRefused as exc:
        if exc.kind != "syntax":
            raise BadAnswer(
                f"{method} {path}: the PBX's answer is {exc} ({_describe_body(resp)})",
                status=resp.status_code,
            ) from None
        raise BadAnswer(
            f"{method} {path}: the PBX's answer is not JSON ({_describe_body(resp)}): "
            "is the URL that of the PBX's API, and is no proxy in between?",
            status=resp.status_code,
        ) from None


def expect_object(body: Any, what: str) -> dict[str, Any]:
    """``body`` if it is a JSON object, else ``BadAnswer``."""
    if not isinstance(body, dict):
        raise BadAnswer(f"{what}: the PBX answered {_kind(body)} where an object belongs")
    return body


def page_items(body: Any, what: str) -> list[dict[str, Any]]:
    """The ``items`` of a paged answer: a list of objects (``BadAnswer`` otherwise)."""
    items = expect_object(body, what).get("items")
    if not isinstance(items, list):
        raise BadAnswer(f"{what}: the PBX's answer has no list of items ({_kind(items)})")
    for item in items:
        if not isinstance(item, dict):
            raise BadAnswer(f"{what}: the PBX's list holds {_kind(item)} where objects belong")
    return items


def _kind(value: Any) -> str:
    if value is None:
        return "nothing"
    return {dict: "an object", list: "a list", str: "a string", bool: "a boolean"}.get(
        type(value), "a number" if isinstance(value, int | float) else type(value).__name__
    )


def error_json(resp: httpx.Response) -> Any:
    """Decoded JSON body, or None for an empty, non-JSON, too large or too deep body (error
    answers only)."""
    if not resp.content:
        return None
    try:
        return json_loads(resp.content)
    except JsonRefused:
        return None
