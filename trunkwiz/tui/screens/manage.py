"""Dialogs around drafts and existing trunks: resume a saved draft, delete a trunk."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import TYPE_CHECKING

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Static

from trunkwiz.domain.text import visible
from trunkwiz.tui.flow import STEP_TITLES
from trunkwiz.tui.plain import plain, plain_styled
from trunkwiz.tui.screens.form import set_line
from trunkwiz.tui.widgets.compact import CompactButton, TextField

if TYPE_CHECKING:
    from trunkwiz.service.stores import SavedDraft


def draft_summary(saved: SavedDraft) -> str:
    """One paragraph saying what a saved draft holds (never a password: none is saved)."""
    fields = saved.get("fields") or {}
    name = str(fields.get("name") or "").strip()
    kind = str(saved.get("kind") or "").replace("_", " ")
    what = "an edit of trunk " if saved.get("trunk_id") else "a new trunk "
    trunk = what + (name or "(no name yet)") + (f" ({kind})" if kind else "")
    step = STEP_TITLES.get(str(saved.get("step")), str(saved.get("step")))
    when = saved.get("saved_at")
    stamp = when.astimezone().strftime("%Y-%m-%d %H:%M") if isinstance(when, datetime) else ""
    where = f" on {saved['url']}" if saved.get("url") else ""
    tenants = len(saved.get("tenants") or [])
    shared = f", {tenants} tenant(s)" if tenants else ""
    return (
        f"A draft was saved{' at ' + stamp if stamp else ''}: {trunk}{where}{shared}, "
        f"left at the {step} step.\n\n"
        "Resume it? You sign in again, then every value you typed is back "
        "(passwords are never saved: type them again)."
    )


class ResumeScreen(ModalScreen[str | None]):
    """Offer a saved draft: ``"resume"``, ``"fresh"`` (start over: discard it), or
    ``None`` (Esc: start a new draft now, the saved one is only replaced as you go)."""

    BINDINGS = [
        Binding("escape", "answer(None)", "Not now"),
        Binding("r", "answer('resume')", "Resume"),
        Binding("s", "answer('fresh')", "Start over"),
    ]

    def __init__(self, saved: SavedDraft) -> None:
        super().__init__(classes="dialog")
        self.saved = saved

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog-box"):
            yield Static(plain(draft_summary(self.saved)), id="question")
            with Horizontal(classes="dialog-buttons"):
                yield CompactButton("Resume", id="resume", variant="primary")
                yield CompactButton("Start over", id="fresh")

    def on_mount(self) -> None:
        self.query_one("#resume", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss(event.button.id)

    def action_answer(self, value: str | None) -> None:
        """Close the dialog with ``value``."""
        self.dismiss(value)


class DeleteTrunkScreen(ModalScreen[bool]):
    """Delete a trunk after its name is typed; the PBX's refusal is shown as it is.

    When rules still use the trunk (``TrunkInUse``), the dialog names them and offers
    "Remove rules and delete": ``delete(remove_rules=True)``, with the same typed name.
    """

    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, name: str, delete: Callable[..., Awaitable[None]]) -> None:
        super().__init__(classes="dialog")
        self.trunk_name = name
        self._delete = delete
        self.rules_in_use = False
        """Set once the PBX said rules use the trunk (the second button is offered)."""

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog-box"):
            yield Static(
                Content.assemble(
                    "Delete trunk ",
                    plain_styled(self.trunk_name, "bold"),
                    " from the PBX? Its tenants lose it at once; this cannot be undone.\n"
                    "Type the trunk's name to confirm:",
                ),
                id="question",
            )
            yield TextField(id="confirm-name", placeholder=visible(self.trunk_name))
            yield Static("", id="delete-error", classes="dialog-error")
            with Horizontal(classes="dialog-buttons"):
                yield CompactButton("Delete", id="delete", variant="error", disabled=True)
                yield CompactButton(
                    "Remove rules and delete", id="delete-rules", variant="error", disabled=True
                )
                yield CompactButton("Cancel", id="cancel")

    def on_mount(self) -> None:
        self.query_one("#delete-rules").display = False
        self.query_one("#confirm-name", Input).focus()

    def _confirmed(self) -> bool:
        typed = self.query_one("#confirm-name", Input).value.strip()
        return typed in {self.trunk_name, visible(self.trunk_name)}

    @on(Input.Changed, "#confirm-name")
    def _typed(self, event: Input.Changed) -> None:
        event.stop()
        ok = self._confirmed()  # a name with control characters: as it is shown
        self.query_one("#delete", Button).disabled = not ok or self.rules_in_use
        self.query_one("#delete-rules", Button).disabled = not ok

    @on(Input.Submitted, "#confirm-name")
    def _entered(self, event: Input.Submitted) -> None:
        event.stop()
        if not self.query_one("#delete", Button).disabled:
            self._run_delete()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "delete":
            self._run_delete()
        elif event.button.id == "delete-rules":
            if self._confirmed():
                self._run_delete(remove_rules=True)
        else:
            self.dismiss(False)

    def action_cancel(self) -> None:
        """Close without deleting."""
        self.dismiss(False)

    @work(exclusive=True, group="delete")
    async def _run_delete(self, remove_rules: bool = False) -> None:
        from trunkwiz.service.errors import ServiceError  # lazy: PBX client off the resume screen
        from trunkwiz.service.routes import TrunkInUse  # lazy: PBX client off the resume screen

        button = self.query_one("#delete", Button)
        with_rules = self.query_one("#delete-rules", Button)
        error = self.query_one("#delete-error", Static)
        button.disabled = with_rules.disabled = True
        set_line(error, "Removing its rules, then deleting…" if remove_rules else "Deleting…")
        try:
            await (self._delete(remove_rules=True) if remove_rules else self._delete())
        except TrunkInUse as exc:
            self.rules_in_use = True
            listed = "\n".join(f"  {r.describe()}" for r in exc.rules)
            set_line(
                error,
                f"Rules use this trunk (the PBX refuses to delete it):\n{listed}\n"
                "Remove rules and delete removes them first (created again if the delete fails).",
            )
            with_rules.display = True
            with_rules.disabled = not self._confirmed()
            with_rules.focus()
            return
        except ServiceError as exc:
            set_line(error, "The PBX refused: " + ("\n".join(exc.messages) or str(exc)))
            button.disabled = self.rules_in_use
            with_rules.disabled = not self.rules_in_use
            return
        self.dismiss(True)
