"""The PBX's objects as ``PbxClient`` returns them: small frozen pydantic models, checked at
the edge, so nothing above the client indexes a JSON mapping from the PBX.

``Transport`` (one SIP listener, ``GET /transports``), ``Network`` (the PBX's addresses,
``GET /network``), ``Assignee`` (a tenant a trunk is shared with,
``GET /providers/{id}/assignees``), ``Tenant`` (``GET /tenants``), ``TrunkSummary`` (an
item of ``GET /providers``) and ``Trunk`` (``GET /providers/{id}``). ``parse`` and
``parse_items`` turn a decoded answer into them; a wrong shape is a ``BadAnswer`` naming
the method, path and field, never the value (e.g. ``GET /transports: items[1].port: the
PBX sent an object where a port number belongs``).

Lenient where the PBX may be: a missing or ``null`` field reads as empty (a trunk's
fields as None, where "not given" matters), a port sent as ``"5060"`` is 5060, a port of
0 or ``""`` is no port, a call cap sent as ``"20"`` is 20, an id sent as a number is its
digits. Every field the model does not name is kept (``extra="allow"``; ``model_dump()``
gives the whole object back), so an object read and written back loses nothing.

The parts: ``_read`` (``PbxObject``, the readers, the field types made of them,
``parse``), ``_network``, ``_tenants``, ``_trunk``; import every name from here. A field
is declared with the type of its reading (``id: IdText = ""``, ``port: PortNumber =
None``): ``Text``, ``IdText``, ``OptionalText``, ``Flag`` (true or false only),
``OptionalFlag`` (a switch, also 1/0 or text), ``ObjectField``, and the whole numbers,
each named for the message that refuses it: ``PortNumber``, ``WholeNumber``,
``CallCount``, ``Priority``, ``DigitCount``. The rules' models (``trunkwiz.pbx.rules``,
``_objects``) are built on the same base, types and readers.
"""

from __future__ import annotations

from trunkwiz.pbx.objects._network import Network, Transport, port_for
from trunkwiz.pbx.objects._read import (
    CallCount,
    DigitCount,
    Flag,
    IdText,
    ObjectField,
    OptionalFlag,
    OptionalText,
    PbxObject,
    PortNumber,
    Priority,
    Text,
    WholeNumber,
    kind_of,
    parse,
    parse_items,
)
from trunkwiz.pbx.objects._tenants import Assignee, Tenant
from trunkwiz.pbx.objects._trunk import Trunk, TrunkSummary

__all__ = [
    "Assignee",
    "CallCount",
    "DigitCount",
    "Flag",
    "IdText",
    "Network",
    "ObjectField",
    "OptionalFlag",
    "OptionalText",
    "PbxObject",
    "PortNumber",
    "Priority",
    "Tenant",
    "Text",
    "Transport",
    "Trunk",
    "TrunkSummary",
    "WholeNumber",
    "kind_of",
    "parse",
    "parse_items",
    "port_for",
]
