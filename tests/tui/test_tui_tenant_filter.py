"""Tenants step: a filter with no match says so, and clearing it removes the message."""

from __future__ import annotations

from textual.widgets import SelectionList

from tests.tui.conftest import fill, settle, text_of
from tests.tui.test_tui_tenants import tenants_app
from trunkwiz.service.services import Services
from trunkwiz.tui.screens.tenants import WINDOW


async def test_a_filter_without_a_match_says_so(connected: Services) -> None:
    app = tenants_app(connected, "filter.tenants.test")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        listing = app.screen.query_one("#tenant-list", SelectionList)
        await fill(pilot, "#tenant-search", "[no-such] tenant")
        assert listing.option_count == 0
        assert "No tenant matches '[no-such] tenant'" in text_of(pilot, "#tenant-none")
        assert app.screen.query_one("#tenant-none").display
        await fill(pilot, "#tenant-search", "")
        await settle(pilot)
        assert listing.option_count == WINDOW  # the first window of all 120 again
        assert not app.screen.query_one("#tenant-none").display
