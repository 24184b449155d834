"""Basic step: a value the brand's guide does not give is not pre-filled; the field says
what to ask the carrier instead, and an earlier brand's pre-fill does not stay behind."""

from __future__ import annotations

from textual.widgets import Select

from tests.tui.conftest import fill, settle
from trunkwiz.domain.fields import TRUNK_FIELDS
from trunkwiz.service.draft import WizardDraft
from trunkwiz.service.services import Services
from trunkwiz.tui.app import TrunkWizApp

DEFAULT_IPS_PLACEHOLDER = next(f.placeholder for f in TRUNK_FIELDS if f.name == "additional_ips")


async def test_a_brand_without_a_documented_host_asks_for_it(connected: Services) -> None:
    draft = WizardDraft(url="x", user="admin", kind="ip", level="system", fields={})
    app = TrunkWizApp(connected, start="basic", draft=draft)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        host = app.screen.query_one("#hostname")
        ips = app.screen.query_one("#additional_ips")
        app.screen.query_one("#brand", Select).value = "Flowroute"
        await settle(pilot)
        assert host.value == "us-west-or.sip.flowroute.com"
        assert ips.value == "" and ips.placeholder == "ask Flowroute: its SIP source IPs"
        # Bandwidth's guide shows an example IP, not yours: Flowroute's host goes, nothing
        # takes its place, and the field says what to ask.
        app.screen.query_one("#brand", Select).value = "Bandwidth"
        await settle(pilot)
        assert host.value == "" and host.placeholder == "ask Bandwidth: your trunk's SIP host"
        assert "216.82.224.202" not in str(app.draft.fields.get("hostname", ""))
        app.screen.query_one("#brand", Select).value = "Generic"
        await settle(pilot)
        assert ips.placeholder == DEFAULT_IPS_PLACEHOLDER
        await fill(pilot, "#hostname", "sip.mine.test")  # typed: no brand replaces it
        app.screen.query_one("#brand", Select).value = "Bandwidth"
        await settle(pilot)
        assert host.value == "sip.mine.test"
