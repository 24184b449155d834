"""The command line of ``trunkwiz wizard``: its ``--help`` text, examples and arguments
(its run is ``trunkwiz.cli.wizard``)."""

from __future__ import annotations

import argparse

DESCRIPTION = "Set up or edit a SIP trunk step by step (keyboard only, fits 80x24)."


EPILOG = (
    "examples:\n"
    "  trunkwiz\n"
    "  trunkwiz --pbx https://pbx.example.com:8887 --user admin\n"
    "  trunkwiz wizard --resume"
)


def add_arguments(p: argparse.ArgumentParser) -> None:
    """The options and arguments of ``trunkwiz wizard``."""
    p.add_argument(
        "--resume",
        action="store_true",
        help="continue the saved draft without asking (sign in again, then back to its step)",
    )
