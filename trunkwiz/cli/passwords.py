"""The passwords a non-interactive command needs: ``--password-stdin``, the keyring, a prompt.

The PBX admin password comes from ``--password-stdin``, the keyring or a hidden prompt on
a terminal, never from argv or a file (``pbx_password``); ``--password-stdin`` also carries
the trunks' SIP passwords (``STDIN_FORMAT``). Before the admin password is sent,
``pbx_password`` refuses a plain ``http://`` URL to a host other than loopback (it would
cross the network unencrypted) unless ``--allow-http``, and an unreadable ``--ca-file``.

``open_secret_store`` and ``stdin_is_tty`` are looked up through this module when called
(``Keyring``, ``prompt_hidden``, the commands): tests replace them here.
"""

from __future__ import annotations

import argparse
import getpass
import ipaddress
import ssl
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from pydantic import SecretStr

from trunkwiz.cli.common import CliError, say
from trunkwiz.cli.target import Target
from trunkwiz.store.secrets import SecretStore, SecretStoreUnavailable, pbx_key

if TYPE_CHECKING:
    from pydantic import SecretStr

    from trunkwiz.store.secrets import SecretStore

STDIN_FORMAT = """\
--password-stdin reads every secret from standard input, one per line: a line without a
TAB is the PBX admin password; a line NAME<TAB>PASSWORD is the SIP password of trunk NAME.
Blank lines are ignored; a trailing CR is dropped."""


@dataclass
class StdinSecrets:
    """Secrets given with ``--password-stdin`` (see ``STDIN_FORMAT``)."""

    pbx: SecretStr | None = None
    trunks: dict[str, SecretStr] = field(default_factory=dict)

    def trunk(self, name: str) -> SecretStr | None:
        """The password given for trunk ``name`` (names compared case-insensitively)."""
        folded = name.strip().casefold()
        return next((v for k, v in self.trunks.items() if k.casefold() == folded), None)


def parse_stdin_secrets(text: str) -> StdinSecrets:
    """Parse the ``--password-stdin`` text (``CliError`` code 2 when malformed)."""
    found = StdinSecrets()
    for number, raw in enumerate(text.split("\n"), start=1):
        line = raw.removesuffix("\r")
        if not line.strip():
            continue
        if "\t" not in line:
            if found.pbx is not None:
                raise CliError(
                    f"stdin line {number}: a second line without TAB; only one PBX password "
                    "is read (trunk passwords are NAME<TAB>PASSWORD)",
                    2,
                )
            found.pbx = SecretStr(line)
            continue
        name, _, secret = line.partition("\t")
        if not name.strip() or not secret:
            raise CliError(f"stdin line {number}: expected NAME<TAB>PASSWORD", 2)
        if found.trunk(name) is not None:
            raise CliError(f"stdin line {number}: trunk {name.strip()!r} is given twice", 2)
        found.trunks[name.strip()] = SecretStr(secret)
    return found


def read_stdin_secrets(args: argparse.Namespace) -> StdinSecrets:
    """The stdin secrets when ``--password-stdin`` was given, else an empty set."""
    if not getattr(args, "password_stdin", False):
        return StdinSecrets()
    if sys.stdin is None or sys.stdin.isatty():
        raise CliError("--password-stdin: standard input is a terminal; pipe the secrets", 2)
    return parse_stdin_secrets(sys.stdin.read())


def open_secret_store() -> SecretStore:
    """The keyring (``SecretStore``; tests replace this function with an in-memory one)."""
    return SecretStore()


class Keyring:
    """Lazy keyring lookups that remember why the keyring could not be used."""

    def __init__(self, factory: Callable[[], SecretStore] | None = None) -> None:
        self._factory = factory or open_secret_store
        self._store: SecretStore | None = None
        self.problem: str | None = None

    def note(self) -> str:
        """An indented line saying why the keyring could not be used ('' if it could)."""
        return f"\n  (keyring: {self.problem})" if self.problem else ""

    def get(self, key: str) -> SecretStr | None:
        """The secret under ``key``, or None (absent or keyring unusable)."""
        if self.problem is not None:
            return None
        try:
            if self._store is None:
                self._store = self._factory()
            return self._store.get(key)
        except SecretStoreUnavailable as exc:
            self.problem = str(exc)
            return None


def stdin_is_tty() -> bool:
    """Whether a hidden prompt can be shown (stdin is a terminal)."""
    return sys.stdin is not None and sys.stdin.isatty()


def prompt_hidden(prompt: str) -> SecretStr | None:
    """Ask without echo on a terminal; None when not a terminal or nothing typed."""
    if not stdin_is_tty():
        return None

    value = getpass.getpass(prompt)
    return SecretStr(value) if value else None


def pbx_password(target: Target, given: StdinSecrets, keyring: Keyring) -> SecretStr:
    """The PBX admin password: stdin, keyring, then a prompt (``CliError`` code 2).

    First checks that it may be sent to ``target`` (no plain ``http://`` to another host
    without ``--allow-http``; a readable ``--ca-file``)."""
    _refuse_plain_http(target.url, target.allow_http)
    if target.ca_file:
        _check_ca_file(target.ca_file)
    if given.pbx is not None:
        return given.pbx
    who = f"{target.user}@{target.domain}" if target.domain else target.user
    found = keyring.get(pbx_key(target.url, target.user, target.domain or None))
    found = found or prompt_hidden(f"Password of {who} at {target.url}: ")
    if found is not None:
        return found
    raise CliError(
        f"no password for {who} at {target.url}: store it with `trunkwiz secret set pbx "
        f"{target.user} --pbx {target.url}`, pipe it with --password-stdin, or run on a "
        f"terminal{keyring.note()}",
        2,
    )


def _refuse_plain_http(url: str, allowed: bool) -> None:
    """``http://`` sends the admin password in clear: only to loopback, or when allowed."""
    parts = urlsplit(url)
    if parts.scheme.lower() != "http":
        return
    host = parts.hostname or ""
    try:
        loopback = ipaddress.ip_address(host).is_loopback
    except ValueError:
        loopback = host.lower() == "localhost"
    if loopback:
        return
    if not allowed:
        raise CliError(
            f"--pbx {url}: plain http:// would send the admin password unencrypted to "
            f"{host}; use https:// (the PBX's API listens on https://{host}:8887), or add "
            "--allow-http if the network path is trusted",
            2,
        )
    say(f"WARNING: --allow-http: the admin password is sent UNENCRYPTED to {host}.")


def _check_ca_file(path: str) -> None:
    try:
        ssl.create_default_context(cafile=path)
    except (OSError, ValueError) as exc:
        raise CliError(f"--ca-file {path}: not a readable PEM CA bundle ({exc})", 2) from None
