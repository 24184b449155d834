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
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from trunkwiz.cli import common, passwords
from trunkwiz.cli.apply_run import ApplyRun
from trunkwiz.cli.args.apply import MAX_WAIT
from trunkwiz.cli.common import EXIT_INPUT, EXIT_OK, CliError
from trunkwiz.domain.trunkfile import TrunkFileError, parse

if TYPE_CHECKING:
    from trunkwiz.domain.trunkfile import FileIssue


def run(args: argparse.Namespace) -> int:
    """Exit 0 done, 1 PBX/network failure, 2 bad input."""
    # Any: the --json report, a JSON object of any values
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


def _issues(
    args: argparse.Namespace,
    report: dict[str, Any],  # Any: the --json report, any JSON values
    issues: Iterable[FileIssue],
) -> int:
    found: list[FileIssue] = list(issues)
    for issue in found:
        common.say(issue.format(args.file))
    common.say(f"{args.file}: {len(found)} problem(s); nothing was sent.")
    if args.json:
        report.update(ok=False, exit=EXIT_INPUT, errors=[i.to_dict() for i in found])
        common.print_json(report)
    return EXIT_INPUT


def _fail(
    args: argparse.Namespace,
    report: dict[str, Any],  # Any: the --json report, any JSON values
    message: str,
    code: int,
) -> int:
    common.say(common.visible(f"trunkwiz apply: {message}"))
    if args.json:
        report.update(ok=False, exit=code, errors=[{"message": message}])
        common.print_json(report)
    return code
