"""The rollback of an apply (``Rollback``, a base of the run): undo what this run changed,
in reverse order (the rules after the trunk, the grow phase, the release phase, the trunk
itself, the rules before the trunk), within its own time limit, signing in again once
when the session expired. What it cannot undo it reports, with the reason; a new password
is kept (the PBX cannot return the old one).
"""

from __future__ import annotations

import asyncio
import logging
from abc import abstractmethod
from collections.abc import Awaitable, Callable

from trunkwiz.pbx.client import PbxClient
from trunkwiz.pbx.errors import AuthError, PbxError
from trunkwiz.pbx.outcome import (
    ApplyFailed,
    ApplyInterrupted,
    ApplyRecord,
    Interrupted,
    StepStopped,
)
from trunkwiz.pbx.planning import Operation, OpKind, Plan, Pool
from trunkwiz.pbx.rules_plan import RouteRun

log = logging.getLogger(__name__)


class Rollback:
    """Undoing the changes of a run; the run (``applying``) sets the state below."""

    client: PbxClient
    plan: Plan
    concurrency: int
    trunk_id: str | None
    done: list[Operation]
    """Calls of this run that took effect, in completion order."""
    record: ApplyRecord
    rollback_timeout: float
    _resign_lock: asyncio.Lock
    _resigned: bool

    @abstractmethod
    def _progress(self, stage: str, done: int, total: int, line: str) -> None:
        """Report a step (``stage`` ``rollback`` here)."""

    @abstractmethod
    async def _set_tenant(self, tenant_id: str, pool: Pool | None) -> None:
        """Give the trunk to the tenant with ``pool``, or take it away (None)."""

    def _undid(self, op: Operation) -> None:
        line = op.describe()
        if line in self.record.in_effect:
            self.record.in_effect.remove(line)
        if op.kind is OpKind.create:
            self.record.trunk_id, self.record.created = None, False

    async def _resign(self, seen_failure: AuthError) -> bool:
        """Sign in again (once per run) after the session expired; True when it worked."""
        if seen_failure.status == 403:
            return False
        async with self._resign_lock:
            if self._resigned:
                return True
            try:
                await self.client.sign_in_again()
            except PbxError as exc:
                log.warning("could not sign in again to roll back: %s", exc)
                return False
            self._resigned = True
            return True

    async def _undo_call(self, call: Callable[[], Awaitable[None]]) -> BaseException | None:
        """One undo call; after an expired session, sign in again and try once more."""
        try:
            await call()
        except AuthError as exc:
            if not await self._resign(exc):
                return exc
            try:
                await call()
            except Exception as again:
                return again
        except Exception as exc:
            return exc
        return None

    async def _rollback(self, stop: StepStopped, rules: RouteRun | None = None) -> None:
        self.client.set_deadline(self.rollback_timeout)  # its own time, whatever was left
        rolled: list[str] = []
        failed: list[str] = []
        kept: list[str] = []
        if rules is not None:
            rolled, failed = await rules.undo_after()
        total = len(self.done)
        count = 0
        for phase in (2, 1):
            ops = [op for op in self.done if op.phase == phase]
            results = await self._undo_all(ops)
            for op, error in zip(ops, results, strict=True):
                count += 1
                self._progress("rollback", count, total, op.describe())
                (failed if error else rolled).append(_undo_line(op, error))
                if error is None:
                    self._undid(op)
        for op in (op for op in self.done if op.phase == 0):
            count += 1
            self._progress("rollback", count, total, op.describe())
            error = await self._undo_trunk(op)
            (failed if error else rolled).append(_undo_line(op, error))
            if error is None:
                self._undid(op)
            if op.sets_password and op.kind is OpKind.update:
                kept.append("the new password (the PBX cannot return the old one)")
        if rules is not None:
            more_rolled, more_failed = await rules.undo_before()
            rolled += more_rolled
            failed += more_failed
        kind = ApplyInterrupted if isinstance(stop.cause, Interrupted) else ApplyFailed
        raise kind(
            self.plan.desired.name,
            stop.op.describe(),
            stop.cause,
            rolled_back=rolled,
            not_rolled_back=failed,
            kept=kept,
            record=self.record,
        ) from stop.cause

    async def _undo_all(self, ops: list[Operation]) -> list[BaseException | None]:
        sem = asyncio.Semaphore(self.concurrency)

        async def undo(op: Operation) -> BaseException | None:
            assert op.tenant_id is not None
            tenant_id = op.tenant_id
            async with sem:
                return await self._undo_call(lambda: self._set_tenant(tenant_id, op.before))

        return list(await asyncio.gather(*(undo(op) for op in ops)))

    async def _undo_trunk(self, op: Operation) -> BaseException | None:
        trunk_id = self.trunk_id
        assert trunk_id is not None
        if op.kind is OpKind.create:
            error = await self._undo_call(lambda: self.client.destroy_provider(trunk_id))
            if error is None:
                self.trunk_id = None
            return error
        restore = {k: old for k, old, _new in op.changes if old is not None}
        if not restore:
            return None
        return await self._undo_call(lambda: self.client.update_provider(trunk_id, restore))


def _undo_line(op: Operation, error: BaseException | None) -> str:
    if op.kind is OpKind.create:
        line = "created trunk (deleted again)" if error is None else "created trunk"
    elif op.kind is OpKind.update:
        line = "trunk field changes (old values restored)" if error is None else "field changes"
    else:
        line = op.describe()
    return line if error is None else f"{line}: {error}"
