"""``trunkwiz completion bash|zsh``: a shell completion script made from the argparse
definitions (commands, options, choices, files), with trunk names from the last listing.

Trunk names are written by a Tenant Admin, so to the shell they are hostile data. The
scripts never hand a name (or anything else offered) to ``eval``, ``compgen -W`` or a
command substitution. Bash reads the line up to the cursor (``COMP_LINE``) with a small
scanner that takes the quotes off and expands nothing, matches every candidate against
that literal prefix (``[[ $w == "$cur"* ]]``) and offers it quoted with ``printf %q`` (or
inside the quote the user opened). A character that cannot be shown (a newline, ESC) is
written alone as ``$'\\n'``, ``$'\\E'``, so listings show escapes, never raw control
sequences, and names sharing a beginning keep a plain common prefix; the scanner decodes
``$'...'`` with ``printf`` (``%`` doubled: nothing but escapes is decoded), so TAB goes
on after such a prefix. Readline's word-break characters (``:``, ``=``) are honoured by
offering only the part readline replaces. zsh gets a native ``compsys`` function:
words come from ``words`` with the ``(Q)`` flag (quotes off, nothing expanded) and names
go to ``compadd``, which quotes them itself. A word holding any other ``$`` or a
backtick gets no completion at all (its value is not known without running something).

Why generated here and not with ``shtab`` or ``argcomplete``: ``argcomplete`` runs
Python on every TAB (starting Python, importing trunkwiz and building the parser takes
0.5-0.6 s on this project's 2-core build host); ``shtab`` writes static scripts too, but
reads a custom completion's output line by line and filters it through ``compgen -W``
(a name holding a newline cannot be one word, and ``compgen -W`` expands what it is
given), and its zsh output puts actions into ``_arguments`` specs that zsh evaluates, so
the part that matters, the names, would be hand-written anyway, plus a new dependency.
The scripts here are static: a TAB press costs only the shell function (measured in bash
under 1 ms with 30 trunk names, 20-50 ms with the 2,000 kept at most; zsh's reading of
2,000 names about 13 ms), and printing the script costs one ``trunkwiz`` start (about
0.25 s, once per shell start-up).

The trunk names file is :mod:`trunkwiz.cli.completion.names` (its format,
:mod:`trunkwiz.cli.completion.records`); the shell code of the two
scripts, :mod:`trunkwiz.cli.completion.templates`.
"""

from __future__ import annotations

import argparse
import re
import shlex

from trunkwiz.cli.completion.records import HEADER, MAX_NAMES, NAMES_FILE, TRAILER
from trunkwiz.cli.completion.templates import BASH, ZSH
from trunkwiz.cli.parser import build_parser

_WORD = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._+-]*$")  # commands and choices, as generated
_FLAG = re.compile(r"^--?[A-Za-z0-9][A-Za-z0-9-]*$")


def run(args: argparse.Namespace) -> int:
    """Print the script; exit 0."""
    print(zsh_script() if args.shell == "zsh" else bash_script(), end="")
    return 0


# -- what the scripts are made of -------------------------------------------------------
def _kind(action: argparse.Action) -> str:
    """How a value is completed: ``files``, ``dirs``, ``names``, ``words:...`` or ``-``."""
    metavar = str(action.metavar or action.dest or "").upper()
    if action.choices:
        words = [str(c) for c in action.choices]
        for word in words:
            if not _WORD.match(word):
                raise ValueError(f"choice {word!r} cannot go into a completion script")
        return "words:" + " ".join(words)
    if metavar == "DIR":
        return "dirs"
    if "FILE" in metavar or metavar in {"PEM", "PATH"}:
        return "files" if "NAME" not in metavar else "names+files"
    if metavar == "NAME" and not action.option_strings:
        return "names"
    return "-"


def _options(parser: argparse.ArgumentParser) -> tuple[list[str], dict[str, str]]:
    """All option strings, and those taking a value -> how that value is completed."""
    flags: list[str] = []
    values: dict[str, str] = {}
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction) or action.help == argparse.SUPPRESS:
            continue
        for flag in action.option_strings:
            if not _FLAG.match(flag):
                raise ValueError(f"option {flag!r} cannot go into a completion script")
        flags += [o for o in action.option_strings if o.startswith("--") or len(o) == 2]
        if action.option_strings and action.nargs != 0:
            for flag in action.option_strings:
                values[flag] = _kind(action)
    return flags, values


class _Shape:
    """The parser as the scripts need it: commands, options, what each value is."""

    def __init__(self) -> None:
        parser = build_parser()
        self.top, self.values = _options(parser)
        sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
        self.commands: dict[str, tuple[list[str], list[str]]] = {}
        for name, command in sub.choices.items():
            if not _WORD.match(name):
                raise ValueError(f"command {name!r} cannot go into a completion script")
            flags, more = _options(command)
            self.values.update(more)
            kinds = [
                _kind(a)
                for a in command._actions
                if not a.option_strings and a.help != argparse.SUPPRESS
            ]
            self.commands[name] = (sorted(set(flags)), kinds)

    def words(self, items: list[str]) -> str:
        return " ".join(shlex.quote(i) for i in items)

    def fill(self, template: str, value_case: str, command_case: str) -> str:
        """``template`` with its ``@NAME@`` places filled in (the shell code keeps its
        braces and dollars as they are)."""
        parts = {
            "COMMANDS": self.words(list(self.commands)),
            "TOP": self.words(self.top),
            "TAKES_VALUE": "|".join(sorted(self.values)),
            "VALUE_CASES": "\n".join(
                value_case.replace("@FLAG@", flag).replace("@KIND@", shlex.quote(kind))
                for flag, kind in sorted(self.values.items())
            ),
            "COMMAND_CASES": "\n".join(
                command_case.replace("@NAME@", name)
                .replace("@FLAGS@", self.words(flags))
                .replace("@KINDS@", self.words(kinds))
                for name, (flags, kinds) in self.commands.items()
            ),
            "NAMES_FILE": NAMES_FILE,
            "HEADER": HEADER,
            "TRAILER": TRAILER,
            "MAX_RECORDS": str(MAX_NAMES + 2),
        }
        return re.sub(r"@([A-Z_]+)@", lambda m: parts[m.group(1)], template)


def bash_script() -> str:
    """The bash completion function ``_trunkwiz`` built from the full parser."""
    return _Shape().fill(
        BASH,
        "        @FLAG@) _trunkwiz_value @KIND@; return 0 ;;",
        "        @NAME@) flags=(@FLAGS@); kinds=(@KINDS@) ;;",
    )


def zsh_script() -> str:
    """The native zsh completion function ``_trunkwiz`` built from the full parser."""
    return _Shape().fill(
        ZSH,
        '        @FLAG@) _trunkwiz_value @KIND@ "$dir"; return ;;',
        "        @NAME@) flags=(@FLAGS@); kinds=(@KINDS@) ;;",
    )
