"""SVG snapshots of every step, its error states and the status panel, at 80x24.

Each test gets its own sandbox PBX (seeded the same way every time) so the screens show
the same trunks and tenants whatever ran before. What would vary is pinned: the PBX URL on
screen is a stable name that the client factory maps to the sandbox's loopback port, the
status panel reads a stopped clock, and the demo carrier's port (a free port, so it varies)
is rewritten in the SVG to a fixed number. Update with ``pytest --snapshot-update``.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Awaitable, Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from pydantic import SecretStr
from textual import events
from textual.pilot import Pilot

import trunkwiz.tui.app
from tests.tui.conftest import (
    create_trunk,
    fill,
    make_services,
    next_step,
    settle,
    submit,
    tenant_ids,
    wait_for,
)
from trunkwiz.sandbox.server import DEFAULT_ADMIN_PASSWORD, SandboxServer
from trunkwiz.service.draft import TenantPick, WizardDraft
from trunkwiz.service.services import ConnectDefaults, Services, Timing
from trunkwiz.sip.registrar import DemoRegistrar, RegistrarUser
from trunkwiz.tui.app import TrunkWizApp

#: The PBX URL the screens show; the client factory sends its requests to the sandbox.
SHOWN_URL = "http://pbx.sandbox.test:8887"
#: What the demo carrier's (varying) port is shown as in the snapshots.
SHOWN_CARRIER_PORT = "45060"
CARRIER_USER = "snap-acct"
CARRIER_PASSWORD = "snap-carrier-pw"

SnapCompare = Callable[..., bool]
RunBefore = Callable[[Pilot[Any]], Awaitable[None]]


class StoppedClock:
    """Reads ``start`` until the app shows a status panel, then always ``start + 4``: the
    submit's own progress reads the start, the panel was built at the start and every poll
    of it reads 4 s later, however many ticks or polls a slow machine makes."""

    def __init__(self, start: float = 100.0) -> None:
        self.start = start
        self.app: TrunkWizApp | None = None

    def __call__(self) -> float:
        from trunkwiz.tui.widgets.status import StatusPanel

        app = self.app
        if app is not None and app.screen.query(StatusPanel):
            return self.start + 4
        return self.start


class SnapApp(TrunkWizApp):
    """The wizard, signed in to the sandbox first when it starts after Connect.

    ``rewrite`` maps text that varies between runs (a port) to what the snapshot shows.
    """

    CSS_PATH = str(Path(trunkwiz.tui.app.__file__).with_name("app.tcss"))

    def __init__(
        self, services: Services, *, rewrite: dict[str, str] | None = None, **kwargs: Any
    ) -> None:
        super().__init__(services, **kwargs)
        self.rewrite = rewrite or {}
        if isinstance(services.clock, StoppedClock):
            services.clock.app = self

    async def on_mount(self, event: events.Mount) -> None:  # type: ignore[override]
        event.prevent_default()  # the App's own on_mount would show the step before sign-in
        if self._first_step != "connect":
            await self.services.connect(SHOWN_URL, "admin", SecretStr(DEFAULT_ADMIN_PASSWORD))
        self.show_step(self._first_step)

    def export_screenshot(self, *, title: str | None = None, simplify: bool = False) -> str:
        svg = super().export_screenshot(title=title, simplify=simplify)
        for varying, shown in self.rewrite.items():
            svg = re.sub(rf"(?<!\d){re.escape(varying)}(?!\d)", shown, svg)
        return svg


@pytest.fixture
def world(tmp_path: Path) -> Iterator[SandboxServer]:
    """A fresh sandbox for one snapshot (the same seed every time); stopped afterwards."""
    server = SandboxServer(tenants=120).start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def carrier() -> Iterator[DemoRegistrar]:
    """The demo carrier (a SIP registrar on loopback) on its own loop thread."""
    from trunkwiz.cli.demo import BackgroundLoop

    background = BackgroundLoop()
    registrar = DemoRegistrar([RegistrarUser(CARRIER_USER, SecretStr(CARRIER_PASSWORD))])
    background.run(registrar.start())
    try:
        yield registrar
    finally:
        background.run(registrar.stop(), timeout=5.0)
        background.close()


def snap_services(world: SandboxServer, tmp_path: Path, **kwargs: Any) -> Services:
    """Services whose screens show ``SHOWN_URL`` while the requests go to the sandbox."""
    from trunkwiz.pbx.client import PbxClient

    def client(url: str, tls: Any) -> PbxClient:
        assert url.rstrip("/") == SHOWN_URL
        return PbxClient(world.url, tls=tls)

    kwargs.setdefault(
        "defaults",
        ConnectDefaults(url=SHOWN_URL, user="admin", password=SecretStr(DEFAULT_ADMIN_PASSWORD)),
    )
    return make_services(SHOWN_URL, tmp_path / "config", client_factory=client, **kwargs)


def draft(**fields: Any) -> WizardDraft:
    """A System Admin draft of a Register-Based trunk with ``fields``."""
    tenants = fields.pop("tenants", [])
    password = fields.pop("password", None)
    kind = fields.pop("kind", "register")
    return WizardDraft(
        url=SHOWN_URL,
        user="admin",
        kind=kind,
        level="system",
        fields=fields,
        tenants=tenants,
        password=SecretStr(password) if password else None,
    )


def settled(then: RunBefore | None = None) -> RunBefore:
    """A ``run_before`` that lets the screen load, runs ``then`` and settles again."""

    async def run_before(pilot: Pilot[Any]) -> None:
        await wait_for(pilot, lambda: bool(getattr(pilot.app.screen, "STEP", "")))
        await settle(pilot)
        if then is not None:
            await then(pilot)
            await settle(pilot)

    return run_before


# -- the steps --------------------------------------------------------------------------
def test_snapshot_connect(snap_compare: SnapCompare, world: SandboxServer, tmp_path: Path) -> None:
    app = SnapApp(snap_services(world, tmp_path))
    assert snap_compare(app, run_before=settled())


def test_snapshot_connect_wrong_password(
    snap_compare: SnapCompare, world: SandboxServer, tmp_path: Path
) -> None:
    async def wrong(pilot: Pilot[Any]) -> None:
        await fill(pilot, "#pbx_password", "not-the-password")
        await next_step(pilot)
        await wait_for(pilot, lambda: pilot.app.screen.query_one("#pbx_password-error").display)

    app = SnapApp(snap_services(world, tmp_path))
    assert snap_compare(app, run_before=settled(wrong))


def test_snapshot_kind_with_existing_trunks(
    snap_compare: SnapCompare, world: SandboxServer, tmp_path: Path
) -> None:
    async def trunks(services: Services) -> None:
        await services.connect(SHOWN_URL, "admin", SecretStr(DEFAULT_ADMIN_PASSWORD))
        await create_trunk(services, kind="ip", name="flowroute-ip", hostname="us-west.fr.test")
        await create_trunk(services, name="voipms-main", hostname="montreal.voip.test")
        await services.close()

    services = snap_services(world, tmp_path)
    asyncio.run(trunks(services))
    app = SnapApp(services, start="kind", draft=draft())
    assert snap_compare(app, run_before=settled())


def test_snapshot_basic(snap_compare: SnapCompare, world: SandboxServer, tmp_path: Path) -> None:
    app = SnapApp(
        snap_services(world, tmp_path),
        start="basic",
        draft=draft(name="acme-carrier", hostname="sip.acme-carrier.test"),
    )
    assert snap_compare(app, run_before=settled())


def test_snapshot_basic_invalid_host_and_port(
    snap_compare: SnapCompare, world: SandboxServer, tmp_path: Path
) -> None:
    async def invalid(pilot: Pilot[Any]) -> None:
        await fill(pilot, "#hostname", "sip acme!")
        await fill(pilot, "#port", "70000")
        await next_step(pilot)

    app = SnapApp(snap_services(world, tmp_path), start="basic", draft=draft(name="acme-carrier"))
    assert snap_compare(app, run_before=settled(invalid))


def test_snapshot_credentials(
    snap_compare: SnapCompare, world: SandboxServer, tmp_path: Path
) -> None:
    app = SnapApp(
        snap_services(world, tmp_path),
        start="credentials",
        draft=draft(
            name="acme-carrier",
            hostname="sip.acme.test",
            auth_id="acme-1001",
            password="s3cret-trunk-pw",
        ),
    )
    assert snap_compare(app, run_before=settled())


def test_snapshot_options(snap_compare: SnapCompare, world: SandboxServer, tmp_path: Path) -> None:
    app = SnapApp(
        snap_services(world, tmp_path),
        start="options",
        draft=draft(name="acme-carrier", hostname="sip.acme.test", auth_id="acme-1001"),
    )
    assert snap_compare(app, run_before=settled())


def shared(world: SandboxServer, *pools: str) -> list[TenantPick]:
    """The first tenants (by name) with ``pools``."""
    picks = tenant_ids(world, len(pools))
    return [TenantPick(tid, name, pool) for (tid, name), pool in zip(picks, pools, strict=True)]


def test_snapshot_tenants(snap_compare: SnapCompare, world: SandboxServer, tmp_path: Path) -> None:
    fields = {"name": "acme-carrier", "hostname": "sip.acme.test", "auth_id": "acme-1001"}
    pools = shared(world, "15551000000-15551000099", "15551000100-15551000199")
    app = SnapApp(
        snap_services(world, tmp_path), start="tenants", draft=draft(**fields, tenants=pools)
    )
    assert snap_compare(app, run_before=settled())


def test_snapshot_tenants_overlapping_pool(
    snap_compare: SnapCompare, world: SandboxServer, tmp_path: Path
) -> None:
    fields = {"name": "acme-carrier", "hostname": "sip.acme.test", "auth_id": "acme-1001"}
    pools = shared(world, "15551000000-15551000099", "15551000200;15551000050")
    app = SnapApp(
        snap_services(world, tmp_path), start="tenants", draft=draft(**fields, tenants=pools)
    )

    async def flagged(pilot: Pilot[Any]) -> None:
        screen = pilot.app.screen
        await wait_for(pilot, lambda: screen.query_one("#next").disabled)
        second = screen.query_one("#tenant-1-did_numbers")  # the entry at fault is its 2nd
        second.focus()
        await wait_for(pilot, lambda: second.has_focus)
        await pilot.wait_for_scheduled_animations()

    assert snap_compare(app, run_before=settled(flagged))


def test_snapshot_routes(snap_compare: SnapCompare, world: SandboxServer, tmp_path: Path) -> None:
    fields = {"name": "acme-carrier", "hostname": "sip.acme.test", "brand": "Flowroute"}
    pools = shared(world, "15551000000-15551000099")
    the_draft = draft(**fields, kind="ip", tenants=pools)
    the_draft.tech_prefix = "52709417"
    the_draft.routes = {
        pools[0].tenant_id: {
            "outbound": [
                {"name": "acme out", "number_length": "11", "prepend": "52709417*",
                 "caller_id": "15559999999"}
            ],
            "inbound": [],
        }
    }  # fmt: skip
    app = SnapApp(snap_services(world, tmp_path), start="routes", draft=the_draft)

    async def flagged(pilot: Pilot[Any]) -> None:
        screen = pilot.app.screen
        await wait_for(pilot, lambda: getattr(screen, "ready", False))
        await pilot.wait_for_scheduled_animations()

    assert snap_compare(app, run_before=settled(flagged))


def review_draft(world: SandboxServer, **fields: Any) -> WizardDraft:
    base: dict[str, Any] = {"name": "acme-carrier", "hostname": "sip.acme.test"}
    if fields.get("kind", "register") != "ip":
        base.update(auth_id="acme-1001", password="s3cret-trunk-pw")
    base.update(fields)
    base.setdefault("tenants", shared(world, "15551000000-15551000099"))
    return draft(**base)


def test_snapshot_review(snap_compare: SnapCompare, world: SandboxServer, tmp_path: Path) -> None:
    app = SnapApp(snap_services(world, tmp_path), start="review", draft=review_draft(world))
    assert snap_compare(app, run_before=settled())


def test_snapshot_review_pbx_rejection(
    snap_compare: SnapCompare, world: SandboxServer, tmp_path: Path
) -> None:
    async def taken(services: Services) -> None:
        await services.connect(SHOWN_URL, "admin", SecretStr(DEFAULT_ADMIN_PASSWORD))
        await create_trunk(services, kind="ip", name="acme-carrier", hostname="first.acme.test")
        await services.close()

    services = snap_services(world, tmp_path)
    asyncio.run(taken(services))
    app = SnapApp(services, start="review", draft=review_draft(world, kind="ip"))
    assert snap_compare(app, run_before=settled(submit))


# -- after Submit: the status panel and the IP checklist --------------------------------
def status_services(world: SandboxServer, tmp_path: Path, **timing: float) -> Services:
    return snap_services(world, tmp_path, clock=StoppedClock(), timing=Timing(**timing))


async def submitted(pilot: Pilot[Any]) -> None:
    """Submit, then wait until the status panel stopped polling (ONLINE or timed out)."""
    await submit(pilot)
    screen = pilot.app.screen
    await wait_for(pilot, lambda: not any(w.is_running for w in screen.workers), timeout=30.0)


def test_snapshot_status_online(
    snap_compare: SnapCompare, world: SandboxServer, tmp_path: Path, carrier: DemoRegistrar
) -> None:
    services = status_services(
        world, tmp_path, status_interval=0.05, offline_after=60, status_timeout=60
    )
    trunk = review_draft(
        world,
        hostname="127.0.0.1",
        port=carrier.port,
        auth_id=CARRIER_USER,
        password=CARRIER_PASSWORD,
    )
    app = SnapApp(
        services,
        start="review",
        draft=trunk,
        rewrite={str(carrier.port): SHOWN_CARRIER_PORT},
    )
    assert snap_compare(app, run_before=settled(submitted))


def test_snapshot_status_offline_with_diagnosis(
    snap_compare: SnapCompare, world: SandboxServer, tmp_path: Path, carrier: DemoRegistrar
) -> None:
    services = status_services(
        world, tmp_path, status_interval=0.05, offline_after=0, status_timeout=4
    )
    trunk = review_draft(
        world,
        hostname="127.0.0.1",
        port=carrier.port,
        auth_id=CARRIER_USER,
        password="not-the-carrier-pw",
    )
    app = SnapApp(
        services,
        start="review",
        draft=trunk,
        rewrite={str(carrier.port): SHOWN_CARRIER_PORT},
    )
    assert snap_compare(app, run_before=settled(submitted))


def test_snapshot_ip_checklist(
    snap_compare: SnapCompare, world: SandboxServer, tmp_path: Path
) -> None:
    services = status_services(
        world, tmp_path, status_interval=0.05, offline_after=60, status_timeout=60
    )
    trunk = review_draft(
        world, kind="ip", name="flowroute-ip", brand="Flowroute", hostname="us-west.fr.test"
    )
    app = SnapApp(services, start="review", draft=trunk)
    assert snap_compare(app, run_before=settled(submitted))
