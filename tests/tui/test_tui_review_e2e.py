"""Step 7 and whole runs: the plan, apply over real HTTP, status panel, rollback, edits."""

from __future__ import annotations

from textual.widgets import SelectionList

from tests.tui.conftest import (
    MemoryKeyring,
    create_trunk,
    fill,
    next_step,
    settle,
    step_of,
    submit,
    tenant_ids,
    text_of,
    wait_for,
)
from trunkwiz.sandbox.server import SandboxServer
from trunkwiz.service.draft import TenantPick, WizardDraft
from trunkwiz.service.services import Services
from trunkwiz.tui.app import TrunkWizApp


def trunk_named(sandbox: SandboxServer, name: str):  # type: ignore[no-untyped-def]
    matches = [t for t in sandbox.state.trunks.values() if t.data.get("name") == name]
    return matches[0] if matches else None


async def test_register_trunk_shared_with_three_tenants_end_to_end(
    services: Services, sandbox: SandboxServer, keyring_backend: MemoryKeyring
) -> None:
    picks = tenant_ids(sandbox, 3)
    app = TrunkWizApp(services)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await next_step(pilot)  # connect (pre-filled)
        await next_step(pilot)  # kind: Register-Based is the default
        assert step_of(pilot) == "basic"
        await fill(pilot, "#name", "e2e-register")
        await fill(pilot, "#hostname", "sip.e2e-register.test")
        await next_step(pilot)
        await fill(pilot, "#auth_id", "e2e-acct")
        await fill(pilot, "#password", "e2e-secret-pw")
        await next_step(pilot)
        await fill(pilot, "#concurrency", "50")
        await next_step(pilot)
        assert step_of(pilot) == "tenants"
        listing = app.screen.query_one("#tenant-list", SelectionList)
        for tid, _ in picks:
            listing.select(tid)
        await settle(pilot)
        for n, row in enumerate(app.screen.rows()):
            await fill(pilot, f"#tenant-{row.number}-did_numbers", f"1555600{n}000-1555600{n}999")
            await fill(pilot, f"#tenant-{row.number}-concurrency", str(10 + n))
        await next_step(pilot)
        assert step_of(pilot) == "routes"
        await next_step(pilot)
        assert step_of(pilot) == "review"
        plan = text_of(pilot, "#plan")
        assert "Create trunk e2e-register (Register Based Trunk" in plan
        assert "Password: will be set" in plan and "e2e-secret-pw" not in plan
        assert plan.count("Share with tenant") == 3
        await submit(pilot)
        assert "Done: 4 change(s)" in text_of(pilot, "#progress-line")
        status = text_of(pilot, "#status")
        assert "OFFLINE" in status and "Diagnosis:" in status
        assert not services.drafts.exists()
        await pilot.click("#done")
        await wait_for(pilot, lambda: step_of(pilot) == "kind")
        assert app.draft.trunk_id is None and not app.draft.fields  # a fresh draft
        await pilot.press("escape")  # nothing typed since: leaves at once
        await pilot.pause()
    assert app.return_code == 0
    record = trunk_named(sandbox, "e2e-register")
    assert record is not None and record.auth_mode == "REGISTER_AUTH"
    assert record.data["auth_id"] == "e2e-acct" and record.data["concurrency"] == 50
    assert record.password == "e2e-secret-pw"
    assert {tid: (a["did_numbers"], a["concurrency"]) for tid, a in record.assignees.items()} == {
        tid: (f"1555600{n}000-1555600{n}999", 10 + n) for n, (tid, _) in enumerate(picks)
    }
    key = ("trunkwiz", f"trunk:{sandbox.url}:e2e-register")
    assert keyring_backend.items[key] == "e2e-secret-pw"


async def test_ip_trunk_end_to_end_goes_online_with_the_portal_checklist(
    services: Services, sandbox: SandboxServer
) -> None:
    ((tid, _),) = tenant_ids(sandbox, 1)
    app = TrunkWizApp(services)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await next_step(pilot)
        await pilot.click("#kind-ip")
        await next_step(pilot)
        app.screen.query_one("#brand").value = "Flowroute"
        await settle(pilot)
        await fill(pilot, "#name", "e2e-ip")
        await fill(pilot, "#hostname", "e2e-ip.flowroute.test")
        await next_step(pilot)
        assert step_of(pilot) == "options"
        await next_step(pilot)
        app.screen.query_one("#tenant-list", SelectionList).select(tid)
        await settle(pilot)
        (row,) = app.screen.rows()
        await fill(pilot, f"#tenant-{row.number}-did_numbers", "15557000000-15557000099")
        await next_step(pilot)
        await next_step(pilot)  # routes: later
        await submit(pilot)
        assert "ONLINE" in text_of(pilot, "#status")
        checklist = text_of(pilot, "#checklist")
        assert "203.0.113.10" in checklist and "sip:203.0.113.10:5060" in checklist
        assert "Tech Prefix" in checklist  # Flowroute's call prefix reminder
    record = trunk_named(sandbox, "e2e-ip")
    assert record is not None and record.auth_mode == "IP_AUTH"
    assert record.data["brand"] == "Flowroute"
    assert record.assignees[tid]["did_numbers"] == "15557000000-15557000099"


async def test_failed_apply_is_rolled_back_and_explained(
    connected: Services, sandbox: SandboxServer
) -> None:
    picks = tenant_ids(sandbox, 2)
    draft = WizardDraft(
        url=sandbox.url,
        user="admin",
        kind="ip",
        level="system",
        fields={"name": "e2e-fails", "hostname": "fails.review.test"},
        tenants=[TenantPick(t, n, f"1555800{i}000") for i, (t, n) in enumerate(picks)],
    )
    app = TrunkWizApp(connected, start="review", draft=draft)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        sandbox.faults.fail_nth(2, status=500)  # the create passes, the first share fails
        await submit(pilot)
        error = text_of(pilot, "#step-error")
        assert "failed" in error and "Rolled back" in error
        assert not app.screen.query_one("#submit").disabled  # may try again
        assert not app.screen.query_one("#back").disabled
    assert trunk_named(sandbox, "e2e-fails") is None


async def test_review_of_an_incomplete_draft_says_what_to_fix(connected: Services) -> None:
    draft = WizardDraft(
        url="x", user="admin", kind="register", level="system", fields={"name": "x"}
    )
    app = TrunkWizApp(connected, start="review", draft=draft)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        plan = text_of(pilot, "#plan")
        assert "Cannot submit yet" in plan and "Host (Basic info step)" in plan
        assert app.screen.query_one("#submit").disabled


async def test_editing_an_existing_trunk_sends_only_the_changes(
    connected: Services, sandbox: SandboxServer
) -> None:
    trunk_id = await create_trunk(
        connected, name="e2e-edit", hostname="old.edit.test", auth_id="edit-acct"
    )
    app = TrunkWizApp(connected, start="kind", draft=WizardDraft(url=sandbox.url, level="system"))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        listing = app.screen.query_one("#trunks")
        index = next(
            i for i in range(listing.option_count) if listing.get_option_at_index(i).id == trunk_id
        )
        listing.focus()
        listing.highlighted = index
        await pilot.press("enter")
        await settle(pilot)
        await fill(pilot, "#hostname", "new.edit.test")
        await next_step(pilot)
        assert "keep the password" in text_of(pilot, "#password-hint")
        await next_step(pilot)  # password left empty: the PBX keeps it
        await next_step(pilot)  # options unchanged
        await next_step(pilot)  # no tenants
        await next_step(pilot)  # no routes
        plan = text_of(pilot, "#plan")
        assert "Update trunk e2e-edit" in plan and "Host: old.edit.test → new.edit.test" in plan
        assert "password" not in plan
        await submit(pilot)
    record = sandbox.state.trunks[trunk_id]
    assert record.data["hostname"] == "new.edit.test"
    assert record.password == "pw-1234"


async def test_pbx_refusal_names_the_field_and_the_step_to_fix_it(
    connected: Services, sandbox: SandboxServer
) -> None:
    await create_trunk(connected, kind="ip", name="dup-name", hostname="first.dup.test")
    draft = WizardDraft(
        url=sandbox.url,
        user="admin",
        kind="ip",
        level="system",
        fields={"name": "dup-name", "hostname": "second.dup.test"},
    )
    app = TrunkWizApp(connected, start="review", draft=draft)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await submit(pilot)
        error = text_of(pilot, "#step-error")
        assert "The PBX refused Name: go Back to the Basic info step" in error
    assert len([t for t in sandbox.state.trunks.values() if t.data["name"] == "dup-name"]) == 1
