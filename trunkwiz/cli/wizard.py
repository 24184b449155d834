"""``trunkwiz`` / ``trunkwiz wizard``: the interactive wizard on the chosen PBX profile.

Only argparse and the standard library are imported at module level; the App and the
services are imported when the command runs, so ``trunkwiz --help`` stays fast.
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from textual.app import App

    from trunkwiz.service.services import ConnectDefaults, Services

STEPS = ("connect", "kind", "basic", "credentials", "options", "tenants", "review")


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


def connect_defaults(args: argparse.Namespace, **extra: Any) -> ConnectDefaults:
    """What the Connect step shows, from the global options."""
    from trunkwiz.service.services import DEFAULT_URL, ConnectDefaults

    return ConnectDefaults(
        url=getattr(args, "pbx", None) or DEFAULT_URL,
        user=getattr(args, "user", None) or "",
        domain=getattr(args, "domain", None) or "",
        ca_file=getattr(args, "ca_file", None),
        insecure=bool(getattr(args, "insecure", False)),
        **extra,
    )


def build_services(args: argparse.Namespace, **kwargs: Any) -> Services:
    """The composition root of the wizard: stores, keyring and PBX client factory."""
    from trunkwiz.service.services import Services
    from trunkwiz.store.paths import config_dir

    kwargs.setdefault("defaults", connect_defaults(args))
    kwargs.setdefault("secrets", _open_secret_store)
    return Services(
        config_dir=config_dir(getattr(args, "config", None)),
        profile_name=getattr(args, "profile", None) or "default",
        **kwargs,
    )


def _open_secret_store() -> Any:
    """The OS keyring (imported when the wizard first needs a password)."""
    from trunkwiz.cli import common

    return common.open_secret_store()


def make_app(args: argparse.Namespace) -> App[int]:
    """The wizard App as the command line builds it (not running).

    A saved draft is offered on start (Resume / Start over); ``--resume`` takes it without
    asking. Either way the user signs in again, then the wizard returns to the saved step.
    """
    from trunkwiz.service.draft import WizardDraft
    from trunkwiz.tui.app import TrunkWizApp

    services = build_services(args)
    if getattr(args, "resume", False):
        saved = _saved_draft(services)
        if saved:
            draft = WizardDraft.from_dict(saved)
            resume = draft.step if draft.step in STEPS and draft.step != "connect" else None
            draft.step = "connect"  # a session cannot be resumed: sign in, then go on
            return TrunkWizApp(services, draft=draft, resume_step=resume)
    return TrunkWizApp(services, ask_resume=True)


def _saved_draft(services: Services) -> dict[str, Any] | None:
    """The saved draft, or None (none saved, or unreadable: the store kept a .bak copy)."""
    from trunkwiz.store.tomlfile import ConfigFileError

    try:
        return services.load_draft()
    except (OSError, ValueError, ConfigFileError) as exc:
        import sys

        print(
            f"trunkwiz: the saved draft cannot be read ({exc}); starting afresh.", file=sys.stderr
        )
        return None


def run_app(app: App[int]) -> int:
    """Run a wizard App; its exit code (0 submitted, 1 abandoned, 128+n after signal n)."""
    result = app.run()
    return int(result) if isinstance(result, int) else 1


def run(args: argparse.Namespace) -> int:
    """Run the wizard; 0 when a trunk was submitted, 1 when abandoned."""
    return run_app(make_app(args))
