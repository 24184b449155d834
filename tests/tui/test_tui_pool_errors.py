"""A DID pool with several bad entries: the wizard says every one at once, under the field,
and marks the first entry at fault."""

from __future__ import annotations

from textual.widgets import SelectionList

from tests.support.pilot import settle, text_of, wait_for
from tests.tui.conftest import tenant_ids
from trunkwiz.sandbox.server import SandboxServer
from trunkwiz.service.draft import WizardDraft
from trunkwiz.service.services import Services
from trunkwiz.tui.app import TrunkWizApp
from trunkwiz.tui.screens.tenants import TenantsScreen
from trunkwiz.tui.widgets.didpool import DidPoolInput


async def test_every_bad_entry_of_a_pool_is_named_under_the_field(
    connected: Services, sandbox: SandboxServer
) -> None:
    ((tenant_id, _),) = tenant_ids(sandbox, 1)
    fields = {"name": "bad-entries", "hostname": "bad.entries.test"}
    draft = WizardDraft(url="x", user="admin", kind="ip", level="system", fields=fields)
    app = TrunkWizApp(connected, start="tenants", draft=draft)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        app.screen.query_one("#tenant-list", SelectionList).select(tenant_id)
        await settle(pilot)
        assert isinstance(app.screen, TenantsScreen)
        (row,) = app.screen.rows()
        field = app.screen.query_one(f"#tenant-{row.number}-did_numbers", DidPoolInput)
        field.value = "123x;15557000001;0456;+15557000002"
        await wait_for(pilot, lambda: not field.ok)
        await settle(pilot)
        shown = text_of(pilot, f"#tenant-{row.number}-did_numbers-error")
        assert "'123x'" in shown and "'0456'" in shown and "+15557000002" in shown, shown
        assert shown.index("'123x'") < shown.index("'0456'")  # in the order of the text
        first = min(field.issues, key=lambda i: i.start)
        assert (first.start, first.end) == (0, 4)  # the first entry at fault is marked
