"""The registration status panel: polling, an injected clock, the probe's diagnosis."""

from __future__ import annotations

import socket
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from pydantic import SecretStr
from textual.app import App, ComposeResult

from tests.tui.conftest import make_services, settle, submit, text_of
from trunkwiz.sandbox.server import DEFAULT_ADMIN_PASSWORD, SandboxServer
from trunkwiz.service.draft import WizardDraft
from trunkwiz.service.services import Services, Timing
from trunkwiz.sip.registrar import DemoRegistrar, RegistrarUser
from trunkwiz.tui.app import TrunkWizApp
from trunkwiz.tui.widgets.status import StatusPanel


class FakeClock:
    """Advances ten seconds every time it is read."""

    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        value = self.now
        self.now += 10.0
        return value


class PanelApp(App[None]):
    def __init__(self, panel: StatusPanel) -> None:
        super().__init__()
        self.panel = panel
        self.settled: list[StatusPanel.Settled] = []

    def compose(self) -> ComposeResult:
        yield self.panel

    def on_status_panel_settled(self, event: StatusPanel.Settled) -> None:
        self.settled.append(event)


async def test_panel_polls_until_online_and_diagnoses_a_long_offline() -> None:
    answers = iter(["OFFLINE", "OFFLINE", "OFFLINE", "ONLINE"])
    diagnosed: list[str] = []

    async def poll() -> str:
        return next(answers)

    async def diagnose() -> str:
        diagnosed.append("probe")
        return "401 with these credentials: wrong password or auth ID"

    panel = StatusPanel(
        poll=poll, clock=FakeClock(), interval=0, timeout=600, offline_after=25, diagnose=diagnose
    )
    app = PanelApp(panel)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert [e.status for e in app.settled] == ["ONLINE"]
        assert diagnosed == ["probe"]  # once, after the bounded time
        assert panel.polls == 4
        shown = str(panel.visual.plain)  # type: ignore[union-attr]
        assert "Status: ONLINE" in shown and "since submit" in shown
        assert panel.diagnosis.startswith("401 with these credentials")
        assert "Diagnosis" not in shown  # stale once the trunk is online


async def test_panel_stops_after_its_timeout() -> None:
    async def poll() -> str:
        return "OFFLINE"

    panel = StatusPanel(poll=poll, clock=FakeClock(), interval=0, timeout=30)
    app = PanelApp(panel)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert [(e.status, e.reason) for e in app.settled] == [("OFFLINE", "timeout")]
        assert "Stopped watching after 30 s" in str(panel.visual.plain)  # type: ignore[union-attr]


@pytest.fixture
async def carrier() -> AsyncIterator[DemoRegistrar]:
    """The demo carrier on loopback (TCP and UDP), one account."""
    registrar = DemoRegistrar(
        [
            RegistrarUser("status-acct", SecretStr("right-password")),
            RegistrarUser("status-acct-2", SecretStr("right-password")),
        ]
    )
    await registrar.start()
    try:
        yield registrar
    finally:
        await registrar.stop()


async def test_offline_register_trunk_is_explained_by_the_real_probe(
    connected: Services, sandbox: SandboxServer, carrier: DemoRegistrar
) -> None:
    draft = WizardDraft(
        url=sandbox.url,
        user="admin",
        kind="register",
        level="system",
        fields={
            "name": "status-wrong-pw",
            "hostname": "127.0.0.1",
            "port": carrier.port,
            "transport": "TCP",
            "auth_id": "status-acct",
        },
        password=SecretStr("wrong-password"),
    )
    app = TrunkWizApp(connected, start="review", draft=draft)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await submit(pilot)
        status = text_of(pilot, "#status")
        assert "OFFLINE" in status
        diagnosis = status.split("Diagnosis:", 1)[1].lower()
        assert "password" in diagnosis or "403" in diagnosis
        assert "wrong-password" not in status


async def test_register_trunk_goes_online_with_the_carriers_account(
    sandbox: SandboxServer, carrier: DemoRegistrar, tmp_path: Path
) -> None:
    # The panel stops as soon as the trunk is ONLINE; the long timeout only leaves room for
    # the sandbox's own REGISTER to the carrier on a loaded machine.
    connected = make_services(
        sandbox.url, tmp_path, timing=Timing(status_interval=0.05, status_timeout=30.0)
    )
    await connected.connect(sandbox.url, "admin", SecretStr(DEFAULT_ADMIN_PASSWORD))
    draft = WizardDraft(
        url=sandbox.url,
        user="admin",
        kind="register",
        level="system",
        fields={
            "name": "status-right-pw",
            "hostname": "127.0.0.1",
            "port": carrier.port,
            "transport": "TCP",
            "auth_id": "status-acct-2",  # host + auth ID are unique on a PBX
        },
        password=SecretStr("right-password"),
    )
    app = TrunkWizApp(connected, start="review", draft=draft)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await submit(pilot)
        status = text_of(pilot, "#status")
        assert "Status: ONLINE" in status and "Diagnosis" not in status


async def test_probe_success_points_at_the_pbx_side(sandbox: SandboxServer, tmp_path: Path) -> None:
    from trunkwiz.sip.result import Outcome, ProbeResult

    probed: list[object] = []

    async def probe(target: object, *, register: bool = True) -> ProbeResult:
        assert register
        probed.append(target)
        return ProbeResult(Outcome.OK, "registered: 200 OK, expires 60 s")

    services = make_services(sandbox.url, tmp_path, probe=probe)
    await services.connect(sandbox.url, "admin", SecretStr(DEFAULT_ADMIN_PASSWORD))
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:  # nobody answers here
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    draft = WizardDraft(
        url=sandbox.url,
        user="admin",
        kind="register",
        level="system",
        fields={"name": "status-pbx-side", "hostname": "127.0.0.1", "port": port, "auth_id": "x"},
        password=SecretStr("pw"),
    )
    app = TrunkWizApp(services, start="review", draft=draft)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await submit(pilot)
        status = text_of(pilot, "#status")
        assert "OFFLINE" in status
        assert "carrier accepts the account" in status and "PBX's own route" in status
    assert len(probed) == 1
