"""Run a ``Plan`` against the PBX; undo what this run changed when a later call fails.

Create/update run first, then the release phase, then the grow phase; tenant calls of a
phase run with bounded concurrency; the rules of ``plan.routes`` run before (removals)
and after (the rest) the trunk's calls (``rules_plan.RouteRun``). After a failure no new
call starts; calls in flight finish, then everything this run did is undone in reverse
order (``rollback.Rollback``: grow, release, then the trunk itself). A call whose outcome
is unknown (connection dropped) is reconciled by re-reading the PBX before deciding what
to undo. ``ApplyFailed`` lists what was rolled back, what could not be, and what was kept
(the outcome types are in ``trunkwiz.pbx.outcome``).

Interrupts are handled the same way: setting the ``stop`` event (e.g. from a signal
handler) starts no new call, lets the calls in flight finish, rolls back and raises
``ApplyInterrupted``; cancelling the task that runs ``apply`` does the same (a call cut
off by the cancellation is reconciled like one whose connection dropped) and then
re-raises the cancellation. The rollback has its own time limit (``rollback_timeout``)
and signs in again with the credentials in memory when the session expired. An
``ApplyRecord`` passed in is updated as each call completes: the trunk's id as soon as it
is created, and the changes of this run that are in effect, so a caller can keep them
even when the run is cut short.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Iterator

from pydantic import SecretStr

from trunkwiz import compat
from trunkwiz.pbx.client import PbxClient
from trunkwiz.pbx.errors import PbxError, UnavailableError
from trunkwiz.pbx.outcome import (
    ROLLBACK_TIMEOUT,
    ApplyFailed,
    ApplyRecord,
    ApplyResult,
    Interrupted,
    Progress,
    StepStopped,
)
from trunkwiz.pbx.planning import Operation, OpKind, Plan, Pool, pool_of, same_pool
from trunkwiz.pbx.rollback import Rollback
from trunkwiz.pbx.rules import RuleApi
from trunkwiz.pbx.rules_ops import RuleOp
from trunkwiz.pbx.rules_plan import RouteRun, RuleStepFailed
from trunkwiz.pbx.session import REQUEST_CONCURRENCY

log = logging.getLogger(__name__)


async def apply(
    client: PbxClient,
    plan: Plan,
    *,
    password: SecretStr | None = None,
    concurrency: int = REQUEST_CONCURRENCY,
    on_progress: Callable[[Progress], None] | None = None,
    stop: asyncio.Event | None = None,
    record: ApplyRecord | None = None,
    rollback_timeout: float = ROLLBACK_TIMEOUT,
) -> ApplyResult:
    """Send ``plan``'s operations; an empty plan sends nothing.

    ``password`` (else the desired trunk's own) is used for a create and for a planned
    password change. Raises ``ValueError`` before sending anything when a needed password
    is missing, ``ApplyFailed`` after rolling back when a call fails, and
    ``ApplyInterrupted`` after rolling back when ``stop`` was set. ``record`` is kept up to
    date as calls complete (see ``ApplyRecord``).
    """
    record = record if record is not None else ApplyRecord()
    record.trunk_id = record.trunk_id or plan.trunk_id
    if plan.is_empty:
        return ApplyResult(plan.trunk_id, False, (), 0)
    secret = password or getattr(plan.desired, "password", None)
    known = secret is not None and secret.get_secret_value() != ""
    if plan.creates:
        plan.desired.check_ready_to_create(password_known=known)
    if any(op.sets_password for op in plan.operations) and not known:
        raise ValueError("a password change was planned but no password was given")
    run = _Run(client, plan, secret if known else None, max(1, concurrency), on_progress)
    run.stop, run.record, run.rollback_timeout = stop or asyncio.Event(), record, rollback_timeout
    return await run.execute()


class _Run(Rollback):
    def __init__(
        self,
        client: PbxClient,
        plan: Plan,
        password: SecretStr | None,
        concurrency: int,
        on_progress: Callable[[Progress], None] | None,
    ) -> None:
        self.client = client
        self.plan = plan
        self.password = password
        self.concurrency = concurrency
        self.on_progress = on_progress
        self.trunk_id = plan.trunk_id
        self.done: list[Operation] = []
        self.stop = asyncio.Event()
        """Set from outside: start no new call, roll back."""
        self.halt = False
        """Set at the first failure or stop: no worker starts another call."""
        self.uncertain: list[Operation] = []
        """Calls cut off by a cancellation: reconciled before the rollback."""
        self.record = ApplyRecord(plan.trunk_id)
        self.rollback_timeout = ROLLBACK_TIMEOUT
        self._resign_lock = asyncio.Lock()
        self._resigned = False
        self.rules_done = 0
        self.total = len(plan.operations) + (len(plan.routes.operations) if plan.routes else 0)

    def _progress(self, stage: str, done: int, total: int, line: str) -> None:
        if self.on_progress is not None:
            self.on_progress(Progress(stage, done, total, line))

    def _stopping(self, op: Operation) -> None:
        if self.stop.is_set() or self.halt:
            self.halt = True
            raise StepStopped(op, Interrupted("interrupted"))

    def _stopping_rules(self) -> None:
        """A stop requested while rules were planned or sent ends the run here too (the
        rules already done are undone with the rest)."""
        if self.stop.is_set() or self.halt:
            self.halt = True
            raise StepStopped(self._last_op(), Interrupted("interrupted"))

    def _last_op(self) -> Operation | RuleOp:
        """The operation a stop is reported at: the last one done, else the last planned."""
        if self.done:
            return self.done[-1]
        if self.plan.operations:
            return self.plan.operations[-1]
        assert self.plan.routes is not None and self.plan.routes.operations
        return self.plan.routes.operations[-1]

    async def execute(self) -> ApplyResult:
        started = self.client.stats.requests
        rules = None
        if self.plan.routes is not None:
            rules = RouteRun(RuleApi(self.client), self.plan.routes, on_done=self._rule_done)
        try:
            return await self._execute(started, rules)
        finally:
            if rules is not None:
                await rules.api.aclose()  # the tenant session, when rules opened one

    async def _execute(self, started: int, rules: RouteRun | None) -> ApplyResult:
        try:
            if rules is not None:
                await rules.run_before()
            for op in (o for o in self.plan.operations if o.phase == 0):
                self._stopping(op)
                await self._guarded(op)
            for phase in (1, 2):
                await self._concurrently([o for o in self.plan.operations if o.phase == phase])
            if rules is not None:
                assert self.trunk_id is not None
                self._stopping_rules()
                await rules.run_after(self.trunk_id)
                self._stopping_rules()
        except RuleStepFailed as failed:
            await self._rollback(StepStopped(failed.op, failed.cause), rules)
        except StepStopped as stop:
            await self._rollback(stop, rules)
        except asyncio.CancelledError:
            task = asyncio.current_task()
            if task is not None:
                compat.uncancel(task)  # finish the rollback, then cancel again
            self.halt = True
            self.client.set_deadline(self.rollback_timeout)
            for op in self.uncertain:
                await self._reconcile(op)
            pending = next((o for o in self.plan.operations if o not in self.done), None)
            try:
                await self._rollback(StepStopped(pending or self._last_op(), Interrupted()), rules)
            except ApplyFailed as failed:
                log.warning("apply cancelled: %s", failed)
            raise
        return ApplyResult(
            trunk_id=self.trunk_id,
            created=self.plan.creates,
            done=tuple(op.describe() for op in self.done) + tuple(rules.lines if rules else ()),
            requests=self.client.stats.requests - started,
        )

    def _rule_done(self, op: RuleOp) -> None:
        self.rules_done += 1
        self._progress("apply", len(self.done) + self.rules_done, self.total, op.describe())

    async def _guarded(self, op: Operation) -> None:
        try:
            await self._send(op)
        except asyncio.CancelledError:
            self.uncertain.append(op)
            raise
        except Exception as exc:
            self.halt = True  # before re-reading: no other worker starts a call meanwhile
            if isinstance(exc, UnavailableError) and exc.outcome_unknown:
                await self._reconcile(op)
            raise StepStopped(op, exc) from exc
        self._did(op)
        self._progress("apply", len(self.done) + self.rules_done, self.total, op.describe())

    def _did(self, op: Operation) -> None:
        self.done.append(op)
        self.record.in_effect.append(op.describe())
        if op.kind is OpKind.create:
            self.record.trunk_id, self.record.created = self.trunk_id, True

    async def _concurrently(self, ops: list[Operation]) -> None:
        failures: list[StepStopped] = []
        pending: Iterator[Operation] = iter(ops)

        async def worker() -> None:
            for op in pending:
                if failures or self.halt:
                    return
                if self.stop.is_set():
                    self.halt = True
                    failures.append(StepStopped(op, Interrupted("interrupted")))
                    return
                try:
                    await self._guarded(op)
                except StepStopped as stop:
                    failures.append(stop)
                    return

        await asyncio.gather(*(worker() for _ in range(min(self.concurrency, len(ops)))))
        if failures:
            raise failures[0]

    async def _send(self, op: Operation) -> None:
        desired = self.plan.desired
        pw = self.password.get_secret_value() if self.password else None
        if op.kind is OpKind.create:
            self.trunk_id = await self.client.create_provider(desired.to_create_payload(pw))
            return
        assert self.trunk_id is not None
        if op.kind is OpKind.update:
            payload = desired.to_update_payload(
                self.plan.current_detail, password=pw if op.sets_password else None
            )
            await self.client.update_provider(self.trunk_id, payload)
            return
        assert op.tenant_id is not None
        await self._set_tenant(op.tenant_id, op.target)

    async def _set_tenant(self, tenant_id: str, pool: Pool | None) -> None:
        assert self.trunk_id is not None
        if pool is None:
            await self.client.unassign(self.trunk_id, tenant_id)
        else:
            await self.client.assign(self.trunk_id, tenant_id, pool[0], pool[1])

    async def _reconcile(self, op: Operation) -> None:
        """After an unknown outcome, re-read the PBX: did the change happen?"""
        try:
            if op.kind is OpKind.create:
                name = self.plan.desired.name
                for item in await self.client.providers():
                    if item.name == name and item.id:
                        self.trunk_id = item.id
                        self._did(op)
                        return
            elif op.tenant_id is not None and self.trunk_id is not None:
                now = await self.client.assignee(self.trunk_id, op.tenant_id)
                state = None if now is None else pool_of(now)
                if not same_pool(state, op.before):
                    self._did(op)
            elif op.kind is OpKind.update:
                self._did(op)  # restoring the old values is harmless either way
        except PbxError as exc:
            log.warning("could not re-read the PBX after %s: %s", op.describe(), exc)
