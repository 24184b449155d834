#!/usr/bin/env python3
"""Screenshots of the wizard at 80x24, driven through every step against the demo world.

Starts what ``trunkwiz demo`` starts (the sandbox PBX and the demo SIP carrier on
loopback), runs the real App with real services in headless mode and drives it with Pilot:
a Register-Based trunk on the demo carrier shared with two tenants (steps 1-7, then the
status panel ONLINE), the same trunk with a wrong password (OFFLINE with the probe's
diagnosis), an IP-Based trunk (the portal checklist) and two overlapping DID pools.

Writes ``screenshots/01-connect.svg`` … ``11-did-overlap.svg`` (LF endings). No password
may appear in a screenshot: masked inputs show dots, and every SVG is checked for each
password used before it is written (the script fails otherwise).

Usage: python scripts/screenshots.py [OUT_DIR]
"""

from __future__ import annotations

import asyncio
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from pydantic import SecretStr
from textual.pilot import Pilot

from trunkwiz.cli.demo import CARRIER_AUTH_ID, CARRIER_PASSWORD, DemoWorld
from trunkwiz.sandbox.server import DEFAULT_ADMIN_PASSWORD
from trunkwiz.service.draft import TenantPick, WizardDraft
from trunkwiz.service.services import ConnectDefaults, Services, Timing
from trunkwiz.tui.app import TrunkWizApp

ROOT = Path(__file__).resolve().parent.parent
SIZE = (80, 24)
WRONG_PASSWORD = "not-the-carrier-password"
#: Every password the runs type or pre-fill; none may appear in a screenshot.
PASSWORDS = (DEFAULT_ADMIN_PASSWORD, CARRIER_PASSWORD, WRONG_PASSWORD)


class PasswordInScreenshot(AssertionError):
    """A screenshot contains a password."""


def check_no_password(name: str, svg: str) -> None:
    """Fail when ``svg`` contains any password used by the runs."""
    for password in PASSWORDS:
        if password in svg:
            raise PasswordInScreenshot(f"{name} shows a password in clear")


class Shooter:
    """Saves the current screen of a Pilot-driven app as an SVG in ``out``."""

    def __init__(self, out: Path) -> None:
        self.out = out
        self.saved: list[Path] = []

    async def shot(self, pilot: Pilot[Any], name: str) -> None:
        await pilot.wait_for_scheduled_animations()
        await pilot.pause()
        svg = pilot.app.export_screenshot(title="trunkwiz")
        check_no_password(name, svg)
        path = self.out / f"{name}.svg"
        path.write_text(svg, encoding="utf-8", newline="\n")
        self.saved.append(path)
        print(f"wrote {path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}")


async def until(pilot: Pilot[Any], condition: Callable[[], bool], timeout: float = 30.0) -> None:
    """Let the app run until ``condition()`` holds (bounded), then until it is idle."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not condition():
        if loop.time() > deadline:
            raise TimeoutError(f"the wizard did not get there within {timeout} s")
        await pilot.pause(0.02)
    for _ in range(50):
        await pilot.pause()
        if not any(w.is_running for w in pilot.app.workers if w.group != "status"):
            return


def step(pilot: Pilot[Any]) -> str:
    return str(getattr(pilot.app.screen, "STEP", ""))


async def next_step(pilot: Pilot[Any]) -> None:
    """Press Next (Ctrl+N) and wait for the next step."""
    screen = pilot.app.screen
    await pilot.press("ctrl+n")
    await until(pilot, lambda: pilot.app.screen is not screen and bool(step(pilot)))


async def type_into(pilot: Pilot[Any], selector: str, text: str) -> None:
    """Focus a field, clear it and type ``text`` key by key (as a user would)."""
    field = pilot.app.screen.query_one(selector)
    field.focus()
    field.value = ""  # type: ignore[attr-defined]
    await pilot.press(*text)


async def submitted(pilot: Pilot[Any], settled: Callable[[Any], bool]) -> None:
    """Press Submit and wait until the status panel shows what ``settled`` wants."""
    await pilot.press("ctrl+n")
    await until(pilot, lambda: bool(pilot.app.screen.query("#status")))
    panel = pilot.app.screen.query_one("#status")
    await until(pilot, lambda: settled(panel), timeout=60.0)


def services_for(world: DemoWorld, config: Path, **timing: float) -> Services:
    """Real services on the demo world (no demo notes: they print the demo passwords)."""
    note = f"Demo: sandbox PBX at {world.sandbox.url}; user admin, password pre-filled."
    return Services(
        config_dir=config,
        defaults=ConnectDefaults(
            url=world.sandbox.url,
            user="admin",
            password=SecretStr(DEFAULT_ADMIN_PASSWORD),
            note=note,
        ),
        timing=Timing(**timing) if timing else Timing(status_interval=0.5),
        secrets=_memory_secrets,
    )


def _memory_secrets() -> Any:
    """A keyring in memory: screenshots never touch the host's keyring."""
    from keyring.backend import KeyringBackend

    from trunkwiz.store.secrets import SecretStore

    class Memory(KeyringBackend):
        priority = 1

        def __init__(self) -> None:
            super().__init__()  # type: ignore[no-untyped-call]
            self.items: dict[tuple[str, str], str] = {}

        def get_password(self, service: str, username: str) -> str | None:
            return self.items.get((service, username))

        def set_password(self, service: str, username: str, password: str) -> None:
            self.items[(service, username)] = password

        def delete_password(self, service: str, username: str) -> None:
            self.items.pop((service, username), None)

    return SecretStore(Memory(), timeout=2.0)


def tenants(world: DemoWorld, *pools: str) -> list[TenantPick]:
    """The first tenants by name, with ``pools``."""
    items = sorted(world.sandbox.state.tenants.values(), key=lambda t: t["name"].lower())
    return [
        TenantPick(str(t["id"]), str(t["name"]), pool)
        for t, pool in zip(items, pools, strict=False)
    ]


async def walk_every_step(world: DemoWorld, config: Path, shoot: Shooter) -> None:
    """01-08 and 12: a Register-Based trunk on the demo carrier, typed in step by step."""
    from textual.widgets import SelectionList

    app = TrunkWizApp(services_for(world, config))
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: step(pilot) == "connect")
        await shoot.shot(pilot, "01-connect")
        await next_step(pilot)
        await shoot.shot(pilot, "02-kind")
        await next_step(pilot)  # Register-Based is the default
        await type_into(pilot, "#name", "demo-carrier")
        await type_into(pilot, "#hostname", "127.0.0.1")
        await type_into(pilot, "#port", str(world.carrier["port"]))
        await shoot.shot(pilot, "03-basic")
        await next_step(pilot)
        await type_into(pilot, "#auth_id", CARRIER_AUTH_ID)
        await type_into(pilot, "#password", CARRIER_PASSWORD)
        await shoot.shot(pilot, "04-credentials")
        await next_step(pilot)
        await shoot.shot(pilot, "05-options")
        await next_step(pilot)
        listing = app.screen.query_one("#tenant-list", SelectionList)
        await until(pilot, lambda: listing.option_count > 0)
        for pick in tenants(world, "", ""):
            listing.select(pick.tenant_id)
        await until(pilot, lambda: len(app.screen.query(".tenant-row")) == 2)
        await type_into(pilot, "#tenant-0-did_numbers", "15551000000-15551000099")
        await type_into(pilot, "#tenant-1-did_numbers", "15551000100-15551000199")
        await shoot.shot(pilot, "06-tenants")
        await next_step(pilot)
        await until(pilot, lambda: getattr(app.screen, "ready", False))
        rules = "#routes-0 .rule-outbound"
        app.screen.query_one("#routes-0-add-outbound").focus()
        await pilot.press("enter")
        await until(pilot, lambda: len(app.screen.query(rules)) == 1)
        uid = app.screen.query(rules).first().uid
        await type_into(pilot, f"#{uid}-name", "demo out")
        await type_into(pilot, f"#{uid}-number_length", "11")
        await type_into(pilot, f"#{uid}-caller_id", "15551000001")
        app.screen.query_one(f"#{uid}-name").focus()
        await shoot.shot(pilot, "12-routes")
        await next_step(pilot)
        await until(pilot, lambda: not app.screen.query_one("#submit").disabled)
        await shoot.shot(pilot, "07-review")
        await submitted(pilot, lambda panel: panel.status == "ONLINE")
        await shoot.shot(pilot, "08-status-online")


async def at_review(
    world: DemoWorld, config: Path, draft: WizardDraft, **timing: float
) -> tuple[TrunkWizApp, Services]:
    services = services_for(world, config, **timing)
    await services.connect(world.sandbox.url, "admin", SecretStr(DEFAULT_ADMIN_PASSWORD))
    return TrunkWizApp(services, start=draft.step, draft=draft), services


async def offline_with_diagnosis(world: DemoWorld, config: Path, shoot: Shooter) -> None:
    """09: the carrier refuses the password; the probe explains why."""
    draft = WizardDraft(
        step="review",
        url=world.sandbox.url,
        user="admin",
        kind="register",
        level="system",
        fields={
            "name": "demo-wrong-password",
            "hostname": "127.0.0.1",
            "port": world.carrier["port"],
            "auth_id": CARRIER_AUTH_ID,
        },
        password=SecretStr(WRONG_PASSWORD),
    )
    app, _ = await at_review(
        world, config, draft, status_interval=0.5, offline_after=0.0, status_timeout=300.0
    )
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: not app.screen.query_one("#submit").disabled)
        await submitted(pilot, lambda panel: bool(panel.diagnosis))
        await shoot.shot(pilot, "09-status-offline")


async def ip_checklist(world: DemoWorld, config: Path, shoot: Shooter) -> None:
    """10: an IP-Based trunk goes ONLINE; the carrier portal checklist is shown."""
    draft = WizardDraft(
        step="review",
        url=world.sandbox.url,
        user="admin",
        kind="ip",
        level="system",
        fields={"name": "demo-ip", "brand": "Flowroute", "hostname": "us-west.flowroute.test"},
        tenants=tenants(world, "15552000000-15552000099"),
    )
    app, _ = await at_review(world, config, draft, status_interval=0.5)
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: not app.screen.query_one("#submit").disabled)
        await submitted(pilot, lambda panel: panel.status == "ONLINE")
        checklist = app.screen.query_one("#checklist")
        await until(pilot, lambda: bool(str(checklist.visual)))  # type: ignore[attr-defined]
        await shoot.shot(pilot, "10-ip-checklist")


async def did_overlap(world: DemoWorld, config: Path, shoot: Shooter) -> None:
    """11: two tenants' pools overlap; the entry at fault is underlined, Next waits."""
    draft = WizardDraft(
        step="tenants",
        url=world.sandbox.url,
        user="admin",
        kind="ip",
        level="system",
        fields={"name": "demo-overlap", "hostname": "overlap.carrier.test"},
        tenants=tenants(world, "15553000000-15553000099"),
    )
    app, _ = await at_review(world, config, draft)
    async with app.run_test(size=SIZE) as pilot:
        listing = app.screen.query_one("#tenant-list")
        await until(pilot, lambda: listing.option_count > 0)  # type: ignore[attr-defined]
        second = tenants(world, "", "")[1]
        listing.select(second.tenant_id)  # type: ignore[attr-defined]
        await until(pilot, lambda: len(app.screen.query(".tenant-row")) == 2)
        await type_into(pilot, "#tenant-1-did_numbers", "15553000200;15553000050")
        await until(pilot, lambda: app.screen.query_one("#next").disabled)
        app.screen.query_one("#tenant-1").scroll_visible(animate=False)
        await shoot.shot(pilot, "11-did-overlap")


async def main(out: Path) -> int:
    out.mkdir(parents=True, exist_ok=True)
    shoot = Shooter(out)
    scenes = (walk_every_step, offline_with_diagnosis, ip_checklist, did_overlap)
    with tempfile.TemporaryDirectory(prefix="trunkwiz-shots-") as tmp:
        for scene in scenes:  # each on a fresh sandbox and carrier, as `trunkwiz demo` starts
            world = DemoWorld().start()
            try:
                await scene(world, Path(tmp) / scene.__name__, shoot)
            finally:
                world.stop()
    for path in shoot.saved:  # once more, from disk
        check_no_password(path.name, path.read_text(encoding="utf-8"))
    print(f"{len(shoot.saved)} screenshots, no password in any of them")
    return 0


if __name__ == "__main__":
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "screenshots"
    sys.exit(asyncio.run(main(target)))
