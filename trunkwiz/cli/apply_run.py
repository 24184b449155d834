"""The connected part of ``trunkwiz apply``: check against the PBX, plan, apply, wait.

Imported only when ``apply`` runs (it pulls in pydantic, httpx and the PBX client).

Interruptions (once the password is known): SIGINT, SIGTERM, SIGHUP and SIGQUIT, and an
output that goes away -- a failing write to stdout or stderr (the terminal hung up, the
reader of a pipe left, see ``trunkwiz.streams``) is the same event as a signal. While
planning or waiting for status they end the run at once (nothing is half-done then);
while a trunk is applied they start no new call, let the calls in flight finish, roll back
what this run changed to that trunk and say what is left on the stream that still works
(stderr; stdout when stderr is gone, unless ``--json``).
Trunks applied completely before stay applied. The exit code is then 128 + the signal's
number (130, 143, 129, 131); a lost output counts as SIGPIPE (141) when a pipe's reader
left, else as SIGHUP (129).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import dataclasses
import sys
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from pydantic import SecretStr

from trunkwiz import streams
from trunkwiz.cli import common, passwords, signin
from trunkwiz.cli.common import EXIT_FAILURE, EXIT_INPUT, EXIT_OK
from trunkwiz.cli.passwords import Keyring, StdinSecrets
from trunkwiz.cli.target import Target, resolve_target
from trunkwiz.domain.didpool import DidPool
from trunkwiz.domain.options import Level
from trunkwiz.domain.text import visible
from trunkwiz.domain.trunkfile import (
    AnyTrunk,
    FileIssue,
    TrunkFile,
    TrunkFileError,
    level_issues,
    resolve_tenants,
)
from trunkwiz.pbx.errors import PbxError
from trunkwiz.pbx.plan import ApplyInterrupted, Plan, PlanError, Progress
from trunkwiz.pbx.plan import apply as apply_plan
from trunkwiz.pbx.plan import plan as make_plan
from trunkwiz.service.connection import Connection
from trunkwiz.service.routes import file_routes, plan_routes
from trunkwiz.service.trunk_rows import TrunkLookup
from trunkwiz.service.validate import check_trunk
from trunkwiz.store.secrets import trunk_key


def out(args: argparse.Namespace, line: str) -> None:
    """A human line: stdout normally, stderr under ``--json`` (stdout holds the JSON);
    control characters from the file or the PBX are shown escaped."""
    print(visible(line, multiline=True), file=sys.stderr if args.json else sys.stdout, flush=True)


# Any: the --json report (and a trunk's entry in it), values of any JSON type
Report = dict[str, Any]


@dataclass
class Item:
    """One trunk of the file, planned."""

    trunk: AnyTrunk
    trunk_id: str | None
    plan: Plan
    password: SecretStr | None
    report: Report


class ApplyRun:
    """Sign in, check, plan, apply and wait; ``problems`` holds file issues (exit 2)."""

    def __init__(
        self,
        args: argparse.Namespace,
        tf: TrunkFile,
        given: StdinSecrets,
        report: Report,
    ) -> None:
        self.args, self.tf, self.given, self.report = args, tf, given, report
        self.problems: list[FileIssue] = []
        self.stop = asyncio.Event()
        self.code: int | None = None
        """The exit code of the interruption (128 + the signal's number), once one came."""
        self.why = ""
        """What interrupted the run: ``SIGINT`` or ``stdout is gone (Broken pipe)``."""
        self.stage = "plan"
        """``plan``, ``apply``, ``applied`` or ``wait``: what a signal interrupts."""

    async def main(self) -> int:
        """The whole connected run; returns the exit code."""
        target = resolve_target(self.args)
        keyring = Keyring()
        password = passwords.pbx_password(target, self.given, keyring)
        loop = asyncio.get_running_loop()
        task = asyncio.current_task()
        unsignal = common.on_stop_signals(self._interrupt)
        unwatch = self._watch_outputs(loop, task)
        try:
            return await self._main(target, keyring, password)
        except asyncio.CancelledError:
            if self.code is None:
                raise
            name = self.why
            if self.stage in ("applied", "wait"):
                common.say(f"trunkwiz apply: {name}: stopped; the trunks were applied.")
            else:
                common.say(f"trunkwiz apply: {name}: stopped before anything was sent.")
            self.report.setdefault("errors", []).append({"message": f"interrupted ({name})"})
            return self.code
        finally:
            unwatch()
            unsignal()

    def _watch_outputs(
        self, loop: asyncio.AbstractEventLoop, task: asyncio.Task[object] | None
    ) -> Callable[[], None]:
        """A lost stdout or stderr interrupts the run as a signal does (on the loop, like
        a signal handler); returns the function that stops watching."""
        watch = streams.current
        if watch is None:
            return lambda: None
        if not self.args.json:  # stdout holds only human lines: the last ones may go there
            watch.fall_back("stderr", "stdout")

        def lost(loss: streams.Loss) -> None:
            with contextlib.suppress(RuntimeError):  # a closed loop: the run is over
                loop.call_soon_threadsafe(self._interrupt, loss.code, loss.reason, task)

        for loss in watch.losses:  # lost before the run started
            lost(loss)
        return watch.on_loss(lost)

    def _interrupt(self, code: int, why: str, task: asyncio.Task[object] | None) -> None:
        """A signal or a lost output: stop the run (see the module's text)."""
        name = why
        if self.code is not None:
            if self.stage == "apply":
                common.say(f"trunkwiz apply: {name}: still rolling back (time-limited) ...")
            return
        self.code, self.why = code, why
        if self.stage == "apply":
            common.say(
                f"trunkwiz apply: {name}: starting no new call; rolling back what this run "
                "changed to the trunk being applied ..."
            )
            self.stop.set()
        elif task is not None:
            task.cancel()

    async def _main(self, target: Target, keyring: Keyring, password: SecretStr) -> int:
        services, conn = await signin.sign_in(self.args, target, password)
        self.report["pbx"] = target.url
        try:
            items = await self._prepare(conn, target, keyring)
            if items is None:
                return EXIT_INPUT
            self._show(conn, items)
            if self.args.dry_run:
                return EXIT_OK
            code = await self._apply(conn, items)
            if code != EXIT_OK:
                return code
            return await self._wait(conn, items)
        finally:
            await services.close()

    # -- checks and plans -------------------------------------------------------------
    async def _prepare(
        self, conn: Connection, target: Target, keyring: Keyring
    ) -> list[Item] | None:
        tf = self.tf
        level = Level(conn.level)
        issues = level_issues(tf, level)
        wants_tenants = level is Level.system and any(e.trunk.tenants for e in tf.entries)
        tenants = await conn.tenant_items() if wants_tenants else []
        trunks = tf.trunks
        if wants_tenants:
            try:
                trunks = resolve_tenants(tf, [t.model_dump() for t in tenants])
            except TrunkFileError as exc:
                issues += exc.issues
        if issues:
            self.problems = issues
            return None
        ids = await conn.trunk_lookup()
        self.problems = await self._check(conn, trunks, ids)
        if self.problems:
            return None
        items: list[Item] = []
        for index, trunk in enumerate(trunks):
            trunk_id = ids.id_of(trunk.name)
            secret, change = self._password(index, trunk, trunk_id, target, keyring)
            desired = trunk if secret is None else trunk.model_copy(update={"password": secret})
            current = None if trunk_id is None else await conn.current_trunk(trunk_id)
            try:
                plan = make_plan(desired, current, change_password=change)
            except PlanError as exc:
                key = "kind" if "kind" in str(exc) else "brand"
                self.problems.append(tf.issue(index, key, str(exc)))
                continue
            plan = await plan_routes(conn, plan, file_routes(tf.entries[index], trunk))
            entry: Report = {"name": trunk.name, "id": trunk_id}
            self.report["trunks"].append(entry)
            items.append(Item(trunk, trunk_id, plan, secret, entry))
        return None if self.problems else items

    async def _check(
        self, conn: Connection, trunks: list[AnyTrunk], ids: TrunkLookup
    ) -> list[FileIssue]:
        """The wizard's Review checks (``service.validate.check_trunk``) for every trunk of
        the file, on the PBX's pools read now: the file states the end result, so a trunk
        of the file counts with the pools the file gives it, not those the PBX holds for
        it yet (an overlap between two trunks of the file is reported on the later one)."""

        found: list[FileIssue] = []
        earlier: list[tuple[str, str, DidPool]] = []  # (host, owner, pool) of the file
        read = await conn.inventory()  # read now, once for the file's plans
        in_file = {ids.id_of(t.name) for t in trunks} - {None}
        others = tuple(p for p in read.providers if p.id not in in_file)
        inventory = dataclasses.replace(read, providers=others)
        for index, trunk in enumerate(trunks):
            host = trunk.hostname.strip().rstrip(".").casefold()
            also = {owner: pool for h, owner, pool in earlier if h == host}
            routes = file_routes(self.tf.entries[index], trunk)
            trunk_id = ids.id_of(trunk.name)
            checked = await check_trunk(
                conn, trunk, trunk_id, routes, also=also, inventory=inventory
            )
            for finding in checked:
                found.append(
                    self.tf.issue(index, finding.tenant_key, finding.message, finding.tenant)
                )
            label = f"trunk {trunk.name} (earlier in this file)"
            if trunk.level is Level.tenant:
                earlier.append((host, label, DidPool.parse(trunk.did_numbers)))
            for t in trunk.tenants:
                if t.did_numbers.strip():
                    earlier.append(
                        (host, f"{label} / tenant {t.label}", DidPool.parse(t.did_numbers))
                    )
        return found

    def _password(
        self, index: int, trunk: AnyTrunk, trunk_id: str | None, target: Target, keyring: Keyring
    ) -> tuple[SecretStr | None, bool]:
        """The SIP password to send, and whether it changes an existing trunk's."""
        if not trunk.trunk_kind.needs_credentials:
            return None, False
        given = self.given.trunk(trunk.name)
        if trunk_id is not None and not self.args.update_passwords:
            if given is not None:
                out(
                    self.args,
                    f"Note: trunk {trunk.name} exists; its password from stdin is "
                    "not sent (add --update-passwords to change it).",
                )
            return None, False
        secret = given or keyring.get(trunk_key(target.url, trunk.name))
        secret = secret or passwords.prompt_hidden(f"SIP password of trunk {trunk.name}: ")
        if secret is None:
            what = "a new trunk of this kind needs" if trunk_id is None else "--update-passwords:"
            self.problems.append(
                self.tf.issue(
                    index,
                    "password",
                    f"{what} its SIP password: pipe '{trunk.name}<TAB>PASSWORD' with "
                    f"--password-stdin, or store it with `trunkwiz secret set trunk "
                    f"'{trunk.name}' --pbx {target.url}`{keyring.note()}",
                )
            )
        return secret, trunk_id is not None

    def _show(self, conn: Connection, items: list[Item]) -> None:
        who = f"{conn.user}@{conn.domain}" if conn.domain else conn.user
        out(self.args, f"PBX {conn.url} (signed in as {who}, {conn.level} level)")
        for item in items:
            lines = item.plan.describe()
            item.report["plan"] = lines
            item.report["action"] = (
                "none" if item.plan.is_empty else "create" if item.plan.creates else "update"
            )
            for line in lines:
                out(self.args, line)
        if all(item.plan.is_empty for item in items):
            out(self.args, "Nothing to change.")
        elif self.args.dry_run:
            out(self.args, "Dry run: nothing was sent.")

    # -- apply and wait ---------------------------------------------------------------
    async def _apply(self, conn: Connection, items: list[Item]) -> int:
        def progress(step: Progress) -> None:
            prefix = "  rollback:" if step.stage == "rollback" else f"  [{step.done}/{step.total}]"
            out(self.args, f"{prefix} {step.line}")

        applied: list[str] = []
        deadline = common.seconds_option(self.args, "deadline", common.DEFAULT_DEADLINE)
        for number, item in enumerate(items):
            item.report["applied"] = False
            if item.plan.is_empty:
                continue
            if self.stop.is_set():
                return self._stopped_between(applied, items[number:])
            out(self.args, f"Applying trunk {item.trunk.name} ...")
            self.stage = "apply"
            conn.client.set_deadline(deadline)  # each trunk gets the whole --deadline
            try:
                result = await apply_plan(
                    conn.client,
                    item.plan,
                    password=item.password,
                    on_progress=progress,
                    stop=self.stop,
                )
            except (PbxError, ValueError) as exc:
                common.say(common.visible(f"trunkwiz apply: {exc}"))
                self.report.setdefault("errors", []).append(
                    {"trunk": item.trunk.name, "message": str(exc)}
                )
                if isinstance(exc, ApplyInterrupted) and self.code is not None:
                    if applied:
                        common.say(f"Applied completely before: {', '.join(applied)}.")
                    return self.code
                return EXIT_FAILURE
            finally:
                self.stage = "plan"
            item.trunk_id = result.trunk_id
            item.report.update(id=result.trunk_id, applied=True)
            applied.append(item.trunk.name)
            verb = "created" if result.created else "updated"
            out(self.args, f"Trunk {item.trunk.name}: {verb} ({result.requests} requests).")
        if self.stop.is_set():
            return self._stopped_between(applied, [])
        self.stage = "applied"
        return EXIT_OK

    def _stopped_between(self, applied: list[str], left: list[Item]) -> int:
        """A signal arrived when no trunk was being applied: say what was done."""
        assert self.code is not None
        name = self.why
        done = ", ".join(applied) or "none"
        rest = ", ".join(i.trunk.name for i in left if not i.plan.is_empty) or "none"
        common.say(
            f"trunkwiz apply: {name}: stopped between trunks; applied completely: {done}; "
            f"not started: {rest}."
        )
        self.report.setdefault("errors", []).append({"message": f"interrupted ({name})"})
        return self.code

    async def _wait(self, conn: Connection, items: list[Item]) -> int:
        if self.args.wait <= 0:
            return EXIT_OK
        self.stage = "wait"
        timeout = common.seconds_option(self.args, "http_timeout", common.DEFAULT_TIMEOUT)
        conn.client.set_deadline(self.args.wait + timeout)
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self.args.wait
        pending = {}
        for item in items:
            if not item.trunk.options.enabled:
                item.report["status"] = "DISABLED"
                out(self.args, f"Trunk {item.trunk.name}: disabled, not waited for.")
            elif item.trunk_id is not None:
                pending[item.trunk_id] = item
        out(self.args, f"Waiting up to {self.args.wait:g} s for ONLINE ...")
        while pending:
            for trunk_id, item in list(pending.items()):
                try:
                    status = await conn.status(trunk_id)
                except PbxError as exc:
                    status = f"unknown ({exc})"
                item.report["status"] = status
                if status == "ONLINE":
                    out(self.args, f"Trunk {item.trunk.name}: ONLINE")
                    del pending[trunk_id]
            left = deadline - loop.time()
            if not pending or left <= 0:
                break
            await asyncio.sleep(min(1.0, left))
        for item in pending.values():
            common.say(
                f"Trunk {item.trunk.name}: still {item.report.get('status')} after "
                f"{self.args.wait:g} s (try `trunkwiz probe '{item.trunk.name}'`)"
            )
        return EXIT_FAILURE if pending else EXIT_OK
