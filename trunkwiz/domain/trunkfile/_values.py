"""Value checks of the trunk file: TOML types per key, pools as text, password-like keys."""

from __future__ import annotations

import difflib
import re
from collections.abc import Sequence

from trunkwiz.domain.fields import keys_of_widget
from trunkwiz.domain.options import OPTION_FIELDS

_SECRET_WORDS = ("password", "passwd", "secret", "passphrase")
_INT_KEYS = keys_of_widget("int") | {"keep_alive_interval"}
_TEXT_KEYS = keys_of_widget("text", "choice") - {"kind"}  # ``kind`` is checked on its own
_IP_KEYS = keys_of_widget("ips")
_FLAG_KEYS = keys_of_widget("flag")


def type_problem(key: str, value: object) -> str | None:
    """Why ``value`` has the wrong TOML type for ``key`` (None when it is right)."""
    if key in _INT_KEYS:
        ok = isinstance(value, int) and not isinstance(value, bool)
        return None if ok else "must be a whole number (without quotes)"
    if key in _TEXT_KEYS:
        return None if isinstance(value, str) else "must be text in quotes"
    if key in _IP_KEYS:
        ok = isinstance(value, str) or (
            isinstance(value, list) and all(isinstance(v, str) for v in value)
        )
        return None if ok else "must be a list of IP addresses or CIDRs in quotes"
    if key in _FLAG_KEYS or key in OPTION_FIELDS:
        return None if isinstance(value, bool) else "must be true or false (without quotes)"
    return None


def pool_text(value: object) -> str | None:
    """A DID pool given as text or as a list of entries, as text (None: wrong type)."""
    if isinstance(value, str):
        return value
    if isinstance(value, list) and all(isinstance(v, str | int) for v in value):
        return ";".join(str(v).strip() for v in value)
    return None


def is_secret(key: str) -> bool:
    """Whether ``key`` names a password-like value (never allowed in a trunk file)."""
    lowered = key.casefold()
    return any(word in lowered for word in _SECRET_WORDS)


def secret_paths(value: object, prefix: str) -> list[str]:
    """Dotted paths (tenants counted from 1) of every password-like key in ``value``."""
    found: list[str] = []
    if isinstance(value, dict):
        for key, item in value.items():
            path = f"{prefix}.{key}" if prefix else str(key)
            if is_secret(str(key)):
                found.append(path)
            found += secret_paths(item, path)
    elif isinstance(value, list):
        for j, item in enumerate(value):
            found += secret_paths(item, f"{prefix}[{j + 1}]")
    return found


def tenant_of(path: str) -> int | None:
    """The tenant index (from 0) a dotted path such as ``tenants[2].x`` points into."""
    match = re.match(r"tenants\[(\d+)\]", path)
    return int(match.group(1)) - 1 if match else None


def unknown(key: str, allowed: Sequence[str]) -> str:
    """The message for an unknown key, with the closest allowed key as a hint."""
    close = difflib.get_close_matches(key, list(allowed), n=1)
    hint = f"did you mean {close[0]!r}?" if close else "allowed: " + ", ".join(allowed)
    return f"unknown key {key!r}: {hint}"
