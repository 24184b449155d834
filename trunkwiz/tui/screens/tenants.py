"""Step 6, Tenants (System Admin): pick tenants; a DID pool and call cap for each.

Every pool is checked on each keystroke against itself, the other picked tenants' pools
and the pools the PBX already holds for the same provider host (loaded once when the
screen opens). Next stays disabled while a pool has errors.

The filter never removes the list: a filter that matches nothing shows a line saying so
in the list's place, and the picks are kept in ``picked`` (taken from the list before it
is refilled), so clearing the filter shows every pick with its pool as it was.

Built for a PBX with 10,000 tenants: the list shows as soon as the tenants are read (the
PBX's pools arrive after), a keystroke is a lookup in a ``TenantIndex`` made once per
load, the list holds a window of the matches (``WINDOW`` options, grown by another window
when the highlight nears its end) rather than all of them, and keys typed faster than a
frame (one terminal read) refill the list once.
"""

from __future__ import annotations

import asyncio
import itertools
from typing import TYPE_CHECKING

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Input, SelectionList, Static
from textual.widgets.selection_list import Selection

from trunkwiz.service.draft import TenantPick
from trunkwiz.service.errors import ServiceError
from trunkwiz.service.pools import PoolSources
from trunkwiz.service.tenants import TenantIndex
from trunkwiz.tui.plain import plain, plain_styled
from trunkwiz.tui.screens.base import StepScreen
from trunkwiz.tui.screens.form import set_line
from trunkwiz.tui.widgets.compact import MarkedSelectionList, TextField
from trunkwiz.tui.widgets.didpool import DidPoolInput

if TYPE_CHECKING:
    from trunkwiz.service.draft import StepValues, WizardDraft
    from trunkwiz.service.services import Services
    from trunkwiz.service.tenants import TenantInfo
    from trunkwiz.tui.flow import Flow


#: Options the list holds at once; another window is added when the highlight nears its
#: end (a 10,000-tenant PBX is narrowed by typing, and stays fast while scrolling).
WINDOW = 100


class TenantRow(Vertical):
    """One picked tenant: its DID pool and call cap."""

    def __init__(self, pick: TenantPick, number: int) -> None:
        super().__init__(classes="tenant-row", id=f"tenant-{number}")
        self.pick = pick
        self.number = number

    def compose(self) -> ComposeResult:
        n, p = self.number, self.pick
        yield Static(plain_styled(p.tenant_name, "bold"), classes="tenant-name")
        with Horizontal(classes="row"):
            yield Static("DID pool", classes="label")
            yield DidPoolInput(p.did_numbers, allow_empty=True, id=f"tenant-{n}-did_numbers")
        yield Static("", classes="field-error", id=f"tenant-{n}-did_numbers-error")
        with Horizontal(classes="row"):
            yield Static("Max concurrent calls", classes="label")
            cap = "" if p.concurrency is None else p.concurrency
            yield TextField(cap, id=f"tenant-{n}-concurrency", type="integer", placeholder="100000")
        yield Static("", classes="field-error", id=f"tenant-{n}-concurrency-error")

    def read(self) -> TenantPick:
        """The row's current values."""
        pool = self.query_one(DidPoolInput).value.strip()
        cap = self.query_one(f"#tenant-{self.number}-concurrency", TextField).value.strip()
        return TenantPick(
            self.pick.tenant_id, self.pick.tenant_name, pool, int(cap) if cap.isdigit() else None
        )


class TenantsScreen(StepScreen):
    """Share the trunk with tenants; each gets its own DID pool and call cap."""

    STEP = "tenants"
    INTRO = "Space picks a tenant; give each one a DID pool and a call cap."
    HELP = (
        "Tenants: type to filter the list, Space picks a tenant. A DID pool is ';'-separated\n"
        "numbers and a-b ranges; it must not overlap another tenant's pool or a pool the PBX\n"
        "already holds for the same carrier host. The entry at fault is underlined."
    )
    DEFAULT_CSS = """
    TenantsScreen #pools-info.-one-line { text-wrap: nowrap; text-overflow: ellipsis; }
    TenantsScreen #tenant-none { height: 7; margin-top: 1; color: $text-warning; }
    """

    def __init__(self, services: Services, draft: WizardDraft, flow: Flow) -> None:
        super().__init__(services, draft, flow)
        self.tenants: list[TenantInfo] = []
        self.picked: dict[str, TenantPick] = {t.tenant_id: t for t in self.draft.tenants}
        self.cache: dict[str, TenantPick] = dict(self.picked)
        self.numbers: dict[str, int] = {}
        self.sources: PoolSources | None = None
        self._visible: set[str] = set()
        """The tenant ids the list shows now (in its window of the filter's matches)."""
        self.index = TenantIndex([])
        self._matches: list[int] = []
        """Positions in ``tenants`` of the filter's matches (the list holds a window)."""
        self._loaded = False
        self._fill_pending = False
        self._typed: dict[str, int] = {}
        self._typed_count = itertools.count()
        """When each tenant's pool was last typed in (the later one of two that overlap
        carries the message)."""

    def compose_body(self) -> ComposeResult:
        yield TextField("", id="tenant-search", placeholder="Filter tenants by name or domain")
        yield MarkedSelectionList(id="tenant-list", compact=True)
        none = Static("", id="tenant-none")
        none.display = False
        yield none
        yield Static("Loading tenants and existing DID pools…", classes="info", id="pools-info")
        yield Vertical(id="picked")

    async def on_mount(self) -> None:
        self.query_one("#tenant-search").focus()
        await self._sync_rows()
        self._load()

    @work(exclusive=True, group="load")
    async def _load(self) -> None:

        conn = self.services.connection
        info = self.query_one("#pools-info", Static)
        if conn is None:
            info.update("Not connected.")
            return

        async def tenants_first() -> None:
            """List the tenants as soon as they are read (the pools may take longer)."""
            self.tenants = await conn.tenants()
            self.index = TenantIndex(self.tenants)
            self._loaded = True
            self._fill_list(self.query_one("#tenant-search", TextField).value)

        try:
            _, sources = await asyncio.gather(
                tenants_first(), PoolSources.load(conn, exclude_trunk_id=self.draft.trunk_id)
            )
        except ServiceError as exc:
            info.update(plain(f"Could not load the tenants: {exc}"))
            return
        self.sources = sources
        host = str(self.draft.fields.get("hostname", ""))
        held = len(sources.owners_for(host))
        # One line at 80 columns; a long host name is cut with "…" rather than wrapped.
        info.set_class(not sources.problem, "-one-line")
        info.update(
            plain(
                sources.problem
                or f"{len(self.tenants)} tenants. Overlaps checked against {held} PBX pool(s) "
                f"for {host or 'this host'}"
            )
        )
        self._recheck_all()

    # -- the tenant list ---------------------------------------------------------------
    @on(Input.Changed, "#tenant-search")
    def _filter(self, event: Input.Changed) -> None:
        """Refill the list once for every key of one terminal read (they arrive before
        the next frame): the refill runs after the refresh, with the text as it is then."""
        event.stop()
        if not self._fill_pending:
            self._fill_pending = True
            self.call_after_refresh(self._fill_from_field)

    def _fill_from_field(self) -> None:
        self._fill_pending = False
        if self.is_attached:
            self._fill_list(self.query_one("#tenant-search", TextField).value)

    def _fill_list(self, text: str) -> None:
        """List the tenants matching ``text``; keep the highlighted one if still listed.

        Otherwise the first match is highlighted, so Tab then Space picks it at once.
        When nothing matches, a line in the list's place says so (the list stays, empty
        and hidden, keeping its picks in ``picked``).
        """
        listing: SelectionList[str] = self.query_one("#tenant-list", SelectionList)
        if self._take_selection(listing):
            self.call_later(self._sync_rows)  # a pick not handled yet (keys in one read)
        at = listing.highlighted
        before = listing.get_option_at_index(at).value if at is not None else None
        self._matches = self.index.matching(text)
        message = self.index.message(text, len(self._matches)) if self._loaded else ""
        none = self.query_one("#tenant-none", Static)
        none.update(plain(message))
        none.display = bool(message)
        listing.display = not none.display
        keep = next((n for n, i in enumerate(self._matches) if self.tenants[i].id == before), None)
        size = max(WINDOW, (keep or 0) + WINDOW // 2)
        with listing.prevent(SelectionList.SelectedChanged):
            listing.clear_options()
            self._visible = set()
            self._extend_window(listing, size)
        listing.highlighted = keep if keep is not None else (0 if self._matches else None)

    def _extend_window(self, listing: SelectionList[str], size: int) -> None:
        """Let the list hold the first ``size`` matches (adds only what it lacks)."""
        have = listing.option_count
        more = [self.tenants[i] for i in self._matches[have:size]]
        listing.add_options(
            Selection(
                plain(f"{t.name}  ({t.domain})" if t.domain else t.name, multiline=False),
                t.id,
                t.id in self.picked,
            )
            for t in more
        )
        self._visible.update(t.id for t in more)

    @on(SelectionList.SelectionHighlighted, "#tenant-list")
    def _near_the_end(self, event: SelectionList.SelectionHighlighted[str]) -> None:
        """Add the next window of matches when the highlight nears the list's end."""
        listing = self.query_one("#tenant-list", SelectionList)
        count = listing.option_count
        if event.selection_index >= count - 10 and count < len(self._matches):
            with listing.prevent(SelectionList.SelectedChanged):
                self._extend_window(listing, count + WINDOW)

    @on(SelectionList.SelectedChanged, "#tenant-list")
    async def _picked_changed(self, event: SelectionList.SelectedChanged[str]) -> None:
        self._take_selection(event.selection_list)
        await self._sync_rows()

    def _take_selection(self, listing: SelectionList[str]) -> bool:
        """Make ``picked`` follow the ticks of the tenants the list shows (the others are
        kept); whether it changed. Runs before the list is refilled, so a pick whose
        message is still queued is never lost."""
        selected = set(listing.selected)
        changed = False
        for tid in list(self.picked):
            if tid in self._visible and tid not in selected:
                self.cache[tid] = self._row_value(tid) or self.picked[tid]
                del self.picked[tid]
                changed = True
        new = [t for t in listing.selected if t not in self.picked]
        names = {t.id: t.name for t in self.tenants} if new else {}
        for tid in new:
            self.picked[tid] = self.cache.get(tid) or TenantPick(tid, names.get(tid, tid))
            changed = True
        return changed

    # -- rows ------------------------------------------------------------------------
    def _row_value(self, tenant_id: str) -> TenantPick | None:
        number = self.numbers.get(tenant_id)
        rows = self.query(f"#tenant-{number}") if number is not None else None
        return rows.first(TenantRow).read() if rows else None

    async def _sync_rows(self) -> None:
        box = self.query_one("#picked", Vertical)
        present = {row.pick.tenant_id: row for row in box.query(TenantRow)}
        for tid, row in present.items():
            if tid not in self.picked:
                await row.remove()
        new = [
            TenantRow(pick, self.numbers.setdefault(tid, len(self.numbers)))
            for tid, pick in self.picked.items()
            if tid not in present
        ]
        if new:
            await box.mount_all(new)
        self._recheck_all()

    def rows(self) -> list[TenantRow]:
        """The picked tenants' rows, in the order they were picked."""
        return [r for r in self.query(TenantRow) if r.pick.tenant_id in self.picked]

    # -- live DID checks ----------------------------------------------------------------
    @on(Input.Changed, ".tenant-row DidPoolInput")
    def _pool_typed(self, event: Input.Changed) -> None:
        row = next((a for a in event.input.ancestors if isinstance(a, TenantRow)), None)
        if row is not None:  # the pool typed last is checked against all the others
            self._typed[row.pick.tenant_id] = next(self._typed_count)
        self._recheck_all()

    def _recheck_all(self) -> None:
        """Give every pool input its siblings and the PBX's pools, and check it.

        Two pools that overlap are one fault, shown once, under the pool that made it:
        each pool is checked against the pools typed before it (then picked before it),
        so the message stands next to the field being typed, not under another tenant.
        """
        host = str(self.draft.fields.get("hostname", ""))
        index = self.sources.index_for(host) if self.sources else None
        rows = self.rows()
        order = {
            row.pick.tenant_id: (self._typed.get(row.pick.tenant_id, -1), n)
            for n, row in enumerate(rows)
        }
        pools = {
            row.pick.tenant_id: (row.pick.tenant_name, row.query_one(DidPoolInput)) for row in rows
        }
        for tid, (_, pool_input) in pools.items():
            siblings = {
                f"tenant {name}": other.pool
                for other_id, (name, other) in pools.items()
                if order[other_id] < order[tid] and other.pool is not None
            }
            pool_input.set_context(index, siblings)
        self._update_next()

    def on_did_pool_input_checked(self, event: DidPoolInput.Checked) -> None:
        """Show the pool's message and keep Next disabled while any pool has errors."""
        super().on_did_pool_input_checked(event)
        self._update_next()

    def _update_next(self) -> None:
        bad = [r for r in self.rows() if not r.query_one(DidPoolInput).ok]
        self.query_one("#next").disabled = bool(bad)
        set_line(
            self.nav_status(),
            f"Fix the DID pool of {bad[0].pick.tenant_name} to go on." if bad else "",
        )

    # -- the slice ---------------------------------------------------------------------
    def collect(self) -> StepValues:
        return {"tenants": [row.read() for row in self.rows()]}

    def error_target(self, key: str) -> str | None:
        parts = key.split(".")
        if len(parts) >= 2 and parts[0] == "tenants" and parts[1].isdigit():
            rows = self.rows()
            i = int(parts[1])
            if i < len(rows):
                field = parts[2] if len(parts) > 2 else "did_numbers"
                return f"tenant-{rows[i].number}-{field}"
        return None
