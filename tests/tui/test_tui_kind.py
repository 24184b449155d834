"""Step 2, Trunk kind: new Register/IP trunk, IP refused for a Tenant Admin, edit a trunk."""

from __future__ import annotations

from pydantic import SecretStr
from textual.widgets import OptionList, RadioButton

from tests.tui.conftest import create_trunk, next_step, settle, step_of, text_of
from trunkwiz.sandbox.server import DEFAULT_TENANT_PASSWORD, SandboxServer
from trunkwiz.service.draft import WizardDraft
from trunkwiz.service.services import Services
from trunkwiz.tui.app import TrunkWizApp


def start_at_kind(services: Services, sandbox: SandboxServer, level: str = "system") -> TrunkWizApp:
    draft = WizardDraft(url=sandbox.url, user="admin", level=level)
    return TrunkWizApp(services, start="kind", draft=draft)


async def test_register_kind_goes_to_basic_with_credentials_ahead(
    connected: Services, sandbox: SandboxServer
) -> None:
    app = start_at_kind(connected, sandbox)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await next_step(pilot)
        assert step_of(pilot) == "basic"
        assert app.draft.kind == "register"
        assert "credentials" in app.flow.steps()


async def test_ip_kind_skips_credentials(connected: Services, sandbox: SandboxServer) -> None:
    app = start_at_kind(connected, sandbox)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.click("#kind-ip")
        await next_step(pilot)
        assert app.draft.kind == "ip"
        assert "credentials" not in app.flow.steps()
        await pilot.click("#back")
        await settle(pilot)
        assert step_of(pilot) == "kind"
        assert app.screen.query_one("#kind-ip", RadioButton).value is True


async def test_ip_kind_is_not_offered_to_a_tenant_admin(
    services: Services, sandbox: SandboxServer
) -> None:
    domain = next(iter(sandbox.state.tenants.values()))["domain"]
    await services.connect(sandbox.url, "manager", SecretStr(DEFAULT_TENANT_PASSWORD), domain)
    app = start_at_kind(services, sandbox, level="tenant")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert app.screen.query_one("#kind-ip", RadioButton).disabled
        reason = text_of(pilot, "#kind-reason")
        assert "only the System Admin" in reason and domain in reason


async def test_existing_trunks_are_listed_and_one_opens_for_editing(
    connected: Services, sandbox: SandboxServer
) -> None:
    trunk_id = await create_trunk(
        connected, name="kind-edit-me", hostname="edit.kind.test", brand="Generic", auth_id="k1"
    )
    app = start_at_kind(connected, sandbox)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        listing = app.screen.query_one("#trunks", OptionList)
        index = next(
            i for i in range(listing.option_count) if listing.get_option_at_index(i).id == trunk_id
        )
        line = str(listing.get_option_at_index(index).prompt)
        assert "kind-edit-me" in line and "register" in line and "edit.kind.test" in line
        assert "OFFLINE" in line
        listing.focus()
        listing.highlighted = index
        await pilot.press("enter")
        await settle(pilot)
        assert step_of(pilot) == "basic"
        assert app.draft.trunk_id == trunk_id
        assert app.screen.query_one("#name").value == "kind-edit-me"
        assert app.screen.query_one("#brand").disabled  # brand is immutable on the PBX
        assert app.draft.fields["auth_id"] == "k1"
