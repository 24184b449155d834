"""An apply that is stopped, cancelled, or whose session expires is rolled back completely;
after a failure no further call starts."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from trunkwiz.pbx.client import PbxClient
from trunkwiz.pbx.plan import ApplyFailed, ApplyInterrupted, ApplyRecord, Progress, apply, plan
from trunkwiz.sandbox.server import SandboxServer

from .conftest import snapshot
from .test_pbx_apply import trunk


class Counter:
    """Counts assignment calls the sandbox received (wraps its faults' call hook)."""

    def __init__(self, sandbox: SandboxServer) -> None:
        self.calls = 0
        real = sandbox.faults.next_call

        def counted() -> Any:
            self.calls += 1
            return real()

        sandbox.faults.next_call = counted  # type: ignore[method-assign]


async def test_no_new_call_starts_after_a_failure(sandbox: SandboxServer, admin: PbxClient) -> None:
    tenants = (await admin.tenants())[:12]
    want = trunk([(t, str(6000 + i), 1) for i, t in enumerate(tenants)])
    steps = plan(want, None)
    sandbox.faults.delay_ms = 150
    sandbox.faults.fail_nth(2, 500)  # the first assignment; 7 more are in flight
    counter = Counter(sandbox)
    with pytest.raises(ApplyFailed) as info:
        await apply(admin, steps, concurrency=8)
    sandbox.faults.reset()
    assert info.value.not_rolled_back == []
    # create + 8 assignments in flight + 1 re-read of the failed one; then only undo calls
    # (7 assignments + the trunk): no assignment of the 4 remaining tenants was started
    assert counter.calls == 1 + 8 + 1 + 7 + 1, counter.calls
    assert await snapshot(admin) == {}


async def test_stop_event_rolls_back_and_says_so(sandbox: SandboxServer, admin: PbxClient) -> None:
    tenants = (await admin.tenants())[:12]
    want = trunk([(t, str(6100 + i), 1) for i, t in enumerate(tenants)])
    sandbox.faults.delay_ms = 100
    stop = asyncio.Event()
    record = ApplyRecord()
    seen: list[Progress] = []

    def progress(step: Progress) -> None:
        seen.append(step)
        if step.stage == "apply" and step.done == 4:
            stop.set()

    with pytest.raises(ApplyInterrupted) as info:
        await apply(
            admin, plan(want, None), concurrency=2, on_progress=progress, stop=stop, record=record
        )
    sandbox.faults.reset()
    err = info.value
    assert "was interrupted" in str(err) and "no new call was started" in str(err)
    assert "Nothing of this run is left on the PBX." in str(err)
    assert "created trunk (deleted again)" in err.rolled_back
    assert err.not_rolled_back == [] and err.trunk_id is None
    assert record.trunk_id is None and record.in_effect == [] and not record.created
    applied = sum(1 for s in seen if s.stage == "apply")
    assert applied < 13
    assert await snapshot(admin) == {}


async def test_cancelled_apply_rolls_back_then_cancels(
    sandbox: SandboxServer, admin: PbxClient
) -> None:
    tenants = (await admin.tenants())[:12]
    want = trunk([(t, str(6200 + i), 1) for i, t in enumerate(tenants)])
    sandbox.faults.delay_ms = 100
    record = ApplyRecord()
    created = asyncio.Event()

    def progress(step: Progress) -> None:
        if step.stage == "apply" and step.done == 3:
            created.set()

    task = asyncio.ensure_future(
        apply(admin, plan(want, None), concurrency=4, on_progress=progress, record=record)
    )
    await asyncio.wait_for(created.wait(), 30)
    assert record.trunk_id is not None and record.created  # known while it runs
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    sandbox.faults.reset()
    assert record.trunk_id is None and record.in_effect == []
    assert await snapshot(admin) == {}


async def test_rollback_signs_in_again_after_the_session_expired(
    sandbox: SandboxServer, admin: PbxClient
) -> None:
    tenants = (await admin.tenants())[:6]
    want = trunk([(t, str(6300 + i), 1) for i, t in enumerate(tenants)])

    def progress(step: Progress) -> None:
        if step.stage == "apply" and step.done == 3:
            sandbox.faults.expire_tokens(refresh=True)

    with pytest.raises(ApplyFailed, match="session expired") as info:
        await apply(admin, plan(want, None), concurrency=1, on_progress=progress)
    assert info.value.not_rolled_back == [], info.value
    assert "created trunk (deleted again)" in info.value.rolled_back
    assert await snapshot(admin) == {}
