"""The command line of ``trunkwiz delete``: its ``--help`` text, examples and arguments
(its run is ``trunkwiz.cli.delete``)."""

from __future__ import annotations

import argparse

from trunkwiz.cli.args.options import add_output_options, add_password_stdin

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
    add_password_stdin(p)
    add_output_options(p)
