"""The command line of ``trunkwiz demo``: its ``--help`` text, examples and arguments
(its run is ``trunkwiz.cli.demo``)."""

from __future__ import annotations

import argparse

EPILOG = """\
examples:
  trunkwiz demo                      sandbox and carrier on free loopback ports
  trunkwiz demo --tls                the sandbox over HTTPS: trust its fingerprint on Connect
  trunkwiz demo --port 8887          the sandbox on a fixed port
"""


DESCRIPTION = (
    "Try the whole flow against a built-in sandbox PBX (loopback only) and a demo "
    "SIP carrier, so a Register-Based trunk can really go ONLINE."
)


def add_arguments(p: argparse.ArgumentParser) -> None:
    """The options and arguments of ``trunkwiz demo``."""
    p.add_argument("--port", type=int, default=0, help="sandbox PBX port (default: a free one)")
    p.add_argument(
        "--carrier-port", type=int, default=0, help="demo carrier SIP port (default: a free one)"
    )
    p.add_argument(
        "--tls", action="store_true", help="serve the sandbox over HTTPS with a self-signed cert"
    )


#: The connection options refused (exit 2): the demo signs in to its own sandbox PBX.
NO_EFFECT = frozenset({"--pbx", "--user", "--domain", "--profile"})
