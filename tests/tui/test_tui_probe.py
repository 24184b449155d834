"""Review: the carrier is tested from this host on request, before anything is sent."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from pydantic import SecretStr

from tests.tui.conftest import settle, text_of, wait_for
from trunkwiz.sandbox.server import SandboxServer
from trunkwiz.service.draft import WizardDraft
from trunkwiz.service.services import Services
from trunkwiz.sip.registrar import DemoRegistrar, RegistrarUser
from trunkwiz.tui.app import TrunkWizApp


@pytest.fixture
async def carrier() -> AsyncIterator[DemoRegistrar]:
    registrar = DemoRegistrar([RegistrarUser("probe-acct", SecretStr("carrier-pw"))])
    await registrar.start()
    try:
        yield registrar
    finally:
        await registrar.stop()


def draft_for(sandbox: SandboxServer, port: int, password: str | None) -> WizardDraft:
    return WizardDraft(
        url=sandbox.url,
        user="admin",
        kind="register",
        level="system",
        fields={
            "name": "probe-before-submit",
            "hostname": "127.0.0.1",
            "port": port,
            "transport": "UDP",
            "auth_id": "probe-acct",
        },
        password=None if password is None else SecretStr(password),
    )


@pytest.mark.parametrize(
    ("password", "expected"),
    [("carrier-pw", "Carrier test (REGISTER): registered"), ("wrong-pw", "403")],
)
async def test_ctrl_t_probes_the_carrier_and_sends_nothing_to_the_pbx(
    connected: Services,
    sandbox: SandboxServer,
    carrier: DemoRegistrar,
    password: str,
    expected: str,
) -> None:
    before = len(sandbox.state.trunks)
    app = TrunkWizApp(connected, start="review", draft=draft_for(sandbox, carrier.port, password))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+t")
        await wait_for(pilot, lambda: "Carrier test" in text_of(pilot, "#probe-result"))
        shown = text_of(pilot, "#probe-result")
        assert expected in shown, shown
        assert password not in shown
    assert len(sandbox.state.trunks) == before  # a test, not a submit
    assert carrier.bindings() == []  # the probe un-REGISTERs its own contact


async def test_an_ip_trunk_is_tested_with_options(
    connected: Services, sandbox: SandboxServer, carrier: DemoRegistrar
) -> None:
    draft = WizardDraft(
        url=sandbox.url,
        user="admin",
        kind="ip",
        level="system",
        fields={"name": "probe-ip", "hostname": "127.0.0.1", "port": carrier.port},
    )
    app = TrunkWizApp(connected, start="review", draft=draft)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+t")
        await wait_for(pilot, lambda: "Carrier test" in text_of(pilot, "#probe-result"))
        shown = text_of(pilot, "#probe-result")
        assert "Carrier test (OPTIONS)" in shown and "200" in shown, shown
