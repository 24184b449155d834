"""What the non-interactive commands share: errors, options, output, running.

Exit codes: 0 done, 1 PBX/network/keyring failure, 2 bad input (nothing was sent).
Every failure is reported as one line on stderr (``trunkwiz: …``, control characters made
visible), never as a traceback: ``run_async`` turns ``CliError``, the PBX client's typed
errors and, as a last resort, any other exception into that line and its exit code.

Time limits: ``--http-timeout S`` bounds each HTTP request (connect, send, the whole answer),
``--deadline S`` the PBX calls of the whole command (``status --watch``: each refresh;
``apply --wait``: plus the wait).

Which PBX and as whom is ``trunkwiz.cli.target``; the passwords are
``trunkwiz.cli.passwords``; signing in is ``trunkwiz.cli.signin``.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import re
import signal
import sys
from collections.abc import Callable, Coroutine
from typing import Any

from trunkwiz.domain.text import is_hidden
from trunkwiz.domain.text import visible as shown
from trunkwiz.pbx.errors import BadTarget, PbxError

EXIT_OK, EXIT_FAILURE, EXIT_INPUT = 0, 1, 2
DEFAULT_TIMEOUT = 30.0
DEFAULT_DEADLINE = 300.0
MAX_SECONDS = 86400.0


class CliError(Exception):
    """A failure to report in one message and exit with ``code``."""

    def __init__(self, message: str, code: int = EXIT_FAILURE) -> None:
        super().__init__(message)
        self.code = code


#: The signals a command that changes the PBX stops on (and rolls back): Ctrl+C, `kill`,
#: the SSH session dropping, Ctrl+\\. The exit code is 128 + the signal's number.
STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP, signal.SIGQUIT)


def on_stop_signals(
    interrupt: Callable[[int, str, asyncio.Task[Any] | None], None],  # Any: any task's result
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
    print(shown(message, multiline=True), file=sys.stderr, flush=True)


def print_json(data: Any) -> None:  # Any: any JSON value json.dumps takes
    """One JSON document on stdout (no raw control character, even in strings)."""
    print(json_text(data, indent=2), flush=True)


def json_text(data: Any, indent: int | None = None) -> str:  # Any: any JSON value
    """``data`` as JSON; control and format characters json leaves raw (C1 controls,
    bidi overrides, line separators) are written as ``\\u`` escapes too."""

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
    return "\n".join(shown(line) for line in text.split("\n"))


def as_cli_error(exc: BaseException) -> CliError:
    """The one-line failure for any exception a command can end with."""
    if isinstance(exc, CliError):
        return exc
    if isinstance(exc, BadTarget):
        return CliError(str(exc), EXIT_INPUT)
    if isinstance(exc, PbxError):
        return CliError(str(exc) or type(exc).__name__, EXIT_FAILURE)
    if isinstance(exc, OSError):
        return CliError(f"{exc.strerror or exc}", EXIT_FAILURE)
    return CliError(f"unexpected error ({type(exc).__name__}: {exc}); please report it")


# Any: a coroutine's yield and send types, whatever they are
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
