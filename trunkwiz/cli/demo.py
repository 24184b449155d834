"""``trunkwiz demo``: the wizard against an embedded sandbox PBX and a demo SIP carrier.

Starts the sandbox PBX (loopback, plain HTTP unless ``--tls``) and the demo carrier (a SIP
registrar on loopback), opens the wizard with the Connect step pre-filled, and stops both
when the wizard exits. The demo's profile and pinned certificates go to a throw-away
configuration directory unless ``--config`` is given; only its draft is kept, in its own
slot (``drafts/demo.toml`` of the configuration directory, never the wizard's draft), so a
demo left with something typed is offered at the next ``trunkwiz demo`` (``DemoDrafts``).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import shutil
import tempfile
import threading
from collections.abc import Coroutine
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import SecretStr

from trunkwiz.cli.wizard import (
    build_services,
    connect_defaults,
    refuse_without_terminal,
    resume_command,
    run_app,
)
from trunkwiz.sandbox.server import DEFAULT_ADMIN_PASSWORD, SandboxServer
from trunkwiz.sip.registrar import DemoRegistrar, RegistrarUser
from trunkwiz.store.drafts import DraftStore, SavedDraft
from trunkwiz.store.memory import MemoryKeyring
from trunkwiz.store.paths import config_dir
from trunkwiz.store.secrets import SecretStore

if TYPE_CHECKING:
    from textual.app import App

#: The demo carrier's account (a throw-away account of a loopback-only registrar).
CARRIER_AUTH_ID = "demo-trunk"
CARRIER_PASSWORD = "demo-carrier-secret"


class BackgroundLoop:
    """An asyncio loop on a daemon thread, for the demo carrier (a bounded stop)."""

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(
            target=self.loop.run_forever, name="trunkwiz-demo-carrier", daemon=True
        )
        self.thread.start()

    # Any: runs any coroutine of the registrar, returning its result
    def run(self, coro: Coroutine[Any, Any, Any], timeout: float = 10.0) -> Any:
        """Run ``coro`` on the loop and wait for its result."""
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result(timeout)

    def close(self) -> None:
        """Stop the loop and join the thread."""
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(5.0)
        if not self.thread.is_alive():
            self.loop.close()


class DemoWorld:
    """The sandbox PBX and the demo carrier, started together and stopped together."""

    def __init__(self, *, port: int = 0, carrier_port: int = 0, tls: bool = False) -> None:
        self.sandbox = SandboxServer(port=port, tls=tls)
        self.background = BackgroundLoop()
        self.registrar = DemoRegistrar(
            [RegistrarUser(CARRIER_AUTH_ID, SecretStr(CARRIER_PASSWORD))], port=carrier_port
        )
        self._stopped = False

    def start(self) -> DemoWorld:
        """Start both; on failure whatever started is stopped again."""
        try:
            self.sandbox.start()
            self.background.run(self.registrar.start())
        except BaseException:
            self.stop()
            raise
        return self

    def stop(self) -> None:
        """Stop both (idempotent, bounded)."""
        if self._stopped:
            return
        self._stopped = True
        with contextlib.suppress(Exception):  # already stopped or never started
            self.background.run(self.registrar.stop(), timeout=5.0)
        self.background.close()
        self.sandbox.stop()

    @property
    def carrier(self) -> dict[str, Any]:  # Any: the draft's values, text or number
        """The demo carrier's values to type into the wizard."""
        return {
            "hostname": "127.0.0.1",
            "port": self.registrar.port,
            "transport": "UDP",
            "auth_id": CARRIER_AUTH_ID,
            "password": CARRIER_PASSWORD,
        }


def demo_drafts(config: Path, url: str) -> DraftStore:
    """The demo's draft slot in ``config``, read back for the sandbox at ``url``."""

    class DemoDrafts(DraftStore):
        """``drafts/demo.toml``: each demo has a new sandbox, so a saved draft is read back
        with this sandbox's URL and user, and an edit of a trunk the old sandbox held
        becomes a new trunk with the same values."""

        def load(self) -> SavedDraft | None:
            saved = super().load()
            if saved:
                saved.update({"url": url, "user": "admin"})
                if saved.pop("trunk_id", None) is not None:
                    saved.pop("baseline", None)
            return saved

    return DemoDrafts(config, key="demo")


def make_app(args: argparse.Namespace) -> App[int]:
    """Start the demo world and return the wizard connected to it (it stops on exit)."""
    from trunkwiz.tui.app import TrunkWizApp  # lazy: Textual, only when the App opens

    world = DemoWorld(
        port=getattr(args, "port", 0),
        carrier_port=getattr(args, "carrier_port", 0),
        tls=getattr(args, "tls", False),
    ).start()
    drafts = demo_drafts(config_dir(getattr(args, "config", None)), world.sandbox.url)
    again = resume_command(args, "demo")
    temp_config = (
        None if getattr(args, "config", None) else tempfile.mkdtemp(prefix="trunkwiz-demo-")
    )
    if temp_config:
        args.config = temp_config
    carrier = world.carrier
    note = (
        f"Demo: sandbox PBX at {world.sandbox.url} (user admin, password {DEFAULT_ADMIN_PASSWORD}, "
        "pre-filled). Demo carrier for a Register-Based trunk: host 127.0.0.1, port "
        f"{carrier['port']}, UDP, auth ID {CARRIER_AUTH_ID}, password {CARRIER_PASSWORD}."
    )
    args.pbx, args.user = world.sandbox.url, "admin"
    defaults = connect_defaults(args, password=SecretStr(DEFAULT_ADMIN_PASSWORD), note=note)
    services = build_services(
        args, defaults=defaults, demo_carrier=carrier, secrets=_memory_store, drafts=drafts
    )  # the demo's passwords stay in this process, never in the user's keyring

    def cleanup() -> None:
        world.stop()
        if temp_config:
            shutil.rmtree(temp_config, ignore_errors=True)

    services.on_close(cleanup)
    return TrunkWizApp(services, ask_resume=True, resume_command=again)


def _memory_store() -> SecretStore:
    return SecretStore(MemoryKeyring())


def run(args: argparse.Namespace) -> int:
    """Run the demo; the sandbox and the carrier stop when the wizard exits (2 without a
    terminal, before anything is started)."""
    refused = refuse_without_terminal()
    if refused is not None:
        return refused
    return run_app(make_app(args))
