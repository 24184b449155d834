"""Every way to move between steps has one path and one effect.

Ctrl+N, Ctrl+R, Enter or Space on a focused Back/Next button and a click all run the same
action once; a second one on a step already leaving does nothing, and a step that is
leaving stops its workers and ignores late messages (a trunk opened, the PBX's rules read
after the user moved on), so nothing touches a widget that is gone.

Answers from the PBX are held back at a gate (the real sandbox behind a transport that
waits) so the order "the user moved on, then the PBX answered" is made, not hoped for.
"""

from __future__ import annotations

import asyncio
import random
import re
from pathlib import Path
from typing import Any

import httpx
import pytest
from pydantic import SecretStr
from textual.pilot import Pilot
from textual.widgets import Button

from tests.support.pilot import next_step, settle, step_of, wait_for
from tests.tui.conftest import MemoryKeyring, create_trunk, make_services, tenant_ids
from tests.tui.test_tui_bursts import key_event, post_burst
from tests.tui.test_tui_edit import highlight, kind_app, open_trunk
from trunkwiz.pbx.client import PbxClient
from trunkwiz.pbx.tls import TlsPolicy, build_transport
from trunkwiz.sandbox.server import DEFAULT_ADMIN_PASSWORD, SandboxServer
from trunkwiz.service.draft import TenantPick, WizardDraft
from trunkwiz.service.services import Services
from trunkwiz.tui.app import TrunkWizApp


class Gate(httpx.AsyncBaseTransport):
    """The real transport, except that GETs whose path matches ``hold`` wait for
    ``release`` (``held`` counts the requests waiting)."""

    def __init__(self, inner: httpx.AsyncBaseTransport) -> None:
        self.inner = inner
        self.pattern: re.Pattern[str] | None = None
        self.opened = asyncio.Event()
        self.held = 0

    def hold(self, pattern: str) -> None:
        self.pattern = re.compile(pattern)
        self.opened.clear()

    def release(self) -> None:
        self.pattern = None
        self.opened.set()

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        pattern = self.pattern
        if request.method == "GET" and pattern is not None and pattern.search(request.url.path):
            self.held += 1
            await self.opened.wait()
        return await self.inner.handle_async_request(request)

    async def aclose(self) -> None:
        await self.inner.aclose()


@pytest.fixture
async def gated(
    sandbox: SandboxServer, tmp_path: Path, keyring_backend: MemoryKeyring
) -> tuple[Services, Gate]:
    """Services signed in as the System Admin whose requests pass a ``Gate``."""
    gates: list[Gate] = []

    def factory(url: str, tls: TlsPolicy) -> PbxClient:
        gates.append(Gate(build_transport(tls)))
        return PbxClient(url, tls=tls, transport=gates[-1])

    services = make_services(sandbox.url, tmp_path / "config", keyring_backend,
                             client_factory=factory)  # fmt: skip
    await services.connect(sandbox.url, "admin", SecretStr(DEFAULT_ADMIN_PASSWORD))
    return services, gates[-1]


async def until(pilot: Pilot[Any], condition: Any, timeout: float = 20.0) -> None:
    """Process the app's messages until ``condition()`` holds (bounded); unlike
    ``wait_for`` it does not wait for the workers (one of them waits at the gate)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not condition():
        assert loop.time() < deadline, f"condition not met within {timeout} s"
        await pilot.pause()


async def post_keys(pilot: Pilot[Any], keys: list[str]) -> None:
    """Post ``keys`` as one read and let the app take them (workers may still run)."""
    app = pilot.app
    for key in keys:
        event = key_event(key)
        event.set_sender(app)
        app.post_message(event)
    taken: list[bool] = []
    app.call_later(taken.append, True)
    await until(pilot, lambda: bool(taken) and not app.key_order.held)  # type: ignore[attr-defined]


def step_stack(app: TrunkWizApp) -> list[str]:
    """The steps on the screen stack, bottom first (one when nothing went twice)."""
    return [str(getattr(s, "STEP", "")) for s in app.screen_stack if getattr(s, "STEP", "")]


def routes_app(services: Services, sandbox: SandboxServer) -> TrunkWizApp:
    (t1, name1), = tenant_ids(sandbox, 1)  # fmt: skip
    draft = WizardDraft(
        url=sandbox.url, user="admin", kind="ip", level="system",
        fields={"name": "one-path", "hostname": "one.path.test"},
        tenants=[TenantPick(t1, name1, "15554000000-15554000099")],
    )  # fmt: skip
    return TrunkWizApp(services, start="routes", draft=draft)


async def on_routes_ready(pilot: Pilot[Any]) -> None:
    await settle(pilot)
    await wait_for(pilot, lambda: bool(getattr(pilot.app.screen, "ready", False)))


# -- Enter, Space and a click on Next ------------------------------------------------------
@pytest.mark.parametrize("key", ["enter", "space"])
async def test_a_key_on_the_focused_next_button_moves_one_step(
    connected: Services, sandbox: SandboxServer, key: str
) -> None:
    app = routes_app(connected, sandbox)
    async with app.run_test(size=(80, 24)) as pilot:
        await on_routes_ready(pilot)
        app.screen.query_one("#next", Button).focus()
        await wait_for(pilot, lambda: app.focused is not None and app.focused.id == "next")
        await pilot.press(key)
        await wait_for(pilot, lambda: step_of(pilot) == "review")
        assert step_stack(app) == ["review"]
        assert app.is_running and app.return_code is None


async def test_a_click_on_next_moves_one_step(connected: Services, sandbox: SandboxServer) -> None:
    app = routes_app(connected, sandbox)
    async with app.run_test(size=(80, 24)) as pilot:
        await on_routes_ready(pilot)
        assert await pilot.click("#next")
        await wait_for(pilot, lambda: step_of(pilot) == "review")
        assert step_stack(app) == ["review"]


async def test_a_click_on_back_moves_one_step(connected: Services, sandbox: SandboxServer) -> None:
    app = routes_app(connected, sandbox)
    async with app.run_test(size=(80, 24)) as pilot:
        await on_routes_ready(pilot)
        assert await pilot.click("#back")
        await wait_for(pilot, lambda: step_of(pilot) == "tenants")
        assert step_stack(app) == ["tenants"]


async def test_next_twice_in_one_read_on_a_button_moves_once(
    connected: Services, sandbox: SandboxServer
) -> None:
    """Enter on the focused Next and Ctrl+N in the same read: the step leaves once, and
    the Ctrl+N goes to the step after it (keys typed ahead apply to the new step)."""
    app = routes_app(connected, sandbox)
    async with app.run_test(size=(80, 24)) as pilot:
        await on_routes_ready(pilot)
        screen = app.screen
        app.screen.query_one("#next", Button).focus()
        await wait_for(pilot, lambda: app.focused is not None and app.focused.id == "next")
        screen.action_next()
        screen.action_next()  # already leaving: nothing
        screen.action_back()
        await wait_for(pilot, lambda: step_of(pilot) == "review")
        assert step_stack(app) == ["review"]


# -- a step whose work ends after the user moved on ----------------------------------------
async def test_next_while_a_trunk_opens_leaves_the_choice_to_the_open(
    gated: tuple[Services, Gate], sandbox: SandboxServer
) -> None:
    """Enter on a trunk, then Ctrl+N (typed ahead) while the PBX is still answering: the
    trunk opens once, in its edit; no second step is pushed over it."""
    services, gate = gated
    trunk_id = await create_trunk(services, name="gate-open", hostname="gate.open.test")
    app = kind_app(services, sandbox)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await highlight(pilot, trunk_id)
        gate.hold(rf"/providers/{trunk_id}$")
        await pilot.press("enter")
        await until(pilot, lambda: gate.held > 0)
        await post_keys(pilot, ["ctrl+n", "ctrl+n"])
        gate.release()
        await wait_for(pilot, lambda: step_of(pilot) == "basic")
        await settle(pilot)
        assert step_stack(app) == ["basic"]
        assert app.draft.trunk_id == trunk_id
        assert app.screen.query_one("#name").value == "gate-open"  # type: ignore[attr-defined]


async def test_back_while_the_rules_are_read_stops_the_reading(
    gated: tuple[Services, Gate], sandbox: SandboxServer
) -> None:
    """Ctrl+R on Routes while the PBX's rules are still being read: the step goes back
    once and the reading, answered later, touches nothing of the step that left."""
    services, gate = gated
    (t1, _), = tenant_ids(sandbox, 1)  # fmt: skip
    trunk_id = await create_trunk(
        services, name="gate-routes", hostname="gate.routes.test",
        tenants=[{"tenant_id": t1, "did_numbers": "15554100000-15554100099"}],
    )  # fmt: skip
    app = kind_app(services, sandbox)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await open_trunk(pilot, trunk_id)
        for _ in range(4):
            if step_of(pilot) == "tenants":
                break
            await next_step(pilot)
        assert step_of(pilot) == "tenants"
        gate.hold(r"_rules$")
        await post_keys(pilot, ["ctrl+n"])
        await until(pilot, lambda: step_of(pilot) == "routes" and gate.held > 0)
        await post_keys(pilot, ["ctrl+r"])
        await until(pilot, lambda: step_of(pilot) == "tenants")
        gate.release()
        await settle(pilot)
        assert step_stack(app) == ["tenants"]
        await post_burst(pilot, ["ctrl+n"])  # the step still works: Routes again, read anew
        await wait_for(pilot, lambda: bool(getattr(app.screen, "ready", False)))
        assert step_stack(app) == ["routes"]


# -- an edit driven as fast as keys arrive -------------------------------------------------
@pytest.mark.parametrize("seed", [1, 2, 3])
async def test_bursts_of_next_and_back_through_an_edit_end_on_review(
    connected: Services, sandbox: SandboxServer, seed: int
) -> None:
    """Ctrl+N as fast as keys come (bursts of 1-4), mixed with Ctrl+R at first: no
    exception, one step on the stack at every moment, Review at the end."""
    rng = random.Random(seed)
    (t1, _), = tenant_ids(sandbox, 1)  # fmt: skip
    trunk_id = await create_trunk(
        connected, name=f"burst-edit-{seed}", hostname=f"burst{seed}.edit.test",
        tenants=[{"tenant_id": t1, "did_numbers": "15554200000-15554200099"}],
    )  # fmt: skip
    app = kind_app(connected, sandbox)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await open_trunk(pilot, trunk_id)
        for _ in range(3):  # back and forth
            await post_burst(pilot, rng.sample(["ctrl+n", "ctrl+n", "ctrl+r", "ctrl+r"], 4))
            assert len(step_stack(app)) == 1
        for _ in range(60):
            if step_of(pilot) == "review":
                break
            wanted = {"kind": 5, "basic": 4, "credentials": 3, "options": 2}.get(step_of(pilot), 1)
            await post_burst(pilot, ["ctrl+n"] * rng.randint(1, wanted))
            assert len(step_stack(app)) == 1
        assert step_of(pilot) == "review"
        await settle(pilot)
        assert step_stack(app) == ["review"]


async def test_a_trunk_opened_while_help_is_shown_closes_the_help(
    gated: tuple[Services, Gate], sandbox: SandboxServer
) -> None:
    """The open answers while a dialog covers the step: the dialog goes, the edit opens."""
    services, gate = gated
    trunk_id = await create_trunk(services, name="gate-help", hostname="gate.help.test")
    app = kind_app(services, sandbox)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await highlight(pilot, trunk_id)
        gate.hold(rf"/providers/{trunk_id}$")
        await pilot.press("enter")
        await until(pilot, lambda: gate.held > 0)
        await post_keys(pilot, ["f1"])
        await until(pilot, lambda: type(app.screen).__name__ == "HelpScreen")
        gate.release()
        await wait_for(pilot, lambda: step_of(pilot) == "basic")
        await settle(pilot)
        assert step_stack(app) == ["basic"]
        assert len(app.screen_stack) == 2
        assert app.draft.trunk_id == trunk_id
