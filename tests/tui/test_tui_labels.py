"""Every field row is labelled with the one label the Review plan and errors use."""

from __future__ import annotations

import pytest
from textual.containers import Horizontal
from textual.widgets import Static

from tests.support.pilot import settle
from trunkwiz.domain.labels import label_of
from trunkwiz.service.draft import WizardDraft
from trunkwiz.service.services import Services
from trunkwiz.tui.app import TrunkWizApp


@pytest.mark.parametrize("step", ["basic", "credentials", "options"])
async def test_field_rows_use_the_shared_labels(connected: Services, step: str) -> None:
    draft = WizardDraft(url="x", user="admin", kind="register", level="system")
    app = TrunkWizApp(connected, start=step, draft=draft)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        rows = list(app.screen.query("Horizontal.row").results(Horizontal))
        assert rows
        for row in rows:
            name = str(row.id).removeprefix("row-")
            label = row.query_one(".label", Static).visual
            assert str(getattr(label, "plain", label)) == label_of(name), name
