"""Small modal dialogs: confirm, certificate trust, help."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from trunkwiz.tui.plain import plain
from trunkwiz.tui.widgets.compact import CompactButton


class ConfirmScreen(ModalScreen[bool]):
    """Ask a yes/no question; dismisses with ``True`` for yes."""

    BINDINGS = [
        Binding("escape", "answer(False)", "Cancel"),
        Binding("y", "answer(True)", "Yes"),
        Binding("n", "answer(False)", "No"),
    ]

    def __init__(self, question: str, *, yes: str = "Yes", no: str = "No") -> None:
        super().__init__(classes="dialog")
        self._question, self._yes, self._no = question, yes, no

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog-box"):
            yield Static(plain(self._question), id="question")
            with Horizontal(classes="dialog-buttons"):
                yield CompactButton(self._yes, id="yes", variant="primary")
                yield CompactButton(self._no, id="no")

    def on_mount(self) -> None:
        self.query_one("#no", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss(event.button.id == "yes")

    def action_answer(self, value: bool) -> None:
        """Close the dialog with ``value``."""
        self.dismiss(value)


class TrustCertificateScreen(ConfirmScreen):
    """Show a new certificate's SHA-256 fingerprint and ask before pinning it."""

    def __init__(self, url: str, fingerprint: str) -> None:
        question = (
            f"The PBX at {url} presents a certificate this computer does not trust.\n\n"
            f"SHA-256 fingerprint:\n{fingerprint}\n\n"
            "Compare it with the one the PBX shows (Settings › Certificates, or\n"
            "`openssl x509 -fingerprint -sha256` on the PBX host). Trust and pin it?"
        )
        super().__init__(question, yes="Trust and pin", no="Cancel")
        self.fingerprint = fingerprint


class HelpScreen(ModalScreen[None]):
    """Keys and what the current step is for."""

    BINDINGS = [Binding("escape,question_mark,q", "close", "Close help")]

    def __init__(self, text: str) -> None:
        super().__init__(classes="dialog")
        self._text = text

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog-box"):
            yield Static(self._text, id="help-text")
            yield CompactButton("Close", id="close")

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss(None)

    def action_close(self) -> None:
        """Close the help."""
        self.dismiss(None)
