"""The command line of ``trunkwiz probe``: its ``--help`` text, examples and arguments
(its run is ``trunkwiz.cli.probe``)."""

from __future__ import annotations

import argparse

from trunkwiz.cli.args.options import STDIN_FORMAT, add_output_options, add_password_stdin

EPILOG = f"""\
{STDIN_FORMAT}
With FILE and one trunk, a single line is that trunk's SIP password. A password stored
in the keyring is used for a file's trunk only when the PBX holds the same host for the
trunk of that name (probe signs in to check; on a terminal it asks instead); else pipe
the password with --password-stdin. OPTIONS and REGISTER are rate-limited per carrier
host across every trunkwiz of this user (one probe per host every 5 s).

exit status: 0 every probe succeeded, 1 a probe failed (the diagnosis says why) or the
PBX could not be read, 2 bad input (bad file, unknown trunk, missing password)

examples:
  trunkwiz probe "Acme SIP"
  printf 'Acme SIP\\t%s\\n' "$SIP_PW" | trunkwiz probe trunks.toml --password-stdin --json
  trunkwiz probe trunks.toml --no-register
"""


DESCRIPTION = (
    "Probe a trunk's carrier from this host: DNS, OPTIONS, REGISTER with "
    "digest, un-REGISTER; explains failures in plain words."
)


def add_arguments(p: argparse.ArgumentParser) -> None:
    """The options and arguments of ``trunkwiz probe``."""
    p.add_argument("target", metavar="NAME|FILE", help="a trunk on the PBX, or a trunk file")
    p.add_argument("--no-register", action="store_true", help="OPTIONS only, no REGISTER")
    p.add_argument(
        "--timeout", type=float, default=8.0, metavar="S", help="seconds per trunk (default 8)"
    )
    add_password_stdin(p)
    add_output_options(p)
