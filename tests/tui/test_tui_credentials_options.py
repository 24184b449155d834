"""Steps 4 and 5: the SIP account, then the call cap and the advanced flags."""

from __future__ import annotations

from textual.widgets import Checkbox

from tests.tui.conftest import fill, next_step, settle, step_of, text_of
from trunkwiz.domain.labels import label_of
from trunkwiz.domain.options import TrunkOptions
from trunkwiz.service.draft import WizardDraft
from trunkwiz.service.services import Services
from trunkwiz.tui.app import TrunkWizApp

BASIC = {"name": "cred-1", "hostname": "sip.cred.test", "port": 5060, "transport": "UDP"}


def app_at(services: Services, step: str, kind: str = "register") -> TrunkWizApp:
    draft = WizardDraft(url="x", user="admin", kind=kind, level="system", fields=dict(BASIC))
    return TrunkWizApp(services, start=step, draft=draft)


async def test_auth_id_and_password_are_required(connected: Services) -> None:
    app = app_at(connected, "credentials")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await next_step(pilot)
        assert step_of(pilot) == "credentials"
        assert "authentication name" in text_of(pilot, "#auth_id-error")
        assert "password" in text_of(pilot, "#password-error")


async def test_credentials_go_on_and_the_password_stays_in_memory(connected: Services) -> None:
    app = app_at(connected, "credentials")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert app.screen.query_one("#password").password  # masked
        await fill(pilot, "#auth_id", "3jpAj1E1D8QkFO0")
        await fill(pilot, "#username", "120390780001")
        await fill(pilot, "#password", "carrier-pw")
        await fill(pilot, "#register_interval", "300")
        await next_step(pilot)
        assert step_of(pilot) == "options"
        assert app.draft.fields["auth_id"] == "3jpAj1E1D8QkFO0"
        assert app.draft.fields["register_interval"] == 300
        assert app.draft.password.get_secret_value() == "carrier-pw"
        assert "carrier-pw" not in repr(app.draft.to_dict())


async def test_bad_interval_is_shown_under_it(connected: Services) -> None:
    app = app_at(connected, "credentials")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await fill(pilot, "#auth_id", "a")
        await fill(pilot, "#password", "p")
        await fill(pilot, "#register_interval", "-5")
        await next_step(pilot)
        assert step_of(pilot) == "credentials"
        assert text_of(pilot, "#register_interval-error")


async def test_options_show_the_model_defaults_and_explanations(connected: Services) -> None:
    app = app_at(connected, "options")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert app.screen.query_one("#concurrency").value == "100000"
        for name, info in TrunkOptions.model_fields.items():
            if isinstance(info.default, bool):
                assert app.screen.query_one(f"#{name}", Checkbox).value is info.default
                hint = text_of(pilot, f"#{name}-hint")
                default = "on" if info.default else "off"
                assert hint == f"{info.description} Default: {default}. API: {name}"
                assert "UI:" not in hint and "API default" not in hint
                label = str(app.screen.query_one(f"#{name}", Checkbox).label)
                assert label == label_of(name) and "_" not in label


async def test_options_are_carried_into_the_draft(connected: Services) -> None:
    app = app_at(connected, "options")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await fill(pilot, "#concurrency", "30")
        app.screen.query_one("#keep_alive", Checkbox).value = True
        await next_step(pilot)
        assert step_of(pilot) == "tenants"
        assert app.draft.fields["concurrency"] == 30
        assert app.draft.options["keep_alive"] is True


async def test_bad_call_cap_is_shown_under_it(connected: Services) -> None:
    app = app_at(connected, "options")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await fill(pilot, "#concurrency", "lots")
        await fill(pilot, "#keep_alive_interval", "-1")
        await next_step(pilot)
        assert step_of(pilot) == "options"
        assert text_of(pilot, "#concurrency-error")
        assert text_of(pilot, "#keep_alive_interval-error")
