"""``trunkwiz man``: the manual page (roff), generated from the argparse definitions.

Every command's description, usage, arguments, options and examples come from the same
``DESCRIPTION``, ``EPILOG`` and ``add_arguments`` (``trunkwiz.cli.args``) that ``--help``
shows, so the page cannot drift from the program; no command's run module is imported.
"""

from __future__ import annotations

import argparse

from trunkwiz import __version__
from trunkwiz.cli.args.options import GLOBAL_OPTIONS
from trunkwiz.cli.parser import COMMANDS, build_parser

ENVIRONMENT = (
    ("TRUNKWIZ_CONFIG_DIR", "the configuration directory (as --config)"),
    (
        "PYTHON_KEYRING_BACKEND",
        "a keyring backend to use instead of trunkwiz's choice (a Secret Service when one "
        "answers, else the kernel keyring)",
    ),
)


def run(args: argparse.Namespace) -> int:
    """Print the page; exit 0."""
    print(page(), end="")
    return 0


def _esc(text: str) -> str:
    """Plain text as roff: backslashes and hyphens escaped, no line starts a request."""
    out = []
    for line in text.replace("\\", "\\e").replace("-", "\\-").splitlines():
        out.append("\\&" + line if line.startswith((".", "'")) else line)
    return "\n".join(out)


def _option_lines(parser: argparse.ArgumentParser, skip: frozenset[str] = frozenset()) -> list[str]:
    lines: list[str] = []
    for action in parser._actions:
        if action.help == argparse.SUPPRESS or isinstance(action, argparse._SubParsersAction):
            continue
        if action.dest in skip:  # the connection options, shown once under OPTIONS
            continue
        if action.option_strings:
            value = (
                ""
                if action.nargs == 0
                else f" \\fI{_esc(str(action.metavar or action.dest.upper()))}\\fR"
            )
            names = ", ".join(f"\\fB{_esc(o)}\\fR" for o in action.option_strings)
            head = names + value
        else:
            metavar = action.metavar or (
                "{" + ",".join(str(c) for c in action.choices) + "}"
                if action.choices
                else action.dest.upper()
            )
            head = f"\\fI{_esc(str(metavar))}\\fR"
        help_text = (action.help or "") % {"default": action.default, "prog": parser.prog}
        lines += [".TP", head, _esc(help_text)]
    return lines


def page() -> str:
    """The whole manual page."""
    parser = build_parser()
    connection = frozenset(flag[2:].replace("-", "_") for flag, _, _ in GLOBAL_OPTIONS) | {"help"}
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    lines = [
        f'.TH TRUNKWIZ 1 "" "trunkwiz {__version__}" "User Commands"',
        ".SH NAME",
        "trunkwiz \\- set up and edit SIP trunks on a PortSIP PBX (v22) from the terminal",
        ".SH SYNOPSIS",
        ".B trunkwiz",
        "[\\fIOPTIONS\\fR] [\\fICOMMAND\\fR] [\\fIARGS\\fR]",
        ".SH DESCRIPTION",
        _esc(parser.description or ""),
        "Without a command, the wizard runs.",
        ".SH OPTIONS",
        *_option_lines(parser),
        ".SH COMMANDS",
    ]
    for name, command in sub.choices.items():
        usage = " ".join(command.format_usage().removeprefix("usage: ").split())
        lines += [
            f".SS {name}",
            _esc(COMMANDS[name][1] if name in COMMANDS else ""),
            ".PP",
            _esc(command.description or ""),
            ".PP",
            _esc(usage),
            *_option_lines(command, connection),
        ]
        if command.epilog:
            lines += [".PP", ".nf", _esc(command.epilog.rstrip()), ".fi"]
    lines += [".SH ENVIRONMENT"]
    for var, text in ENVIRONMENT:
        lines += [".TP", f"\\fB{_esc(var)}\\fR", _esc(text)]
    lines += [
        ".SH EXIT STATUS",
        "0 done, 1 a PBX, network or keyring failure, 2 bad input.",
        ".SH SEE ALSO",
        "\\fBtrunkwiz completion\\fR bash|zsh for shell completion.",
    ]
    return "\n".join(lines) + "\n"
