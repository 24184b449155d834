"""Server-side checks of trunk fields, as the PBX enforces them (messages in its style).

DID pool syntax and overlaps come from :mod:`trunkwiz.domain.didpool` (the one parser of
the project); host names and address lists are checked here the way a PBX checks what it
stores, independently of the wizard's friendlier checks.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterable, Mapping
from typing import Any

from trunkwiz.domain.didpool import Collision, DidPool, check_pool
from trunkwiz.sandbox.errors import ApiError, invalid

_LABEL = re.compile(r"^[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?$")


def check_host(value: str, field: str, *, required: bool) -> None:
    """400 unless ``value`` is an IPv4/IPv6 address or a DNS name (empty allowed if optional)."""
    if value == "":
        if required:
            raise invalid(f"The {field} is required.", field)
        return
    bare = value[1:-1] if value.startswith("[") and value.endswith("]") else value
    try:
        ipaddress.ip_address(bare)
        return
    except ValueError:
        pass
    name = value[:-1] if value.endswith(".") else value
    labels = name.split(".")
    if (
        len(name) > 253
        or not all(_LABEL.match(label) for label in labels)
        or all(label.isdigit() for label in labels)
    ):
        raise invalid(f"The {field} '{value}' is not a valid host name or IP address.", field)


def check_additional_ips(value: str) -> None:
    """400 unless ``value`` is ``;``-separated IPv4/IPv6 addresses or CIDR networks."""
    if value == "":
        return
    for part in value.split(";"):
        text = part.strip()
        try:
            if not text:
                raise ValueError("empty")
            ipaddress.ip_network(text, strict=False)
        except ValueError:
            raise invalid(
                f"The associated IP address '{part}' is not a valid IP address or CIDR "
                "(use ';' between entries, e.g. 203.0.113.10/32;198.51.100.0/24).",
                "additional_ips",
            ) from None


def parse_did_numbers(value: str, field: str = "did_numbers") -> DidPool:
    """The pool of ``value`` or 400 naming the first bad entry (an empty text is allowed)."""
    if value.strip() == "":
        return DidPool.empty()
    check = check_pool(value)
    if not check.ok:
        issue = check.errors[0]
        raise invalid(f"Invalid DID/DDI pool: {issue.message}", field)
    return check.pool


def overlap_error(collision: Collision, owner: str, field: str = "did_numbers") -> ApiError:
    """The PBX's 400 for a pool entry overlapping ``owner``'s (a label like tenant 'Acme')."""
    return invalid(
        f"The DID/DDI pool entry '{collision.entry.text}' overlaps "
        f"'{collision.other_entry.text}' of {owner}; DID/DDI pools of the tenants of a trunk "
        "must not overlap.",
        field,
    )


def check_accept_register_host(hostname: str, tenants: Iterable[Mapping[str, Any]]) -> None:
    """400 when an Accept-Register trunk's host equals a tenant's SIP domain.

    The gateway registers under the trunk's host, so the PBX refuses a host that is the SIP
    domain of a tenant (compared case-insensitively, a trailing dot ignored).
    """
    host = hostname.strip().rstrip(".").lower()
    for tenant in tenants:
        domain = str(tenant.get("domain") or "").strip().rstrip(".").lower()
        if domain and domain == host:
            raise invalid(
                f"The host '{hostname}' of an Accept Register trunk must not be the SIP "
                f"domain of tenant '{tenant.get('name') or tenant.get('id')}'.",
                "hostname",
            )
