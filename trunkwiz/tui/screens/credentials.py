"""Step 4, Credentials (register kinds): authentication ID, username, password, interval."""

from __future__ import annotations

from typing import Any

from textual.app import ComposeResult
from textual.widgets import Static

from trunkwiz.tui.screens.base import StepScreen, TextField, field_row


class CredentialsScreen(StepScreen):
    """The SIP account the PBX registers with; the password goes to the keyring on submit."""

    STEP = "credentials"
    INTRO = "The SIP account the carrier gave you."
    HELP = (
        "Credentials: the authentication ID (SIP user ID) and password from the carrier.\n"
        "Username only for 3-way authentication, when the account name differs from the ID."
    )

    def compose_body(self) -> ComposeResult:
        f = self.draft.fields
        carrier = self.services.demo_carrier
        if carrier:
            yield Static(
                f"Demo carrier: authentication ID {carrier['auth_id']}, "
                f"password {carrier['password']}.",
                classes="info",
                id="demo-note",
            )
        yield from field_row("Authentication ID", TextField(f.get("auth_id", ""), id="auth_id"))
        yield from field_row(
            "Username",
            TextField(f.get("username", ""), id="username", placeholder="(usually empty)"),
            hint="3-way authentication only: the account username when it differs from the ID.",
        )
        secret = self.draft.password.get_secret_value() if self.draft.password else ""
        editing = self.draft.trunk_id is not None
        yield from field_row(
            "Password",
            TextField(secret, id="password", password=True),
            hint="Leave empty to keep the password the PBX holds." if editing else "",
        )
        yield from field_row(
            "Re-register (s)",
            TextField(f.get("register_interval", 600), id="register_interval", type="integer"),
        )

    def on_mount(self) -> None:
        self.query_one("#auth_id").focus()

    def collect(self) -> dict[str, Any]:
        from pydantic import SecretStr

        def text(widget_id: str) -> str:
            return self.query_one(f"#{widget_id}", TextField).value.strip()

        password = self.query_one("#password", TextField).value
        interval = text("register_interval")
        return {
            "auth_id": text("auth_id"),
            "username": text("username"),
            "password": SecretStr(password) if password else None,
            "register_interval": int(interval) if interval.isdigit() else interval,
        }
