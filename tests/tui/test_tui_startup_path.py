"""The start-up path: key hints line, one focus, lazy error lines, background work."""

from __future__ import annotations

import time

import pytest

from tests.tui.conftest import fill, next_step, settle, text_of
from trunkwiz.service.services import Services
from trunkwiz.tui import warmup
from trunkwiz.tui.app import TrunkWizApp
from trunkwiz.tui.warmup import wait_until_idle, warm_up
from trunkwiz.tui.widgets.keyhints import KeyHints


async def test_key_hints_list_the_bindings_and_follow_the_focus(services: Services) -> None:
    app = TrunkWizApp(services)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        hints = app.screen.query_one("#keys", KeyHints)
        for shown in ("^n Next", "^r Back", "esc Quit", "F1 Help", "^p palette"):
            assert shown in hints.text
        assert "Quit now" not in hints.text  # Ctrl+C has show=False
        await pilot.press("tab")
        await pilot.pause()
        assert "^n Next" in hints.text


async def test_connect_focuses_once_and_creates_error_lines_when_needed(
    services: Services,
) -> None:
    app = TrunkWizApp(services)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        expected = "pbx_password" if services.defaults.user else "user"
        assert app.focused is not None and app.focused.id == expected
        assert not app.screen.query("#user-error")  # not built until an error is shown
        await fill(pilot, "#user", "")
        await next_step(pilot)
        assert "admin user" in text_of(pilot, "#user-error")
        cells = [w.id for w in app.screen.query("#connect-form > *")]
        assert cells.index("user-error") == cells.index("user") + 1  # the line under the field
        assert not app.screen.query("#step-error")  # nothing left over for the step's line


async def test_background_work_starts_after_the_first_frame(
    services: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = TrunkWizApp(services, ask_resume=True)
    seen: list[bool] = []

    def fake_warm_up(**_: object) -> list[str]:
        seen.append(app.first_frame_shown)
        return []

    monkeypatch.setattr(warmup, "warm_up", fake_warm_up)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert seen == [True]
        assert not app.resume_pending  # the draft lookup ran: nothing saved, nothing offered


def test_warm_up_waits_while_keys_are_typed() -> None:
    last_key = time.monotonic()
    started = time.monotonic()
    assert warm_up(("json",), idle=lambda: time.monotonic() - last_key, quiet=0.2) == []
    assert time.monotonic() - started >= 0.2
    started = time.monotonic()
    wait_until_idle(lambda: 0.0, quiet=10.0, max_wait=0.1)  # bounded even if never idle
    assert time.monotonic() - started < 2.0
    assert warm_up(("trunkwiz.no_such_module",)) == ["trunkwiz.no_such_module"]


async def test_the_paused_collector_resumes_after_the_first_frame(services: Services) -> None:
    """``trunkwiz.cli.main`` starts the wizard with the garbage collector paused; the App
    turns it back on (start-up objects frozen) once its first frame is out."""
    import gc

    app = TrunkWizApp(services)
    gc.disable()
    try:
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            assert app.first_frame_shown and gc.isenabled()
            assert gc.get_freeze_count() > 0
    finally:
        gc.enable()
        gc.unfreeze()
