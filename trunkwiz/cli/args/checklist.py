"""The command line of ``trunkwiz checklist``: its ``--help`` text, examples and arguments
(its run is ``trunkwiz.cli.checklist``)."""

from __future__ import annotations

import argparse

from trunkwiz.cli.args.options import add_output_options, add_password_stdin

DESCRIPTION = "Show the carrier-portal checklist of a trunk, with the values to copy."


EPILOG = """\
exit status: 0 shown, 1 PBX/network failure, 2 bad input (unknown trunk name, or a
--tech-prefix that is not digits or that the trunk's brand has no place for)

examples:
  trunkwiz checklist "Flowroute"
  trunkwiz checklist "Flowroute" --tech-prefix 52709417
  trunkwiz checklist "SIPTRUNK" --json
"""


def add_arguments(p: argparse.ArgumentParser) -> None:
    """The options and arguments of ``trunkwiz checklist``."""
    p.add_argument("name", metavar="NAME", help="the trunk's name")
    p.add_argument(
        "--tech-prefix",
        default="",
        metavar="DIGITS",
        help="the carrier's tech prefix (Flowroute: digits) to show where it goes; refused "
        "for a brand without one",
    )
    add_password_stdin(p)
    add_output_options(p)
