"""Step 3, Basic info: brand pre-fill, field errors, the transport warning, tenant pool."""

from __future__ import annotations

from pydantic import SecretStr
from textual.widgets import Select

from tests.tui.conftest import create_trunk, fill, next_step, settle, step_of, text_of, type_text
from trunkwiz.sandbox.server import DEFAULT_TENANT_PASSWORD, SandboxServer
from trunkwiz.service.draft import WizardDraft
from trunkwiz.service.services import Services
from trunkwiz.tui.app import TrunkWizApp


def basic_app(
    services: Services, kind: str = "register", level: str = "system", **fields: object
) -> TrunkWizApp:
    draft = WizardDraft(url="x", user="admin", kind=kind, level=level, fields=dict(fields))
    return TrunkWizApp(services, start="basic", draft=draft)


async def test_valid_basic_info_goes_to_credentials(connected: Services) -> None:
    app = basic_app(connected)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await fill(pilot, "#name", "basic-ok")
        await fill(pilot, "#hostname", "sip.basic.test")
        await fill(pilot, "#additional_ips", "203.0.113.7;198.51.100.0/24")
        await next_step(pilot)
        assert step_of(pilot) == "credentials"
        assert app.draft.fields["hostname"] == "sip.basic.test"
        assert app.draft.fields["port"] == 5060 and app.draft.fields["transport"] == "UDP"


async def test_model_errors_appear_under_their_fields(connected: Services) -> None:
    app = basic_app(connected)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await fill(pilot, "#hostname", "")
        await fill(pilot, "#port", "70000")
        await fill(pilot, "#additional_ips", "not-an-ip")
        await next_step(pilot)
        assert step_of(pilot) == "basic"
        assert text_of(pilot, "#name-error")
        assert text_of(pilot, "#hostname-error")
        assert text_of(pilot, "#port-error") == "Port must be 0–65535"
        assert text_of(pilot, "#additional_ips-error")
        # Credentials are not this step's business: no error about them anywhere.
        shown = [text_of(pilot, "#step-error")] if app.screen.query("#step-error") else []
        assert not any("auth" in text.lower() for text in shown)


async def test_choosing_a_brand_prefills_and_names_what_to_confirm(connected: Services) -> None:
    app = basic_app(connected, kind="ip")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.screen.query_one("#brand", Select).value = "Flowroute"
        await settle(pilot)
        assert app.screen.query_one("#hostname").value == "us-west-or.sip.flowroute.com"
        assert app.screen.query_one("#additional_ips").value == ""  # the guide only has examples
        note = text_of(pilot, "#brand-note")
        assert "Confirm with Flowroute" in note and "Associated IPs" in note
        await fill(pilot, "#name", "flowroute-1")
        await next_step(pilot)
        assert step_of(pilot) == "options"  # IP kind: no credentials
        assert app.draft.fields["brand"] == "Flowroute"


async def test_brand_without_the_chosen_kind_says_so(connected: Services) -> None:
    app = basic_app(connected, kind="register")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.screen.query_one("#brand", Select).value = "Flowroute"
        await settle(pilot)
        assert "documents only: IP Based Trunk" in text_of(pilot, "#brand-note")


async def test_missing_transport_warns_with_the_fix(
    connected: Services, sandbox: SandboxServer
) -> None:
    state = sandbox.state
    with state.lock:
        saved = dict(state.transports)
        state.transports = {k: v for k, v in saved.items() if v["protocol"] != "TCP"}
    try:
        app = basic_app(connected)
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            assert not app.screen.query_one("#transport-note").display
            app.screen.query_one("#transport", Select).value = "TCP"
            await settle(pilot)
            note = text_of(pilot, "#transport-note")
            assert "create a TCP transport on port 5063 in the PBX first" in note
            app.screen.query_one("#transport", Select).value = "UDP"
            await settle(pilot)
            assert not app.screen.query_one("#transport-note").display
    finally:
        with state.lock:
            state.transports = saved


async def test_tenant_admin_pool_is_checked_against_the_pbx(
    services: Services, sandbox: SandboxServer
) -> None:
    tenant = next(iter(sandbox.state.tenants.values()))
    await services.connect(
        sandbox.url, "manager", SecretStr(DEFAULT_TENANT_PASSWORD), tenant["domain"]
    )
    await create_trunk(
        services,
        name="tenant-own-1",
        hostname="own.tenant.test",
        level="tenant",
        did_numbers="15557770000-15557770099",
    )
    app = basic_app(services, level="tenant", name="tenant-own-2", hostname="own.tenant.test")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await type_text(pilot, "#did_numbers", "15557770050")
        await settle(pilot)
        message = text_of(pilot, "#did_numbers-error")
        assert "15557770050 overlaps" in message and "tenant-own-1" in message
        await fill(pilot, "#did_numbers", "15557779000-15557779009")
        await settle(pilot)
        assert text_of(pilot, "#did_numbers-error") == ""
        await next_step(pilot)
        assert step_of(pilot) == "credentials"
        assert app.draft.fields["did_numbers"] == "15557779000-15557779009"
