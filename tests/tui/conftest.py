"""Fixtures of the wizard's Pilot tests: a real sandbox PBX on loopback, services, helpers.

The sandbox starts once per test module (real HTTP over loopback); each test gets its own
configuration directory and an in-memory keyring backend, so nothing touches the host.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from keyring.backend import KeyringBackend
from pydantic import SecretStr
from textual.pilot import Pilot
from textual.widgets import Input, Static

from trunkwiz.sandbox.server import DEFAULT_ADMIN_PASSWORD, SandboxServer
from trunkwiz.service.services import ConnectDefaults, Services, Timing
from trunkwiz.store.secrets import SecretStore


class MemoryKeyring(KeyringBackend):
    """A keyring backend in memory (tests only)."""

    priority = 1  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.items: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.items.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.items[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        from keyring.errors import PasswordDeleteError

        if self.items.pop((service, username), None) is None:
            raise PasswordDeleteError(username)


class FailKeyring(KeyringBackend):
    """Stands for a host without a usable keyring: every call fails like keyring's own."""

    priority = 1  # type: ignore[assignment]

    def get_password(self, service: str, username: str) -> str | None:
        from keyring.errors import NoKeyringError

        raise NoKeyringError("No recommended backend was available.")

    def set_password(self, service: str, username: str, password: str) -> None:
        from keyring.errors import NoKeyringError

        raise NoKeyringError("No recommended backend was available.")

    def delete_password(self, service: str, username: str) -> None:
        from keyring.errors import NoKeyringError

        raise NoKeyringError("No recommended backend was available.")


@pytest.fixture(scope="module")
def sandbox() -> Iterator[SandboxServer]:
    """One sandbox PBX (plain HTTP, 120 tenants) for the whole test module."""
    server = SandboxServer(tenants=120).start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def keyring_backend() -> MemoryKeyring:
    """The in-memory keyring the services of a test use."""
    return MemoryKeyring()


def make_services(
    url: str, config_dir: Path, backend: KeyringBackend | None = None, **kwargs: Any
) -> Services:
    """Services as the CLI builds them, with test timings and an in-memory keyring."""
    store = SecretStore(backend if backend is not None else MemoryKeyring(), timeout=2.0)
    kwargs.setdefault(
        "defaults",
        ConnectDefaults(url=url, user="admin", password=SecretStr(DEFAULT_ADMIN_PASSWORD)),
    )
    kwargs.setdefault("timing", Timing(status_interval=0.05, offline_after=0.0, status_timeout=0.4))
    return Services(config_dir=config_dir, secrets=lambda: store, **kwargs)


@pytest.fixture
def services(sandbox: SandboxServer, tmp_path: Path, keyring_backend: MemoryKeyring) -> Services:
    """Services pointed at the module's sandbox (not connected yet)."""
    return make_services(sandbox.url, tmp_path / "config", keyring_backend)


@pytest.fixture
async def connected(services: Services, sandbox: SandboxServer) -> Services:
    """Services signed in to the sandbox as the System Admin."""
    await services.connect(sandbox.url, "admin", SecretStr(DEFAULT_ADMIN_PASSWORD))
    return services


async def create_trunk(services: Services, password: str | None = "pw-1234", **data: Any) -> str:
    """Create a trunk on the sandbox through the real plan/apply path; returns its id."""
    from trunkwiz.domain.trunk import parse_trunk

    conn = services.connection
    assert conn is not None
    data.setdefault("kind", "register")
    if data["kind"] != "ip":
        data.setdefault("auth_id", "acct")
        data["password"] = SecretStr(password) if password else None
    trunk = parse_trunk(data)
    result = await conn.apply(await conn.plan(trunk, None))
    assert result.trunk_id
    return str(result.trunk_id)


def tenant_ids(sandbox: SandboxServer, count: int) -> list[tuple[str, str]]:
    """``(id, name)`` of the first ``count`` tenants by name (as the Tenants step lists them)."""
    items = sorted(sandbox.state.tenants.values(), key=lambda t: (t["name"].lower(), t["id"]))
    return [(str(t["id"]), str(t["name"])) for t in items[:count]]


# -- Pilot helpers (no sleeps: they await the app) ---------------------------------
async def settle(pilot: Pilot[Any]) -> None:
    """Wait until every worker has finished and the screen has processed its messages."""
    app = pilot.app
    for _ in range(20):
        await app.workers.wait_for_complete()
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
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
    await settle(pilot)


async def press_and_note(pilot: Pilot[Any], button: str) -> Callable[[], bool]:
    """Click a step's navigation button; return a check that its action has run.

    The click reaches the screen's action a few messages later. Until then the error
    lines of an earlier attempt are still shown, so waiting on them alone could end
    before this attempt was even made.
    """
    screen = pilot.app.screen
    name = f"action_{button}"
    action = getattr(screen, name)
    ran: list[bool] = []

    def noted(*args: Any) -> Any:
        ran.append(True)
        return action(*args)

    setattr(screen, name, noted)
    await pilot.click(f"#{button}")
    return lambda: bool(ran)


async def submit(pilot: Pilot[Any]) -> None:
    """Press Submit on the Review step; wait until it applied (``#done``) or failed."""
    screen = pilot.app.screen
    pressed = await press_and_note(pilot, "submit")
    await wait_for(
        pilot,
        lambda: pressed() and bool(screen.query("#done, #step-error.-shown")),
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


async def next_step(pilot: Pilot[Any]) -> None:
    """Press Next; wait until another step shows or this one shows an error."""
    screen = pilot.app.screen
    pressed = await press_and_note(pilot, "next")
    await wait_for(
        pilot,
        lambda: (
            pressed()
            and (
                pilot.app.screen is not screen
                or bool(screen.query(".field-error.-shown, #step-error.-shown"))
            )
        ),
    )


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
