"""Request bodies of ``POST /providers`` (create) and ``POST /providers/{id}`` (update).

Both start from a trunk's full API field set (``TrunkBase.api_fields``). Every key sent is
a property of the v22 request schema; nothing else is invented.
"""

from __future__ import annotations

import ipaddress

from trunkwiz.domain.didpool import DidPool, DidPoolError
from trunkwiz.domain.fields import IMMUTABLE_FIELDS  # fields the update body lacks
from trunkwiz.domain.jsondata import JsonObject


def build_create_payload(fields: JsonObject, password: str | None) -> JsonObject:
    """The create body: ``fields`` without an empty ``additional_ips``, plus ``password``."""
    body = dict(fields)
    if not body.get("additional_ips"):
        body.pop("additional_ips", None)
    if password is not None:
        body["password"] = password
    return body


def build_update_payload(
    fields: JsonObject, current: JsonObject | None, password: str | None
) -> JsonObject:
    """The update body: all mutable fields, or only those differing from ``current``.

    An emptied ``additional_ips`` is sent as ``""`` so the PBX clears its list.
    """
    body = {k: v for k, v in fields.items() if k not in IMMUTABLE_FIELDS}
    if current is not None:
        body = {k: v for k, v in body.items() if not same_value(k, v, current.get(k))}
    if password is not None:
        body["password"] = password
    return body


def same_value(key: str, wanted: object, current: object) -> bool:
    """Whether the PBX's ``current`` value already means ``wanted`` for field ``key``.

    ``additional_ips`` compares as a set of networks and ``did_numbers`` as the set of
    numbers, so a reordered or reformatted but equal value is no change.
    """
    if current is None:
        return False
    if key == "additional_ips":
        return _networks(wanted) == _networks(current)
    if key == "did_numbers":
        return _same_pool(str(wanted), str(current))
    if isinstance(wanted, bool) or isinstance(current, bool):
        return wanted is current
    if isinstance(wanted, str) and isinstance(current, str):
        return wanted.strip() == current.strip()
    return bool(wanted == current)


def _networks(value: object) -> set[str]:
    items = value if isinstance(value, list) else str(value).replace(",", ";").split(";")
    out: set[str] = set()
    for item in items:
        text = str(item).strip()
        if not text:
            continue
        try:
            out.add(str(ipaddress.ip_network(text, strict=False)))
        except ValueError:
            out.add(text)
    return out


def _same_pool(wanted: str, current: str) -> bool:
    if wanted.strip() == current.strip():
        return True
    try:
        return DidPool.parse(wanted).intervals == DidPool.parse(current).intervals
    except DidPoolError:
        return False
