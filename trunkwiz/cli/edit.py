"""``trunkwiz edit NAME``: open one trunk in the wizard for a quick edit.

The wizard signs in first: with the saved profile and the password the keyring holds it
signs in by itself, otherwise the Connect step asks. Then it opens trunk NAME (matched
case-insensitively) in the same screens as any edit; an unknown NAME is reported with the
closest names on the Kind step's trunk list. Only argparse and the standard library are
imported at module level.
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from textual.app import App


DESCRIPTION = (
    "Open trunk NAME in the wizard: change its fields, tenants, DID pools or "
    "password; only the changed fields are sent. Brand and kind cannot change."
)
EPILOG = (
    "examples:\n"
    '  trunkwiz edit "Acme SIP"\n'
    "  trunkwiz --profile lab edit flowroute\n"
    "  trunkwiz --pbx https://pbx.example.com:8887 --user admin edit Twilio"
)


def add_arguments(p: argparse.ArgumentParser) -> None:
    """The options and arguments of ``trunkwiz edit``."""
    p.add_argument("name", metavar="NAME", help="the trunk's name (case-insensitive)")


def make_app(args: argparse.Namespace) -> App[int]:
    """The wizard App opening trunk ``args.name`` once signed in (not running)."""
    from trunkwiz.cli.wizard import build_services, resume_command
    from trunkwiz.tui.app import TrunkWizApp

    name = str(args.name).strip()
    if not name:
        raise SystemExit("trunkwiz edit: give the trunk's NAME")
    return TrunkWizApp(build_services(args), open_trunk=name, resume_command=resume_command(args))


def run(args: argparse.Namespace) -> int:
    """Run the wizard on one trunk; 0 when the edit was submitted or the user left, 1
    after an unexpected error, 2 without a terminal."""
    from trunkwiz.cli.wizard import refuse_without_terminal, run_app

    refused = refuse_without_terminal()
    if refused is not None:
        return refused
    return run_app(make_app(args))
