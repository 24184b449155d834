"""The PBX's objects as ``PbxClient`` returns them: small frozen pydantic models, checked at
the edge, so nothing above the client indexes a JSON mapping from the PBX.

``Transport`` (one SIP listener, ``GET /transports``), ``Network`` (the PBX's addresses,
``GET /network``), ``Assignee`` (a tenant a trunk is shared with,
``GET /providers/{id}/assignees``) and ``Tenant`` (``GET /tenants``). ``parse`` and
``parse_items`` turn a decoded answer into them; a wrong shape is a ``BadAnswer`` naming
the method, path and field, never the value (e.g. ``GET /transports: items[1].port: the
PBX sent an object where a port number belongs``).

Lenient where the PBX may be: a missing or ``null`` field reads as empty, a port sent as
``"5060"`` is 5060, a port of 0 or ``""`` is no port, a call cap sent as ``"20"`` is 20,
an id sent as a number is its digits. Every field the model does not name is kept
(``extra="allow"``; ``model_dump()`` gives the whole object back), so an object read and
written back loses nothing.

The next ones go here too, one model per object the client reads: the trunk
(``GET /providers/{id}``, written back by ``update_provider``) and the inbound/outbound
rules.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TypeVar

from pydantic import BaseModel, ConfigDict, ValidationError, field_validator

from trunkwiz.pbx.errors import BadAnswer

_M = TypeVar("_M", bound="PbxObject")


def _kind(value: object) -> str:
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, dict):
        return "an object"
    if isinstance(value, list):
        return "a list"
    return "a string" if isinstance(value, str) else type(value).__name__


def _text(value: object) -> str:
    """A string field: missing or ``null`` is empty; anything but a string is refused."""
    if value is None:
        return ""
    if not isinstance(value, str):
        raise ValueError(f"the PBX sent {_kind(value)} where a string belongs")
    return value


def _id_text(value: object) -> str:
    """An id: a string, or a number read as its digits; missing or ``null`` is empty."""
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return _text(value)


def _whole_number(value: object) -> int | None:
    """A whole number as the PBX may send one (``5060``, ``5060.0``, ``"5060"``, ``" 7 "``);
    None for anything else (a boolean, a fraction, other text, an object, a list)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and value.strip().isascii() and value.strip().isdigit():
        return int(value.strip())
    return None


def _optional_whole(value: object, what: str) -> int | None:
    """A whole number (``_whole_number``), None when missing, ``null`` or ``""``; anything
    else is refused, saying it is not ``what``."""
    if value is None or value == "":
        return None
    number = _whole_number(value)
    if number is None:
        raise ValueError(f"the PBX sent {_kind(value)} where {what} belongs")
    return number


class PbxObject(BaseModel):
    """An object read from the PBX: immutable, every unmodelled field kept."""

    model_config = ConfigDict(extra="allow", frozen=True)


class Transport(PbxObject):
    """One SIP listener of the PBX (``GET /transports``)."""

    id: str = ""
    protocol: str = ""
    """As the PBX spells it (``UDP``, ``TCP``, ``TLS``, …); compare with ``speaks``."""
    port: int | None = None
    """The listening port; None when the PBX gives none (missing, ``null``, 0, ``""``)."""
    verification: str = ""
    """TLS client certificates: ``DISABLE``, ``OPTIONAL`` or ``MANDATORY``."""

    @field_validator("id", mode="before")
    @classmethod
    def _id(cls, value: object) -> str:
        return _id_text(value)

    @field_validator("protocol", "verification", mode="before")
    @classmethod
    def _texts(cls, value: object) -> str:
        return _text(value)

    @field_validator("port", mode="before")
    @classmethod
    def _port(cls, value: object) -> int | None:
        number = _optional_whole(value, "a port number")
        if number is None:
            return None
        if not 0 <= number <= 65535:
            raise ValueError("the PBX sent a port outside 0-65535")
        return number or None

    def speaks(self, protocol: str) -> bool:
        """Whether this listener is for ``protocol`` (case-insensitive)."""
        return self.protocol.strip().upper() == protocol.strip().upper()


def port_for(transports: Sequence[Transport], protocol: str) -> int | None:
    """The port of the PBX's first ``protocol`` listener that has one, or None."""
    return next((t.port for t in transports if t.speaks(protocol) and t.port), None)


class Network(PbxObject):
    """The PBX's addresses (``GET /network``); empty strings where the PBX has none."""

    web_domain: str = ""
    private_ipv4: str = ""
    public_ipv4: str = ""
    """The address a carrier reaches (to whitelist there); empty when not set."""
    enable_ipv6: bool | None = None
    private_ipv6: str = ""
    public_ipv6: str = ""
    primary_dns_server: str = ""
    secondary_dns_server: str = ""

    @field_validator(
        "web_domain",
        "private_ipv4",
        "public_ipv4",
        "private_ipv6",
        "public_ipv6",
        "primary_dns_server",
        "secondary_dns_server",
        mode="before",
    )
    @classmethod
    def _texts(cls, value: object) -> str:
        return _text(value)

    @field_validator("enable_ipv6", mode="before")
    @classmethod
    def _flag(cls, value: object) -> bool | None:
        if value is None or isinstance(value, bool):
            return value
        raise ValueError(f"the PBX sent {_kind(value)} where true or false belongs")


class Assignee(PbxObject):
    """A tenant a trunk is shared with: an item of ``GET /providers/{id}/assignees``, or
    ``GET /providers/{id}/assignees/{tenant_id}`` (which has no ``tenant_id``)."""

    tenant_id: str = ""
    """Empty when the PBX gives none (callers skip such an item)."""
    did_numbers: str = ""
    """The tenant's DID pool on this trunk (``3000;12000-18000``); empty when none."""
    concurrency: int | None = None
    """The tenant's cap of concurrent calls; None when the PBX gives none."""

    @field_validator("tenant_id", "did_numbers", mode="before")
    @classmethod
    def _texts(cls, value: object) -> str:
        return _id_text(value)

    @field_validator("concurrency", mode="before")
    @classmethod
    def _cap(cls, value: object) -> int | None:
        number = _optional_whole(value, "a number of calls")
        if number is not None and number < 0:
            raise ValueError("the PBX sent a negative number of calls")
        return number

    @property
    def cap(self) -> int:
        """``concurrency``, 0 when the PBX gives none."""
        return self.concurrency or 0


class Tenant(PbxObject):
    """One tenant of the PBX (an item of ``GET /tenants``, or ``GET /tenants/{id}``)."""

    id: str = ""
    name: str = ""
    domain: str = ""
    """The tenant's SIP domain; empty when the PBX gives none."""

    @field_validator("id", "name", "domain", mode="before")
    @classmethod
    def _texts(cls, value: object) -> str:
        return _id_text(value)

    @property
    def label(self) -> str:
        """The tenant's name, or its id when it has none."""
        return self.name or self.id


def _where(loc: tuple[int | str, ...]) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else f".{part}" if out else str(part)
    return out


def _refused(exc: ValidationError, what: str, prefix: tuple[int | str, ...]) -> BadAnswer:
    error = exc.errors(include_url=False, include_input=False)[0]
    message = str(error["msg"]).removeprefix("Value error, ")
    if error["type"] == "model_type":
        message = "the PBX sent something else where an object belongs"
    where = _where(prefix + tuple(error["loc"]))
    return BadAnswer(f"{what}: {where}: {message}" if where else f"{what}: {message}")


def parse(model: type[_M], body: object, what: str) -> _M:
    """``body`` (a decoded JSON object) as ``model``; ``BadAnswer`` naming the field if not."""
    try:
        return model.model_validate(body)
    except ValidationError as exc:
        raise _refused(exc, what, ()) from None


def parse_items(model: type[_M], items: Sequence[object], what: str) -> list[_M]:
    """The objects of a paged list as ``model``; ``BadAnswer`` naming ``items[i].field``."""
    out: list[_M] = []
    for index, item in enumerate(items):
        try:
            out.append(model.model_validate(item))
        except ValidationError as exc:
            raise _refused(exc, what, ("items", index)) from None
    return out
