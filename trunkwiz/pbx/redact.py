"""Redaction of secrets in what ``--debug`` shows: request and response bodies, headers.

A JSON body (decoded by ``trunkwiz.domain.jsonbounds.loads``: one too large or too deep
is shown as text) has the value of every key that names a secret (``password``, any
``*_token``, ``token``, ``secret``, ``authorization``) replaced by ``***``, at any depth.
A body that is not JSON has the same keys' values replaced by pattern (``"password":
"…"``, ``password=…``). Long bodies are cut (``MAX_SHOWN`` characters).
"""

from __future__ import annotations

import json
import re
from typing import Any

from trunkwiz.domain.jsonbounds import loads as json_loads

MAX_SHOWN = 4000
MASK = "***"

_SECRET_KEY = re.compile(r"(pass(word|wd)?|token|secret|authorization|credential)", re.I)
#: A key and its separator (``password=``, ``"token": ``): a whole run of letters, taken at
#: its start and never backtracked into, so the scan stays linear on any text.
_TEXT_KEY = re.compile(r"""["']?(?<![A-Za-z_])(?>[A-Za-z_]+)["']?\s*[:=]\s*""")
_SECRET_WORD = re.compile(r"pass(?:word|wd)?|token|secret|authorization", re.I)
_TEXT_VALUE = re.compile(r"""(["']?)[^"'&,;\s}]*""")


def is_secret_key(key: str) -> bool:
    """Whether a field called ``key`` holds a secret (``token_type`` does not)."""
    return key.casefold() != "token_type" and bool(_SECRET_KEY.search(key))


def redact_json(value: Any) -> Any:
    """``value`` with every secret field's text masked (dicts and lists, any depth);
    booleans and numbers under such keys (``password_verified``) are kept."""
    if isinstance(value, dict):
        return {
            k: (MASK if is_secret_key(str(k)) and _holds_text(v) else redact_json(v))
            for k, v in value.items()
        }
    if isinstance(value, list):
        return [redact_json(v) for v in value]
    return value


def _holds_text(value: Any) -> bool:
    """Whether a secret field's value could be the secret (flags and counts cannot)."""
    return isinstance(value, str | dict | list) and bool(value)


def redact_text(text: str) -> str:
    """``text`` (not JSON) with ``key: value`` / ``key=value`` secrets masked (linear time:
    a hostile answer of one endless word costs one pass)."""
    out: list[str] = []
    pos = 0
    for key in _TEXT_KEY.finditer(text):
        if key.start() < pos or not _SECRET_WORD.search(key.group()):
            continue
        value = _TEXT_VALUE.match(text, key.end())
        assert value is not None  # the pattern matches the empty string
        out += [text[pos : key.end()], value.group(1), MASK]
        pos = value.end()
    out.append(text[pos:])
    return "".join(out)


def redact_body(content: bytes | str) -> str:
    """A request or response body for the debug log: redacted, cut to ``MAX_SHOWN``."""
    text = content.decode("utf-8", "replace") if isinstance(content, bytes) else content
    if not text.strip():
        return "(no body)"
    try:
        shown = json.dumps(redact_json(json_loads(text)), ensure_ascii=False)
    except ValueError:
        shown = redact_text(text).replace("\r", "\\r").replace("\n", "\\n")
    if len(shown) > MAX_SHOWN:
        shown = f"{shown[:MAX_SHOWN]}… ({len(shown) - MAX_SHOWN} more characters)"
    return shown
