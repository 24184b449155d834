"""Tenants: a filter typed in one read (as over a slow link) never loses the list or a pick.

The filter's characters arrive together, so the list is refilled while the messages about
its previous options are still queued; the list stays, says when nothing matches, and
clearing the filter shows every pick with its pool as it was.
"""

from __future__ import annotations

import pytest
from textual.widgets import SelectionList

from tests.support.pilot import settle, text_of, wait_for
from tests.tui.test_tui_bursts import post_burst
from tests.tui.test_tui_tenants import tenants_app
from trunkwiz.service.services import Services
from trunkwiz.tui.screens.tenants import TenantsScreen
from trunkwiz.tui.widgets.compact import TextField
from trunkwiz.tui.widgets.didpool import DidPoolInput

POOL = "15556000000-15556000099"


@pytest.mark.parametrize(
    "clear",
    [["backspace"], ["backspace"] * 3, ["ctrl+u"], ["ctrl+u", *"dental"]],
    ids=["backspace", "backspaces", "ctrl-u", "other-filter"],
)
async def test_a_filter_burst_keeps_the_list_and_the_picks(
    connected: Services, clear: list[str]
) -> None:
    app = tenants_app(connected, "burst.filter.test")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, TenantsScreen)
        listing = screen.query_one("#tenant-list", SelectionList)
        first = listing.get_option_at_index(0).value
        await post_burst(pilot, ["tab", "space"])  # the first tenant is picked
        await wait_for(pilot, lambda: len(screen.rows()) == 1)
        pool = screen.rows()[0].query_one(DidPoolInput)
        pool.value = POOL
        await post_burst(pilot, ["shift+tab", *"zzz"])  # to the filter; one read
        await settle(pilot)
        assert screen.query_one("#tenant-none").display
        assert text_of(pilot, "#tenant-none").startswith("No tenant matches 'zzz'")
        assert listing.option_count == 0
        await post_burst(pilot, clear)
        await settle(pilot)
        text = screen.query_one("#tenant-search", TextField).value
        if text.startswith("z"):  # still nothing matches: it says so, with the new text
            assert text_of(pilot, "#tenant-none").startswith(f"No tenant matches '{text}'")
            await post_burst(pilot, ["ctrl+u"])
            await settle(pilot)
        assert listing.option_count > 0 and listing.display
        assert not screen.query_one("#tenant-none").display
        if first in [listing.get_option_at_index(i).value for i in range(listing.option_count)]:
            assert first in listing.selected
        assert [r.read().tenant_id for r in screen.rows()] == [first]
        assert screen.collect()["tenants"][0].did_numbers == POOL
        app.save_now()
    saved = connected.load_draft()
    assert saved is not None
    assert [(t["tenant_id"], t["did_numbers"]) for t in saved["tenants"]] == [(first, POOL)]


async def test_a_pick_and_a_filter_in_one_read_keep_the_pick(connected: Services) -> None:
    """Space then the filter's text in the same read: the pick is taken before the list is
    refilled (its message is still queued then)."""
    app = tenants_app(connected, "burst.pick.test")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, TenantsScreen)
        listing = screen.query_one("#tenant-list", SelectionList)
        first = listing.get_option_at_index(0).value
        await post_burst(pilot, ["tab"])
        await post_burst(pilot, ["space", "shift+tab", *"zzz", "ctrl+u"])
        await settle(pilot)
        assert [r.pick.tenant_id for r in screen.rows()] == [first]
        assert first in listing.selected
