"""The command line of ``trunkwiz sandbox``: its ``--help`` text, examples and arguments
(its run is ``trunkwiz.cli.sandbox``)."""

from __future__ import annotations

import argparse

from trunkwiz.cli.args.options import OFFLINE

EPILOG = """\
seeded accounts:
  System Admin   user admin (--admin-user), password sandbox-admin (--admin-password),
                 no domain
  Tenant Admin   user manager, password tenant-admin, domain = the tenant's SIP domain
                 (e.g. acme-001.sandbox.test; GET /api/tenants lists them all)
  2FA example    user secure-admin with the System Admin password: sign_in answers
                 {"two_factor_enabled": true, "token": ...}

Register trunks get an honest status: the sandbox REGISTERs each one (enabled, with
registration on) to its host or outbound proxy with its credentials, refreshes before
expiry and shows it ONLINE only while the last REGISTER succeeded; every change and its
reason (e.g. "403 Forbidden: ...") is logged here. IP trunks are always ONLINE.
--no-register sends no SIP at all (register trunks then stay OFFLINE).

The PBX API is under <url>/api; fault switches for tests: POST <url>/_sandbox/faults.
--switch-scopes-trunks (or {"switch_scopes_trunks": true} there) makes a System Admin
session that switched to a tenant work on trunks inside that tenant.
With --state FILE the data survives restarts. The file is written with mode 0600 because,
like a real PBX's database, it holds the trunks' SIP passwords (needed to register).
Prefer the TRUNKWIZ_SANDBOX_ADMIN_PASSWORD environment variable over --admin-password:
a password on the command line is visible to other users of this host.

example:
  trunkwiz sandbox --port 0 --tls --state /tmp/pbx.json
  FINGERPRINT SHA-256 AA:BB:...:FF    (with --tls, the certificate to pin)
  READY https://127.0.0.1:40123
"""


#: Where the sandbox's System Admin password may come from.
PASSWORD_ENV = "TRUNKWIZ_SANDBOX_ADMIN_PASSWORD"


DESCRIPTION = (
    "A PortSIP-compatible PBX (REST API v22 subset) on this host, for trying "
    "trunkwiz and for tests. Prints one line 'READY <url>' when it accepts requests."
)


def add_arguments(p: argparse.ArgumentParser) -> None:
    """The options and arguments of ``trunkwiz sandbox``."""
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    p.add_argument("--port", type=int, default=8887, help="port; 0 picks a free one (default 8887)")
    p.add_argument(
        "--tls",
        action="store_true",
        help="serve HTTPS with a self-signed certificate generated at start "
        "(its SHA-256 fingerprint is printed)",
    )
    p.add_argument(
        "--state",
        metavar="FILE",
        help="keep tenants and trunks in FILE (JSON, mode 0600) between runs",
    )
    p.add_argument(
        "--no-register",
        action="store_true",
        help="do not REGISTER register trunks with their carriers (they stay OFFLINE)",
    )
    p.add_argument("--admin-user", default="admin", help="System Admin user (default admin)")
    p.add_argument(
        "--admin-password",
        default=None,
        metavar="PASSWORD",
        help=f"System Admin password (default sandbox-admin, or ${PASSWORD_ENV})",
    )
    p.add_argument(
        "--tenants",
        type=int,
        default=120,
        metavar="N",
        help="tenants to seed in a new state (default 120)",
    )
    p.add_argument(
        "--switch-scopes-trunks",
        action="store_true",
        help="after POST /tenants/switch?id=T, the same System Admin session creates, "
        "shares and deletes trunks inside tenant T (default: trunks stay at system level)",
    )
    p.add_argument(
        "--token-ttl",
        type=int,
        default=3600,
        metavar="S",
        help="access token lifetime in seconds (default 3600)",
    )


#: The connection options refused (exit 2): the sandbox is the PBX; only --debug applies.
NO_EFFECT = OFFLINE - {"--debug", "--debug-file"}
