"""The command line of ``trunkwiz edit``: its ``--help`` text, examples and arguments
(its run is ``trunkwiz.cli.edit``)."""

from __future__ import annotations

import argparse

DESCRIPTION = (
    "Open trunk NAME in the wizard: change its fields, tenants, DID pools or "
    "password; only the changed fields are sent. Brand and kind cannot change. "
    "When NAME cannot be opened, one line on stderr says why and the exit status is 2 "
    "(no such trunk) or 1 (the PBX refused to read it)."
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
