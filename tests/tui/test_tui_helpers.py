"""The Pilot helpers do not depend on the machine's speed."""

from __future__ import annotations

from textual.widgets import Button

from tests.support.pilot import next_step, settle, step_of, wait_for
from trunkwiz.service.draft import WizardDraft
from trunkwiz.service.services import Services
from trunkwiz.tui.app import TrunkWizApp


async def test_next_right_after_a_click_is_not_lost(connected: Services) -> None:
    """A Button ignores clicks while it shows the previous press (its ``-active`` class,
    0.2 s; held open here). The helpers press the step key, so a retry made inside that
    window (a fast machine) still runs."""
    draft = WizardDraft(url="x", user="admin", kind="register", level="system")
    app = TrunkWizApp(connected, start="basic", draft=draft)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = app.screen
        button = screen.query_one("#next", Button)
        button.active_effect_duration = 600
        await pilot.click("#next")  # no name yet: the step stays with its errors
        await wait_for(pilot, lambda: getattr(screen, "attempts", 0) == 1)
        assert button.has_class("-active")
        await next_step(pilot)
        assert step_of(pilot) == "basic"
        assert getattr(screen, "attempts", 0) == 2
