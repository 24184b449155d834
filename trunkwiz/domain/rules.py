"""Field and cross-field rules of trunk models, with messages a screen can show as they are.

Single-field checks raise ``PydanticCustomError`` (pydantic adds the field's ``loc``);
cross-field checks collect :class:`RuleError` items and raise one ``ValidationError`` whose
line errors carry each offending field's ``loc``.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from pydantic import ValidationError
from pydantic_core import InitErrorDetails, PydanticCustomError

from trunkwiz.domain.labels import user_message

_LABEL = re.compile(r"^[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?$")
_HOST_PORT = re.compile(r"^(?P<host>\[[^\]]*\]|[^:\[\]]+):(?P<port>\d*)$")
_DOTTED_NUMBERS = re.compile(r"^[0-9.]+$")


def hostname_problem(text: str) -> str | None:
    """Why ``text`` is not a plausible SIP host name or IP address, or ``None`` if it is.

    Accepts IPv4, IPv6 (bare or in brackets) and DNS names (labels of letters, digits,
    ``-``, ``_``; an optional trailing dot). Refuses schemes, paths, spaces, ports and
    ``<placeholders>`` with a hint on what to type instead.
    """
    if not text:
        return "Enter the carrier's host name or IP address"
    if any(c.isspace() for c in text):
        return "A host name cannot contain spaces"
    lowered = text.lower()
    if "://" in text or lowered.startswith(("sip:", "sips:")):
        return "Enter only the host, without a scheme such as sip: or https://"
    if "<" in text or ">" in text:
        return "Replace the <placeholder> with your own value"
    if "@" in text:
        return "Enter only the host: the part after '@' (user names go in the credentials)"
    if "/" in text:
        return "Enter only the host, without a path or prefix length"
    bare = text[1:-1] if text.startswith("[") and text.endswith("]") else text
    try:
        ipaddress.ip_address(bare)
        return None
    except ValueError:
        pass
    match = _HOST_PORT.match(text)
    if match and (":" not in match["host"] or match["host"].startswith("[")):
        return f"Put the port in the Port field and enter only {match['host']} here"
    if ":" in text:
        return "Not a valid IPv6 address (put the port in the Port field)"
    if _DOTTED_NUMBERS.match(text):
        return f"{text} is not a valid IPv4 address"
    name = text[:-1] if text.endswith(".") else text
    if len(name) > 253:
        return "A host name has at most 253 characters"
    for label in name.split("."):
        if not _LABEL.match(label):
            return f"{text} is not a valid host name (letters, digits, '-' and dots only)"
    return None


def check_hostname(value: str) -> str:
    """Pydantic field check for a required host (strips whitespace around it)."""
    text = value.strip()
    problem = hostname_problem(text)
    if problem:
        raise PydanticCustomError("hostname", problem)
    return text


def check_optional_hostname(value: str) -> str:
    """Pydantic field check for an optional host such as ``outbound_server``."""
    text = value.strip()
    if not text:
        return ""
    return check_hostname(text)


def normalize_network(value: str) -> str:
    """One ``additional_ips`` entry in network form (``203.0.113.10`` -> ``203.0.113.10/32``).

    Host bits set after the prefix length are refused with the network form suggested,
    since the carrier almost certainly means the whole network.
    """
    text = value.strip()
    if not text:
        raise PydanticCustomError("ip_network", "Empty entry: enter an IP address or a CIDR")
    try:
        return str(ipaddress.ip_network(text, strict=True))
    except ValueError:
        pass
    try:
        loose = ipaddress.ip_network(text, strict=False)
    except ValueError:
        raise PydanticCustomError(
            "ip_network",
            "{entry} is not an IP address or CIDR (e.g. 203.0.113.10 or 198.51.100.0/24)",
            {"entry": text},
        ) from None
    raise PydanticCustomError(
        "ip_network",
        "{entry} has host bits set after the prefix: did you mean {network}?",
        {"entry": text, "network": str(loose)},
    )


def split_ip_list(value: object) -> object:
    """Accept ``additional_ips`` as the API's ``;``-separated text or as a list."""
    if isinstance(value, str):
        return [part for part in re.split(r"[;,\s]+", value) if part]
    return value


@dataclass
class RuleError:
    """One broken cross-field rule: where (``loc``), what (``message``), extra ``ctx``."""

    loc: tuple[str | int, ...]
    message: str
    code: str = "trunk_rule"
    ctx: dict[str, object] = field(default_factory=dict)


def raise_rule_errors(title: str, errors: Sequence[RuleError]) -> None:
    """Raise one ``ValidationError`` holding every rule error (no-op when empty).

    The input is hidden from the error text: it may hold a password.
    """
    if not errors:
        return
    details: list[InitErrorDetails] = []
    for err in errors:
        details.append(
            InitErrorDetails(
                type=PydanticCustomError(err.code, _escape(err.message), err.ctx or None),
                loc=err.loc,
                input=None,
            )
        )
    raise ValidationError.from_exception_data(title, details, hide_input=True)


REDACTED = "**********"


def redact(value: object) -> object:
    """``value`` with any ``password`` key masked (for error inputs)."""
    if isinstance(value, Mapping) and "password" in value:
        return {**value, "password": REDACTED}
    return value


def scrub(exc: ValidationError) -> ValidationError:
    """The same errors with every input's password masked (``errors()`` carries inputs)."""
    details = [
        InitErrorDetails(
            type=PydanticCustomError(line["type"], _escape(line["msg"]), line.get("ctx")),
            loc=line["loc"],
            input=redact(line["input"]),
        )
        for line in exc.errors(include_url=False)
    ]
    return ValidationError.from_exception_data(exc.title, details, hide_input=True)


def _escape(text: str) -> str:
    """Braces in user text must not be read as message placeholders."""
    return text.replace("{", "(").replace("}", ")")


def error_messages(exc: ValidationError) -> dict[str, list[str]]:
    """Messages by dotted field path (``tenants.0.did_numbers``), for screens, in the
    user's words (``trunkwiz.domain.labels.user_message``: "Port must be 0–65535").

    A leading discriminator tag (``register``/``ip``/``accept_register``, present when a
    ``Trunk`` union was validated) is dropped so paths match the model's field names.
    """
    tags = {"register", "ip", "accept_register"}
    out: dict[str, list[str]] = {}
    for line in exc.errors():
        loc = list(line["loc"])
        if loc and loc[0] in tags:
            loc = loc[1:]
        key = ".".join(str(part) for part in loc)
        message = user_message(key, line["type"], str(line["msg"]), dict(line.get("ctx") or {}))
        out.setdefault(key, []).append(message)
    return out


def join_ips(values: Iterable[str]) -> str:
    """The API's ``additional_ips`` text for a list of networks."""
    return ";".join(values)
