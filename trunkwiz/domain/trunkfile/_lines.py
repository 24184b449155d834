"""Best-effort line numbers for keys of a trunk file, for error messages.

``tomllib`` gives values, not positions, so this scans the text once: it follows the
``[[trunk]]``, ``[[trunk.tenants]]`` and ``[trunk.options]`` headers and records the line
of each ``key =``. A key that cannot be found (inline tables, unusual quoting) falls back
to its table's header line, then to the trunk's header line, then to ``None``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

_HEADER = re.compile(r"^\s*(\[\[?)\s*([^\]]*?)\s*\]\]?\s*(?:#.*)?$")
_ROUTE_HEADERS = frozenset(
    {"trunk.outbound", "trunk.inbound", "trunk.tenants.outbound", "trunk.tenants.inbound"}
)
_KEY = re.compile(r"""^\s*(?:"([^"]+)"|'([^']+)'|([A-Za-z0-9_-]+))\s*=""")

Place = tuple[int, int | None, str]
"""(trunk index, tenant index or None, section: ``trunk``, ``tenants``, ``options``)."""


@dataclass
class LineIndex:
    """Where each trunk, tenant entry, options table and key starts (1-based lines)."""

    headers: dict[Place, int] = field(default_factory=dict)
    keys: dict[tuple[Place, str], int] = field(default_factory=dict)

    @classmethod
    def scan(cls, text: str) -> LineIndex:
        """Index ``text`` (never raises; unknown layouts just give fewer lines)."""
        index = cls()
        trunk = -1
        tenant = -1
        place: Place | None = None
        rules: dict[tuple[int, int | None, str], int] = {}
        for number, line in enumerate(text.splitlines(), start=1):
            header = _HEADER.match(line)
            if header and not line.lstrip().startswith("#"):
                array, name = header.group(1) == "[[", header.group(2).replace(" ", "")
                if array and name == "trunk":
                    trunk, tenant = trunk + 1, -1
                    place = (trunk, None, "trunk")
                elif array and name == "trunk.tenants" and trunk >= 0:
                    tenant += 1
                    place = (trunk, tenant, "tenants")
                elif not array and name == "trunk.options" and trunk >= 0:
                    place = (trunk, None, "options")
                elif array and name in _ROUTE_HEADERS and trunk >= 0:
                    kind = name.rpartition(".")[2]
                    owner = tenant if name.startswith("trunk.tenants.") and tenant >= 0 else None
                    count = rules[(trunk, owner, kind)] = rules.get((trunk, owner, kind), -1) + 1
                    place = (trunk, owner, f"{kind}[{count}]")
                else:
                    place = None
                    continue
                index.headers.setdefault(place, number)
                continue
            key = _KEY.match(line)
            if key and place is not None:
                name = key.group(1) or key.group(2) or key.group(3)
                index.keys.setdefault((place, name), number)
        return index

    def line(self, trunk: int, key: str = "", tenant: int | None = None) -> int | None:
        """The line of ``key`` in trunk ``trunk`` (0-based), in tenant entry ``tenant``
        or, for ``options.X`` keys, in its options table."""
        section = "trunk"
        name = key
        if tenant is not None:
            section = "tenants"
        elif key.startswith("options.") or key == "options":
            section, name = "options", key.partition(".")[2]
        place: Place = (trunk, tenant, section)
        found = self.keys.get((place, name)) if name else None
        if found is None and section == "options":
            found = self.keys.get(((trunk, None, "trunk"), "options"))
        if found is None and section == "tenants" and not name:
            found = self.keys.get(((trunk, None, "trunk"), "tenants"))
        if found is None:
            found = self.headers.get(place)
        if found is None:
            found = self.headers.get((trunk, None, "trunk"))
        return found

    def route_line(
        self, trunk: int, tenant: int | None, kind: str, rule: int | None, key: str = ""
    ) -> int | None:
        """The line of ``key`` in the ``rule``-th (0-based) ``[[…outbound]]`` or
        ``[[…inbound]]`` table of a tenant entry (or of the trunk, ``tenant=None``)."""
        if rule is not None:
            place: Place = (trunk, tenant, f"{kind}[{rule}]")
            found = self.keys.get((place, key)) if key else None
            if found is None:
                found = self.headers.get(place)
            if found is not None:
                return found
        return self.line(trunk, kind, tenant)
