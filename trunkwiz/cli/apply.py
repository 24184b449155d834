"""``trunkwiz apply FILE``: validate a trunk file, print the plan, apply it, wait for status.

Nothing is sent until the whole file is valid, every tenant reference is found on the PBX
and every plan is made; any problem then is bad input (exit 2). Trunks are applied in
file order; a failure stops the run (exit 1) after the PBX client rolled back what that
trunk's calls had changed.
"""

from __future__ import annotations

import argparse
import asyncio
import math
from pathlib import Path
from typing import TYPE_CHECKING, Any

from trunkwiz.cli import common, passwords
from trunkwiz.cli.common import EXIT_INPUT, EXIT_OK, CliError

if TYPE_CHECKING:
    from trunkwiz.domain.trunkfile import FileIssue

MAX_WAIT = 3600.0

EPILOG = f"""\
trunk file (TOML; `trunkwiz export` writes a complete one):
  [[trunk]]
  name = "Acme SIP"
  kind = "register"                 # register | ip | accept_register
  brand = "Generic"
  hostname = "sip.acme.example"
  port = 5060
  transport = "UDP"
  auth_id = "100200"
  [trunk.options]
  keep_alive = true
  [[trunk.tenants]]                 # System Admin: one entry per tenant
  tenant = "acme-001.example.com"   # name, SIP domain or id
  did_numbers = "16468097065-16468097066;16468097070"
  concurrency = 20

Each trunk is described completely: keys left out take the PBX web UI's defaults and
tenants not listed stop sharing the trunk (the plan shows every change first). A
did_numbers key at trunk level makes it a Tenant Admin's own trunk (sign in with --domain).

passwords (never in the file or on the command line):
  PBX admin  --password-stdin, else the keyring (`trunkwiz secret set pbx USER`), else a
             hidden prompt on a terminal
  trunks     --password-stdin, else the keyring (`trunkwiz secret set trunk NAME`), else
             a hidden prompt; needed to create a register trunk, or with --update-passwords
{passwords.STDIN_FORMAT}
  example:
    printf '%s\\n%s\\t%s\\n' "$PBX_PW" "Acme SIP" "$SIP_PW" |
      trunkwiz --pbx https://pbx:8887 apply trunks.toml --password-stdin

exit status: 0 done or nothing to change; 1 PBX/network failure, or a trunk not ONLINE
within --wait; 2 bad input (nothing was sent); 130/143/129/131 stopped by SIGINT/SIGTERM/
SIGHUP/SIGQUIT: the trunk being applied was rolled back (the last lines say what, if
anything, is left); trunks applied before stay applied. Output is not part of the run: a
terminal that goes away stops it like SIGHUP (129), a pipe whose reader left (`| head`)
like SIGPIPE (141); the last lines then go to stderr, or to stdout if only stderr is gone
(not with --json).

examples:
  trunkwiz apply trunks.toml --dry-run
  trunkwiz apply trunks.toml --wait 60
  trunkwiz --profile lab apply trunks.toml --json
"""


DESCRIPTION = (
    "Apply a trunk file (TOML): validate it, print the plan, apply it, wait for the trunks' status."
)


def add_arguments(p: argparse.ArgumentParser) -> None:
    """The options and arguments of ``trunkwiz apply``."""
    p.add_argument("file", metavar="FILE.toml", help="the trunk file")
    p.add_argument("--dry-run", action="store_true", help="print the plan, send nothing")
    p.add_argument(
        "--wait",
        type=float,
        default=0.0,
        metavar="S",
        help="wait up to S seconds for each applied trunk to be ONLINE (default 0)",
    )
    p.add_argument(
        "--update-passwords",
        action="store_true",
        help="also send the given SIP passwords of trunks that already exist (the "
        "PBX never returns them, so they cannot be compared)",
    )
    common.add_password_stdin(p)
    common.add_output_options(p)


def run(args: argparse.Namespace) -> int:
    """Exit 0 done, 1 PBX/network failure, 2 bad input."""
    from trunkwiz.domain.trunkfile import TrunkFileError, parse  # lazy: keeps --help light

    report: dict[str, Any] = {"file": args.file, "dry_run": args.dry_run, "trunks": []}
    try:
        text = Path(args.file).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        return _fail(args, report, f"cannot read {args.file}: {exc}", EXIT_INPUT)
    try:
        tf = parse(text)
    except TrunkFileError as exc:
        return _issues(args, report, exc.issues)
    if not (math.isfinite(args.wait) and 0 <= args.wait <= MAX_WAIT):
        return _fail(args, report, f"--wait must be 0-{MAX_WAIT:g} seconds", EXIT_INPUT)
    try:
        given = passwords.read_stdin_secrets(args)
        names = {t.name.casefold() for t in tf.trunks}
        unknown = [n for n in given.trunks if n.casefold() not in names]
        if unknown:
            raise CliError(f"stdin names trunks not in {args.file}: {', '.join(unknown)}", 2)
    except CliError as exc:
        return _fail(args, report, str(exc), exc.code)
    from trunkwiz.cli.apply_run import ApplyRun  # lazy: keeps --help light

    runner = ApplyRun(args, tf, given, report)
    try:
        code = asyncio.run(runner.main())
    except KeyboardInterrupt:
        return _fail(args, report, "interrupted", 130)
    except Exception as exc:
        error = common.as_cli_error(exc)
        return _fail(args, report, str(error), error.code)
    if runner.problems:
        return _issues(args, report, runner.problems)
    if args.json:
        report.update(ok=code == EXIT_OK, exit=code)
        common.print_json(report)
    return code


def _issues(args: argparse.Namespace, report: dict[str, Any], issues: Any) -> int:
    found: list[FileIssue] = list(issues)
    for issue in found:
        common.say(issue.format(args.file))
    common.say(f"{args.file}: {len(found)} problem(s); nothing was sent.")
    if args.json:
        report.update(ok=False, exit=EXIT_INPUT, errors=[i.to_dict() for i in found])
        common.print_json(report)
    return EXIT_INPUT


def _fail(args: argparse.Namespace, report: dict[str, Any], message: str, code: int) -> int:
    common.say(common.visible(f"trunkwiz apply: {message}"))
    if args.json:
        report.update(ok=False, exit=code, errors=[{"message": message}])
        common.print_json(report)
    return code
