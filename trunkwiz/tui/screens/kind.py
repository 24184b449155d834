"""Step 2, Trunk kind: a new trunk's kind, or an existing trunk to edit or delete."""

from __future__ import annotations

from typing import TYPE_CHECKING

from pydantic import ValidationError
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Button, OptionList, RadioButton, RadioSet, Static

from trunkwiz.domain.text import visible
from trunkwiz.service.connection import close_names
from trunkwiz.service.edit import draft_values
from trunkwiz.service.errors import ServiceError
from trunkwiz.service.routes import delete_trunk
from trunkwiz.tui.plain import plain
from trunkwiz.tui.screens.base import StepResult, StepScreen
from trunkwiz.tui.screens.form import set_line, show_note
from trunkwiz.tui.screens.manage import DeleteTrunkScreen
from trunkwiz.tui.widgets.compact import CompactButton, MarkedRadioButton
from trunkwiz.tui.widgets.trunklist import TrunkList

if TYPE_CHECKING:
    from trunkwiz.service.draft import StepValues, WizardDraft
    from trunkwiz.service.services import Services
    from trunkwiz.service.trunk_rows import TrunkRow
    from trunkwiz.tui.flow import Flow

KIND_LABELS = {
    "register": "Register-Based: the PBX registers to the carrier with an account",
    "ip": "IP-Based: the carrier accepts calls from the PBX's public IP",
    "accept_register": "Accept Register: the carrier or gateway registers to the PBX",
}

#: Column header of the trunk list until the list lays its columns out.
LIST_HEADER = "  Name  Kind  Brand  Host  Tenants  Status"


class KindScreen(StepScreen):
    """Choose the kind of a new trunk, or pick an existing trunk to edit or delete."""

    STEP = "kind"
    INTRO = "What kind of trunk does the carrier offer?"
    HELP = (
        "Kind: Register-Based trunks log in to the carrier with an account; IP-Based\n"
        "trunks are recognised by the PBX's IP (System Admin only, one per carrier host);\n"
        "with Accept Register the carrier or gateway logs in to the PBX.\n"
        "Or pick an existing trunk below: Enter edits it, Delete removes it (asks first)."
    )
    BINDINGS = [Binding("delete", "delete_trunk", "Delete trunk")]

    def __init__(self, services: Services, draft: WizardDraft, flow: Flow) -> None:
        super().__init__(services, draft, flow)
        self.rows: dict[str, TrunkRow] = {}

    @property
    def editing(self) -> bool:
        """Whether the draft edits an existing trunk (its kind is then fixed)."""
        return self.draft.trunk_id is not None

    def compose_body(self) -> ComposeResult:
        current = self.draft.kind or "register"
        with RadioSet(id="kind"):
            for kind, label in KIND_LABELS.items():
                yield MarkedRadioButton(label, value=kind == current, id=f"kind-{kind}")
        yield Static("", classes="note", id="kind-reason")
        yield Static("", classes="field-error", id="kind-error")
        if self.editing:
            yield CompactButton("New trunk instead", id="new-trunk")
        yield Static("Or an existing trunk (Enter edits, Delete removes):", classes="info")
        yield Static(LIST_HEADER, classes="info list-header", id="trunks-header")
        yield TrunkList(id="trunks")
        yield Static("", classes="field-error", id="trunks-error")

    def on_mount(self) -> None:
        conn = self.services.connection
        reasons = []
        if self.editing:
            name = self.draft.fields.get("name", "")
            for button in self.query(RadioButton).results(RadioButton):
                button.disabled = True
            reasons.append(
                f"Editing trunk {name}: its kind and brand cannot change (the PBX has no way to "
                "change them; delete the trunk and create it again)."
            )
        elif conn is not None and conn.level == "tenant":
            ip = self.query_one("#kind-ip", RadioButton)
            ip.disabled = True
            if ip.value:
                self.query_one("#kind-register", RadioButton).value = True
            reasons.append(
                f"IP-Based is not offered: you are signed in as Tenant Admin of {conn.domain}; "
                "only the System Admin can create IP-Based trunks and share them."
            )
        show_note(self.query_one("#kind-reason", Static), "\n".join(reasons))
        self.query_one("#trunks" if self.editing else "#kind").focus()
        self._load_trunks()

    @work(exclusive=True, group="trunks")
    async def _load_trunks(self) -> None:
        listing = self.query_one("#trunks", TrunkList)
        conn = self.services.connection
        if conn is None:
            listing.show_note("Not connected.")
            return
        try:
            rows = await conn.trunk_rows()
        except ServiceError as exc:
            listing.show_note(plain(f"Could not list trunks: {exc}", multiline=False))
            self._refuse_pending(f"could not list the trunks: {exc}", code=1)
            return
        self.rows = {row.id: row for row in rows}
        if rows:
            listing.show_rows(rows)
        else:
            listing.show_note("No trunks yet.")
        wanted = self.app_pending_trunk()
        if wanted:
            self._open_by_name(wanted, rows)

    @on(TrunkList.Columns, "#trunks")
    def _columns(self, event: TrunkList.Columns) -> None:
        """The header follows the list's columns (laid out to its width)."""
        self.query_one("#trunks-header", Static).update(plain(f"  {event.header}"))

    def app_pending_trunk(self) -> str | None:
        """The trunk name ``trunkwiz edit NAME`` asked for (taken once), if any."""
        take = getattr(self.app, "take_pending_trunk", None)
        return take() if take is not None else None

    def _open_by_name(self, name: str, rows: list[TrunkRow]) -> None:
        folded = name.strip().casefold()
        found = next((r for r in rows if r.name.strip().casefold() == folded), None)
        if found is not None:
            self._open(found.id, asked=name)
            return
        names = [r.name for r in rows]
        close = close_names(name, names)
        if close:
            hint = f" Close names: {', '.join(close)}."
        elif names:
            more = ", …" if len(names) > 8 else ""
            hint = f" Trunks on this PBX: {', '.join(names[:8])}{more}."
        else:
            hint = " There are no trunks yet."
        self._refuse(f"No trunk named {name!r} on this PBX.{hint}", code=2)

    def _refuse_pending(self, why: str, *, code: int) -> None:
        """The trunk ``trunkwiz edit NAME`` asked for cannot be opened (if one was asked)."""
        wanted = self.app_pending_trunk()
        if wanted:
            self._refuse(f"Cannot open trunk {wanted!r}: {why}", code=code)

    def _refuse(self, line: str, *, code: int) -> None:
        """Say why ``trunkwiz edit NAME`` cannot open NAME: the edit command's App leaves at
        once and prints ``line`` (exit ``code``); any other App shows it under the list."""
        refuse = getattr(self.app, "refuse_edit", None)
        if refuse is not None:
            refuse(line, code)
        else:
            self.show_errors({"trunks": line})

    # -- the slice ------------------------------------------------------------------------
    def go_next(self) -> None:
        """Next, unless a trunk is being opened: that already moves on (or says why not)."""
        opening = any(
            w.node is self and w.group == "open" and not w.is_finished for w in self.app.workers
        )
        if not opening:
            super().go_next()

    def chosen_kind(self) -> str:
        """The kind whose radio button is on."""
        pressed = self.query_one("#kind", RadioSet).pressed_button
        return (pressed.id or "kind-register").removeprefix("kind-") if pressed else "register"

    def collect(self) -> StepValues:
        if self.editing:
            return {"kind": self.draft.kind, "trunk_id": self.draft.trunk_id}
        return {"kind": self.chosen_kind(), "trunk_id": None}

    def check(self, values: StepValues) -> dict[str, str]:
        conn = self.services.connection
        if values["kind"] == "ip" and conn is not None and conn.level == "tenant":
            return {"kind": "Only the System Admin can create IP-Based trunks."}
        return {}

    @on(Button.Pressed, "#new-trunk")
    def _new_trunk(self, event: Button.Pressed) -> None:
        """Leave the edit: the same step again, for a new trunk."""
        event.stop()
        self.leave(StepResult("stay", {"reset": True, "kind": None}))

    # -- open an existing trunk -----------------------------------------------------------
    @on(OptionList.OptionSelected, "#trunks")
    def _edit_trunk(self, event: OptionList.OptionSelected) -> None:
        if event.option.id:
            self._open(event.option.id)

    @work(exclusive=True, group="open")
    async def _open(self, trunk_id: str, asked: str | None = None) -> None:
        """Open the trunk for editing; ``asked`` is the name ``trunkwiz edit`` was given
        (then a trunk that cannot be opened ends the command, saying why)."""

        conn = self.services.connection
        assert conn is not None
        row = self.rows.get(trunk_id)
        if row is not None and row.shared and conn.level == "tenant":
            why = f"{row.name} is shared by the System Admin: only they can change it."
            if asked is not None:
                self._refuse(why, code=2)
            else:
                self.show_errors({"trunks": why})
            return
        self.nav_status().update("Opening the trunk…")
        try:
            trunk = await conn.load_trunk(trunk_id)
        except (ServiceError, ValueError, ValidationError) as exc:
            self.nav_status().update("")
            if asked is not None:
                self._refuse(f"Cannot open trunk {asked!r}: {exc}", code=1)
            else:
                self.show_errors({"trunks": f"Cannot edit this trunk: {exc}"})
            return
        self.leave(StepResult("next", {"reset": True, **draft_values(trunk, trunk_id)}))

    # -- delete ---------------------------------------------------------------------------
    def action_delete_trunk(self) -> None:
        """Delete the highlighted trunk after its name is typed (a dialog asks)."""
        listing = self.query_one("#trunks", OptionList)
        index = listing.highlighted
        option = listing.get_option_at_index(index) if index is not None else None
        row = self.rows.get(option.id or "") if option is not None else None
        conn = self.services.connection
        if row is None or conn is None:
            self.notify("Highlight a trunk in the list first.", severity="warning")
            return

        async def delete(remove_rules: bool = False) -> None:
            await delete_trunk(conn, row.id, row.name, remove_rules=remove_rules)

        def done(deleted: bool | None) -> None:
            if deleted:
                self._deleted(row)

        self.app.push_screen(DeleteTrunkScreen(row.name, delete), callback=done)

    def _deleted(self, row: TrunkRow) -> None:
        self.notify(f"Trunk {visible(row.name)} was deleted.", markup=False)
        set_line(self.query_one("#trunks-error", Static), "")
        self._forget_password(row.name)
        self._load_trunks()

    @work(thread=True, group="keyring")
    def _forget_password(self, name: str) -> None:
        """The deleted trunk's SIP password leaves the keyring too (if it was kept)."""
        conn = self.services.connection
        if conn is not None:
            self.services.forget_trunk_password_if_kept(conn.url, name)
