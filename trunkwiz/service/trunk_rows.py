"""The trunk list: one ``TrunkRow`` per trunk the PBX holds, with its kind, tenants and
live status, read concurrently (``read_trunk_rows``; ``Connection.trunk_rows`` is the way
the screens and ``trunkwiz status`` call it). A read the PBX refuses never hides a trunk:
its row says what is unknown and why (``unread``). ``TrunkLookup`` finds a trunk by the
name a command is given (``Connection.trunk_lookup``)."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from trunkwiz.domain.options import TrunkKind
from trunkwiz.pbx.errors import PbxError

if TYPE_CHECKING:
    from trunkwiz.pbx.client import PbxClient
    from trunkwiz.pbx.objects import Assignee, Trunk, TrunkSummary


@dataclass(frozen=True)
class TrunkRow:
    """One line of the trunk list: name, kind, brand, host, tenants and live status.

    A read that failed (the trunk's status, its detail or its assignees) does not hide the
    trunk: the row keeps what the list itself gave and ``problems`` says what is unknown.
    """

    id: str
    name: str
    kind: str
    brand: str
    host: str
    status: str
    """``ONLINE``, ``OFFLINE``, or ``UNKNOWN`` when the status could not be read."""
    tenants: tuple[str, ...] = ()
    """Names of the tenants the trunk is shared with (System Admin; empty otherwise)."""
    shared: bool = False
    """True for a System Admin's trunk (a Tenant Admin sees it read-only)."""
    problems: tuple[str, ...] = ()
    """What could not be read, one line each (``status unknown: 403 permission denied``)."""

    @property
    def tenants_text(self) -> str:
        """The tenants column: ``-``, the one tenant's name, or ``N tenants``."""
        if not self.tenants:
            return "-"
        if len(self.tenants) == 1:
            return self.tenants[0]
        return f"{len(self.tenants)} tenants"

    @property
    def status_text(self) -> str:
        """The status column: the live status, or what could not be read."""
        return "; ".join(self.problems) if self.problems else self.status


@dataclass(frozen=True)
class TrunkLookup:
    """The trunks of ``GET /providers`` found by name, as every command names a trunk:
    the name exactly (spaces around it ignored), else the name in any case."""

    summaries: tuple[TrunkSummary, ...]

    @property
    def names(self) -> list[str]:
        """Every trunk's name, in the PBX's order."""
        return [s.name for s in self.summaries]

    def matching(self, name: str) -> list[TrunkSummary]:
        """The trunks called ``name``: those with the exact name, else those whose name
        equals it case-folded (empty when none)."""
        wanted = name.strip()
        exact = [s for s in self.summaries if s.name.strip() == wanted]
        if exact:
            return exact
        folded = wanted.casefold()
        return [s for s in self.summaries if s.name.strip().casefold() == folded]

    def id_of(self, name: str) -> str | None:
        """The id of the (first) trunk called ``name`` (``matching``), None when none."""
        found = self.matching(name)
        return found[0].id if found else None


def unread(what: str, exc: Exception) -> str:
    """``WHAT unknown: 403 permission denied (…)``: one line saying why a read failed
    (the PBX's words, without the request line)."""
    said = str(exc).strip()
    head, sep, rest = said.partition(": ")
    if sep and head.split(" ", 1)[0] in {"GET", "POST", "PUT", "PATCH", "DELETE"}:
        said = rest  # "GET /providers/7/status: permission denied (…)" -> the reason
    status = exc.status if isinstance(exc, PbxError) else None
    return f"{what} unknown: {f'{status} ' if status else ''}{said or type(exc).__name__}"


async def read_trunk_rows(
    client: PbxClient,
    *,
    system_admin: bool,
    tenant_names: Callable[[], Awaitable[dict[str, str]]],
    limit: int = 8,
) -> list[TrunkRow]:
    """Every trunk with its kind, tenants and live status (details read concurrently).

    Only the list itself (``GET /providers``) must be read: a trunk whose status,
    detail or assignees the PBX refuses (or a tenant list it refuses) is still a row,
    with what is unknown in ``problems``.
    """
    summaries = await client.providers()
    gate = asyncio.Semaphore(limit)
    names: dict[str, str] = {}
    names_problem = ""
    if summaries:
        try:
            names = await tenant_names()
        except PbxError as exc:
            names_problem = unread("tenant names", exc)

    async def status_of(pid: str) -> str | PbxError:
        try:
            return await client.status(pid)
        except PbxError as exc:
            return exc

    async def detail_of(pid: str) -> Trunk | PbxError:
        try:
            return await client.provider(pid)
        except PbxError as exc:
            return exc

    async def assignees_of(pid: str) -> list[Assignee] | PbxError:
        # as read_trunk: a Tenant Admin may not read assignees (the PBX answers 403)
        if not system_admin:
            return []
        try:
            return list(await client.assignees(pid))
        except PbxError as exc:
            return exc

    async def row(item: TrunkSummary) -> TrunkRow:
        pid = item.id
        async with gate:
            detail, assignees, status = await asyncio.gather(
                detail_of(pid), assignees_of(pid), status_of(pid)
            )
        problems: list[str] = []
        if isinstance(status, PbxError):
            problems.append(unread("status", status))
            status = "UNKNOWN"
        held = None
        if isinstance(detail, PbxError):
            problems.append(unread("details", detail))
        else:
            held = detail
        if isinstance(assignees, PbxError):
            problems.append(unread("tenants", assignees))
            assignees = []
        mode = (held.auth_mode if held else None) or ""
        try:
            kind = TrunkKind.from_auth_mode(mode).value
        except ValueError:
            kind = mode.lower() or "?"
        if assignees and names_problem:
            problems.append(names_problem)
        tenants = tuple(sorted(names.get(a.tenant_id, a.tenant_id) for a in assignees))
        shared = held.shared if held is not None and held.shared is not None else item.shared
        return TrunkRow(
            id=pid,
            name=item.name or (held.name if held else None) or pid,
            kind=kind,
            brand=item.brand or (held.brand if held else None) or "",
            host=item.hostname or (held.hostname if held else None) or "",
            status=status,
            tenants=tenants,
            shared=bool(shared),
            problems=tuple(problems),
        )

    rows = await asyncio.gather(*(row(item) for item in summaries))
    return sorted(rows, key=lambda r: r.name.lower())
