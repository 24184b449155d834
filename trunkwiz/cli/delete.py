"""``trunkwiz delete NAME``: delete one trunk, the way the wizard's Delete does.

What would be deleted is shown first (the trunk, its tenants, the rules that use it);
``--dry-run`` stops there. Then the trunk's name must be typed on a terminal, or
``--yes`` given. The delete is the wizard's (``service.routes.delete_trunk``): rules that
use the trunk are named and, with ``--remove-rules``, removed first (created again if the
delete fails); without it the PBX would refuse, so nothing is sent.

Interruptions (SIGINT, SIGTERM, SIGHUP, SIGQUIT): before the destroy call is sent, the run
stops there -- rules already removed are created again -- and says nothing was deleted;
once it is sent, the answer is awaited and the last line says what is gone. The exit code
is then 128 + the signal's number (130, 143, 129, 131).
"""

from __future__ import annotations

import argparse
import asyncio
import signal
import sys
from typing import TYPE_CHECKING, Any, cast

from trunkwiz.cli import common, passwords, signin
from trunkwiz.cli.common import EXIT_FAILURE, EXIT_INPUT, EXIT_OK, CliError
from trunkwiz.cli.target import Target, resolve_target

if TYPE_CHECKING:
    from pydantic import SecretStr

    from trunkwiz.pbx.objects import Trunk
    from trunkwiz.service.connection import Connection
    from trunkwiz.service.routes import RuleRef
    from trunkwiz.service.services import Services

DESCRIPTION = "Delete a trunk from the PBX (shows what goes first; asks, or --yes)."

EPILOG = """\
The trunk, the tenants it is shared with and the rules that use it are shown first.
On a terminal, type the trunk's name to confirm; elsewhere (a script, --password-stdin)
add --yes. The PBX refuses to delete a trunk that rules use: --remove-rules removes
those rules first (they are created again if the delete then fails). The trunk's SIP
password leaves the keyring too, if it was kept there.

exit status: 0 deleted (or shown, with --dry-run); 1 PBX/network failure; 2 bad input:
no such trunk, rules use it without --remove-rules, not confirmed (nothing was sent);
130/143/129/131 stopped by SIGINT/SIGTERM/SIGHUP/SIGQUIT: before the delete was sent
nothing is deleted (removed rules are created again), after it the last line says so.

examples:
  trunkwiz delete "Acme SIP" --dry-run
  trunkwiz delete "Acme SIP"
  printf '%s\\n' "$PBX_PW" | trunkwiz delete "Acme SIP" --yes --password-stdin
"""

#: The signals that interrupt a delete.


def add_arguments(p: argparse.ArgumentParser) -> None:
    """The options and arguments of ``trunkwiz delete``."""
    p.add_argument("name", metavar="NAME", help="the trunk's name")
    p.add_argument(
        "--dry-run", action="store_true", help="show what would be deleted, send nothing"
    )
    p.add_argument("--yes", action="store_true", help="do not ask: delete (needed off a terminal)")
    p.add_argument(
        "--remove-rules",
        action="store_true",
        help="remove the rules that use the trunk first (the PBX refuses otherwise)",
    )
    common.add_password_stdin(p)
    common.add_output_options(p)


def run(args: argparse.Namespace) -> int:
    """Exit 0 deleted or shown, 1 PBX/network failure, 2 bad input, 128+N interrupted."""
    report: Report = {"trunk": args.name, "dry_run": args.dry_run, "deleted": False}
    code = common.run_async(lambda: DeleteRun(args, report).main())
    if args.json:
        report.update(ok=code == EXIT_OK, exit=code)
        common.print_json(report)
    return code


# Any: the --json report, values of any JSON type
Report = dict[str, Any]


class Interrupted(Exception):
    """A signal arrived while the confirmation was asked (nothing was sent)."""

    def __init__(self, code: int, name: str) -> None:
        super().__init__(name)
        self.code = code


class DeleteRun:
    """Sign in, show, confirm, delete; interruptions as the module says."""

    def __init__(self, args: argparse.Namespace, report: Report) -> None:
        self.args, self.report = args, report
        self.code: int | None = None
        self.why = ""
        self.stage = "look"
        """``look`` (reading, asking), ``delete`` (rules and destroy) or ``sent``."""

    def out(self, line: str) -> None:
        """A human line: stdout, or stderr under ``--json``; control characters escaped."""
        from trunkwiz.domain.text import visible  # lazy: keeps --help light

        stream = sys.stderr if self.args.json else sys.stdout
        print(visible(line, multiline=True), file=stream, flush=True)

    async def main(self) -> int:
        given = passwords.read_stdin_secrets(self.args)
        target = resolve_target(self.args)
        password = passwords.pbx_password(target, given, passwords.Keyring())
        unsignal = common.on_stop_signals(self._interrupt)
        try:
            return await self._main(target, password)
        except CliError as exc:
            self.report["errors"] = [{"message": str(exc)}]
            raise
        except asyncio.CancelledError:
            if self.code is None:
                raise
            common.say(f"trunkwiz delete: {self.why}: stopped; nothing was deleted.")
            return self.code
        except Interrupted as stop:
            common.say(f"trunkwiz delete: {stop}: stopped; nothing was deleted.")
            return stop.code
        finally:
            unsignal()

    def _interrupt(self, code: int, why: str, task: asyncio.Task[object] | None) -> None:
        if self.code is not None:
            return
        self.code, self.why = code, why
        if self.stage == "look" and task is not None:
            task.cancel()  # only reads so far
        elif self.stage == "delete":
            common.say(f"trunkwiz delete: {why}: stopping before the trunk is deleted ...")
        else:
            common.say(f"trunkwiz delete: {why}: the delete was sent; waiting for its answer ...")

    async def _main(self, target: Target, password: SecretStr) -> int:
        services, conn = await signin.sign_in(self.args, target, password)
        try:
            return await self._delete(services, conn)
        finally:
            await services.close()

    async def _delete(self, services: Services, conn: Connection) -> int:
        from trunkwiz.pbx.errors import PbxError  # lazy: keeps --help light
        from trunkwiz.service.connection import close_names  # lazy: keeps --help light
        from trunkwiz.service.routes import delete_trunk, trunk_routes  # lazy: keeps --help light

        name = self.args.name
        trunks = await conn.trunk_lookup()
        found = trunks.matching(name)
        if len(found) != 1:
            near = close_names(name, trunks.names)
            hint = f"; did you mean {', '.join(repr(n) for n in near)}?" if near else ""
            raise CliError(f"no trunk named {name!r} on {conn.url}{hint}", EXIT_INPUT)
        trunk_id = found[0].id
        name = found[0].name or name
        detail, assignees = await conn.read_trunk(trunk_id)
        tenant_names = await conn.tenant_names() if assignees else {}
        rules = (await trunk_routes(conn, trunk_id)).rules
        self.report.update(
            trunk=name, id=trunk_id, rules=[r.describe() for r in rules], tenants=[
                tenant_names.get(a.tenant_id, a.tenant_id) for a in assignees
            ]
        )  # fmt: skip
        self._show(conn, name, detail, self.report["tenants"], rules)
        if rules and not self.args.remove_rules:
            raise CliError(
                f"{len(rules)} rule(s) use trunk {name}: the PBX refuses to delete it. Add "
                "--remove-rules to remove them first; nothing was sent.",
                EXIT_INPUT,
            )
        if self.args.dry_run:
            self.out("Dry run: nothing was sent.")
            return EXIT_OK
        self._confirm(name)
        self.stage = "delete"
        guarded = cast("Connection", _StopBeforeDestroy(conn, self))
        try:
            done = await delete_trunk(guarded, trunk_id, name, remove_rules=self.args.remove_rules)
        except Exception as exc:
            if not isinstance(exc, PbxError):
                raise
            common.say(common.visible(f"trunkwiz delete: {exc}"))
            self.report["errors"] = [{"message": str(exc)}]
            if self.code is not None and self.stage == "delete":
                return self.code  # stopped before the destroy call: nothing is gone
            return EXIT_FAILURE
        self.report["deleted"] = True
        gone = f"Trunk {name}: deleted"
        if done.removed_rules:
            gone += f", with {len(done.removed_rules)} rule(s) that used it"
        self.out(gone + ".")
        await asyncio.to_thread(services.forget_trunk_password_if_kept, conn.url, name)
        if self.code is not None:
            common.say(f"trunkwiz delete: {self.why}: the trunk was deleted before it arrived.")
            return self.code
        return EXIT_OK

    def _show(
        self,
        conn: Connection,
        name: str,
        detail: Trunk,
        tenants: list[str],
        rules: tuple[RuleRef, ...],
    ) -> None:
        who = f"{conn.user}@{conn.domain}" if conn.domain else conn.user
        self.out(f"PBX {conn.url} (signed in as {who}, {conn.level} level)")
        host = detail.hostname or ""
        mode = detail.auth_mode or ""
        self.out(f"Delete trunk {name} ({mode}, host {host}):")
        if tenants:
            self.out(f"  stops sharing it with {len(tenants)} tenant(s): {', '.join(tenants)}")
        for rule in rules:
            verb = "removes" if self.args.remove_rules else "refused: used by"
            self.out(f"  {verb} {rule.describe()}")
        if not rules:
            self.out("  no rule uses it")

    def _confirm(self, name: str) -> None:
        """``--yes``, else the name typed on a terminal; a signal meanwhile stops here."""
        if self.args.yes:
            return
        if not (sys.stdin is not None and sys.stdin.isatty() and sys.stderr.isatty()):
            raise CliError(
                "not on a terminal: add --yes to delete without being asked; nothing was sent.",
                EXIT_INPUT,
            )

        def stop(number: int, _frame: object) -> None:
            raise Interrupted(128 + number, signal.Signals(number).name)

        loop = asyncio.get_running_loop()
        for (
            sig
        ) in common.STOP_SIGNALS:  # the loop is blocked in input(): the signal must raise there
            loop.remove_signal_handler(sig)
        before = {sig: signal.signal(sig, stop) for sig in common.STOP_SIGNALS}
        try:
            shown = common.visible(name)  # the PBX's text: control characters escaped
            print(f"Type the trunk's name ({shown}) to delete it: ", end="", file=sys.stderr)
            sys.stderr.flush()
            answer = sys.stdin.readline()
        finally:
            for sig, handler in before.items():
                signal.signal(sig, handler)
            task = asyncio.current_task()
            for sig in common.STOP_SIGNALS:
                loop.add_signal_handler(sig, self._interrupt, 128 + sig, sig.name, task)
        if answer.rstrip("\r\n") != name:
            raise CliError("the name typed does not match: nothing was deleted.", EXIT_INPUT)


class _StopBeforeDestroy:
    """The connection, refusing the destroy call once a signal came (the delete path then
    creates the removed rules again and raises)."""

    def __init__(self, conn: Connection, run: DeleteRun) -> None:
        self._conn = conn
        self._run = run

    def __getattr__(self, name: str) -> object:
        return getattr(self._conn, name)

    async def delete_trunk(self, trunk_id: str) -> None:
        from trunkwiz.pbx.errors import PbxError  # lazy: keeps --help light

        if self._run.code is not None:
            raise PbxError(f"stopped by {self._run.why} before the trunk was deleted")
        self._run.stage = "sent"
        await self._conn.delete_trunk(trunk_id)
