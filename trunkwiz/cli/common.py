"""What the non-interactive commands share: connection target, passwords, sign-in, output.

Connection target: ``--profile NAME`` (else the default profile) from the configuration
directory; ``--pbx``/``--user``/``--domain`` override it. A profile's pinned fingerprint,
CA file and insecure flag apply only to the profile's own URL. ``--pin SHA256`` trusts a
self-signed certificate for this run; ``--insecure`` disables verification with a loud
warning. The PBX admin password comes from ``--password-stdin``, the keyring or a hidden
prompt on a terminal, never from argv or a file.

Exit codes: 0 done, 1 PBX/network/keyring failure, 2 bad input (nothing was sent).
Every failure is reported as one line on stderr (``trunkwiz: …``, control characters made
visible), never as a traceback: ``run_async`` turns ``CliError``, the PBX client's typed
errors and, as a last resort, any other exception into that line and its exit code.

Time limits: ``--http-timeout S`` bounds each HTTP request (connect, send, the whole answer),
``--deadline S`` the PBX calls of the whole command (``status --watch``: each refresh;
``apply --wait``: plus the wait). A plain ``http://`` URL to a host other than loopback is
refused (the admin password would cross the network unencrypted) unless ``--allow-http``.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import signal
import sys
from collections.abc import Callable, Coroutine
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pydantic import SecretStr

    from trunkwiz.pbx.client import PbxClient
    from trunkwiz.pbx.tls import TlsPolicy
    from trunkwiz.service.connection import Connection
    from trunkwiz.service.services import Services
    from trunkwiz.store.secrets import SecretStore

EXIT_OK, EXIT_FAILURE, EXIT_INPUT = 0, 1, 2
DEFAULT_URL = "https://127.0.0.1:8887"
DEFAULT_TIMEOUT = 30.0
DEFAULT_DEADLINE = 300.0
MAX_SECONDS = 86400.0

STDIN_FORMAT = """\
--password-stdin reads every secret from standard input, one per line: a line without a
TAB is the PBX admin password; a line NAME<TAB>PASSWORD is the SIP password of trunk NAME.
Blank lines are ignored; a trailing CR is dropped."""


class CliError(Exception):
    """A failure to report in one message and exit with ``code``."""

    def __init__(self, message: str, code: int = EXIT_FAILURE) -> None:
        super().__init__(message)
        self.code = code


def add_output_options(parser: argparse.ArgumentParser, *, json_output: bool = True) -> None:
    """``--json`` and ``--pin`` (every command that talks to the PBX)."""
    if json_output:
        parser.add_argument("--json", action="store_true", help="print JSON on stdout")
    parser.add_argument(
        "--pin",
        metavar="SHA256",
        help="trust the PBX certificate with this SHA-256 fingerprint (self-signed PBX)",
    )


def add_password_stdin(parser: argparse.ArgumentParser) -> None:
    """``--password-stdin`` with its format in the help."""
    parser.add_argument(
        "--password-stdin",
        action="store_true",
        help="read passwords from stdin: a line without TAB = the PBX admin password, "
        "NAME<TAB>PASSWORD = trunk NAME's SIP password",
    )


#: The signals a command that changes the PBX stops on (and rolls back): Ctrl+C, `kill`,
#: the SSH session dropping, Ctrl+\\. The exit code is 128 + the signal's number.
STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP, signal.SIGQUIT)


def on_stop_signals(
    interrupt: Callable[[int, str, asyncio.Task[Any] | None], None],
) -> Callable[[], None]:
    """Call ``interrupt(128 + number, name, the current task)`` on the running loop for
    each of ``STOP_SIGNALS``; returns the function that removes those handlers."""
    loop = asyncio.get_running_loop()
    task = asyncio.current_task()
    installed: list[signal.Signals] = []
    for sig in STOP_SIGNALS:
        try:
            loop.add_signal_handler(sig, interrupt, 128 + sig, sig.name, task)
        except (NotImplementedError, RuntimeError, ValueError):  # not the main thread
            continue
        installed.append(sig)

    def remove() -> None:
        for sig in installed:
            loop.remove_signal_handler(sig)

    return remove


def say(message: str) -> None:
    """A message for the human, on stderr (control characters shown escaped)."""
    from trunkwiz.domain.text import visible

    print(visible(message, multiline=True), file=sys.stderr, flush=True)


def print_json(data: Any) -> None:
    """One JSON document on stdout (no raw control character, even in strings)."""
    print(json_text(data, indent=2), flush=True)


def json_text(data: Any, indent: int | None = None) -> str:
    """``data`` as JSON; control and format characters json leaves raw (C1 controls,
    bidi overrides, line separators) are written as ``\\u`` escapes too."""
    import re

    from trunkwiz.domain.text import is_hidden

    def escape(match: re.Match[str]) -> str:
        char = match.group()
        if not is_hidden(char):
            return char
        code = ord(char)
        if code < 0x10000:
            return f"\\u{code:04x}"
        code -= 0x10000  # a UTF-16 surrogate pair, as JSON writes astral characters
        return f"\\u{0xD800 + (code >> 10):04x}\\u{0xDC00 + (code & 0x3FF):04x}"

    text = json.dumps(data, indent=indent, ensure_ascii=False)
    return re.sub(r"[^\x00-\x7e]", escape, text)


def visible(text: str) -> str:
    """``text`` with control characters (ESC, CR, BEL, NUL, DEL, C1, …) shown as escapes
    (``\\x1b``) so that outside text cannot drive the terminal; newlines are kept."""
    from trunkwiz.domain.text import visible as shown

    return "\n".join(shown(line) for line in text.split("\n"))


def as_cli_error(exc: BaseException) -> CliError:
    """The one-line failure for any exception a command can end with."""
    if isinstance(exc, CliError):
        return exc
    from trunkwiz.pbx.errors import BadTarget, PbxError

    if isinstance(exc, BadTarget):
        return CliError(str(exc), EXIT_INPUT)
    if isinstance(exc, PbxError):
        return CliError(str(exc) or type(exc).__name__, EXIT_FAILURE)
    if isinstance(exc, OSError):
        return CliError(f"{exc.strerror or exc}", EXIT_FAILURE)
    return CliError(f"unexpected error ({type(exc).__name__}: {exc}); please report it")


def run_async(main: Callable[[], Coroutine[Any, Any, int]]) -> int:
    """Run ``main()``; any failure prints one line (``as_cli_error``) and gives its code."""
    try:
        return asyncio.run(main())
    except KeyboardInterrupt:
        say("trunkwiz: interrupted")
        return 130
    except Exception as exc:
        error = as_cli_error(exc)
        say(visible(f"trunkwiz: {error}"))
        return error.code


def seconds_option(args: argparse.Namespace, name: str, default: float) -> float:
    """A finite, positive number of seconds from ``--NAME`` (``CliError`` code 2)."""
    import math

    value = getattr(args, name, None)
    if value is None:
        return default
    try:
        number = float(value)
    except ValueError:
        number = math.nan
    if not (math.isfinite(number) and 0 < number <= MAX_SECONDS):
        flag = name.replace("_", "-")
        raise CliError(f"--{flag} must be a number of seconds from 0 to {MAX_SECONDS:g}", 2)
    return number


# -- connection target ------------------------------------------------------------------
@dataclass(frozen=True)
class Target:
    """Which PBX, as whom, and how to trust its certificate."""

    url: str
    user: str
    domain: str = ""
    ca_file: str | None = None
    pinned_sha256: str | None = None
    insecure: bool = False
    allow_http: bool = False


def resolve_target(args: argparse.Namespace) -> Target:
    """The target from the profile and the options (``CliError`` code 2 when invalid)."""
    from trunkwiz.store.paths import config_dir
    from trunkwiz.store.profiles import ProfileNotFound, ProfileStore
    from trunkwiz.store.tomlfile import ConfigFileError

    store = ProfileStore(config_dir(getattr(args, "config", None)))
    name = getattr(args, "profile", None)
    try:
        profile = store.load(name) if name else store.default()
    except ProfileNotFound as exc:
        raise CliError(f"{exc}; saved profiles: {', '.join(store.names()) or 'none'}", 2) from None
    except ConfigFileError as exc:
        raise CliError(str(exc), 2) from None
    url = (getattr(args, "pbx", None) or (profile.url if profile else DEFAULT_URL)).rstrip("/")
    same = profile is not None and profile.url == url
    user = getattr(args, "user", None) or (profile.user if same and profile else "admin")
    domain = getattr(args, "domain", None) or (profile.domain if same and profile else "") or ""
    pin = getattr(args, "pin", None) or (profile.pinned_sha256 if same and profile else None)
    if pin:
        from trunkwiz.pbx.tls import normalize_fingerprint

        try:
            pin = normalize_fingerprint(pin)
        except ValueError as exc:
            raise CliError(f"--pin: {exc}", 2) from None
    flag = bool(getattr(args, "insecure", False))
    insecure = flag or bool(same and profile and profile.insecure)
    ca_file = getattr(args, "ca_file", None) or (profile.ca_file if same and profile else None)
    from trunkwiz.pbx.errors import BadTarget
    from trunkwiz.pbx.transport import check_url

    try:
        check_url(url)
    except BadTarget as exc:
        raise CliError(f"--pbx: {exc}", 2) from None
    if insecure and not pin and url.startswith("https:"):
        source = "--insecure" if flag else f"insecure = true in profile {profile.name!r}"  # type: ignore[union-attr]
        say(
            f"WARNING: {source}: the PBX's TLS certificate is NOT verified. Anyone on the "
            "network path can read the admin password. Pin the certificate instead (--pin)."
        )
    allow_http = bool(getattr(args, "allow_http", False))
    return Target(url, user, domain, ca_file, pin, insecure and not pin, allow_http)


def _refuse_plain_http(url: str, allowed: bool) -> None:
    """``http://`` sends the admin password in clear: only to loopback, or when allowed."""
    import ipaddress
    from urllib.parse import urlsplit

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
    import ssl

    try:
        ssl.create_default_context(cafile=path)
    except (OSError, ValueError) as exc:
        raise CliError(f"--ca-file {path}: not a readable PEM CA bundle ({exc})", 2) from None


# -- secrets ----------------------------------------------------------------------------
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
    from pydantic import SecretStr

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
    from trunkwiz.store.secrets import SecretStore

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
        from trunkwiz.store.secrets import SecretStoreUnavailable

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
    import getpass

    from pydantic import SecretStr

    value = getpass.getpass(prompt)
    return SecretStr(value) if value else None


def pbx_password(target: Target, given: StdinSecrets, keyring: Keyring) -> SecretStr:
    """The PBX admin password: stdin, keyring, then a prompt (``CliError`` code 2).

    First checks that it may be sent to ``target`` (no plain ``http://`` to another host
    without ``--allow-http``; a readable ``--ca-file``)."""
    from trunkwiz.store.secrets import pbx_key

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


# -- sign-in ----------------------------------------------------------------------------
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
    from trunkwiz.service.outcomes import NeedsTrust, Refused
    from trunkwiz.service.services import ConnectDefaults, Services
    from trunkwiz.store.paths import config_dir

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
        from trunkwiz.pbx.client import PbxClient

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
    from urllib.parse import urlsplit

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
    """The id of the trunk called ``name`` (case-insensitive; ``CliError`` code 2 if none)."""
    items = await conn.client.providers()
    folded = name.strip().casefold()
    for item in items:
        if str(item.get("name") or "").strip().casefold() == folded:
            return str(item["id"])
    names = ", ".join(sorted(str(i.get("name")) for i in items)) or "none"
    raise CliError(f"no trunk named {name!r} on {conn.url} (trunks: {names})", 2)


async def read_trunk(conn: Connection, trunk_id: str) -> tuple[dict[str, Any], list[Any]]:
    """A trunk's detail and, for the System Admin, its assignees (a Tenant Admin may not
    read assignees: the PBX answers 403)."""
    return await conn.read_trunk(trunk_id)


async def tenant_names(conn: Connection) -> dict[str, str]:
    """Tenant id -> name (System Admin; empty for a Tenant Admin)."""
    return await conn.tenant_names()
