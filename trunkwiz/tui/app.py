"""The wizard App: holds the draft, shows one step screen at a time, saves as it goes.

Heavy layers (httpx, pydantic models, keyring) are imported by the screens' workers when
needed, so the first frame paints quickly.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.screen import Screen

from trunkwiz.service.draft import WizardDraft
from trunkwiz.tui.flow import ALL_STEPS, STEP_TITLES, Flow
from trunkwiz.tui.screens.dialogs import ConfirmScreen, HelpScreen

if TYPE_CHECKING:
    from trunkwiz.service.services import Services
    from trunkwiz.tui.screens.base import StepResult, StepScreen

#: step -> "module:Class" of its screen, imported when the step is first shown.
SCREENS: dict[str, str] = {
    "connect": "trunkwiz.tui.screens.connect:ConnectScreen",
    "kind": "trunkwiz.tui.screens.kind:KindScreen",
    "basic": "trunkwiz.tui.screens.basic:BasicScreen",
    "credentials": "trunkwiz.tui.screens.credentials:CredentialsScreen",
    "options": "trunkwiz.tui.screens.options:OptionsScreen",
    "tenants": "trunkwiz.tui.screens.tenants:TenantsScreen",
    "review": "trunkwiz.tui.screens.review:ReviewScreen",
}

HELP = """\
[b]trunkwiz[/b] sets up a SIP trunk on the PBX, one step at a time.

  Tab / Shift+Tab   move between fields      Enter   next field / press button
  Ctrl+N            next step                Ctrl+R  previous step
  Ctrl+P            command palette          Esc     abandon (asks first)
  ?  or  F1         this help

Your entries are saved as a draft whenever you leave a step (never a password).
"""


class TrunkWizApp(App[int]):
    """The trunk wizard. ``start`` picks the first step (tests); ``draft`` pre-fills it."""

    CSS_PATH = "app.tcss"
    TITLE = "trunkwiz"
    BINDINGS = [
        Binding("escape", "abandon", "Quit", tooltip="Abandon the wizard (asks first)"),
        Binding("question_mark,f1", "help", "Help", key_display="?"),
    ]

    def __init__(
        self,
        services: Services,
        *,
        start: str | None = None,
        draft: WizardDraft | None = None,
    ) -> None:
        super().__init__()
        self.services = services
        self.draft = draft if draft is not None else WizardDraft()
        first = start or (self.draft.step if draft is not None else "connect")
        if first not in ALL_STEPS:
            raise ValueError(f"unknown step {first!r}; steps are {', '.join(ALL_STEPS)}")
        self._first_step = first

    @property
    def flow(self) -> Flow:
        """The step order for the draft's kind and level."""
        return Flow(kind=self.draft.kind, level=self.draft.level)

    # -- life cycle --------------------------------------------------------------------
    def on_mount(self) -> None:
        """Show the first step."""
        self.show_step(self._first_step)

    async def on_unmount(self) -> None:
        """Close the PBX connection (one HTTP client per app) and run the clean-ups."""
        await self.services.shutdown()

    # -- steps -------------------------------------------------------------------------
    def make_screen(self, step: str) -> StepScreen:
        """Build the screen for ``step`` with the draft handed down."""
        module, _, cls = SCREENS[step].partition(":")
        screen_cls = getattr(importlib.import_module(module), cls)
        screen: StepScreen = screen_cls(self.services, self.draft, self.flow)
        return screen

    def show_step(self, step: str) -> None:
        """Push the step's screen; its result decides where to go next."""
        self.draft.step = step
        self.sub_title = STEP_TITLES[step]

        def done(result: StepResult | None) -> None:
            self._step_done(step, result)

        self.push_screen(self.make_screen(step), callback=done)

    def _step_done(self, step: str, result: StepResult | None) -> None:
        if result is None:
            return
        self.draft.apply(result.values)
        if result.action == "finish":
            self.run_worker(self.services.discard_draft, thread=True, group="draft")
            self.exit(0)
            return
        target = self.flow.next(step) if result.action == "next" else self.flow.prev(step)
        self.draft.step = target or step
        self.save_draft()
        self.show_step(target or step)

    def save_draft(self) -> None:
        """Write the draft (never a password) in a thread worker."""
        data = self.draft.to_dict()
        self.run_worker(lambda: self.services.save_draft(data), thread=True, group="draft")

    # -- app-wide actions --------------------------------------------------------------
    def action_abandon(self) -> None:
        """Ask before leaving; the draft stays saved."""

        def answer(yes: bool | None) -> None:
            if yes:
                self.exit(1, return_code=1)

        self.push_screen(
            ConfirmScreen(
                "Abandon the wizard?\nYour draft is kept (never the passwords).",
                yes="Abandon",
                no="Stay",
            ),
            callback=answer,
        )

    def action_help(self) -> None:
        """Show the keys and what the current step is for."""
        step_help = getattr(self.screen, "HELP", "")
        self.push_screen(HelpScreen(HELP + ("\n" + step_help if step_help else "")))

    def get_system_commands(self, screen: Screen[Any]) -> Iterable[SystemCommand]:
        """The command palette: the wizard's own commands first."""
        yield SystemCommand("Help", "Keys and what this step is for", self.action_help)
        yield SystemCommand("Abandon", "Leave the wizard (asks first)", self.action_abandon)
        yield from super().get_system_commands(screen)
