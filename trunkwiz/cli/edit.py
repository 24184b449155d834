"""``trunkwiz edit NAME``: open one trunk in the wizard for a quick edit.

The wizard signs in first: with the saved profile and the password the keyring holds it
signs in by itself, otherwise the Connect step asks. Then it opens trunk NAME (matched
case-insensitively) in the same screens as any edit. When NAME cannot be opened (no such
trunk: exit 2, with the closest names; the PBX refused to list or read it: exit 1) the
wizard leaves at once and one line on stderr says why: never a new-trunk flow instead.
Another trunk whose status cannot be read changes nothing. Its arguments are
``trunkwiz.cli.args.edit``; Textual is imported only when the App opens.
"""

from __future__ import annotations

import argparse
import contextlib
import sys
from typing import TYPE_CHECKING

from trunkwiz.cli.wizard import build_services, refuse_without_terminal, resume_command, run_app
from trunkwiz.domain.text import visible

if TYPE_CHECKING:
    from trunkwiz.tui.editapp import EditApp


def make_app(args: argparse.Namespace) -> EditApp:
    """The wizard App opening trunk ``args.name`` once signed in (not running)."""
    from trunkwiz.tui.editapp import EditApp  # lazy: Textual, only when the App opens

    name = str(args.name).strip()
    if not name:
        raise SystemExit("trunkwiz edit: give the trunk's NAME")
    return EditApp(build_services(args), name, resume_command=resume_command(args))


def refusal_line(app: EditApp) -> str | None:
    """The one line saying why NAME was not opened (control characters shown), if so."""
    if app.refusal is None:
        return None
    return f"trunkwiz edit: {visible(' '.join(app.refusal.split()))}"


def run(args: argparse.Namespace) -> int:
    """Run the wizard on one trunk; 0 when the edit was submitted or the user left, 1
    after an unexpected error, 2 without a terminal; when NAME cannot be opened, one line
    on stderr and 2 (no such trunk) or 1 (the PBX refused to list or read it)."""
    refused = refuse_without_terminal()
    if refused is not None:
        return refused
    app = make_app(args)
    code = run_app(app)
    line = refusal_line(app)
    if line is not None:
        with contextlib.suppress(OSError, ValueError):  # the terminal is gone (hang-up)
            print(line, file=sys.stderr, flush=True)
    return code
