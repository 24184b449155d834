"""Step 1, Connect: PBX URL, admin user, password, tenant domain; certificate pinning."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import work
from textual.app import ComposeResult
from textual.content import Content
from textual.widgets import Button, Checkbox, Static

from trunkwiz.domain.text import visible
from trunkwiz.tui.plain import plain
from trunkwiz.tui.screens.base import StepResult, StepScreen
from trunkwiz.tui.screens.form import form_grid
from trunkwiz.tui.widgets.compact import CompactCheckbox, TextField

if TYPE_CHECKING:
    from trunkwiz.service.draft import StepValues


class ConnectScreen(StepScreen):
    """Sign in to the PBX. A new self-signed certificate is shown and pinned on request."""

    STEP = "connect"
    INTRO = "Sign in to the PBX's REST API; a Tenant Admin adds the SIP domain."
    HELP = (
        "Connect: the System Admin signs in without a domain; a Tenant Admin enters the\n"
        "tenant's SIP domain. A self-signed certificate is shown by its SHA-256\n"
        "fingerprint and pinned once you trust it."
    )

    _profile_asked = False

    def compose_body(self) -> ComposeResult:
        d, defaults = self.draft, self.services.defaults
        # Focus lands once, where typing starts: the password when the user is known.
        self.AUTO_FOCUS = "#pbx_password" if (d.user or defaults.user) else "#user"  # type: ignore[misc]
        if defaults.note:
            yield Static(defaults.note, classes="info", id="demo-note")
        secret = defaults.password.get_secret_value() if defaults.password else ""
        yield form_grid(
            ("PBX URL", TextField(d.url or defaults.url, id="url")),
            ("Admin user", TextField(d.user or defaults.user, id="user")),
            ("Password", TextField(secret, id="pbx_password", password=True)),
            (
                "Tenant SIP domain",
                TextField(
                    d.domain or defaults.domain,
                    id="domain",
                    placeholder="Tenant Admin only (System Admin: leave empty)",
                ),
            ),
            id="connect-form",
        )
        yield CompactCheckbox("Keep the password in the keyring", id="keep_password")
        self._initial = {
            "url": d.url or defaults.url,
            "user": d.user or defaults.user,
            "domain": d.domain or defaults.domain,
        }

    def on_screen_resume(self) -> None:
        """Shown for the first time: read the profile and keyring once this frame is up."""
        if not self._profile_asked:
            self._profile_asked = True
            later = getattr(self.app, "after_first_frame", None)
            if later is None:
                self.call_after_refresh(self._load_profile)
            else:
                self.call_after_refresh(later, self._load_profile)

    @work(thread=True, exclusive=True, group="profile")
    def _load_profile(self) -> None:
        """Pre-fill from the saved profile (unless the draft names the PBX, e.g. a resumed
        one), and the password from the keyring if it was kept."""
        d, defaults = self.draft, self.services.defaults
        if defaults.password is not None:
            return  # known in advance (the demo): nothing to look up
        if d.url:
            url, user, domain = d.url, d.user, d.domain
        elif defaults.user:  # the command line chose the account
            url, user, domain = defaults.url, defaults.user, defaults.domain
        else:
            profile = self.services.saved_profile()
            if profile is None:
                return
            url, user, domain = profile.url, profile.user, profile.domain or ""
            self.app.call_from_thread(self._prefill, url, user, domain)
        try:
            password = self.services.saved_password(url, user, domain)
        except Exception:  # keyring unavailable or locked: the user types it
            return
        if password is not None:
            self.app.call_from_thread(self._prefill_password, password.get_secret_value())

    def _prefill(self, url: str, user: str, domain: str) -> None:
        """The saved profile fills the fields nobody typed in yet; once the user is known
        typing goes on in Password (never type a password into the user field)."""
        if self.services.defaults.user or self.leaving:
            return  # the command line chose the account; or the step has ended
        fields = {"url": url, "user": user, "domain": domain}
        for name, value in fields.items():
            field = self.query_one(f"#{name}", TextField)
            if field.value == self._initial.get(name, ""):
                field.value = value
        user_field = self.query_one("#user", TextField)
        if user_field.value and user_field.has_focus and user_field.value == user:
            self.query_one("#pbx_password", TextField).focus()

    def _prefill_password(self, password: str) -> None:
        if self.leaving:
            return  # signed in meanwhile: the step has ended
        field = self.query_one("#pbx_password", TextField)
        if not field.value:
            field.value = password
            self.query_one("#keep_password", Checkbox).value = True
        if getattr(self.app, "auto_connect", False) and field.value:
            self.app.auto_connect = False  # type: ignore[attr-defined]
            self.action_next()  # ``trunkwiz edit``: the keyring knows the password

    def _value(self, widget_id: str) -> str:
        return self.query_one(f"#{widget_id}", TextField).value.strip()

    def collect(self) -> StepValues:
        return {
            "url": self._value("url"),
            "user": self._value("user"),
            "domain": self._value("domain"),
        }

    def check(self, values: StepValues) -> dict[str, str]:
        errors = {}
        if not values["url"].startswith(("https://", "http://")):
            errors["url"] = "Enter the PBX URL, e.g. https://127.0.0.1:8887"
        if not values["user"]:
            errors["user"] = "Enter the admin user name"
        if not self.query_one("#pbx_password", TextField).value:
            errors["pbx_password"] = "Enter the password"
        return errors

    def go_next(self) -> None:
        self.attempts += 1
        values = self.collect()
        errors = self.check(values)
        self.show_errors(errors)
        if not errors:
            self._connect(values, pinned=None)

    @work(exclusive=True, group="connect")
    async def _connect(self, values: StepValues, pinned: str | None) -> None:
        from pydantic import SecretStr  # lazy: off the first frame

        from trunkwiz.service.outcomes import (  # lazy: PBX client off the first frame
            NeedsTrust,
            Refused,
        )

        password = SecretStr(self.query_one("#pbx_password", TextField).value)
        url, user, domain = values["url"], values["user"], values["domain"]
        if pinned is None:
            pinned = self.services.pinned_for(url)
        self._busy("Signing in…")
        outcome = await self.services.sign_in(url, user, password, domain, pinned_sha256=pinned)
        if isinstance(outcome, NeedsTrust):
            self._busy("")
            if outcome.fingerprint:
                self._ask_trust(values, url, outcome.fingerprint)
            else:
                self.show_errors({"url": outcome.message})
            return
        if isinstance(outcome, Refused):
            self._busy("")
            self.show_errors({outcome.field: outcome.message})
            return
        conn = outcome.connection
        self._busy(plain(f"Signed in: {conn.level_label}; saving the profile…"))
        keep = self.query_one("#keep_password", Checkbox).value
        saving = self.run_worker(
            lambda: self.services.remember_sign_in(
                url, user, domain, conn.pinned_sha256, password if keep else None
            ),
            thread=True,
            group="save",
        )
        profile_problem, problem = await saving.wait()
        self._busy("")
        if profile_problem:
            self.notify(visible(profile_problem, multiline=True), severity="warning", markup=False)
        if problem:
            self.query_one("#keep_password", Checkbox).value = False
            self.show_errors({"keep_password": f"{problem} Press Next to go on without it."})
            return
        self.leave(StepResult("next", {**values, "level": conn.level}))

    def on_checkbox_changed(self, event: Checkbox.Changed) -> None:
        """Ticking "Keep the password" says at once, on one line, which store keeps it."""
        if event.checkbox.id != "keep_password":
            return
        if event.value:
            self._say_where_kept()
        else:
            self._where_line().display = False

    @work(thread=True, exclusive=True, group="keyring-where")
    def _say_where_kept(self) -> None:
        store = self.services.secrets
        status = store.check()  # bounded; a locked or absent keyring says why
        if status.ok:
            self.app.call_from_thread(self._show_where, f"Password kept in {store.where}.")
        else:
            problem = f"Not kept: {status.problem}. To fix: {status.fix}."
            self.app.call_from_thread(self.show_errors, {"keep_password": problem})

    def _show_where(self, text: str) -> None:
        if self.query_one("#keep_password", Checkbox).value:
            line = self._where_line()
            line.update(Content(text))  # plain text: backend names are not markup
            line.display = True

    def _where_line(self) -> Static:
        found = self.query("#keep_password-where")
        if found:
            return found.first(Static)
        line = Static("", id="keep_password-where")
        self.query_one("#keep_password", Checkbox).parent.mount(  # type: ignore[union-attr]
            line, after="#keep_password"
        )
        return line

    def _ask_trust(self, values: StepValues, url: str, fingerprint: str) -> None:
        from trunkwiz.tui.screens.dialogs import TrustCertificateScreen  # lazy: off the first frame

        def answer(yes: bool | None) -> None:
            if yes:
                self._connect(values, pinned=fingerprint)
            else:
                self.show_errors({"url": "Not connected: the certificate was not trusted."})

        self.app.push_screen(TrustCertificateScreen(url, fingerprint), callback=answer)

    def _busy(self, text: str | Content) -> None:
        self.nav_status().update(text)
        self.query_one("#next", Button).disabled = bool(text)
