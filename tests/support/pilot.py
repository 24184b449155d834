"""Pilot helpers shared by the wizard's tests: they await the app, never the clock.

A step is driven through its key bindings (Ctrl+N), not by clicking its buttons: a
``Button`` ignores a click while it still shows the previous press (its ``-active`` class,
about 0.2 s), so on a fast machine a second click could be lost. After the key, the
helpers wait until the step's ``attempts`` count moved (Next or Submit really ran) and
then for the outcome, so an error line left from an earlier attempt is never mistaken
for this one's.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable
from typing import Any

from textual.pilot import Pilot
from textual.widgets import Input, Static
from textual.worker import WorkerCancelled, WorkerState


async def workers_done(app: Any) -> None:
    """Wait for the app's started workers; one cancelled meanwhile (its screen left) is
    done too. A worker that failed still raises."""
    for worker in list(app.workers):
        if worker.state == WorkerState.PENDING:
            continue
        with contextlib.suppress(WorkerCancelled):
            await worker.wait()


async def settle(pilot: Pilot[Any]) -> None:
    """Wait until every worker has finished and the screen has processed its messages."""
    app = pilot.app
    for _ in range(20):
        await workers_done(app)
        await pilot.pause()
        if not any(w.is_running for w in app.workers):
            return


async def wait_for(pilot: Pilot[Any], condition: Callable[[], bool], timeout: float = 20.0) -> None:
    """Process the app's messages and workers until ``condition()`` holds (bounded)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not condition():
        if loop.time() > deadline:
            raise AssertionError(f"condition not met within {timeout} s")
        await workers_done(pilot.app)
        await pilot.pause()
    await settle(pilot)


async def press_step_key(pilot: Pilot[Any], key: str = "ctrl+n") -> Callable[[], bool]:
    """Press a step key (Ctrl+N: Next, or Submit on Review); return a check that the
    step's action has run since."""
    screen = pilot.app.screen
    before = getattr(screen, "attempts", None)
    assert before is not None, f"{type(screen).__name__} is not a wizard step"
    await pilot.press(key)
    return lambda: bool(getattr(screen, "attempts", 0) > before)


async def submit(pilot: Pilot[Any]) -> None:
    """Submit on the Review step; wait until it applied (``#done``) or failed."""
    screen = pilot.app.screen
    ran = await press_step_key(pilot)
    await wait_for(pilot, lambda: ran() and bool(screen.query("#done, #step-error.-shown")))


async def next_step(pilot: Pilot[Any]) -> None:
    """Press Next; wait until another step shows or this one shows an error."""
    screen = pilot.app.screen
    ran = await press_step_key(pilot)
    await wait_for(
        pilot,
        lambda: (
            ran()
            and (
                pilot.app.screen is not screen
                or bool(screen.query(".field-error.-shown, #step-error.-shown"))
            )
        ),
    )


async def fill(pilot: Pilot[Any], selector: str, value: str) -> None:
    """Replace a field's text (posts ``Input.Changed`` as typing would)."""
    field = pilot.app.screen.query_one(selector, Input)
    field.value = value
    await pilot.pause()


async def type_text(pilot: Pilot[Any], selector: str, text: str) -> None:
    """Focus a field, clear it and type ``text`` key by key."""
    field = pilot.app.screen.query_one(selector, Input)
    field.focus()
    field.value = ""
    await pilot.pause()
    await pilot.press(*text)
    await pilot.pause()


def text_of(pilot: Pilot[Any], selector: str) -> str:
    """The plain text a ``Static`` shows."""
    visual = pilot.app.screen.query_one(selector, Static).visual
    return str(getattr(visual, "plain", visual))


def step_of(pilot: Pilot[Any]) -> str:
    """The step the current screen shows."""
    return str(getattr(pilot.app.screen, "STEP", ""))


def screen_text(pilot: Pilot[Any]) -> str:
    """The current screen as plain text, one line per terminal row (for layout checks)."""
    import io

    from rich.console import Console

    app = pilot.app
    width, height = app.size
    console = Console(
        width=width, height=height, file=io.StringIO(), record=True, legacy_windows=False
    )
    render = app.screen._compositor.render_update(full=True, screen_stack=app._background_screens)
    console.print(render)
    return console.export_text()
