"""The command line of ``trunkwiz export``: its ``--help`` text, examples and arguments
(its run is ``trunkwiz.cli.export``)."""

from __future__ import annotations

import argparse

from trunkwiz.cli.args.options import add_output_options, add_password_stdin

EPILOG = """\
The file holds every key explicitly, so `trunkwiz apply` of it changes nothing; edit it
and apply it to change trunks as code. Passwords are never written. With -o the file is
replaced atomically (a new file with your umask's mode); a symbolic link at FILE is
refused, never written through.

exit status: 0 written, 1 PBX/network failure or FILE not writable, 2 bad input (unknown
trunk name, FILE a symbolic link or not a regular file)

examples:
  trunkwiz export > trunks.toml
  trunkwiz export "Acme SIP" -o acme.toml
  trunkwiz --pbx https://pbx.example.com:8887 --pin AA:BB:... export
"""


DESCRIPTION = "Write the PBX's trunks (or one) as a trunk file (TOML, no passwords)."


def add_arguments(p: argparse.ArgumentParser) -> None:
    """The options and arguments of ``trunkwiz export``."""
    p.add_argument("name", nargs="?", metavar="NAME", help="only this trunk")
    p.add_argument("-o", "--output", metavar="FILE", help="write to FILE instead of stdout")
    add_password_stdin(p)
    add_output_options(p, json_output=False)
