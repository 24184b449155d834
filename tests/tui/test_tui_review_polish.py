"""Step 7 polish: a failed Submit is explained once, and the plan reads well at 80 columns."""

from __future__ import annotations

from typing import Any

from textual.pilot import Pilot

from tests.tui.conftest import create_trunk, screen_text, settle, submit, tenant_ids, text_of
from trunkwiz.sandbox.server import SandboxServer
from trunkwiz.service.draft import TenantPick, WizardDraft
from trunkwiz.service.services import Services
from trunkwiz.tui.app import TrunkWizApp


def ip_draft(name: str, hostname: str, tenants: list[TenantPick]) -> WizardDraft:
    fields = {"name": name, "hostname": hostname}
    return WizardDraft(
        url="x", user="admin", kind="ip", level="system", fields=fields, tenants=tenants
    )


def notifications(pilot: Pilot[Any]) -> list[str]:
    """The messages of the pop-up notifications shown so far."""
    return [n.message for n in pilot.app._notifications]


async def test_a_refused_name_is_shown_once_and_flagged_in_the_plan(
    connected: Services, sandbox: SandboxServer
) -> None:
    await create_trunk(connected, kind="ip", name="taken-name", hostname="first.polish.test")
    app = TrunkWizApp(connected, start="review", draft=ip_draft("taken-name", "b.polish.test", []))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await submit(pilot)
        assert notifications(pilot) == []  # no pop-up repeating the error line
        assert screen_text(pilot).count("already in use") == 1
        # Nothing is in progress any more: no bar stuck at 0 %, no stale progress line.
        assert not app.screen.query_one("#progress").display
        assert not app.screen.query_one("#progress-line").display
        error = text_of(pilot, "#step-error")
        assert error.startswith("Submit failed at 'create the trunk':")
        assert "already in use" in error and "Nothing had been changed." in error
        assert "The PBX refused Name: go Back to the Basic info step." in error
        plan = text_of(pilot, "#plan").splitlines()
        assert "  Name: taken-name   ← refused by the PBX" in plan
        assert not app.screen.query_one("#submit").disabled


async def test_a_rolled_back_submit_says_so_and_a_retry_clears_the_error(
    connected: Services, sandbox: SandboxServer
) -> None:
    picks = tenant_ids(sandbox, 2)
    tenants = [TenantPick(t, n, f"1555810{i}000") for i, (t, n) in enumerate(picks)]
    app = TrunkWizApp(connected, start="review", draft=ip_draft("rb-polish", "rb.test", tenants))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        sandbox.faults.fail_nth(2, status=500)  # the create passes, the first share fails
        await submit(pilot)
        assert notifications(pilot) == []
        assert not app.screen.query_one("#progress").display
        error = text_of(pilot, "#step-error")
        assert "Submit failed at 'share with tenant" in error
        assert "Rolled back: " in error and "created trunk (deleted again)" in error
        assert "refused by the PBX" not in text_of(pilot, "#plan")  # no field was named
        await submit(pilot)  # the fault was one-off: this time it goes through
        assert app.screen.query("#done")
        assert not app.screen.query_one("#step-error").has_class("-shown")
        assert app.screen.query_one("#progress").display
        assert "Done: 3 change(s)" in text_of(pilot, "#progress-line")


async def test_long_plan_entries_wrap_under_their_value_and_very_long_ones_are_cut(
    connected: Services, sandbox: SandboxServer
) -> None:
    (a, a_name), (b, b_name) = tenant_ids(sandbox, 2)
    many = ";".join(f"155582{i:02d}000-155582{i:02d}099" for i in range(40))
    tenants = [TenantPick(a, a_name, "15558000000-15558000099"), TenantPick(b, b_name, many)]
    app = TrunkWizApp(connected, start="review", draft=ip_draft("wrap-polish", "w.test", tenants))
    async with app.run_test(size=(80, 40)) as pilot:
        await settle(pilot)
        plan = text_of(pilot, "#plan").splitlines()
        share_a = f"Share with tenant {a_name}: DID pool 15558000000-15558000099, call cap 100000"
        assert share_a in plan and many in text_of(pilot, "#plan")  # the words, unchanged
        assert len(share_a) > 77  # longer than the plan's width at 80 columns
        rows = screen_text(pilot).splitlines()
        first = next(i for i, r in enumerate(rows) if f"Share with tenant {a_name}:" in r)
        start = rows[first].index("Share")
        # The rest of the entry continues indented under it, not at the left edge.
        assert rows[first + 1][start : start + 4] == "    "
        assert "call cap 100000" in " ".join(r.strip() for r in rows[first : first + 2])
        assert not rows[first + 1][start + 4].isspace()
        # Forty ranges would take many rows: the entry is cut at four rows with "…".
        top = next(i for i, r in enumerate(rows) if f"Share with tenant {b_name}:" in r)
        assert rows[top + 3].rstrip(" ▁▂▃▄▅▆▇█▊▎▌▐│").endswith("…")
        assert "Create trunk" not in "".join(rows[top + 1 : top + 4])
