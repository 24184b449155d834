"""The options several commands share: the connection options every command understands
(``GLOBAL_OPTIONS``), those that do nothing without a PBX (``OFFLINE``), ``--json``,
``--pin`` and ``--password-stdin`` (with its format, ``STDIN_FORMAT``)."""

from __future__ import annotations

import argparse

#: (flag, metavar, help) of the connection options every command understands.
GLOBAL_OPTIONS: tuple[tuple[str, str | None, str], ...] = (
    ("--pbx", "URL", "PBX base URL (default https://127.0.0.1:8887)"),
    ("--user", "NAME", "admin user name"),
    ("--domain", "SIP_DOMAIN", "tenant SIP domain (Tenant Admin)"),
    ("--profile", "NAME", "saved connection profile to use"),
    ("--config", "DIR", "config directory (or TRUNKWIZ_CONFIG_DIR)"),
    ("--ca-file", "PEM", "trust this CA bundle for the PBX's TLS"),
    ("--insecure", None, "INSECURE: do not verify the PBX's TLS certificate at all (labs only)"),
    ("--allow-http", None, "allow plain http:// to a host other than loopback (password in clear)"),
    ("--http-timeout", "S", "time limit of each PBX request in seconds (default 30)"),
    ("--deadline", "S", "time limit of a command's PBX calls in seconds (default 300)"),
    ("--debug", None, "log every HTTP request/answer and SIP message to stderr (secrets masked)"),
    ("--debug-file", "FILE", "write the --debug log to FILE instead of stderr"),
)

#: The connection options a command that never talks to a PBX refuses (its ``NO_EFFECT``).
#: ``--config`` is taken everywhere (like TRUNKWIZ_CONFIG_DIR, it says where trunkwiz's
#: files are, so a shell alias may always give it).
OFFLINE = frozenset(flag for flag, _, _ in GLOBAL_OPTIONS if flag != "--config")

STDIN_FORMAT = """\
--password-stdin reads every secret from standard input, one per line: a line without a
TAB is the PBX admin password; a line NAME<TAB>PASSWORD is the SIP password of trunk NAME.
Blank lines are ignored; a trailing CR is dropped."""


def add_global_options(parser: argparse.ArgumentParser, *, suppress: bool = False) -> None:
    """Add the connection options (DESIGN: --pbx, --user, --domain, --profile, --config).

    On a sub-command's parser they are repeated with ``suppress`` so that a value given
    before the command is not overwritten by the sub-parser's default.
    """
    group = parser.add_argument_group("connection")
    for flag, metavar, help_text in GLOBAL_OPTIONS:
        if metavar is None:
            action = group.add_argument(flag, action="store_true", help=help_text)
        else:
            action = group.add_argument(flag, metavar=metavar, help=help_text)
        if suppress:
            action.default = argparse.SUPPRESS


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
