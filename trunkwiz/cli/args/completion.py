"""The command line of ``trunkwiz completion``: its ``--help`` text, examples and arguments
(its run is ``trunkwiz.cli.completion``)."""

from __future__ import annotations

import argparse

from trunkwiz.cli.args.options import OFFLINE

DESCRIPTION = "Print a completion script for bash or zsh (commands, options, trunk names)."


EPILOG = """\
Trunk names come from the last `trunkwiz status` or `trunkwiz export` of all trunks
(kept in <config dir>/completion-names, names only). They are offered quoted for the
shell, as data: a name is never run or expanded.

examples:
  eval "$(trunkwiz completion bash)"          # in ~/.bashrc
  eval "$(trunkwiz completion zsh)"           # in ~/.zshrc
  trunkwiz completion bash > /etc/bash_completion.d/trunkwiz
"""


def add_arguments(p: argparse.ArgumentParser) -> None:
    """The options and arguments of ``trunkwiz completion``."""
    p.add_argument("shell", choices=("bash", "zsh"), help="the shell to complete in")


#: The connection options refused (exit 2): the script is made without a PBX.
NO_EFFECT = OFFLINE
