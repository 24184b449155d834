"""Quick edits of an existing trunk: only the changed fields are sent, tenants and DID
pools changed, the password rotated (keyring updated only after the PBX accepted it),
brand and kind read-only, and delete with a typed confirmation."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx
import pytest
from pydantic import SecretStr
from textual.pilot import Pilot
from textual.widgets import Button, OptionList, RadioButton, SelectionList

from tests.tui.conftest import (
    MemoryKeyring,
    create_trunk,
    fill,
    make_services,
    next_step,
    settle,
    step_of,
    submit,
    tenant_ids,
    text_of,
    wait_for,
)
from trunkwiz.pbx.client import PbxClient
from trunkwiz.pbx.tls import TlsPolicy, build_transport
from trunkwiz.sandbox.server import DEFAULT_ADMIN_PASSWORD, SandboxServer
from trunkwiz.service.draft import WizardDraft
from trunkwiz.service.services import Services
from trunkwiz.tui.app import TrunkWizApp
from trunkwiz.tui.screens.manage import DeleteTrunkScreen


class Recorder(httpx.AsyncBaseTransport):
    """Passes every request to the real transport and keeps (method, path, JSON body)."""

    def __init__(self, inner: httpx.AsyncBaseTransport) -> None:
        self.inner = inner
        self.requests: list[tuple[str, str, Any]] = []

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        body = json.loads(request.content) if request.content else None
        self.requests.append((request.method, request.url.path, body))
        return await self.inner.handle_async_request(request)

    async def aclose(self) -> None:
        await self.inner.aclose()

    def changes(self) -> list[tuple[str, Any]]:
        """The POSTs sent after ``mark`` (sign-in and sign-out excluded: rule calls sign in
        a tenant session of their own): (path, body). Switching to a tenant to read its
        rules changes nothing on the PBX and is not counted."""
        return [
            (p, b)
            for m, p, b in self.requests[self.start :]
            if m == "POST" and p != "/api/tenants/switch" and not p.startswith("/api/auth/")
        ]

    def mark(self) -> None:
        self.start = len(self.requests)

    start = 0


@pytest.fixture
async def recorded(
    sandbox: SandboxServer, tmp_path: Path, keyring_backend: MemoryKeyring
) -> tuple[Services, Recorder]:
    """Services signed in as the System Admin whose every request is recorded."""
    recorders: list[Recorder] = []

    def factory(url: str, tls: TlsPolicy) -> PbxClient:
        recorders.append(Recorder(build_transport(tls)))
        return PbxClient(url, tls=tls, transport=recorders[-1])

    services = make_services(sandbox.url, tmp_path / "config", keyring_backend,
                             client_factory=factory)  # fmt: skip
    await services.connect(sandbox.url, "admin", SecretStr(DEFAULT_ADMIN_PASSWORD))
    return services, recorders[-1]


def kind_app(services: Services, sandbox: SandboxServer) -> TrunkWizApp:
    return TrunkWizApp(services, start="kind", draft=WizardDraft(url=sandbox.url, level="system"))


async def highlight(pilot: Pilot[Any], trunk_id: str) -> None:
    """Wait for the trunk list, then highlight ``trunk_id`` in it."""
    listing = pilot.app.screen.query_one("#trunks", OptionList)
    await wait_for(pilot, lambda: any(
        listing.get_option_at_index(i).id == trunk_id for i in range(listing.option_count)
    ))  # fmt: skip
    listing.focus()
    listing.highlighted = next(
        i for i in range(listing.option_count) if listing.get_option_at_index(i).id == trunk_id
    )
    await pilot.pause()


async def open_trunk(pilot: Pilot[Any], trunk_id: str) -> None:
    await highlight(pilot, trunk_id)
    await pilot.press("enter")
    await wait_for(pilot, lambda: step_of(pilot) == "basic")


async def to_step(pilot: Pilot[Any], step: str) -> None:
    """Press Next (nothing changed) until ``step`` shows."""
    for _ in range(6):
        if step_of(pilot) == step:
            return
        await next_step(pilot)
    assert step_of(pilot) == step


def record(sandbox: SandboxServer, trunk_id: str) -> Any:
    return sandbox.state.trunks.get(trunk_id)


async def test_an_edit_shows_and_sends_only_the_changed_fields(
    recorded: tuple[Services, Recorder], sandbox: SandboxServer
) -> None:
    services, rec = recorded
    (t1, _), (t2, _) = tenant_ids(sandbox, 2)
    trunk_id = await create_trunk(
        services, name="only-changes", hostname="old.only.test", auth_id="oc-acct",
        tenants=[{"tenant_id": t1, "did_numbers": "15551000000-15551000099"},
                 {"tenant_id": t2, "did_numbers": "15551000100"}],
    )  # fmt: skip
    app = kind_app(services, sandbox)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await open_trunk(pilot, trunk_id)
        assert app.screen.query_one("#hostname").value == "old.only.test"
        await fill(pilot, "#hostname", "new.only.test")
        await fill(pilot, "#port", "5080")
        await to_step(pilot, "review")
        plan = text_of(pilot, "#plan").splitlines()
        assert plan == [
            f"Update trunk only-changes (id {trunk_id}):",
            "  Host: old.only.test → new.only.test",
            "  Port: 5060 → 5080",
        ]
        rec.mark()
        await submit(pilot)
        assert "Done: 1 change(s)" in text_of(pilot, "#progress-line")
    assert rec.changes() == [
        (f"/api/providers/{trunk_id}", {"hostname": "new.only.test", "port": 5080})
    ]
    data = record(sandbox, trunk_id).data
    assert (data["hostname"], data["port"], data["auth_id"]) == ("new.only.test", 5080, "oc-acct")
    assert record(sandbox, trunk_id).password == "pw-1234"


async def test_changing_a_tenants_pool_sends_only_that_assignment(
    recorded: tuple[Services, Recorder], sandbox: SandboxServer
) -> None:
    services, rec = recorded
    (t1, n1), (t2, _) = tenant_ids(sandbox, 2)
    trunk_id = await create_trunk(
        services, kind="ip", name="pool-change", hostname="pool.change.test",
        tenants=[{"tenant_id": t1, "did_numbers": "15552000000-15552000009", "concurrency": 5},
                 {"tenant_id": t2, "did_numbers": "15552000100"}],
    )  # fmt: skip
    app = kind_app(services, sandbox)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await open_trunk(pilot, trunk_id)
        await to_step(pilot, "tenants")
        row = next(r for r in app.screen.rows() if r.pick.tenant_id == t1)
        assert app.screen.query_one(f"#tenant-{row.number}-did_numbers").value == (
            "15552000000-15552000009"
        )
        await fill(pilot, f"#tenant-{row.number}-did_numbers", "15552000000-15552000019")
        await next_step(pilot)
        await next_step(pilot)  # routes: none
        plan = text_of(pilot, "#plan")
        assert f"Change tenant {n1}" in plan and "15552000000-15552000019" in plan
        assert "Update trunk" not in plan
        rec.mark()
        await submit(pilot)
    assert rec.changes() == [
        (
            f"/api/providers/{trunk_id}/assignees/{t1}",
            {"did_numbers": "15552000000-15552000019", "concurrency": 5},
        )
    ]
    assert record(sandbox, trunk_id).assignees[t2]["did_numbers"] == "15552000100"


async def test_adding_and_removing_tenants(
    recorded: tuple[Services, Recorder], sandbox: SandboxServer
) -> None:
    services, rec = recorded
    (t1, n1), (t2, n2), (t3, n3) = tenant_ids(sandbox, 3)
    trunk_id = await create_trunk(
        services, kind="ip", name="add-remove", hostname="add.remove.test",
        tenants=[{"tenant_id": t1, "did_numbers": "15553000000"},
                 {"tenant_id": t2, "did_numbers": "15553000001"}],
    )  # fmt: skip
    app = kind_app(services, sandbox)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await open_trunk(pilot, trunk_id)
        await to_step(pilot, "tenants")
        await wait_for(pilot, lambda: app.screen.sources is not None)
        listing = app.screen.query_one("#tenant-list", SelectionList)
        listing.deselect(t2)
        listing.select(t3)
        await settle(pilot)
        row = next(r for r in app.screen.rows() if r.pick.tenant_id == t3)
        await fill(pilot, f"#tenant-{row.number}-did_numbers", "15553000002-15553000009")
        await next_step(pilot)
        await next_step(pilot)  # routes: none
        plan = text_of(pilot, "#plan")
        assert f"Stop sharing with tenant {n2}" in plan
        assert f"Share with tenant {n3}" in plan
        assert n1 not in plan
        rec.mark()
        await submit(pilot)
    assert sorted(p for p, _ in rec.changes()) == sorted([
        f"/api/providers/{trunk_id}/assignees/{t2}/destroy",
        f"/api/providers/{trunk_id}/assignees/{t3}",
    ])  # fmt: skip
    assignees = record(sandbox, trunk_id).assignees
    assert set(assignees) == {t1, t3}
    assert assignees[t3]["did_numbers"] == "15553000002-15553000009"


async def test_rotating_the_password_updates_the_keyring_after_the_pbx_accepted_it(
    recorded: tuple[Services, Recorder], sandbox: SandboxServer, keyring_backend: MemoryKeyring
) -> None:
    services, rec = recorded
    trunk_id = await create_trunk(services, password="old-secret", name="rotate-ok",
                                  hostname="rotate.ok.test", auth_id="rot")  # fmt: skip
    key = ("trunkwiz", f"trunk:{sandbox.url}:rotate-ok")
    keyring_backend.items[key] = "old-secret"
    app = kind_app(services, sandbox)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await open_trunk(pilot, trunk_id)
        await next_step(pilot)
        assert step_of(pilot) == "credentials"
        assert "New password" in str(app.screen.query_one("#row-password > .label").render())
        await fill(pilot, "#password", "new-secret")
        await to_step(pilot, "review")
        plan = text_of(pilot, "#plan")
        assert "Password: changed" in plan and "new-secret" not in plan
        rec.mark()
        await submit(pilot)
        await settle(pilot)
    assert rec.changes() == [(f"/api/providers/{trunk_id}", {"password": "new-secret"})]
    assert record(sandbox, trunk_id).password == "new-secret"
    assert keyring_backend.items[key] == "new-secret"
    assert not services.drafts.exists()  # submitted: the draft is gone


async def test_a_refused_password_change_keeps_the_old_keyring_entry(
    recorded: tuple[Services, Recorder], sandbox: SandboxServer, keyring_backend: MemoryKeyring
) -> None:
    services, _ = recorded
    trunk_id = await create_trunk(services, password="kept-secret", name="rotate-no",
                                  hostname="rotate.no.test", auth_id="rotn")  # fmt: skip
    key = ("trunkwiz", f"trunk:{sandbox.url}:rotate-no")
    keyring_backend.items[key] = "kept-secret"
    app = kind_app(services, sandbox)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await open_trunk(pilot, trunk_id)
        await next_step(pilot)
        await fill(pilot, "#password", "refused-secret")
        await to_step(pilot, "review")
        sandbox.faults.fail_nth(1, status=400)  # the PBX refuses the update
        await submit(pilot)
        error = text_of(pilot, "#step-error")
        assert "injected fault" in error and "refused-secret" not in error
        assert not app.screen.query("#done")
    sandbox.faults.reset()
    assert record(sandbox, trunk_id).password == "kept-secret"
    assert keyring_backend.items[key] == "kept-secret"


async def test_brand_and_kind_are_read_only_while_editing(
    connected: Services, sandbox: SandboxServer
) -> None:
    trunk_id = await create_trunk(connected, name="fixed-kind", hostname="fixed.kind.test")
    app = kind_app(connected, sandbox)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await open_trunk(pilot, trunk_id)
        assert app.screen.query_one("#brand").disabled
        note = text_of(pilot, "#readonly-note")
        assert "Register Based Trunk" in note and "Generic" in note
        assert "cannot change" in note
        await pilot.press("ctrl+r")
        await wait_for(pilot, lambda: step_of(pilot) == "kind")
        assert all(b.disabled for b in app.screen.query(RadioButton).results(RadioButton))
        assert "kind and brand cannot change" in text_of(pilot, "#kind-reason")
        await pilot.click("#new-trunk")
        await wait_for(pilot, lambda: step_of(pilot) == "kind" and not app.screen.query(
            "#new-trunk"))  # fmt: skip
        assert app.draft.trunk_id is None and app.draft.fields == {}
        assert not app.screen.query_one("#kind-ip", RadioButton).disabled


async def delete_via_dialog(pilot: Pilot[Any], trunk_id: str, name: str) -> DeleteTrunkScreen:
    await highlight(pilot, trunk_id)
    await pilot.press("delete")
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, DeleteTrunkScreen))
    dialog = pilot.app.screen
    assert isinstance(dialog, DeleteTrunkScreen)
    await fill(pilot, "#confirm-name", name[:-1])
    assert dialog.query_one("#delete", Button).disabled  # not the exact name yet
    await fill(pilot, "#confirm-name", name)
    assert not dialog.query_one("#delete", Button).disabled
    await pilot.click("#delete")

    def answered() -> bool:
        refused = bool(dialog.query(".dialog-error.-shown")) and (
            not dialog.query_one("#delete", Button).disabled or dialog.rules_in_use
        )
        return pilot.app.screen is not dialog or refused

    await wait_for(pilot, answered)
    return dialog


async def test_delete_asks_for_the_typed_name_then_removes_the_trunk(
    connected: Services, sandbox: SandboxServer, keyring_backend: MemoryKeyring
) -> None:
    trunk_id = await create_trunk(connected, name="delete-me", hostname="delete.me.test")
    key = ("trunkwiz", f"trunk:{sandbox.url}:delete-me")
    keyring_backend.items[key] = "pw-1234"
    app = kind_app(connected, sandbox)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await delete_via_dialog(pilot, trunk_id, "delete-me")
        await wait_for(pilot, lambda: step_of(pilot) == "kind")
        listing = app.screen.query_one("#trunks", OptionList)
        await wait_for(pilot, lambda: key not in keyring_backend.items)
        ids = {listing.get_option_at_index(i).id for i in range(listing.option_count)}
        assert trunk_id not in ids
    assert record(sandbox, trunk_id) is None


async def test_the_pbx_refusing_a_delete_is_shown_as_it_is(
    connected: Services, sandbox: SandboxServer
) -> None:
    ((tid, tname),) = tenant_ids(sandbox, 1)
    trunk_id = await create_trunk(
        connected, kind="ip", name="pinned-trunk", hostname="pinned.trunk.test",
        tenants=[{"tenant_id": tid, "did_numbers": "15554000000"}],
    )  # fmt: skip
    sandbox.state.add_inbound_rule(tid, trunk_id, "15554000000", name="Main line")
    app = kind_app(connected, sandbox)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        dialog = await delete_via_dialog(pilot, trunk_id, "pinned-trunk")
        assert pilot.app.screen is dialog
        shown = str(dialog.query_one("#delete-error").render())
        assert shown.startswith("Rules use this trunk (the PBX refuses to delete it):")
        assert f"inbound rule 'Main line' of tenant {tname}" in shown
        assert dialog.query_one("#delete-rules", Button).display
        await pilot.press("escape")
        await pilot.pause()
        assert step_of(pilot) == "kind"
    assert record(sandbox, trunk_id) is not None
