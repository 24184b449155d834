"""The command line's parsing: the sub-commands (``COMMANDS``: run module and help line),
``build_parser`` and ``parse``, which builds the parser with only the chosen command's
definitions (``build_parser(only=...)``) and turns a mistake into the usage of the
command concerned, the closest valid word and exit 2.

A command's arguments, help text and the options it refuses are in its light definition
module, ``trunkwiz.cli.args.<command>`` (see that package); the options several commands
share, in ``trunkwiz.cli.args.options``. Building a parser imports those modules only,
never a command's run module: ``--help``, ``completion`` and ``man`` stay fast, and the
dispatcher (``trunkwiz.cli``) imports the run module of the command it runs.
"""

from __future__ import annotations

import argparse
import importlib
import importlib.util
import sys
from collections.abc import Sequence
from types import ModuleType

from trunkwiz import __version__
from trunkwiz.cli.args.options import GLOBAL_OPTIONS, OFFLINE, add_global_options

#: sub-command name -> (run module, one-line help). Order is the order of ``--help``. Its
#: arguments are defined in ``trunkwiz.cli.args.<name>`` (``ARGS``).
COMMANDS: dict[str, tuple[str, str]] = {
    "wizard": ("trunkwiz.cli.wizard", "run the wizard (the default when no command is given)"),
    "demo": ("trunkwiz.cli.demo", "the wizard against an embedded sandbox PBX and demo carrier"),
    "sandbox": ("trunkwiz.cli.sandbox", "run the sandbox PBX alone; prints READY <url>"),
    "edit": ("trunkwiz.cli.edit", "open one trunk in the wizard for a quick edit"),
    "apply": ("trunkwiz.cli.apply", "apply a trunk file (TOML): validate, plan, apply, wait"),
    "delete": ("trunkwiz.cli.delete", "delete a trunk (shows what goes first; asks, or --yes)"),
    "export": ("trunkwiz.cli.export", "write current trunks as a trunk file (no passwords)"),
    "status": ("trunkwiz.cli.status", "show trunk registration status"),
    "probe": ("trunkwiz.cli.probe", "SIP pre-flight probe: OPTIONS and REGISTER from this host"),
    "checklist": ("trunkwiz.cli.checklist", "the carrier-portal steps of a trunk, values to copy"),
    "secret": ("trunkwiz.cli.secret", "store or delete a password in the OS keyring"),
    "completion": ("trunkwiz.cli.completion", "print a bash or zsh completion script"),
    "man": ("trunkwiz.cli.man", "print the manual page (roff)"),
}

EPILOG = """\
examples:
  trunkwiz demo                      try the whole flow against a built-in sandbox PBX
  trunkwiz --pbx https://127.0.0.1:8887 --user admin
  trunkwiz apply trunks.toml --dry-run
"""


#: The package of the commands' definition modules, one per command.
ARGS = "trunkwiz.cli.args"


def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    """The full command line; with ``only``, just that command's module is imported
    (with ``only=""``, none: enough for ``trunkwiz --help`` and ``--version``).

    The other commands then get a placeholder parser (their name and help line, any
    arguments); ``parse`` starts over with the full parser if one of them was chosen.
    """
    parser = argparse.ArgumentParser(
        prog="trunkwiz",
        description="Set up and edit SIP trunks on a PortSIP PBX (v22) from the terminal.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"trunkwiz {__version__}")
    add_global_options(parser)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name, (module, help_text) in COMMANDS.items():
        if only is None or name == only:
            _register(sub, name, module, help_text)
        else:
            p = sub.add_parser(name, help=help_text, add_help=False)
            p.add_argument("_rest", nargs=argparse.REMAINDER, help=argparse.SUPPRESS)
            p.set_defaults(_placeholder=True)
    return parser


def chosen_command(argv: Sequence[str]) -> str:
    """The command ``argv`` names (first word that is not an option or its value)."""
    takes_value = {flag for flag, metavar, _ in GLOBAL_OPTIONS if metavar is not None}
    words = iter(argv)
    for word in words:
        if _global_flag(word) in takes_value and "=" not in word:
            next(words, None)
        elif not word.startswith("-"):
            return word
    return "wizard"


def definitions(name: str) -> ModuleType:
    """The definition module of command ``name`` (``trunkwiz.cli.args.<name>``)."""
    return importlib.import_module(f"{ARGS}.{name}")


def _register(sub: argparse._SubParsersAction, name: str, module: str, help_text: str) -> None:  # type: ignore[type-arg]
    if importlib.util.find_spec(module) is None:  # the command's run is not in this build
        p = sub.add_parser(name, help=f"{help_text} (not available in this build)")
        p.set_defaults(_missing=name)
        return
    mod = definitions(name)
    p = sub.add_parser(
        name,
        help=help_text,
        description=mod.DESCRIPTION,
        epilog=mod.EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    mod.add_arguments(p)
    if no_effect(name) != OFFLINE:  # man, completion: no PBX at all
        add_global_options_to_sub(p)
    else:
        group = p.add_argument_group("connection")
        flag, metavar, text = next(o for o in GLOBAL_OPTIONS if o[0] == "--config")
        group.add_argument(flag, metavar=metavar, default=argparse.SUPPRESS, help=text)


def add_global_options_to_sub(p: argparse.ArgumentParser) -> None:
    """Let global options also follow the command (``trunkwiz apply x --pbx URL``)."""
    existing = {a.dest for a in p._actions}
    if "pbx" not in existing:
        add_global_options(p, suppress=True)


def no_effect(name: str) -> frozenset[str]:
    """The global options that do nothing for command ``name``: given, they are refused
    (exit 2) rather than silently ignored (its definitions' ``NO_EFFECT``)."""
    found: frozenset[str] = getattr(definitions(name), "NO_EFFECT", frozenset())
    return found


def depends(name: str) -> dict[str, tuple[str, bool]]:
    """Options of command ``name`` that act only together with another (True) or only
    without it (False): given otherwise they would do nothing, so they are refused (its
    definitions' ``DEPENDS``)."""
    found: dict[str, tuple[str, bool]] = getattr(definitions(name), "DEPENDS", {})
    return found


def parse(argv: Sequence[str] | None) -> argparse.Namespace:
    """The command line as a namespace; a mistake (an unknown command or option, a bad
    value, an option with no effect) prints the usage of the command concerned, the
    closest valid word, and exits 2."""
    words = list(sys.argv[1:] if argv is None else argv)
    command = chosen_command(words)
    unknown = _unknown_before_command(words)
    if unknown is not None:
        _usage_error(build_parser(None), f"unknown option {unknown}", _closest(unknown, _globals()))
    if command not in COMMANDS:
        parser = build_parser(None)
        near = _closest(command, list(COMMANDS))
        shown = (_subparser(build_parser(near), near) if near else None) or parser
        _usage_error(shown, f"unknown command {command!r}", near, prog="trunkwiz")
    only = "" if _asks_about_trunkwiz(words) else command
    parser = build_parser(only)
    args, extra = parser.parse_known_args(words)
    if getattr(args, "_placeholder", False):  # guessed wrong: parse with every command
        parser = build_parser()
        args, extra = parser.parse_known_args(words)
    elif args.command is None and only != command:  # no help printed after all
        parser = build_parser(command)
        args, extra = parser.parse_known_args(words)
    if args.command is None:
        args.command = "wizard"
    sub = _subparser(parser, args.command) or parser
    if extra:
        word = extra[0]
        if word.startswith("-") and word != "-":
            flag = word.split("=", 1)[0]
            if flag in no_effect(args.command):
                _usage_error(sub, f"{flag} has no effect on `trunkwiz {args.command}`", None)
            _usage_error(sub, f"unknown option {flag}", _closest(flag, _options(sub)))
        _usage_error(sub, f"unexpected argument {word!r}", None)
    for flag in sorted(no_effect(args.command)):
        dest = flag.lstrip("-").replace("-", "_")
        if getattr(args, dest, None) not in (None, False):
            _usage_error(sub, f"{flag} has no effect on `trunkwiz {args.command}`", None)
    given = _given_options(words, _options(sub))
    for flag, (other, needed) in depends(args.command).items():
        if flag in given and (other in given) is not needed:
            how = "without" if needed else "with"
            _usage_error(sub, f"{flag} has no effect {how} {other}", None)
    return args


def _given_options(words: Sequence[str], options: Sequence[str]) -> set[str]:
    """The long options among ``words``, a unique prefix resolved as argparse does (a
    value that looks like an option is counted too: harmless for the checks above)."""
    found: set[str] = set()
    for word in words:
        if word == "--":
            break
        if not word.startswith("--"):
            continue
        flag = word.split("=", 1)[0]
        if flag in options:
            found.add(flag)
            continue
        matches = [o for o in options if o.startswith(flag)]
        if len(matches) == 1:
            found.add(matches[0])
    return found


def _asks_about_trunkwiz(words: Sequence[str]) -> bool:
    """Whether ``-h``, ``--help`` or ``--version`` comes before any command: argparse then
    prints the top-level help or the version and exits, and no command's parser is used
    (so none of their modules needs importing; ``trunkwiz --help`` lists them all from
    ``COMMANDS``)."""
    takes_value = {flag for flag, metavar, _ in GLOBAL_OPTIONS if metavar is not None}
    items = iter(words)
    for word in items:
        if not word.startswith("-") or word in ("-", "--"):
            return False
        flag = _global_flag(word)
        if flag in ("-h", "--help", "--version"):
            return True
        if flag in takes_value and "=" not in word:
            next(items, None)
    return False


def _unknown_before_command(words: Sequence[str]) -> str | None:
    """An option before the command that no parser knows (``trunkwiz --pbxx URL status``)."""
    takes_value = {flag for flag, metavar, _ in GLOBAL_OPTIONS if metavar is not None}
    items = iter(words)
    for word in items:
        if not word.startswith("-") or word in ("-", "--"):
            return None
        flag = _global_flag(word)
        if flag is None:
            return word.split("=", 1)[0]
        if flag in takes_value and "=" not in word:
            next(items, None)
    return None


def _globals() -> list[str]:
    return [flag for flag, _, _ in GLOBAL_OPTIONS]


def _global_flag(word: str) -> str | None:
    """The top-level option ``word`` stands for (argparse takes a unique prefix), or None."""
    flag = word.split("=", 1)[0]
    known = [*_globals(), "-h", "--help", "--version"]
    if flag in known:
        return flag
    matches = [k for k in known if flag.startswith("--") and k.startswith(flag)]
    return matches[0] if len(matches) == 1 else None


def _options(parser: argparse.ArgumentParser) -> list[str]:
    return [o for action in parser._actions for o in action.option_strings if o.startswith("--")]


def _subparser(parser: argparse.ArgumentParser, name: str | None) -> argparse.ArgumentParser | None:
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction) and name in action.choices:
            found: argparse.ArgumentParser = action.choices[name]
            return found
    return None


def _closest(word: str, choices: Sequence[str]) -> str | None:
    """The valid word closest to ``word`` (difflib), or None when none is close."""
    import difflib  # lazy: only on a usage error

    found = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return found[0] if found else None


def _usage_error(
    parser: argparse.ArgumentParser, message: str, near: str | None, *, prog: str | None = None
) -> None:
    """Print ``parser``'s usage and ``PROG: error: MESSAGE (did you mean NEAR?)``; exit 2."""
    from trunkwiz.domain.text import visible  # lazy: only on a usage error

    hint = f" (did you mean {near}?)" if near else ""
    sys.stderr.write(parser.format_usage())
    sys.stderr.write(visible(f"{prog or parser.prog}: error: {message}{hint}") + "\n")
    raise SystemExit(2)
