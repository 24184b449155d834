"""``trunkwiz secret set|delete pbx|trunk NAME``: a password in the OS keyring.

``pbx NAME``: NAME is the admin user of the PBX given by ``--pbx`` (or the profile), with
``--domain`` for a Tenant Admin. ``trunk NAME``: NAME is the trunk's name on that PBX.
``set`` first checks that a keyring can be used, then reads the secret from stdin when it
is not a terminal (the first line), else from a hidden prompt typed twice. It never takes
the secret as an argument. Its last line says which store holds it and for how long.
"""

from __future__ import annotations

import argparse
import getpass
import sys

from pydantic import SecretStr

from trunkwiz.cli import common, passwords
from trunkwiz.cli.common import EXIT_FAILURE, EXIT_INPUT, EXIT_OK, CliError
from trunkwiz.cli.target import resolve_target
from trunkwiz.store.secrets import SecretStoreUnavailable, pbx_key, trunk_key


def run(args: argparse.Namespace) -> int:
    """Exit 0 done, 1 keyring unavailable, 2 bad input."""
    try:
        target = resolve_target(args)
        domain = getattr(args, "domain", None) or None
        if args.what == "pbx":
            key = pbx_key(target.url, args.name, domain)
            label = f"PBX password of {args.name}{'@' + domain if domain else ''} at {target.url}"
        else:
            key = trunk_key(target.url, args.name)
            label = f"SIP password of trunk {args.name.strip()} at {target.url}"
    except CliError as exc:
        common.say(f"trunkwiz secret: {exc}")
        return exc.code
    except ValueError as exc:
        common.say(f"trunkwiz secret: {exc}")
        return EXIT_INPUT
    try:
        store = passwords.open_secret_store()
        if args.action == "delete":
            removed = store.delete(key)
            common.say(f"Deleted the {label}." if removed else f"No {label} was stored.")
            return EXIT_OK
        status = store.check()  # before asking for the password, not after
        if not status.ok:
            common.say(f"secret store unavailable: {status.problem}. To fix: {status.fix}")
            return EXIT_FAILURE
        secret = _read_secret(label)
        if secret is None:
            common.say("trunkwiz secret: no secret given (empty input); nothing stored")
            return EXIT_INPUT
        store.set(key, secret)
    except SecretStoreUnavailable as exc:
        common.say(str(exc))
        return EXIT_FAILURE
    common.say(f"Stored the {label}.")
    common.say(f"Password kept in {store.where or 'the keyring'}.")
    return EXIT_OK


def _read_secret(label: str) -> SecretStr | None:
    """The secret as a ``SecretStr``: stdin's first line, or a prompt typed twice."""
    if not passwords.stdin_is_tty():
        line = sys.stdin.readline() if sys.stdin is not None else ""
        value = line.removesuffix("\n").removesuffix("\r")
        return SecretStr(value) if value else None

    first = getpass.getpass(f"{label}: ")
    if not first:
        return None
    if getpass.getpass("Again, to confirm: ") != first:
        common.say("trunkwiz secret: the two entries differ; nothing stored")
        return None
    return SecretStr(first)
