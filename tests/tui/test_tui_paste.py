"""A DID list pasted into a pool field becomes a ``;``-separated pool, shown in the field."""

from __future__ import annotations

from textual import events
from textual.widgets import SelectionList

from tests.support.pilot import settle, wait_for
from tests.tui.conftest import tenant_ids
from trunkwiz.sandbox.server import SandboxServer
from trunkwiz.service.draft import WizardDraft
from trunkwiz.service.services import Services
from trunkwiz.tui.app import TrunkWizApp
from trunkwiz.tui.screens.tenants import TenantsScreen
from trunkwiz.tui.widgets.didpool import DidPoolInput


async def test_a_pasted_column_and_a_comma_list_become_one_pool(
    connected: Services, sandbox: SandboxServer
) -> None:
    ((tenant_id, _),) = tenant_ids(sandbox, 1)
    fields = {"name": "paste-1", "hostname": "paste.tenants.test"}
    draft = WizardDraft(url="x", user="admin", kind="ip", level="system", fields=fields)
    app = TrunkWizApp(connected, start="tenants", draft=draft)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.screen.query_one("#tenant-list", SelectionList).select(tenant_id)
        await settle(pilot)
        assert isinstance(app.screen, TenantsScreen)
        (row,) = app.screen.rows()
        field = app.screen.query_one(f"#tenant-{row.number}-did_numbers", DidPoolInput)
        field.focus()
        await settle(pilot)
        field.post_message(events.Paste("15557000001\n15557000002\r\n15557000010\n"))
        await wait_for(pilot, lambda: field.value == "15557000001;15557000002;15557000010")
        field.post_message(events.Paste("15557000020, 15557000030 - 15557000039"))
        await wait_for(pilot, lambda: field.value.endswith(";15557000020;15557000030-15557000039"))
        assert field.ok, field.describe()
        assert field.value.count(";") == 4
