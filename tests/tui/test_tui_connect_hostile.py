"""The Connect step against a PBX URL that answers sign-in badly: an error line under the
URL, no crash, no connection."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.hostile_pbx import HostilePbx
from tests.tui.conftest import make_services, next_step, screen_text, settle, step_of
from trunkwiz.tui.app import TrunkWizApp


@pytest.fixture(params=[("/api/auth/sign_in", "html200"), ("/api/auth/user", "list")])
def hostile(request: pytest.FixtureRequest) -> Iterator[HostilePbx]:
    server = HostilePbx(*request.param).start()
    try:
        yield server
    finally:
        server.stop()


async def test_bad_sign_in_answer_is_an_error_line(hostile: HostilePbx, tmp_path: Path) -> None:
    services = make_services(hostile.url, tmp_path)
    app = TrunkWizApp(services)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await next_step(pilot)
        assert step_of(pilot) == "connect"
        shown = screen_text(pilot)
        assert "the PBX answered" in shown or "not JSON" in shown, shown
        assert services.connection is None
