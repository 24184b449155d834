"""The command line of ``trunkwiz apply``: its ``--help`` text, examples and arguments
(its run is ``trunkwiz.cli.apply``)."""

from __future__ import annotations

import argparse

from trunkwiz.cli.args.options import STDIN_FORMAT, add_output_options, add_password_stdin

#: The longest --wait, in seconds.
MAX_WAIT = 3600.0

EPILOG = f"""\
trunk file (TOML; `trunkwiz export` writes a complete one):
  [[trunk]]
  name = "Acme SIP"
  kind = "register"                 # register | ip | accept_register
  brand = "Generic"
  hostname = "sip.acme.example"
  port = 5060
  transport = "UDP"
  auth_id = "100200"
  [trunk.options]
  keep_alive = true
  [[trunk.tenants]]                 # System Admin: one entry per tenant
  tenant = "acme-001.example.com"   # name, SIP domain or id
  did_numbers = "16468097065-16468097066;16468097070"
  concurrency = 20

Each trunk is described completely: keys left out take the PBX web UI's defaults and
tenants not listed stop sharing the trunk (the plan shows every change first). A
did_numbers key at trunk level makes it a Tenant Admin's own trunk (sign in with --domain).

passwords (never in the file or on the command line):
  PBX admin  --password-stdin, else the keyring (`trunkwiz secret set pbx USER`), else a
             hidden prompt on a terminal
  trunks     --password-stdin, else the keyring (`trunkwiz secret set trunk NAME`), else
             a hidden prompt; needed to create a register trunk, or with --update-passwords
{STDIN_FORMAT}
  example:
    printf '%s\\n%s\\t%s\\n' "$PBX_PW" "Acme SIP" "$SIP_PW" |
      trunkwiz --pbx https://pbx:8887 apply trunks.toml --password-stdin

exit status: 0 done or nothing to change; 1 PBX/network failure, or a trunk not ONLINE
within --wait; 2 bad input (nothing was sent); 130/143/129/131 stopped by SIGINT/SIGTERM/
SIGHUP/SIGQUIT: the trunk being applied was rolled back (the last lines say what, if
anything, is left); trunks applied before stay applied. Output is not part of the run: a
terminal that goes away stops it like SIGHUP (129), a pipe whose reader left (`| head`)
like SIGPIPE (141); the last lines then go to stderr, or to stdout if only stderr is gone
(not with --json).

examples:
  trunkwiz apply trunks.toml --dry-run
  trunkwiz apply trunks.toml --wait 60
  trunkwiz --profile lab apply trunks.toml --json
"""


DESCRIPTION = (
    "Apply a trunk file (TOML): validate it, print the plan, apply it, wait for the trunks' status."
)


def add_arguments(p: argparse.ArgumentParser) -> None:
    """The options and arguments of ``trunkwiz apply``."""
    p.add_argument("file", metavar="FILE.toml", help="the trunk file")
    p.add_argument("--dry-run", action="store_true", help="print the plan, send nothing")
    p.add_argument(
        "--wait",
        type=float,
        default=0.0,
        metavar="S",
        help="wait up to S seconds for each applied trunk to be ONLINE (default 0)",
    )
    p.add_argument(
        "--update-passwords",
        action="store_true",
        help="also send the given SIP passwords of trunks that already exist (the "
        "PBX never returns them, so they cannot be compared)",
    )
    add_password_stdin(p)
    add_output_options(p)


#: --wait acts only without --dry-run: refused with it (exit 2).
DEPENDS = {"--wait": ("--dry-run", False)}
