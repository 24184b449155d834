"""Step 2, Trunk kind: Register-Based or IP-Based, or open an existing trunk to edit."""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.widgets import Label, OptionList, RadioButton, RadioSet, Static
from textual.widgets.option_list import Option

from trunkwiz.tui.screens.base import StepResult, StepScreen, show_note

KIND_LABELS = {
    "register": "Register-Based: the PBX registers to the carrier with an account",
    "ip": "IP-Based: the carrier accepts calls from the PBX's public IP",
}


class KindScreen(StepScreen):
    """Choose the kind of a new trunk, or pick an existing trunk for a quick edit."""

    STEP = "kind"
    INTRO = "What kind of trunk does the carrier offer?"
    HELP = (
        "Kind: Register-Based trunks log in to the carrier with an account; IP-Based\n"
        "trunks are recognised by the PBX's IP (System Admin only, one per carrier host).\n"
        "Or pick an existing trunk below and press Enter to edit it."
    )

    def compose_body(self) -> ComposeResult:
        current = self.draft.kind or "register"
        with RadioSet(id="kind"):
            for kind, label in KIND_LABELS.items():
                yield RadioButton(label, value=kind == current, id=f"kind-{kind}")
        yield Static("", classes="note", id="kind-reason")
        yield Static("", classes="field-error", id="kind-error")
        yield Label("Or edit an existing trunk (Enter opens it):", classes="info")
        yield OptionList(Option("Loading the trunks…", disabled=True), id="trunks")
        yield Static("", classes="field-error", id="trunks-error")

    def on_mount(self) -> None:
        conn = self.services.connection
        if conn is not None and conn.level == "tenant":
            ip = self.query_one("#kind-ip", RadioButton)
            ip.disabled = True
            ip.value = False
            self.query_one("#kind-register", RadioButton).value = True
            show_note(
                self.query_one("#kind-reason", Static),
                f"IP-Based is not offered: you are signed in as Tenant Admin of {conn.domain}; "
                "only the System Admin can create IP-Based trunks and share them.",
            )
        self.query_one("#kind", RadioSet).focus()
        self._load_trunks()

    @work(exclusive=True, group="trunks")
    async def _load_trunks(self) -> None:
        from trunkwiz.pbx.errors import PbxError

        listing = self.query_one("#trunks", OptionList)
        conn = self.services.connection
        if conn is None:
            listing.clear_options().add_option(Option("Not connected.", disabled=True))
            return
        try:
            rows = await conn.trunk_rows()
        except PbxError as exc:
            listing.clear_options().add_option(
                Option(f"Could not list trunks: {exc}", disabled=True)
            )
            return
        listing.clear_options()
        if not rows:
            listing.add_option(Option("No trunks yet.", disabled=True))
            return
        for row in rows:
            line = Text(no_wrap=True, overflow="ellipsis")
            line.append(f"{row.name[:18]:<18} {row.kind[:8]:<8} {row.brand[:12]:<12} ")
            line.append(f"{row.host[:20]:<20} ")
            line.append(row.status, style="green" if row.status == "ONLINE" else "red")
            listing.add_option(Option(line, id=row.id))

    def chosen_kind(self) -> str:
        """The kind whose radio button is on."""
        pressed = self.query_one("#kind", RadioSet).pressed_button
        return (pressed.id or "kind-register").removeprefix("kind-") if pressed else "register"

    def collect(self) -> dict[str, Any]:
        kind = self.chosen_kind()
        keep = self.draft.trunk_id is not None and kind == self.draft.kind
        return {"kind": kind, "trunk_id": self.draft.trunk_id if keep else None}

    def check(self, values: dict[str, Any]) -> dict[str, str]:
        conn = self.services.connection
        if values["kind"] == "ip" and conn is not None and conn.level == "tenant":
            return {"kind": "Only the System Admin can create IP-Based trunks."}
        return {}

    @on(OptionList.OptionSelected, "#trunks")
    def _edit_trunk(self, event: OptionList.OptionSelected) -> None:
        if event.option.id:
            self._open(event.option.id)

    @work(exclusive=True, group="open")
    async def _open(self, trunk_id: str) -> None:
        from pydantic import ValidationError

        from trunkwiz.pbx.errors import PbxError
        from trunkwiz.service.edit import draft_values

        conn = self.services.connection
        assert conn is not None
        self.query_one("#nav-status", Static).update("Opening the trunk…")
        try:
            trunk = await conn.load_trunk(trunk_id)
        except (PbxError, ValueError, ValidationError) as exc:
            self.query_one("#nav-status", Static).update("")
            self.show_errors({"trunks": f"Cannot edit this trunk: {exc}"})
            return
        self.dismiss(StepResult("next", draft_values(trunk, trunk_id)))
