"""``trunkwiz`` / ``trunkwiz wizard``: the interactive wizard on the chosen PBX profile.

Its arguments are ``trunkwiz.cli.args.wizard``. What the first frame needs is imported
at the top; Textual only when the App opens (not for the refusal without a terminal), and
the keyring's module (with the PBX client) when the wizard first needs a password.
"""

from __future__ import annotations

import argparse
import shlex
import sys
from typing import TYPE_CHECKING, Any

from trunkwiz.service.draft import WizardDraft
from trunkwiz.service.services import DEFAULT_URL, ConnectDefaults, Services
from trunkwiz.store.checked import NOTICES
from trunkwiz.store.paths import config_dir
from trunkwiz.store.tomlfile import ConfigFileError

if TYPE_CHECKING:
    from textual.app import App

    from trunkwiz.store.drafts import SavedDraft
    from trunkwiz.store.secrets import SecretStore

STEPS = ("connect", "kind", "basic", "credentials", "options", "tenants", "review")

#: The exit code after an unexpected error (``trunkwiz.tui.leaving.CRASH_EXIT``).
CRASH_EXIT = 1

NO_TERMINAL = "trunkwiz needs a terminal; for scripts use `trunkwiz apply`"


def has_terminal() -> bool:
    """Whether the wizard can run here: it reads keys from stdin and draws on stderr (as
    Textual does), so both must be a terminal."""
    try:
        return sys.stdin.isatty() and sys.stderr.isatty()
    except (AttributeError, ValueError):  # closed or missing streams
        return False


def refuse_without_terminal() -> int | None:
    """2 (bad input) with one line on stderr when there is no terminal, else None.

    Checked before Textual is imported or anything is started: without a terminal the
    wizard would write escape codes into a file and wait for keys that never come."""
    if has_terminal():
        return None
    print(NO_TERMINAL, file=sys.stderr)
    return 2


# Any: forwards keyword arguments to ConnectDefaults
def connect_defaults(args: argparse.Namespace, **extra: Any) -> ConnectDefaults:
    """What the Connect step shows, from the global options."""
    return ConnectDefaults(
        url=getattr(args, "pbx", None) or DEFAULT_URL,
        user=getattr(args, "user", None) or "",
        domain=getattr(args, "domain", None) or "",
        ca_file=getattr(args, "ca_file", None),
        insecure=bool(getattr(args, "insecure", False)),
        **extra,
    )


# Any: forwards keyword arguments to Services
def build_services(args: argparse.Namespace, **kwargs: Any) -> Services:
    """The composition root of the wizard: stores, keyring and PBX client factory."""
    kwargs.setdefault("defaults", connect_defaults(args))
    kwargs.setdefault("secrets", _open_secret_store)
    kwargs.setdefault("read_ahead", True)  # the tenants, while the first steps are filled in
    return Services(
        config_dir=config_dir(getattr(args, "config", None)),
        profile_name=getattr(args, "profile", None) or "default",
        **kwargs,
    )


def _open_secret_store() -> SecretStore:
    """The OS keyring (imported when the wizard first needs a password)."""
    from trunkwiz.cli import passwords  # lazy: httpx and pydantic, off the first frame

    return passwords.open_secret_store()


def make_app(args: argparse.Namespace) -> App[int]:
    """The wizard App as the command line builds it (not running).

    A saved draft is offered on start (Resume / Start over); ``--resume`` takes it without
    asking. Either way the user signs in again, then the wizard returns to the saved step.
    """
    from trunkwiz.tui.app import TrunkWizApp  # lazy: Textual, only when the App opens

    services = build_services(args)
    if getattr(args, "resume", False):
        saved = _saved_draft(services)
        if saved:
            draft = WizardDraft.from_dict(saved)
            resume = draft.step if draft.step in STEPS and draft.step != "connect" else None
            draft.step = "connect"  # a session cannot be resumed: sign in, then go on
            return TrunkWizApp(
                services, draft=draft, resume_step=resume, resume_command=resume_command(args)
            )
    return TrunkWizApp(services, ask_resume=True, resume_command=resume_command(args))


def resume_command(args: argparse.Namespace, command: str = "") -> str:
    """The command line that offers a kept draft again: ``trunkwiz`` (or ``trunkwiz
    COMMAND``) with the ``--config`` given, shell-quoted."""
    words = ["trunkwiz"]
    config = getattr(args, "config", None)
    if config:
        words += ["--config", shlex.quote(str(config))]
    if command:
        words.append(command)
    return " ".join(words)


def _saved_draft(services: Services) -> SavedDraft | None:
    """The saved draft, or None (none saved; or of the wrong shape: the store moved it
    aside and said where)."""
    try:
        return services.load_draft()
    except (OSError, ValueError, ConfigFileError) as exc:
        print(
            f"trunkwiz: the saved draft cannot be read ({exc}); starting afresh.", file=sys.stderr
        )
        return None


def run_app(app: App[int]) -> int:
    """Run a wizard App; its exit code (0 submitted or left by choice, 1 after an
    unexpected error, 128+n after signal n).

    Once the terminal is back, the App's ``farewell`` is printed: one line saying why it
    ended and whether a draft was kept (after a crash: where its private log is). A saved
    file moved aside while the App had the terminal was reported into Textual's capture
    of stderr (not shown): its line is written then too. An exception escaping Textual
    itself is reported as one the App caught (``report_crash``)."""
    seen = len(NOTICES)
    result: object = None
    try:
        result = app.run()
    except Exception as exc:
        report = getattr(app, "report_crash", None)
        if report is None:
            raise
        report(exc)
        result = CRASH_EXIT
    finally:
        farewell = getattr(app, "farewell", None)
        for line in [*NOTICES[seen:], *([farewell] if farewell else [])]:
            try:
                print(line, file=sys.stderr, flush=True)
            except (OSError, ValueError):  # the terminal is gone (hang-up)
                break
    code = app.return_code
    if isinstance(code, int):
        return code
    return int(result) if isinstance(result, int) else CRASH_EXIT


def run(args: argparse.Namespace) -> int:
    """Run the wizard; 0 when a trunk was submitted or the user left (Abandon, Ctrl+Q),
    1 after an unexpected error, 2 without a terminal, 128+n after signal n."""
    refused = refuse_without_terminal()
    if refused is not None:
        return refused
    return run_app(make_app(args))
