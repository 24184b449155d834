"""Accept Register in the wizard: the gateway's account, the host label checked against
the tenants' SIP domains, and a whole run against the sandbox."""

from __future__ import annotations

from pydantic import SecretStr
from textual.widgets import SelectionList

from tests.tui.conftest import (
    MemoryKeyring,
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


async def test_accept_register_trunk_end_to_end(
    connected: Services, sandbox: SandboxServer, keyring_backend: MemoryKeyring
) -> None:
    (tid, tname), (_, other_name) = tenant_ids(sandbox, 2)
    taken = sandbox.state.tenants[tid]["domain"]
    app = TrunkWizApp(connected, start="kind", draft=WizardDraft(url=sandbox.url, level="system"))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.click("#kind-accept_register")
        await next_step(pilot)
        assert step_of(pilot) == "basic" and app.draft.kind == "accept_register"
        assert "not a tenant's SIP domain" in text_of(pilot, "#hostname-hint")
        await fill(pilot, "#name", "gateway-ar")
        await wait_for(pilot, lambda: hasattr(app.screen, "_domains"))
        await fill(pilot, "#hostname", taken.upper())
        message = text_of(pilot, "#hostname-error")  # shown while typing
        assert f"is the SIP domain of tenant {tname}" in message
        await next_step(pilot)
        assert step_of(pilot) == "basic"  # refused before leaving the step
        await fill(pilot, "#hostname", "gw1.branch.test")
        assert text_of(pilot, "#hostname-error") == ""
        await next_step(pilot)
        assert step_of(pilot) == "credentials"
        assert "gateway will use to register to this PBX" in text_of(pilot, "#intro")
        assert not app.screen.query("#username") and not app.screen.query("#register_interval")
        await fill(pilot, "#auth_id", "gw1-acct")
        await fill(pilot, "#password", "gw1-secret")
        await next_step(pilot)
        await next_step(pilot)  # options
        assert step_of(pilot) == "tenants"
        app.screen.query_one("#tenant-list", SelectionList).select(tid)
        await settle(pilot)
        (row,) = app.screen.rows()
        await fill(pilot, f"#tenant-{row.number}-did_numbers", "15557700000-15557700099")
        await next_step(pilot)
        await next_step(pilot)  # routes: later
        plan = text_of(pilot, "#plan")
        assert "Create trunk gateway-ar (Accept Register Trunk" in plan
        assert "Kind: Accept Register Trunk" in plan and "gw1-secret" not in plan
        await submit(pilot)
        status = text_of(pilot, "#status")
        assert "OFFLINE" in status
        assert "the gateway has not registered yet" in status and "gw1-acct" in status
        assert not connected.drafts.exists()
    (record,) = [t for t in sandbox.state.trunks.values() if t.data["name"] == "gateway-ar"]
    assert record.auth_mode == "ACCEPT_REGISTER"
    assert record.data["hostname"] == "gw1.branch.test" and record.data["auth_id"] == "gw1-acct"
    assert record.password == "gw1-secret"
    assert record.assignees[tid]["did_numbers"] == "15557700000-15557700099"
    assert keyring_backend.items[("trunkwiz", f"trunk:{sandbox.url}:gateway-ar")] == "gw1-secret"
    assert other_name not in plan


async def test_review_refuses_a_resumed_draft_whose_host_is_a_tenant_domain(
    connected: Services, sandbox: SandboxServer
) -> None:
    ((tid, tname),) = tenant_ids(sandbox, 1)
    draft = WizardDraft(
        url=sandbox.url, user="admin", kind="accept_register", level="system",
        fields={"name": "ar-clash", "hostname": sandbox.state.tenants[tid]["domain"],
                "auth_id": "clash"},
        tenants=[TenantPick(tid, tname, "15557800000")],
    )  # fmt: skip
    draft.password = SecretStr("clash-pw")
    app = TrunkWizApp(connected, start="review", draft=draft)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        plan = text_of(pilot, "#plan")
        assert "Cannot submit yet" in plan and "Host (Basic info step)" in plan
        assert f"SIP domain of tenant {tname}" in plan
        assert app.screen.query_one("#submit").disabled
