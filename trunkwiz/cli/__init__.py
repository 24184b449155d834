"""The command line: the one place that wires real objects together.

Each sub-command has two modules. Its definitions, ``trunkwiz/cli/args/<name>.py``
(``DESCRIPTION``, ``EPILOG``, ``add_arguments(parser)``, the options it refuses), import
only the standard library: ``--help``, ``completion`` and ``man`` build parsers from them.
Its run module (``COMMANDS``: ``trunkwiz/cli/<name>.py``, ``run(args) -> int``, and
``make_app(args)`` for the wizard's commands) imports what it needs at its top.

The definitions and the parsing are in ``trunkwiz.cli.parser``; this module dispatches:
``main`` (guarded outputs, the command run, exit codes, ``last_resort`` for a bug no
command caught) and ``make_app``. By design, ``run_module`` here is the one place a
command's run module is imported, on demand (``importlib.import_module``): only the
command being run is loaded (``trunkwiz --help`` and ``--version`` import none), so the
commands and the wizard start fast without imports scattered inside functions.
"""

from __future__ import annotations

import gc
import importlib
import sys
from collections.abc import Sequence
from types import ModuleType
from typing import TYPE_CHECKING

from trunkwiz import streams
from trunkwiz.cli.hardening import no_core_dumps
from trunkwiz.cli.parser import COMMANDS, chosen_command, parse

if TYPE_CHECKING:
    from textual.app import App


def make_app(argv: Sequence[str] | None = None) -> App[object]:
    """Return the Textual App exactly as the command line builds it, without running it."""
    args = parse(argv)
    mod = run_module(args.command if args.command in COMMANDS else "wizard")
    factory = getattr(mod, "make_app", None)
    if factory is None:
        raise SystemExit(f"trunkwiz {args.command} has no interactive app")
    app: App[object] = factory(args)
    return app


def run_module(command: str) -> ModuleType:
    """The run module of ``command`` (``COMMANDS``), imported now: the one place that
    imports a command's run, so that only the command being run is loaded."""
    return importlib.import_module(COMMANDS[command][0])


#: Commands that start the wizard App: it turns the garbage collector back on once its
#: first frame is on the terminal (``TrunkWizApp``).
INTERACTIVE = frozenset({"wizard", "demo", "edit"})

#: Ctrl+C while the wizard was still starting: nothing could be typed yet.
INTERRUPTED_EARLY = "Interrupted (Ctrl+C). Nothing was typed, so no draft is kept."


def main(argv: Sequence[str] | None = None) -> int:
    no_core_dumps()  # before any password is read: a crash leaves no core dump behind
    # Start-up (importing Textual, building the first step) creates many objects that
    # live as long as the program; the cyclic collector would scan them again and again
    # for nothing (about 5% of the time to the first frame). It is paused until the first
    # frame is shown (then those objects are frozen out of later collections), or, for
    # the other commands, until the command line is parsed.
    gc.disable()
    _guard_outputs(argv)
    try:
        args = parse(argv)
        if args.command not in INTERACTIVE:
            gc.enable()
        if getattr(args, "debug", False) or getattr(args, "debug_file", None):
            from trunkwiz.cli import debug  # lazy: only with --debug

            problem = debug.setup(args, interactive=args.command in INTERACTIVE)
            if problem:
                print(f"trunkwiz: {problem}", file=sys.stderr)
                return 2
        if getattr(args, "_missing", None):
            print(f"trunkwiz {args._missing}: not available in this build yet.", file=sys.stderr)
            return 2
        return _delivered(int(run_module(args.command).run(args)))
    except streams.OutputLost as lost:  # a write failed and the command did not listen
        return lost.loss.code
    except KeyboardInterrupt:  # Ctrl+C before the command handles it (the wizard starting)
        words = list(sys.argv[1:] if argv is None else argv)
        wizard = chosen_command(words) in INTERACTIVE
        print(INTERRUPTED_EARLY if wizard else "trunkwiz: interrupted.", file=sys.stderr)
        return 130
    except Exception as exc:  # a bug no command caught: one line, never a traceback
        return last_resort(exc, argv)
    finally:
        gc.enable()  # whatever happened (--help, an error, the App left early)
        if "trunkwiz.cli.debug" in sys.modules:
            sys.modules["trunkwiz.cli.debug"].teardown()
        _release_outputs()


def last_resort(error: Exception, argv: Sequence[str] | None) -> int:
    """An exception no command caught: its traceback (no locals) goes to a private log
    (``trunkwiz.store.crashlog``) in the configuration directory, and ONE line on stderr
    says what happened (control characters made visible) and where the log is. Exit 1."""
    from trunkwiz.store.crashlog import summary, write_crash_log  # lazy: only after a crash
    from trunkwiz.store.paths import config_dir  # lazy: only after a crash

    words = list(sys.argv[1:] if argv is None else argv)
    try:
        where = config_dir(_option_value(words, "--config"))
    except Exception:  # no home, no platformdirs: the temp dir then
        where = None
    try:
        log = write_crash_log(where, error, f"command: {chosen_command(words)}\n")
        details = f"Details in {log}"
    except Exception as exc:
        details = f"No log could be written ({type(exc).__name__})."
    print(f"trunkwiz: unexpected error: {summary(error)}. {details}", file=sys.stderr)
    return 1


def _option_value(words: Sequence[str], flag: str) -> str | None:
    """The value of ``flag`` in ``words`` (``--flag V`` or ``--flag=V``; the last wins)."""
    value = None
    for i, word in enumerate(words):
        if word == flag and i + 1 < len(words):
            value = words[i + 1]
        elif word.startswith(flag + "="):
            value = word.split("=", 1)[1]
    return value


def _guard_outputs(argv: Sequence[str] | None) -> None:
    """Guard stdout and stderr of a command (not the wizard: its terminal is Textual's):
    a write that fails detaches the stream and interrupts the command (``trunkwiz.streams``)."""
    if chosen_command(list(sys.argv[1:] if argv is None else argv)) not in INTERACTIVE:
        streams.current = streams.Watch().install()


def _delivered(code: int) -> int:
    """``code``, or when it says success but output was lost: 141 (the reader of a pipe
    left) or 129 (the terminal went away), as a shell reports a process ended by the
    matching signal."""
    lost = streams.settle()
    return lost if lost is not None and code == 0 else code


def _release_outputs() -> None:
    """Whatever happened: flush the standard streams and detach the dead ones, so the
    interpreter's final flush cannot turn the exit code into 120."""
    streams.settle()
    if streams.current is not None:
        streams.current.uninstall()
        streams.current = None
