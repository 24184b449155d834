"""Plain words and feedback at 80x24: the help key, field errors, hints, progress."""

from __future__ import annotations

from typing import Any

from pydantic import SecretStr

from tests.support.pilot import shown_while_running
from tests.tui.conftest import screen_text, settle, step_of, tenant_ids, text_of, wait_for
from trunkwiz.sandbox.server import SandboxServer
from trunkwiz.service.draft import TenantPick, WizardDraft
from trunkwiz.service.services import Services
from trunkwiz.tui.app import TrunkWizApp
from trunkwiz.tui.screens.dialogs import HelpScreen
from trunkwiz.tui.widgets.compact import TextField


def register_draft(**fields: object) -> WizardDraft:
    values = {"name": "words-1", "hostname": "words.test", **fields}
    return WizardDraft(url="x", user="admin", kind="register", level="system", fields=values)


async def test_question_mark_is_text_in_a_field_and_f1_shown_in_the_footer_opens_help(
    connected: Services,
) -> None:
    """A password pre-filled from the draft takes ``?`` as a character; the footer shows
    F1 (not ``?``) and F1 opens the help from inside the field."""
    draft = register_draft(auth_id="acct")
    draft.password = SecretStr("pre-filled-pw")
    app = TrunkWizApp(connected, start="credentials", draft=draft)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        field = app.screen.query_one("#password", TextField)
        field.focus()
        await pilot.press("end", "question_mark")
        await pilot.pause()
        assert not isinstance(app.screen, HelpScreen)
        assert field.value == "pre-filled-pw?"
        footer = screen_text(pilot).splitlines()[-1]
        assert "F1 Help" in footer and "? Help" not in footer
        await pilot.press("f1")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("escape")
        await pilot.pause()
        assert step_of(pilot) == "credentials"
        assert text_of(pilot, "#password-error") == ""


async def test_a_field_error_goes_as_soon_as_the_field_is_valid(connected: Services) -> None:
    app = TrunkWizApp(connected, start="credentials", draft=register_draft())
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+n")
        await pilot.pause()
        assert "authentication" in text_of(pilot, "#auth_id-error").lower()
        assert "password" in text_of(pilot, "#password-error").lower()
        app.screen.query_one("#auth_id", TextField).focus()
        await pilot.press("a")
        await pilot.pause()
        assert text_of(pilot, "#auth_id-error") == ""
        assert "password" in text_of(pilot, "#password-error").lower()  # still wrong
        await pilot.press("backspace")
        await pilot.pause()
        assert text_of(pilot, "#auth_id-error") == ""  # shown again only by Next


async def test_a_brand_hint_is_three_rows_in_labels_and_the_rest_is_behind_f1(
    connected: Services,
) -> None:
    from textual.widgets import Select

    draft = WizardDraft(url="x", user="admin", kind="ip", level="system", fields={})
    app = TrunkWizApp(connected, start="basic", draft=draft)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.screen.query_one("#brand", Select).value = "Flowroute"
        await settle(pilot)
        note = app.screen.query_one("#brand-note")
        assert 1 <= note.region.height <= 3
        text = text_of(pilot, "#brand-note")
        assert "Host" in text and "Associated IPs" in text and "F1" in text
        shown = screen_text(pilot)
        for api_name in ("additional_ips", "hostname", "outbound_server"):
            assert api_name not in shown, api_name
        # the fields under the hint are still on screen
        for field_id in ("#hostname", "#port", "#transport"):
            widget = app.screen.query_one(field_id)
            assert app.screen.region.contains_region(widget.region), field_id
        await pilot.press("f1")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        details = text_of(pilot, "#help-text")
        assert "Associated IPs: Given only as an example" in details
        assert "additional_ips" not in details


async def test_rule_errors_name_the_form_fields_by_their_labels(
    connected: Services, sandbox: SandboxServer
) -> None:
    (tid, tname), = tenant_ids(sandbox, 1)  # fmt: skip
    draft = WizardDraft(
        url=sandbox.url, user="admin", kind="ip", level="system",
        fields={"name": "words-rules", "hostname": "words.rules.test"},
        tenants=[TenantPick(tid, tname, "15554100000-15554100099")],
    )  # fmt: skip
    app = TrunkWizApp(connected, start="routes", draft=draft)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await wait_for(pilot, lambda: bool(getattr(app.screen, "ready", False)))
        shown = []
        for kind in ("outbound", "inbound"):
            app.screen.query_one(f"#routes-0-add-{kind}").focus()
            await pilot.press("enter")
            await wait_for(pilot, lambda k=kind: bool(app.screen.query(f".rule-{k}")))
            form = app.screen.query(f".rule-{kind}").last()
            app.screen.query_one(f"#{form.uid}-name", TextField).focus()
            await pilot.press("x")
            await wait_for(pilot, lambda f=form: text_of(pilot, f"#{f.uid}-error") != "")
            shown.append(text_of(pilot, f"#{form.uid}-error"))
        outbound, inbound = shown
        assert "number prefix, a number length or both" in outbound
        assert "DID or range: enter one DID" in inbound
        for api_name in ("number_prefix", "number_length", "did_numbers", "''"):
            assert api_name not in outbound + inbound, api_name


class HandClock:
    """A clock the test moves by hand (elapsed times shown are read from it)."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def in_view_above_the_buttons(app: TrunkWizApp, selector: str) -> bool:
    """The widget is on screen, between the step's body and its buttons."""
    widget = app.screen.query_one(selector)
    nav = app.screen.query_one("#nav")
    region = widget.region
    return (
        widget.display
        and region.height > 0
        and app.screen.region.contains_region(region)
        and region.bottom <= nav.region.y
    )


def quick_ticks(services: Services) -> HandClock:
    from dataclasses import replace

    clock = HandClock()
    services.clock = clock
    services.timing = replace(services.timing, progress_tick=0.05)
    return clock


def long_plan_draft(sandbox: SandboxServer, port: int, name: str) -> WizardDraft:
    """A register trunk shared with three tenants: its plan is longer than the screen."""
    picks = [
        TenantPick(tid, tname, f"1555420{n}000-1555420{n}099")
        for n, (tid, tname) in enumerate(tenant_ids(sandbox, 3))
    ]
    draft = WizardDraft(
        url=sandbox.url, user="admin", kind="register", level="system",
        fields={"name": name, "hostname": "127.0.0.1", "port": port, "transport": "UDP",
                "auth_id": "words-acct"},
        tenants=picks,
    )  # fmt: skip
    draft.password = SecretStr("words-pw")
    return draft


async def scrolled_to_the_plan_end(pilot: Any) -> None:
    app = pilot.app
    await wait_for(pilot, lambda: text_of(pilot, "#plan") != "Planning…")
    await settle(pilot)
    body = app.screen.query_one("#body")
    assert body.max_scroll_y > 0, "the plan should not fit at 80x24"
    body.scroll_end(animate=False)
    await pilot.pause()


async def test_ctrl_t_shows_at_once_above_the_buttons_with_the_time_it_takes(
    connected: Services, sandbox: SandboxServer
) -> None:
    """A carrier test that has not answered yet (the probe waits for the test): it is
    seen to run, in view with the plan scrolled to its end, and its time goes up."""
    import asyncio

    clock = quick_ticks(connected)
    answered = asyncio.Event()
    real_probe = connected.probe

    async def probe(target: Any, *, register: bool = True) -> Any:
        await answered.wait()  # never set: the app leaving cancels the test
        return await real_probe(target, register=register)

    connected.probe = probe  # type: ignore[method-assign]
    draft = long_plan_draft(sandbox, 5060, "words-probe")
    app = TrunkWizApp(connected, start="review", draft=draft)
    async with app.run_test(size=(80, 24)) as pilot:
        await scrolled_to_the_plan_end(pilot)
        await pilot.press("ctrl+t")
        await shown_while_running(pilot, lambda: "Testing" in text_of(pilot, "#probe-result"))
        assert "0 s" in text_of(pilot, "#probe-result")
        assert in_view_above_the_buttons(app, "#probe-result")
        clock.now += 7
        await shown_while_running(pilot, lambda: "7 s" in text_of(pilot, "#probe-result"))
        assert in_view_above_the_buttons(app, "#probe-result")


async def test_submit_progress_shows_at_once_above_the_buttons_with_the_time(
    connected: Services, sandbox: SandboxServer
) -> None:
    """The PBX holds the submit's first call: the submit is seen to run, in view, and its
    time goes up; once the PBX answers, the outcome shows in the same place."""
    import asyncio

    clock = quick_ticks(connected)
    draft = long_plan_draft(sandbox, 5060, "words-submit")
    app = TrunkWizApp(connected, start="review", draft=draft)
    try:
        async with app.run_test(size=(80, 24)) as pilot:
            await scrolled_to_the_plan_end(pilot)
            sandbox.faults.hold_from(1)
            await pilot.press("ctrl+n")
            assert await asyncio.to_thread(sandbox.faults.wait_held, 1, 30.0)
            await shown_while_running(pilot, lambda: "Sending" in text_of(pilot, "#progress-line"))
            assert in_view_above_the_buttons(app, "#progress-line")
            assert in_view_above_the_buttons(app, "#progress")
            clock.now += 5
            await shown_while_running(pilot, lambda: " 5 s" in text_of(pilot, "#progress-line"))
            sandbox.faults.release()
            await shown_while_running(pilot, lambda: "Done:" in text_of(pilot, "#progress-line"))
            assert in_view_above_the_buttons(app, "#progress-line")
    finally:
        sandbox.faults.release()


async def test_an_unchanged_edit_says_nothing_needed_changing(
    connected: Services, sandbox: SandboxServer
) -> None:
    from tests.tui.conftest import create_trunk, submit
    from tests.tui.test_tui_edit import kind_app, open_trunk, to_step
    from trunkwiz.tui.widgets.status import StatusPanel

    trunk_id = await create_trunk(
        connected, kind="ip", name="words-same", hostname="words.same.test"
    )
    app = kind_app(connected, sandbox)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await open_trunk(pilot, trunk_id)
        await to_step(pilot, "review")
        await wait_for(pilot, lambda: "already matches" in text_of(pilot, "#plan"))
        await submit(pilot)
        await wait_for(pilot, lambda: bool(app.screen.query(StatusPanel)))
        line = text_of(pilot, "#progress-line")
        assert "Nothing needed changing" in line and "0 change(s)" not in line
        assert not app.screen.query_one("#progress").display  # no bar stuck at 0 %
        assert in_view_above_the_buttons(app, "#progress-line")
        panel = app.screen.query_one(StatusPanel)
        await wait_for(pilot, lambda: panel.polls > 0)
        status = str(panel.render())
        assert "since submit" not in status and "nothing was submitted" in status
