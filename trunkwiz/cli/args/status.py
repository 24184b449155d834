"""The command line of ``trunkwiz status``: its ``--help`` text, examples and arguments
(its run is ``trunkwiz.cli.status``)."""

from __future__ import annotations

import argparse

from trunkwiz.cli.args.options import add_output_options, add_password_stdin

#: The shortest and the longest --interval, in seconds.
MIN_INTERVAL, MAX_INTERVAL = 0.5, 300.0

EPILOG = """\
exit status: 0 shown (whatever the status), 1 PBX/network failure (a trunk the PBX
would not fully read is still listed, its STATUS saying why), 2 bad input (unknown trunk
name). Ctrl+C ends --watch with status 0.

examples:
  trunkwiz status
  trunkwiz status "Acme SIP" --json
  trunkwiz status --watch --interval 5
"""


DESCRIPTION = "Show each trunk's registration status (ONLINE/OFFLINE)."


def add_arguments(p: argparse.ArgumentParser) -> None:
    """The options and arguments of ``trunkwiz status``."""
    p.add_argument("name", nargs="?", metavar="NAME", help="only this trunk")
    p.add_argument("--watch", action="store_true", help="refresh until Ctrl+C")
    p.add_argument(
        "--interval",
        type=float,
        default=2.0,
        metavar="S",
        help=f"seconds between refreshes with --watch ({MIN_INTERVAL:g}-"
        f"{MAX_INTERVAL:g}, default 2)",
    )
    p.add_argument(
        "--count",
        type=int,
        default=0,
        metavar="N",
        help="with --watch: stop after N refreshes (default: until Ctrl+C)",
    )
    add_password_stdin(p)
    add_output_options(p)


#: Options that act only with --watch: refused without it (exit 2).
DEPENDS = {"--interval": ("--watch", True), "--count": ("--watch", True)}
