"""The trunk file's data: a valid file's entries, and the issues of an invalid one.

:class:`FileIssue` names a problem by trunk, key and line; :class:`TrunkFileError` carries
every issue of a file; :class:`TrunkFile` holds the :class:`TrunkEntry` of each valid
``[[trunk]]`` table and the :class:`~trunkwiz.domain.trunkfile._lines.LineIndex` that
places keys on lines.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from trunkwiz.domain.jsondata import JsonObject
from trunkwiz.domain.routes import TenantRoutes
from trunkwiz.domain.text import visible
from trunkwiz.domain.trunk import AnyTrunk as AnyTrunk  # the file's trunks are of any kind
from trunkwiz.domain.trunkfile._lines import LineIndex


@dataclass(frozen=True)
class FileIssue:
    """One problem of a trunk file."""

    message: str
    """What is wrong, in plain words."""
    trunk: int | None = None
    """0-based position of the ``[[trunk]]`` table (None: the file as a whole)."""
    name: str = ""
    """The trunk's name, when it has one."""
    key: str = ""
    """The key at fault: ``hostname``, ``options.keep_alive``, ``tenants[2].did_numbers``
    (tenant entries counted from 1, as a reader counts them)."""
    line: int | None = None
    """1-based line in the file, when it could be found."""

    def format(self, source: str = "") -> str:
        """``file:line: trunk #1 "name": key: message``, one line: control characters in
        the file's text (a name, a key) are shown escaped, never printed raw."""
        parts = [p for p in (source, str(self.line) if self.line else "") if p]
        head = ":".join(parts) + ": " if parts else ""
        where = ""
        if self.trunk is not None:
            where = f"trunk #{self.trunk + 1}" + (f' "{self.name}"' if self.name else "") + ": "
        return visible(f"{head}{where}{self.key + ': ' if self.key else ''}{self.message}")

    def to_dict(self) -> JsonObject:
        """A JSON-ready dict (``trunk`` counted from 1)."""
        return {
            "trunk": None if self.trunk is None else self.trunk + 1,
            "name": self.name,
            "key": self.key,
            "line": self.line,
            "message": self.message,
        }


class TrunkFileError(ValueError):
    """The file is not valid; ``issues`` lists every problem found."""

    def __init__(self, issues: Sequence[FileIssue]) -> None:
        self.issues: tuple[FileIssue, ...] = tuple(issues)
        super().__init__("; ".join(i.format() for i in self.issues) or "invalid trunk file")


@dataclass(frozen=True)
class TrunkEntry:
    """One validated ``[[trunk]]``; its tenants' ``tenant_id`` still holds the file's
    reference (name, SIP domain or id) until :func:`resolve_tenants`."""

    index: int
    """0-based position in the file."""
    trunk: AnyTrunk
    """The trunk model (validated as ``editing``: no password needed)."""
    tenant_routes: tuple[TenantRoutes, ...] = ()
    """Routes per ``[[trunk.tenants]]`` entry, in the order of ``trunk.tenants``."""
    own_routes: TenantRoutes = field(default_factory=TenantRoutes)
    """A Tenant Admin's trunk: its ``[[trunk.outbound]]``/``[[trunk.inbound]]`` rules."""

    @property
    def name(self) -> str:
        """The trunk's name."""
        return self.trunk.name


@dataclass(frozen=True)
class TrunkFile:
    """A whole valid trunk file."""

    entries: tuple[TrunkEntry, ...]
    lines: LineIndex = field(default_factory=LineIndex)

    @property
    def trunks(self) -> list[AnyTrunk]:
        """The trunk models in file order."""
        return [e.trunk for e in self.entries]

    def issue(self, index: int, key: str, message: str, tenant: int | None = None) -> FileIssue:
        """An issue about trunk ``index`` (0-based) and ``key``, with its line if known."""
        entry = self.entries[index]
        shown = f"tenants[{tenant + 1}].{key}" if tenant is not None else key
        return FileIssue(message, index, entry.name, shown, self.lines.line(index, key, tenant))
