"""Step 4, Credentials (register kinds): authentication name, username, password, interval.

For an Accept-Register trunk the account is the one the carrier or gateway will use to
register to this PBX. While editing, the password field changes the password (empty keeps
the one the PBX holds).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from pydantic import SecretStr
from textual.app import ComposeResult
from textual.widgets import Static

from trunkwiz.domain.fields import TrunkField, step_rows
from trunkwiz.tui.screens.base import StepScreen
from trunkwiz.tui.screens.field_rows import input_row
from trunkwiz.tui.screens.form import field_row
from trunkwiz.tui.widgets.compact import CompactCheckbox, TextField

if TYPE_CHECKING:
    from trunkwiz.service.draft import StepValues, WizardDraft
    from trunkwiz.service.services import Services
    from trunkwiz.tui.flow import Flow

GATEWAY_INTRO = "The account the carrier or gateway will use to register to this PBX."
GATEWAY_ID_HINT = "The gateway registers with this ID (its SIP user ID)."


class CredentialsScreen(StepScreen):
    """The SIP account; the password goes to the keyring after the PBX accepted it."""

    STEP = "credentials"
    INTRO = "The SIP account the carrier gave you."
    HELP = (
        "Credentials: the authentication name (SIP user ID) and password from the carrier.\n"
        "Username only for 3-way authentication, when the account name differs from the ID.\n"
        "Accept Register: choose the ID and password the gateway will register with.\n"
        "Editing: leave the password empty to keep it, or type a new one to change it."
    )

    def __init__(self, services: Services, draft: WizardDraft, flow: Flow) -> None:
        super().__init__(services, draft, flow)
        self.gateway = self.draft.kind == "accept_register"

    def intro(self) -> str:
        return GATEWAY_INTRO if self.gateway else self.INTRO

    def compose_body(self) -> ComposeResult:
        f = self.draft.fields
        carrier = self.services.demo_carrier
        if carrier and not self.gateway:
            yield Static(
                f"Demo carrier: authentication name {carrier['auth_id']}, "
                f"password {carrier['password']}.",
                classes="info",
                id="demo-note",
            )
        rows = list(step_rows(self.STEP, self.draft.kind, self.draft.level))
        for field in rows:  # the inputs, then the on/off switches
            if field.widget != "flag":
                yield from self._input(field)
        for field in rows:
            if field.widget == "flag":
                yield CompactCheckbox(
                    field.label, bool(f.get(field.name, field.default)), id=field.name
                )
                yield Static(field.hint, classes="hint", id=f"{field.name}-hint")

    def _input(self, field: TrunkField) -> ComposeResult:
        f = self.draft.fields
        if field.widget != "secret":
            hint = GATEWAY_ID_HINT if self.gateway and field.name == "auth_id" else None
            yield from input_row(field, f, hint=hint)
            return
        secret = self.draft.password.get_secret_value() if self.draft.password else ""
        editing = self.draft.trunk_id is not None
        if editing:
            hint = "Leave empty to keep the password the PBX holds; type one to change it."
        else:
            hint = "The gateway will register with this password." if self.gateway else ""
        yield from field_row(
            "New password" if editing else field.label,
            TextField(secret, id=field.name, password=True),
            hint=hint,
        )

    def on_mount(self) -> None:
        self.query_one("#auth_id").focus()

    def collect(self) -> StepValues:
        password = self.query_one("#password", TextField).value  # as typed, never stripped
        values = self.field_values()
        values["password"] = SecretStr(password) if password else None
        return values
