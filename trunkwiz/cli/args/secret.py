"""The command line of ``trunkwiz secret``: its ``--help`` text, examples and arguments
(its run is ``trunkwiz.cli.secret``)."""

from __future__ import annotations

import argparse

EPILOG = """\
The keyring service is "trunkwiz"; entries are pbx:<url>:<user>[@<domain>] and
trunk:<url>:<name>. apply, export, status and probe read them. The store is the
Secret Service (gnome-keyring) when one runs, else the kernel keyring (a plain SSH
login): kept in kernel memory until reboot or 3 days unused, asked again after that.

exit status: 0 stored or deleted (deleting an absent entry is not an error),
1 the keyring cannot be used (the message says how to fix it), 2 bad input

examples:
  trunkwiz --pbx https://pbx.example.com:8887 secret set pbx admin
  printf '%s\\n' "$SIP_PW" | trunkwiz --pbx https://pbx.example.com:8887 secret set trunk "Acme SIP"
  trunkwiz --pbx https://pbx.example.com:8887 --domain acme.example.com secret set pbx manager
  trunkwiz secret delete trunk "Acme SIP"
"""


DESCRIPTION = "Store or delete a PBX admin password or a trunk's SIP password in the OS keyring."


def add_arguments(p: argparse.ArgumentParser) -> None:
    """The options and arguments of ``trunkwiz secret``."""
    p.add_argument("action", choices=("set", "delete"), help="store or remove")
    p.add_argument("what", choices=("pbx", "trunk"), help="a PBX admin or a trunk password")
    p.add_argument("name", metavar="NAME", help="the admin user (pbx) or the trunk name (trunk)")
