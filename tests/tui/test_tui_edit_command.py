"""``trunkwiz edit NAME`` and editing as a Tenant Admin (who may not read assignees)."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import SecretStr

from tests.tui.conftest import (
    MemoryKeyring,
    create_trunk,
    fill,
    next_step,
    settle,
    step_of,
    submit,
    text_of,
    wait_for,
)
from tests.tui.test_tui_edit import Recorder, kind_app
from trunkwiz.cli import make_app, passwords
from trunkwiz.pbx.client import PbxClient
from trunkwiz.pbx.tls import TlsPolicy, build_transport
from trunkwiz.sandbox.server import (
    DEFAULT_ADMIN_PASSWORD,
    DEFAULT_TENANT_PASSWORD,
    SandboxServer,
)
from trunkwiz.service.services import Services
from trunkwiz.store.secrets import SecretStore, pbx_key
from trunkwiz.tui.app import TrunkWizApp


@pytest.fixture
def cli_keyring(monkeypatch: pytest.MonkeyPatch) -> MemoryKeyring:
    """The keyring the command line's services use (in memory)."""
    backend = MemoryKeyring()
    monkeypatch.setattr(passwords, "open_secret_store", lambda: SecretStore(backend, timeout=2.0))
    return backend


async def test_edit_name_signs_in_with_the_keyring_and_opens_the_trunk(
    connected: Services, sandbox: SandboxServer, tmp_path: Path, cli_keyring: MemoryKeyring
) -> None:
    trunk_id = await create_trunk(connected, name="Edit-Cmd", hostname="edit.cmd.test")
    cli_keyring.items[("trunkwiz", pbx_key(sandbox.url, "admin"))] = DEFAULT_ADMIN_PASSWORD
    argv = ["edit", "edit-cmd", "--pbx", sandbox.url, "--user", "admin", "--config", str(tmp_path)]
    app = make_app(argv)
    assert isinstance(app, TrunkWizApp)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: step_of(pilot) == "basic")
        assert app.draft.trunk_id == trunk_id
        assert app.screen.query_one("#name").value == "Edit-Cmd"
        assert app.screen.query_one("#hostname").value == "edit.cmd.test"


async def test_edit_of_an_unknown_name_lists_the_close_names(
    connected: Services, sandbox: SandboxServer, tmp_path: Path, cli_keyring: MemoryKeyring
) -> None:
    from trunkwiz.cli.edit import refusal_line

    await create_trunk(connected, kind="ip", name="carrier-east", hostname="east.close.test")
    await create_trunk(connected, kind="ip", name="carrier-west", hostname="west.close.test")
    argv = ["edit", "carrier-est", "--pbx", sandbox.url, "--user", "admin",
            "--config", str(tmp_path)]  # fmt: skip
    app = make_app(argv)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert step_of(pilot) == "connect"  # no password kept: the user types it
        await fill(pilot, "#pbx_password", DEFAULT_ADMIN_PASSWORD)
        await next_step(pilot)
        await wait_for(pilot, lambda: app.return_code is not None)
        assert step_of(pilot) == "kind" and app.draft.trunk_id is None
    assert app.return_code == 2  # the wizard leaves: no new-trunk flow instead
    line = refusal_line(app)  # type: ignore[arg-type]
    assert line is not None
    assert line.startswith("trunkwiz edit: No trunk named 'carrier-est' on this PBX. Close names: ")
    assert "carrier-east" in line and "carrier-west" in line


async def test_a_tenant_admin_edits_its_own_trunk_without_reading_assignees(
    services: Services, sandbox: SandboxServer, tmp_path: Path
) -> None:
    recorders: list[Recorder] = []

    def factory(url: str, tls: TlsPolicy) -> PbxClient:
        recorders.append(Recorder(build_transport(tls)))
        return PbxClient(url, tls=tls, transport=recorders[-1])

    services._client_factory = factory
    tenant = sorted(sandbox.state.tenants.values(), key=lambda t: t["id"])[5]
    await services.connect(sandbox.url, "manager", SecretStr(DEFAULT_TENANT_PASSWORD),
                           tenant["domain"])  # fmt: skip
    trunk_id = await create_trunk(
        services, name="own-trunk", hostname="own.tenant.test",
        level="tenant", did_numbers="15556000000-15556000009",
    )  # fmt: skip
    app = kind_app(services, sandbox)
    app.draft.level = "tenant"
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        listing = app.screen.query_one("#trunks")
        await wait_for(pilot, lambda: listing.option_count > 0 and listing.get_option_at_index(0)
                       .id is not None)  # fmt: skip
        listing.focus()
        listing.highlighted = 0
        await pilot.press("enter")
        await wait_for(pilot, lambda: step_of(pilot) == "basic")
        assert app.screen.query_one("#did_numbers").value == "15556000000-15556000009"
        await fill(pilot, "#did_numbers", "15556000000-15556000019")
        for _ in range(4):
            if step_of(pilot) != "review":
                await next_step(pilot)
        assert step_of(pilot) == "review"
        assert "DID pool: 15556000000-15556000009 → 15556000000-15556000019" in text_of(
            pilot, "#plan"
        )
        await submit(pilot)
        assert "Done: 1 change(s)" in text_of(pilot, "#progress-line")
    paths = [p for _, p, _ in recorders[-1].requests]
    assert not [p for p in paths if p.endswith("/assignees")]
    assert sandbox.state.trunks[trunk_id].data["did_numbers"] == "15556000000-15556000019"
