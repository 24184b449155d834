"""``trunkwiz status [NAME] [--watch] [--json]``: each trunk's registration status.

One table (name, kind, host, status) or, with ``--json``, a JSON list of
``{id, name, kind, brand, host, status, problems}``. ``--watch`` refreshes every
``--interval`` seconds until Ctrl+C (or ``--count`` refreshes); with ``--json`` each
refresh is one JSON line.

A trunk whose status, detail or assignees the PBX refuses is still listed: its STATUS
says what is unknown and why (``status unknown: 403 …``). Without ``--watch`` the command
then ends with one line on stderr and status 1, after the table.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
from typing import Any

from trunkwiz.cli import common, signin
from trunkwiz.cli.args.status import MAX_INTERVAL, MIN_INTERVAL
from trunkwiz.cli.common import EXIT_INPUT, EXIT_OK, CliError
from trunkwiz.cli.completion.names import remember_names
from trunkwiz.domain.text import visible


def run(args: argparse.Namespace) -> int:
    """Exit 0 shown, 1 PBX/network failure, 2 bad input."""
    if not MIN_INTERVAL <= args.interval <= MAX_INTERVAL or args.count < 0:
        common.say(
            f"trunkwiz status: --interval must be {MIN_INTERVAL:g}-{MAX_INTERVAL:g} "
            "and --count >= 0"
        )
        return EXIT_INPUT
    code = common.run_async(lambda: _status(args))
    return EXIT_OK if code == 130 and args.watch else code


async def _status(args: argparse.Namespace) -> int:
    services, conn = await signin.sign_in_from_args(args)
    deadline = common.seconds_option(args, "deadline", common.DEFAULT_DEADLINE)
    try:
        shown = 0
        while True:
            if shown:
                conn.set_deadline(deadline)  # --deadline bounds each refresh
            rows = await _rows(conn, args.name)
            if args.name is None and not shown:  # trunk names for shell completion
                remember_names(args, [r["name"] for r in rows])
            shown += 1
            _print(args, rows, watching=args.watch)
            if not args.watch:
                unread = [r for r in rows if r["problems"]]
                if unread:
                    first = unread[0]
                    raise CliError(
                        f"{len(unread)} of {len(rows)} trunk(s) not fully read; "
                        f"{first['name']}: {first['problems'][0]}"
                    )
            if not args.watch or (args.count and shown >= args.count):
                return EXIT_OK
            await asyncio.sleep(args.interval)
    finally:
        await services.close()


# Any: a signed-in Connection; a row holds text, numbers and None
async def _rows(conn: Any, name: str | None) -> list[dict[str, Any]]:
    rows = [
        {
            "id": r.id,
            "name": r.name,
            "kind": r.kind,
            "brand": r.brand,
            "host": r.host,
            "status": r.status,
            "problems": list(r.problems),
        }
        for r in await conn.trunk_rows()
    ]
    if name is None:
        return rows
    chosen = [r for r in rows if r["name"].strip().casefold() == name.strip().casefold()]
    if not chosen:
        raise CliError(f"no trunk named {name!r} on {conn.url}", EXIT_INPUT)
    return chosen


# Any: a row holds text, numbers and None
def _print(args: argparse.Namespace, rows: list[dict[str, Any]], *, watching: bool) -> None:
    if args.json:
        if watching:
            print(common.json_text(rows), flush=True)
        else:
            common.print_json(rows)
        return
    if watching:
        if sys.stdout.isatty():
            print("\x1b[H\x1b[2J", end="")
        print(f"{time.strftime('%H:%M:%S')}  every {args.interval:g} s, Ctrl+C to stop")
    print(table(rows), flush=True)


def shown_status(row: dict[str, Any]) -> str:  # Any: text, numbers and None
    """The STATUS cell: the live status, or what could not be read and why."""
    problems = row.get("problems") or ()
    return "; ".join(problems) if problems else str(row["status"])


def table(rows: list[dict[str, Any]]) -> str:  # Any: text, numbers and None
    """The rows as aligned columns NAME KIND HOST STATUS (the PBX's text shown with
    control characters escaped: a cell is one line and nothing in it reaches the terminal
    raw)."""
    if not rows:
        return "No trunks."
    heads = ("NAME", "KIND", "HOST", "STATUS")
    cells = [
        tuple(visible(v) for v in (r["name"], r["kind"], r["host"], shown_status(r))) for r in rows
    ]
    widths = [max(len(str(c[i])) for c in [heads, *cells]) for i in range(4)]
    lines = [
        "  ".join(str(v).ljust(w) for v, w in zip(c, widths, strict=True)).rstrip()
        for c in [heads, *cells]
    ]
    return "\n".join(lines)
