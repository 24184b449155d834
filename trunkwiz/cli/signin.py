"""Signing a non-interactive command in to the PBX, and the trunk look-ups that follow.

``sign_in_from_args`` is the usual way in: the target (``trunkwiz.cli.target``), the
admin password (``trunkwiz.cli.passwords``), then ``sign_in``, which turns an untrusted
certificate, a refusal and network failures into a ``CliError``. ``find_trunk_id`` finds
the trunk a command names (``Connection.trunk_lookup``), or says which trunks there are.
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from trunkwiz.cli.common import DEFAULT_DEADLINE, DEFAULT_TIMEOUT, CliError, seconds_option
from trunkwiz.cli.passwords import Keyring, pbx_password, read_stdin_secrets
from trunkwiz.cli.target import Target, resolve_target

if TYPE_CHECKING:
    from pydantic import SecretStr

    from trunkwiz.pbx.client import PbxClient
    from trunkwiz.pbx.tls import TlsPolicy
    from trunkwiz.service.connection import Connection
    from trunkwiz.service.services import Services


async def sign_in_from_args(args: argparse.Namespace) -> tuple[Services, Connection]:
    """The usual way in for a command: the PBX password from stdin, the keyring or a
    prompt, then ``sign_in`` on the target the options and the profile name."""
    given = read_stdin_secrets(args)
    target = resolve_target(args)
    password = pbx_password(target, given, Keyring())
    return await sign_in(args, target, password)


async def sign_in(
    args: argparse.Namespace, target: Target, password: SecretStr
) -> tuple[Services, Connection]:
    """Sign in; PBX, TLS and network failures become ``CliError`` code 1."""
    from trunkwiz.service.outcomes import NeedsTrust, Refused  # lazy: keeps --help light
    from trunkwiz.service.services import ConnectDefaults, Services  # lazy: keeps --help light
    from trunkwiz.store.paths import config_dir  # lazy: keeps --help light

    defaults = ConnectDefaults(
        url=target.url,
        user=target.user,
        domain=target.domain,
        ca_file=target.ca_file,
        insecure=target.insecure,
    )
    request_timeout = seconds_option(args, "http_timeout", DEFAULT_TIMEOUT)
    deadline = seconds_option(args, "deadline", DEFAULT_DEADLINE)

    def client(url: str, tls: TlsPolicy) -> PbxClient:
        from trunkwiz.pbx.client import PbxClient  # lazy: keeps --help light

        made = PbxClient(url, tls=tls, request_timeout=request_timeout)
        made.set_deadline(deadline)
        return made

    services = Services(
        config_dir=config_dir(getattr(args, "config", None)),
        defaults=defaults,
        client_factory=client,
    )
    outcome = await services.sign_in(
        target.url, target.user, password, target.domain, pinned_sha256=target.pinned_sha256
    )
    if isinstance(outcome, NeedsTrust):
        raise CliError(untrusted_message(target, outcome.fingerprint), 1)
    if isinstance(outcome, Refused):
        if outcome.bad_input:
            raise CliError(outcome.message, 2)
        if outcome.pin_expected:
            raise CliError(f"{outcome.message}. Expected by the pin: {outcome.pin_expected}", 1)
        raise CliError(f"cannot sign in to {target.url}: {outcome.message}", 1)
    return services, outcome.connection


def untrusted_message(target: Target, fingerprint: str | None) -> str:
    """What to do about a certificate this host does not trust."""
    from urllib.parse import urlsplit  # lazy: keeps --help light

    parts = urlsplit(target.url)
    hostport = f"{parts.hostname}:{parts.port or 443}"
    shown = fingerprint or "(could not be read)"
    return (
        f"the PBX at {target.url} presents a TLS certificate this host does not trust.\n"
        f"  SHA-256 fingerprint: {shown}\n"
        "Compare it with the PBX's own certificate, e.g. on the PBX host:\n"
        f"  openssl s_client -connect {hostport} </dev/null 2>/dev/null | "
        "openssl x509 -noout -fingerprint -sha256\n"
        "then trust it: add `--pin <fingerprint>` to this command, or run the wizard once "
        f"(`trunkwiz --pbx {target.url}`) and accept it there (the profile keeps the pin)."
    )


async def find_trunk_id(conn: Connection, name: str) -> str:
    """The id of the trunk called ``name`` (exactly, else in any case; ``CliError`` code 2
    if none)."""
    trunks = await conn.trunk_lookup()
    found = trunks.id_of(name)
    if found is not None:
        return found
    names = ", ".join(sorted(trunks.names)) or "none"
    raise CliError(f"no trunk named {name!r} on {conn.url} (trunks: {names})", 2)
