"""Random walks through the real wizard against the sandbox: Back, Next, kind and brand
changes, typing, edit-from-the-list, submit, Done. A walk never reaches a Review error that
no shown step can fix, and what a submit sends equals what the steps showed."""

from __future__ import annotations

import asyncio
import itertools
import re
import tempfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from pydantic import SecretStr
from textual.pilot import Pilot
from textual.widgets import Button, Input, OptionList, RadioButton, Select

from tests.support.budget import Budget, explore_examples
from tests.tui.conftest import (
    create_trunk,
    make_services,
    settle,
    step_of,
    submit,
    text_of,
    wait_for,
)
from trunkwiz.sandbox.server import DEFAULT_ADMIN_PASSWORD, SandboxServer
from trunkwiz.service.draft import WizardDraft
from trunkwiz.tui.app import TrunkWizApp
from trunkwiz.tui.screens.base import StepScreen

ACTIONS = st.sampled_from(
    [
        "next",
        "next",
        "next",
        "fill",
        "fill",
        "back",
        "kind",
        "brand",
        "port",
        "edit",
        "submit",
        "done",
    ]
)
BRANDS = ["Generic", "Twilio", "SIPTRUNK", "Flowroute", "Vonage", "Telnyx - US"]
MINIMUM = 6  # walks every run makes, whatever the budget
WALKS: list[int] = []
REVIEWED: set[int] = set()
SUBMITTED: set[int] = set()
_names = itertools.count(1)


def review_errors_have_a_step(app: TrunkWizApp, plan: str) -> None:
    """Every "go Back and fix" line names a step the flow shows."""
    if "Cannot submit yet" not in plan:
        return
    steps = app.flow.steps()
    for step in re.findall(r"\((\w+) step\)", plan):
        assert step in steps, (step, steps, plan)


async def fill(pilot: Pilot[Any], walk: int) -> None:
    """Valid values in the current step's empty required fields."""
    screen = pilot.app.screen
    wanted = {
        "name": f"walk-{walk}",
        "hostname": f"walk{walk}.example.net",
        "auth_id": f"walk-{walk}",
        "password": "walk-pw-1",
    }
    for field, value in wanted.items():
        found = screen.query(f"#{field}")
        if found and isinstance(found.first(), Input) and not found.first(Input).value:
            found.first(Input).value = value
    await pilot.pause()


async def press_next(pilot: Pilot[Any]) -> None:
    """Ctrl+N (a key, as the user presses it); wait until another step shows or this one
    marks errors (the earlier ones are cleared first, so an old line cannot answer)."""
    screen = pilot.app.screen
    assert isinstance(screen, StepScreen)
    screen.clear_errors()
    await pilot.press("ctrl+n")
    await wait_for(
        pilot,
        lambda: (
            pilot.app.screen is not screen
            or bool(screen.query(".field-error.-shown, #step-error.-shown"))
        ),
    )


async def act(pilot: Pilot[Any], action: str, choice: int, walk: int) -> None:
    app = pilot.app
    assert isinstance(app, TrunkWizApp)
    step = step_of(pilot)
    if action == "next" and step != "review":
        nav = app.screen.query("#next")
        if nav and nav.first(Button).disabled:
            return  # a marked field holds it (the Tenants step's pools): the user fixes it
        await press_next(pilot)
    elif action == "fill":
        await fill(pilot, walk)
    elif action == "back" and step not in ("kind", "connect"):
        back = app.screen.query("#back")
        if back and not back.first(Button).disabled:
            screen = app.screen
            await pilot.press("ctrl+r")
            await wait_for(pilot, lambda: app.screen is not screen)
    elif action == "kind" and step == "kind" and not app.draft.is_edit:
        kind = ("register", "ip", "accept_register")[choice % 3]
        app.screen.query_one(f"#kind-{kind}", RadioButton).value = True
        await pilot.pause()
    elif action == "brand" and step == "basic" and not app.draft.is_edit:
        select = app.screen.query_one("#brand", Select)
        select.value = BRANDS[choice % len(BRANDS)]
        await settle(pilot)
    elif action == "port" and step == "basic":
        app.screen.query_one("#port", Input).value = str(5060 + choice % 30)
        await pilot.pause()
    elif action == "edit" and step == "kind":
        listing = app.screen.query_one("#trunks", OptionList)
        await wait_for(pilot, lambda: any(o.id for o in listing.options))
        ids = [i for i, o in enumerate(listing.options) if o.id]
        listing.focus()
        listing.highlighted = ids[choice % len(ids)]
        await pilot.press("enter")
        await wait_for(
            pilot, lambda: step_of(pilot) == "basic" or bool(app.screen.query(".-shown"))
        )
    elif action == "submit" and step == "review":
        await wait_for(pilot, lambda: text_of(pilot, "#plan") != "Planning…")
        button = app.screen.query("#submit")
        if button and not button.first(Button).disabled and button.first(Button).display:
            await submit(pilot)
            if app.screen.query("#done"):
                SUBMITTED.add(walk)
    elif action == "done" and step == "review" and app.screen.query("#done"):
        await pilot.click("#done")
        await wait_for(pilot, lambda: step_of(pilot) == "kind")


def check_submitted(app: TrunkWizApp, sandbox: SandboxServer) -> None:
    """What the PBX holds equals what the steps showed (the draft the steps filled)."""
    if not app.screen.query("#done") or app.draft.trunk_id is None:
        return
    record = sandbox.state.trunks[app.draft.trunk_id]
    names = [t.data["name"] for t in sandbox.state.trunks.values()]
    assert names.count(record.data["name"]) == 1  # edited after the submit, never re-created
    for key in ("name", "hostname", "port", "transport", "auth_id", "registration"):
        if key in app.draft.fields and key in record.data:
            assert record.data[key] == app.draft.fields[key], key


async def walk(sandbox: SandboxServer, actions: list[tuple[str, int]]) -> None:
    number = next(_names)
    with tempfile.TemporaryDirectory() as config:
        services = make_services(sandbox.url, Path(config))
        await services.connect(sandbox.url, "admin", SecretStr(DEFAULT_ADMIN_PASSWORD))
        app = TrunkWizApp(
            services, start="kind", draft=WizardDraft(url=sandbox.url, level="system")
        )
        async with app.run_test(size=(100, 40)) as pilot:
            await settle(pilot)
            done: list[str] = []
            tail = [("fill", 0), ("next", 0)] * 5 + [("submit", 0), ("back", 0), ("next", 0)]
            for action, choice in [*actions, *tail, ("submit", 0), ("done", 0)]:
                try:
                    await act(pilot, action, choice, number)
                except AssertionError as exc:
                    raise AssertionError(
                        f"{exc} at {action} on {step_of(pilot)} after {done}"
                    ) from exc
                done.append(f"{action}:{choice}@{step_of(pilot)}")
                if step_of(pilot) == "review":
                    REVIEWED.add(number)
                    await wait_for(pilot, lambda: text_of(pilot, "#plan") != "Planning…")
                    review_errors_have_a_step(app, text_of(pilot, "#plan"))
                    check_submitted(app, sandbox)
    WALKS.append(number)


@pytest.mark.slow
@pytest.mark.timeout(900)
def test_random_walks_never_dead_end_and_submit_what_was_shown(sandbox: SandboxServer) -> None:
    async def seed() -> None:
        services = make_services(sandbox.url, Path(tempfile.mkdtemp()))
        await services.connect(sandbox.url, "admin", SecretStr(DEFAULT_ADMIN_PASSWORD))
        await create_trunk(services, kind="ip", name="walk-tls", hostname="walk.tls.test",
                           transport="TLS", port=5061)  # fmt: skip
        await create_trunk(services, name="walk-reg", hostname="walk.reg.test", port=5080)
        await services.shutdown()

    asyncio.run(seed())

    # At least MINIMUM walks, then as many as the time budget allows (``make explore``
    # walks for longer); the draws left after the budget do nothing.
    budget = Budget(minimum=MINIMUM)

    @settings(
        max_examples=explore_examples(15),
        deadline=None,
        database=None,
        phases=[Phase.generate],  # a failing walk is printed as drawn (shrinking is slow)
        suppress_health_check=[HealthCheck.too_slow],
        print_blob=True,
    )
    @given(st.lists(st.tuples(ACTIONS, st.integers(0, 30)), min_size=3, max_size=12))
    def run(actions: list[tuple[str, int]]) -> None:
        if not budget.spent(len(WALKS)):
            asyncio.run(walk(sandbox, actions))

    run()
    assert len(WALKS) >= MINIMUM
    print(f"{len(WALKS)} walks ran, {len(REVIEWED)} reached Review, {len(SUBMITTED)} submitted")
