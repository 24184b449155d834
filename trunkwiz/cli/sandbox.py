"""``trunkwiz sandbox``: run the sandbox PBX alone until SIGINT/SIGTERM."""

from __future__ import annotations

import argparse
import logging
import os
import signal
import sys
import threading
from typing import Any

from trunkwiz.cli.args.sandbox import PASSWORD_ENV
from trunkwiz.sandbox.registrations import SipRegistrationStatus
from trunkwiz.sandbox.server import DEFAULT_ADMIN_PASSWORD, SandboxServer
from trunkwiz.sandbox.status import NoRegistration


def run(args: argparse.Namespace) -> int:
    """Serve until SIGINT/SIGTERM; exit 0 on a clean stop, 2 on bad options, 1 on failure."""
    if args.tenants < 1 or args.token_ttl < 1 or not 0 <= args.port <= 65535:
        print(
            "trunkwiz sandbox: --tenants and --token-ttl must be >= 1, --port 0..65535",
            file=sys.stderr,
        )
        return 2

    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    logging.getLogger("trunkwiz.sandbox.registrations").setLevel(logging.INFO)
    password = args.admin_password or os.environ.get(PASSWORD_ENV) or DEFAULT_ADMIN_PASSWORD
    options: dict[str, Any] = {  # Any: SandboxServer's keyword arguments, of many types
        "host": args.host,
        "port": args.port,
        "tls": args.tls,
        "admin_user": args.admin_user,
        "admin_password": password,
        "state_file": args.state,
        "tenants": args.tenants,
        "token_ttl": args.token_ttl,
        "switch_scopes_trunks": args.switch_scopes_trunks,
        "status_source": NoRegistration() if args.no_register else SipRegistrationStatus(),
    }
    stop = threading.Event()
    previous = {
        sig: signal.signal(sig, lambda *_: stop.set()) for sig in (signal.SIGINT, signal.SIGTERM)
    }
    try:
        try:
            server = SandboxServer(**options).start()
        except (OSError, RuntimeError, ValueError) as exc:
            print(f"trunkwiz sandbox: cannot start: {exc}", file=sys.stderr)
            return 1
        try:
            if server.fingerprint:
                print(f"FINGERPRINT SHA-256 {server.fingerprint}", flush=True)
            print(f"READY {server.url}", flush=True)
            stop.wait()
        finally:
            server.stop()
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    return 0
