"""The draft as the wizard's one source of truth, on the real app against the sandbox.

Opening a trunk and pressing Next through every step plans nothing and sends nothing; a
brand pre-fills only when the user picks it; changing the kind drops what the new kind
cannot have; a submitted trunk is edited, not created again (also after an interrupted
submit); the password field gets the focus when the profile knows the user.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import Checkbox, Input, RadioButton, Select, SelectionList

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
from tests.tui.test_tui_edit import Recorder, kind_app, open_trunk, recorded, to_step
from trunkwiz.sandbox.server import SandboxServer
from trunkwiz.service.draft import WizardDraft
from trunkwiz.service.services import ConnectDefaults, Services
from trunkwiz.store.profiles import Profile
from trunkwiz.tui.app import TrunkWizApp

__all__ = ["recorded"]  # the fixture, shared with the edit tests

NO_CHANGES = "no changes, the PBX already matches"


async def walk_to_review(pilot: Pilot[Any]) -> list[str]:
    """Press Next (nothing typed) through every step; the steps passed, Review last."""
    seen = [step_of(pilot)]
    for _ in range(6):
        if step_of(pilot) == "review":
            break
        await next_step(pilot)
        seen.append(step_of(pilot))
    assert step_of(pilot) == "review", seen
    await wait_for(pilot, lambda: text_of(pilot, "#plan") != "Planning…")
    return seen


# Each kind, each transport, non-default ports, several brands, tenant pools ("tenants"
# are filled in with the sandbox's first two tenants).
ANY_TRUNK: list[dict[str, Any]] = [
    dict(name="inv-reg-udp", hostname="reg.inv.test", auth_id="a1"),
    dict(name="inv-reg-tcp", hostname="tcp.inv.test", transport="TCP", port=5063,
         auth_id="a2", username="u2", register_interval=900, tenants=True),
    dict(name="inv-ip-tls", kind="ip", hostname="tls.inv.test", transport="TLS", port=5061,
         outbound_server="proxy.inv.test", outbound_server_port=5070,
         additional_ips=["203.0.113.0/24"]),
    dict(name="inv-accept", kind="accept_register", hostname="gw.inv.test", port=5080,
         auth_id="gw1"),
    dict(name="inv-twilio", brand="Twilio", hostname="tw.inv.test", port=5062,
         auth_id="tw", registration=False, options={"single_via_header": True}),
    dict(name="inv-flowroute", kind="ip", brand="Flowroute", hostname="fr.inv.test",
         transport="TCP", port=5090, additional_ips=["210.82.221.12/32"]),
    dict(name="inv-siptrunk", brand="SIPTRUNK", hostname="gw.siptrunk.inv.test",
         transport="TLS", port=5061, auth_id="st"),
]  # fmt: skip


@pytest.mark.parametrize("data", ANY_TRUNK, ids=[t["name"] for t in ANY_TRUNK])
async def test_opening_any_trunk_and_pressing_next_plans_nothing_and_sends_nothing(
    recorded: tuple[Services, Recorder], sandbox: SandboxServer, data: dict[str, Any]
) -> None:
    services, rec = recorded
    data = dict(data)
    if data.pop("tenants", False):
        (t1, _), (t2, _) = tenant_ids(sandbox, 2)
        data["tenants"] = [
            {"tenant_id": t1, "did_numbers": "15557000000-15557000099", "concurrency": 7},
            {"tenant_id": t2, "did_numbers": "15557000100"},
        ]
    trunk_id = await create_trunk(services, **data)
    app = kind_app(services, sandbox)
    async with app.run_test(size=(100, 40)) as pilot:
        await settle(pilot)
        rec.mark()
        before = sandbox.state.trunks[trunk_id].data.copy()
        await open_trunk(pilot, trunk_id)
        steps = await walk_to_review(pilot)
        plan = text_of(pilot, "#plan")
        assert NO_CHANGES in plan, (data["name"], steps, plan)
        assert rec.changes() == [], data["name"]
        assert sandbox.state.trunks[trunk_id].data == before
        while step_of(pilot) != "kind":  # and back to the trunk list
            await back(pilot)
        await settle(pilot)


async def test_a_register_trunk_edited_without_changes_sends_no_request(
    recorded: tuple[Services, Recorder], sandbox: SandboxServer
) -> None:
    services, rec = recorded
    trunk_id = await create_trunk(
        services, name="noop-reg", hostname="noop.reg.test", auth_id="noop", port=5066
    )
    app = kind_app(services, sandbox)
    async with app.run_test(size=(100, 40)) as pilot:
        await settle(pilot)
        await open_trunk(pilot, trunk_id)
        await walk_to_review(pilot)
        assert NO_CHANGES in text_of(pilot, "#plan")
        rec.mark()
        await submit(pilot)
        assert rec.changes() == []


async def test_a_tls_5061_trunk_with_one_tenant_pool_changed_sends_only_that_assignment(
    recorded: tuple[Services, Recorder], sandbox: SandboxServer
) -> None:
    services, rec = recorded
    (t1, n1), (t2, _) = tenant_ids(sandbox, 2)
    trunk_id = await create_trunk(
        services, kind="ip", name="tls-pool", hostname="tls.pool.test", transport="TLS",
        port=5061, tenants=[{"tenant_id": t1, "did_numbers": "15558000000-15558000009",
                             "concurrency": 5},
                            {"tenant_id": t2, "did_numbers": "15558000100"}],
    )  # fmt: skip
    app = kind_app(services, sandbox)
    async with app.run_test(size=(100, 40)) as pilot:
        await settle(pilot)
        await open_trunk(pilot, trunk_id)
        await to_step(pilot, "tenants")
        row = next(r for r in tenant_rows(app) if r.pick.tenant_id == t1)
        await fill(pilot, f"#tenant-{row.number}-did_numbers", "15558000000-15558000019")
        await next_step(pilot)
        await next_step(pilot)  # routes: none
        plan = text_of(pilot, "#plan")
        assert f"Change tenant {n1}" in plan and "Update trunk" not in plan
        rec.mark()
        await submit(pilot)
    assert rec.changes() == [
        (
            f"/api/providers/{trunk_id}/assignees/{t1}",
            {"did_numbers": "15558000000-15558000019", "concurrency": 5},
        )
    ]
    data = sandbox.state.trunks[trunk_id].data
    assert (data["transport"], data["port"]) == ("TLS", 5061)


def tenant_rows(app: Any) -> list[Any]:
    """The Tenants step's rows."""
    return list(app.screen.rows())


def new_trunk_app(services: Services, sandbox: SandboxServer) -> TrunkWizApp:
    return TrunkWizApp(services, start="kind", draft=WizardDraft(url=sandbox.url, level="system"))


async def choose_kind(pilot: Pilot[Any], kind: str) -> None:
    pilot.app.screen.query_one(f"#kind-{kind}", RadioButton).value = True
    await pilot.pause()


async def back(pilot: Pilot[Any]) -> None:
    screen = pilot.app.screen
    await pilot.press("ctrl+r")
    await wait_for(pilot, lambda: pilot.app.screen is not screen)


async def test_going_back_to_basic_keeps_the_port_typed_for_a_new_trunk(
    connected: Services, sandbox: SandboxServer
) -> None:
    app = new_trunk_app(connected, sandbox)
    async with app.run_test(size=(100, 40)) as pilot:
        await settle(pilot)
        await next_step(pilot)
        assert step_of(pilot) == "basic"
        await fill(pilot, "#name", "keeps-port")
        await fill(pilot, "#hostname", "keeps.port.test")
        await fill(pilot, "#port", "5080")
        app.screen.query_one("#transport", Select).value = "TCP"
        await next_step(pilot)
        assert step_of(pilot) == "credentials"
        await back(pilot)
        assert step_of(pilot) == "basic"
        await settle(pilot)
        assert app.screen.query_one("#port", Input).value == "5080"
        assert app.screen.query_one("#transport", Select).value == "TCP"
        assert app.draft.fields["port"] == 5080


async def test_picking_a_brand_prefills_registration_and_options_but_no_typed_value(
    connected: Services, sandbox: SandboxServer
) -> None:
    app = new_trunk_app(connected, sandbox)
    async with app.run_test(size=(100, 40)) as pilot:
        await settle(pilot)
        await next_step(pilot)
        await fill(pilot, "#name", "brand-pick")
        await fill(pilot, "#port", "5099")  # typed before the brand is picked
        app.screen.query_one("#brand", Select).value = "Twilio"
        await settle(pilot)
        assert app.screen.query_one("#port", Input).value == "5099"
        assert app.draft.fields["registration"] is False
        assert app.draft.options["single_via_header"] is True
        await fill(pilot, "#hostname", "brand.pick.test")
        await next_step(pilot)
        assert step_of(pilot) == "credentials"
        assert app.screen.query_one("#registration", Checkbox).value is False
        await fill(pilot, "#auth_id", "bp")
        await fill(pilot, "#password", "bp-secret")
        await next_step(pilot)
        assert step_of(pilot) == "options"
        assert app.screen.query_one("#single_via_header", Checkbox).value is True


async def test_switching_register_to_ip_drops_the_credentials_and_review_has_no_dead_end(
    connected: Services, sandbox: SandboxServer
) -> None:
    app = new_trunk_app(connected, sandbox)
    async with app.run_test(size=(100, 40)) as pilot:
        await settle(pilot)
        await next_step(pilot)
        await fill(pilot, "#name", "kind-switch")
        await fill(pilot, "#hostname", "kind.switch.test")
        await next_step(pilot)
        assert step_of(pilot) == "credentials"
        await fill(pilot, "#auth_id", "leftover")
        await back(pilot)
        await back(pilot)
        assert step_of(pilot) == "kind"
        await choose_kind(pilot, "ip")
        await walk_to_review(pilot)
        plan = text_of(pilot, "#plan")
        assert "Cannot submit" not in plan and "Extra inputs" not in plan, plan
        assert "auth_id" not in app.draft.fields


async def fill_new_register_trunk(pilot: Pilot[Any], name: str, tenant: str, pool: str) -> None:
    """From the Kind step: a Register-Based trunk shared with ``tenant``, up to Review."""
    app = pilot.app
    await next_step(pilot)
    await fill(pilot, "#name", name)
    await fill(pilot, "#hostname", f"{name}.test")
    await next_step(pilot)
    await fill(pilot, "#auth_id", f"{name}-acct")
    await fill(pilot, "#password", "pw-5678")
    await next_step(pilot)
    await next_step(pilot)
    assert step_of(pilot) == "tenants"
    app.screen.query_one("#tenant-list", SelectionList).select(tenant)
    await settle(pilot)
    row = next(iter(tenant_rows(app)))
    await fill(pilot, f"#tenant-{row.number}-did_numbers", pool)
    await next_step(pilot)
    assert step_of(pilot) == "routes"
    await next_step(pilot)
    assert step_of(pilot) == "review"


async def test_after_submit_back_edits_the_created_trunk_and_done_starts_a_fresh_one(
    recorded: tuple[Services, Recorder], sandbox: SandboxServer
) -> None:
    services, rec = recorded
    ((t1, _),) = tenant_ids(sandbox, 1)
    app = kind_app(services, sandbox)
    async with app.run_test(size=(100, 40)) as pilot:
        await settle(pilot)
        await fill_new_register_trunk(pilot, "after-submit", t1, "15559000000-15559000009")
        await submit(pilot)
        assert app.screen.query("#done")
        created = app.draft.trunk_id
        assert created is not None and created in sandbox.state.trunks
        keys = [k for k, b in app.screen.active_bindings.items() if b.binding.show]
        assert "ctrl+n" not in keys  # no dead Next in the footer
        await back(pilot)
        assert step_of(pilot) == "routes"
        await back(pilot)
        assert step_of(pilot) == "tenants"
        await settle(pilot)
        errors = [text_of(pilot, f"#{line.id}") for line in app.screen.query(".field-error")]
        assert not any("overlap" in e for e in errors), errors
        rec.mark()
        await next_step(pilot)
        await wait_for(pilot, lambda: app.screen.ready)  # the rules the PBX holds: none
        await next_step(pilot)
        await wait_for(pilot, lambda: text_of(pilot, "#plan") != "Planning…")
        assert NO_CHANGES in text_of(pilot, "#plan")
        await submit(pilot)
        assert rec.changes() == []
        assert [t.data["name"] for t in sandbox.state.trunks.values()].count("after-submit") == 1
        await pilot.click("#done")
        await wait_for(pilot, lambda: step_of(pilot) == "kind")
        assert app.is_running
        assert app.draft.trunk_id is None and not app.draft.fields and not app.draft.tenants
        await next_step(pilot)
        assert step_of(pilot) == "basic"
        assert app.screen.query_one("#name", Input).value == ""
        assert app.screen.query_one("#hostname", Input).value == ""


async def test_a_submit_interrupted_after_the_create_is_rolled_back_then_resumed(
    connected: Services, sandbox: SandboxServer, keyring_backend: MemoryKeyring
) -> None:
    """A hang-up during Submit (the App's signal handler calls ``leave_now``): no new call,
    what this submit created is removed, the draft is saved, the exit code is 129; Resume
    then creates the trunk once."""
    services = connected
    ((t1, _),) = tenant_ids(sandbox, 1)
    app = kind_app(services, sandbox)
    try:
        async with app.run_test(size=(100, 40)) as pilot:
            await settle(pilot)
            await fill_new_register_trunk(pilot, "cut-off", t1, "15559100000")
            sandbox.faults.hold_from(1, method="POST")  # the create waits for the hang-up
            await pilot.click("#submit")
            loop = asyncio.get_running_loop()
            deadline = loop.time() + 20
            assert await asyncio.to_thread(sandbox.faults.wait_held, 1, 20.0), "no create sent"
            app.leave_now(129)  # the session drops mid-submit
            assert app.is_running  # not before the rollback
            assert "rolling back" in text_of(pilot, "#progress-line")
            app.leave_now(129)  # a second signal changes nothing
            sandbox.faults.release()  # the PBX answers the create: it is then removed
            await app.workers.wait_for_complete()  # the submit rolls back, then leaves
            while app.is_running:
                assert loop.time() < deadline + 30, "the app did not leave"
                await pilot.pause()
    finally:
        sandbox.faults.release()
    assert app.return_code == 129
    assert "cut-off" not in [t.data["name"] for t in sandbox.state.trunks.values()]
    saved = services.load_draft()
    assert saved is not None and "trunk_id" not in saved  # removed: a new trunk again
    again = make_services(sandbox.url, services.config_dir, keyring_backend)
    resumed = TrunkWizApp(again, ask_resume=True)
    async with resumed.run_test(size=(100, 40)) as pilot:
        await wait_for(pilot, lambda: bool(resumed.screen.query("#resume")))
        await pilot.click("#resume")
        await wait_for(pilot, lambda: step_of(pilot) == "connect")
        await next_step(pilot)  # sign in again (the demo password is known)
        await wait_for(pilot, lambda: step_of(pilot) == "review")
        await wait_for(pilot, lambda: text_of(pilot, "#plan") != "Planning…")
        plan = text_of(pilot, "#plan")
        assert "Password (Credentials step)" in plan, plan  # never saved: typed again
        while step_of(pilot) != "credentials":
            await pilot.press("ctrl+r")
            await settle(pilot)
        assert resumed.screen.query_one("#auth_id", Input).value == "cut-off-acct"
        await fill(pilot, "#password", "pw-5678")
        while step_of(pilot) != "review":
            await next_step(pilot)
        await wait_for(pilot, lambda: text_of(pilot, "#plan") != "Planning…")
        assert "Create trunk" in text_of(pilot, "#plan")
        await submit(pilot)
        assert resumed.screen.query("#done")
    assert [t.data["name"] for t in sandbox.state.trunks.values()].count("cut-off") == 1


async def test_the_password_gets_the_focus_when_the_profile_knows_the_user(
    sandbox: SandboxServer, tmp_path: Path, keyring_backend: MemoryKeyring
) -> None:
    services = make_services(
        sandbox.url, tmp_path / "config", keyring_backend, defaults=ConnectDefaults(url="")
    )
    services.profiles.save(Profile(name="default", url=sandbox.url, user="admin"))
    app = TrunkWizApp(services)
    async with app.run_test(size=(100, 40)) as pilot:
        user = app.screen.query_one("#user", Input)
        await wait_for(pilot, lambda: user.value == "admin")
        await pilot.press(*"s3cret")
        await pilot.pause()
        assert user.value == "admin"
        assert app.screen.query_one("#pbx_password", Input).value == "s3cret"
