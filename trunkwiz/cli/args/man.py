"""The command line of ``trunkwiz man``: its ``--help`` text, examples and arguments
(its run is ``trunkwiz.cli.man``)."""

from __future__ import annotations

import argparse

from trunkwiz.cli.args.options import OFFLINE

DESCRIPTION = "Print the manual page (roff) made from the command-line definitions."


EPILOG = """\
examples:
  trunkwiz man | man -l -
  trunkwiz man > /usr/local/share/man/man1/trunkwiz.1 && mandb -q
"""


def add_arguments(p: argparse.ArgumentParser) -> None:
    """``trunkwiz man`` takes no arguments."""


#: The connection options refused (exit 2): the page is made without a PBX.
NO_EFFECT = OFFLINE
