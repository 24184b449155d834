"""The wizard App: holds the draft, shows one step screen at a time, saves as it goes.

Heavy layers (httpx, pydantic models, keyring) are imported by the screens' workers when
needed, so the first frame paints quickly. The first step is mounted before it is shown, so
its first frame is complete; the background work (warm-up imports, looking for a draft to
resume, the saved profile and keyring) starts once that frame is on screen.

The next start offers to resume a kept draft (``ask_resume``): sign in again, then the
wizard returns to the saved step. Saving drafts, leaving (a hang-up, SIGTERM, Ctrl+C,
Abandon) and the crash guard are in ``trunkwiz.tui.leaving`` (``LeavingApp``, this App's
base).
"""

from __future__ import annotations

import asyncio
import gc
import importlib
import logging
import time
from collections.abc import Awaitable, Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rich.markup import escape
from textual import events
from textual.app import SystemCommand
from textual.binding import Binding
from textual.screen import Screen
from textual.widget import AwaitMount

from trunkwiz import compat
from trunkwiz.service.draft import WizardDraft
from trunkwiz.tui import warmup
from trunkwiz.tui.flow import ALL_STEPS, STEP_TITLES, Flow
from trunkwiz.tui.keeper import DraftKeeper, install_exit_signals, remove_exit_signals
from trunkwiz.tui.keyorder import KeyOrder
from trunkwiz.tui.leaving import EMPTY, LeavingApp
from trunkwiz.tui.terminal import driver_class

if TYPE_CHECKING:
    from trunkwiz.service.services import Services
    from trunkwiz.service.stores import SavedDraft
    from trunkwiz.tui.screens.base import StepResult, StepScreen

log = logging.getLogger(__name__)

#: Background work waits for the first frame to reach the terminal: polled every
#: ``FIRST_FRAME_POLL`` seconds while the writer still has output queued (bounded).
FIRST_FRAME_POLL = 0.05
FIRST_FRAME_POLLS = 10

#: step -> "module:Class" of its screen, imported when the step is first shown.
SCREENS: dict[str, str] = {
    "connect": "trunkwiz.tui.screens.connect:ConnectScreen",
    "kind": "trunkwiz.tui.screens.kind:KindScreen",
    "basic": "trunkwiz.tui.screens.basic:BasicScreen",
    "credentials": "trunkwiz.tui.screens.credentials:CredentialsScreen",
    "options": "trunkwiz.tui.screens.options:OptionsScreen",
    "tenants": "trunkwiz.tui.screens.tenants:TenantsScreen",
    "routes": "trunkwiz.tui.screens.routes:RoutesScreen",
    "review": "trunkwiz.tui.screens.review:ReviewScreen",
}

HELP = """\
[b]trunkwiz[/b] sets up a SIP trunk on the PBX, one step at a time.

  Tab, Shift+Tab  next/previous field    Ctrl+N  next step
  Enter           next field or button   Ctrl+R  previous step
  Ctrl+P          command palette        Esc     abandon (asks)
  Ctrl+C          quit, keep the draft   F1      this help

Once something is typed, your entries are kept as a draft (never a password) when you \
leave a step, abandon, press Ctrl+C or the session drops; the next start offers to resume it.
"""


def resume_collector() -> None:
    """Turn the garbage collector back on if start-up paused it (``trunkwiz.cli.main``):
    the objects made so far live as long as the App, so they are frozen out of later
    collections first."""
    if not gc.isenabled():
        gc.freeze()
        gc.enable()


class TrunkWizApp(LeavingApp):
    """The trunk wizard.

    ``start`` picks the first step (tests); ``draft`` pre-fills it. ``ask_resume`` offers a
    saved draft on start; ``resume_step`` is where to go once signed in again;
    ``open_trunk`` is a trunk name to open for editing once signed in (``trunkwiz edit``),
    signing in by itself when the keyring holds the password (``auto_connect``).
    ``resume_command`` is what the user runs to be offered a kept draft (said on leaving).
    """

    CSS_PATH = "app.tcss"
    TITLE = "trunkwiz"
    BINDINGS = [
        Binding("escape", "abandon", "Quit", tooltip="Abandon the wizard (asks first)"),
        Binding("f1", "help", "Help", key_display="F1"),
        Binding("question_mark", "help", "Help", show=False),  # a text field takes it as text
        Binding("ctrl+c", "interrupt", "Quit now (keeps the draft)", show=False, priority=True),
    ]

    def __init__(
        self,
        services: Services,
        *,
        start: str | None = None,
        draft: WizardDraft | None = None,
        ask_resume: bool = False,
        resume_step: str | None = None,
        open_trunk: str | None = None,
        resume_command: str = "trunkwiz",
    ) -> None:
        super().__init__(driver_class=driver_class())  # a lost terminal is a hang-up
        self.services = services
        self.draft = draft if draft is not None else WizardDraft()
        first = start or (self.draft.step if draft is not None else "connect")
        for step in (first, resume_step):
            if step is not None and step not in ALL_STEPS:
                raise ValueError(f"unknown step {step!r}; steps are {', '.join(ALL_STEPS)}")
        self._first_step = first
        self._ask_resume = ask_resume
        self.resume_step = resume_step
        """The step to return to after signing in again (a resumed draft)."""
        self._open_trunk = open_trunk
        self.auto_connect = open_trunk is not None
        """Sign in without waiting for Next when the keyring gave the password."""
        self.keeper = DraftKeeper(services)
        self.resume_pending = False
        """True while the saved draft is being looked at or offered (it is not overwritten)."""
        self._signals: list[int] = []
        self.last_key_at = 0.0
        """``time.monotonic()`` of the last key press (background work yields to typing)."""
        self.first_frame_shown = False
        """True once the first step's first frame has been written to the terminal."""
        self._when_shown: list[Callable[[], object]] = []
        self.submitted = False
        """True once a trunk was submitted; leaving with nothing typed since ends with 0."""
        self.key_order = KeyOrder(self, self._key_as_usual)
        """Applies the keys from the terminal one at a time, in arrival order."""
        self.resume_command = resume_command
        self.farewell: str | None = None
        """The one line to show once the terminal is back (``run_app`` prints it): why the
        wizard ended and what became of the draft. Never markup, never a traceback."""
        self.crash_log: Path | None = None
        """The private log of the first unexpected error (``report_crash``)."""
        self.crashed = False
        """True once an unexpected error was reported (``report_crash``)."""
        self.leaving: int | None = None
        """The exit code once ``leave_now`` saved the draft and asked the App to exit."""

    @property
    def flow(self) -> Flow:
        """The step order for the draft's kind and level."""
        return Flow(kind=self.draft.kind, level=self.draft.level)

    # -- life cycle --------------------------------------------------------------------
    async def on_mount(self) -> None:
        """Show the first step; catch hang-ups; look for a draft to resume."""
        if not self.is_headless:
            self._signals = install_exit_signals(self.leave_now)
        if self._ask_resume:
            self.resume_pending = True
        self.key_order.start()
        screen = self.make_screen(self._first_step)
        screen.styled_ahead = await self._premount(screen)
        self._push_step(self._first_step, screen)
        self.screen.call_after_refresh(self._after_first_frame)

    async def _premount(self, screen: StepScreen) -> bool:
        """Compose and mount ``screen`` (not shown yet), so its first frame is complete.

        A pushed screen is painted as soon as it is mounted itself, before the widgets
        nested in its rows are; that frame misses them (blank inputs) and a second full
        frame follows. Mounting first and pushing then paints once. Returns whether the
        whole screen is mounted (and styled).
        """
        try:
            await AwaitMount(screen, self._register(self, screen))
            waits: list[Awaitable[object]] = [
                w._mounted_event.wait() for w in screen.walk_children(with_self=False)
            ]
            await compat.wait_for(asyncio.gather(*waits), timeout=5)
        except Exception:  # pushing mounts it anyway; only the first frame is split
            log.debug("the first step was not mounted ahead", exc_info=True)
            return False
        return True

    def _after_first_frame(self, polls: int = 0) -> None:
        """The first frame is rendered; once the terminal writer has sent it (a thread that
        needs the interpreter lock too), start the background work."""
        writer = getattr(self._driver, "_writer_thread", None)
        queue = getattr(writer, "_queue", None)
        pending = queue.qsize() if queue is not None else 0
        first_poll = polls == 0 and not self.is_headless  # no terminal: nothing to wait for
        if first_poll or (pending and polls < FIRST_FRAME_POLLS):
            self.set_timer(FIRST_FRAME_POLL, lambda: self._after_first_frame(polls + 1))
            return
        self.first_frame_shown = True
        resume_collector()
        if self._ask_resume:
            self.run_worker(self._look_for_draft, thread=True, group="resume")
        callbacks, self._when_shown = self._when_shown, []
        for callback in callbacks:
            callback()
        self._warm_up()

    def after_first_frame(self, callback: Callable[[], object]) -> None:
        """Run ``callback`` once the first frame is on the terminal (now if it is)."""
        if self.first_frame_shown:
            callback()
        else:
            self._when_shown.append(callback)

    def _warm_up(self) -> None:
        """Import what the next steps need (a thread that pauses while keys are typed)."""

        def run() -> list[str]:
            return warmup.warm_up(idle=self.idle_for)

        self.run_worker(run, thread=True, group="warm-up", exit_on_error=False)

    def idle_for(self) -> float:
        """Seconds since the last key press (any thread may ask)."""
        return time.monotonic() - self.last_key_at

    async def on_event(self, event: events.Event) -> None:
        """Note key presses (background imports yield to typing); keys from the terminal
        are applied in arrival order (``KeyOrder``), the rest is dispatched as usual."""
        if isinstance(event, events.Key):
            self.last_key_at = time.monotonic()
            if not event.is_forwarded:
                await self.key_order.take(event)
                return
        await super().on_event(event)

    async def _key_as_usual(self, event: events.Key) -> None:
        await super().on_event(event)

    async def on_unmount(self) -> None:
        """Close the PBX connection (one HTTP client per app) and run the clean-ups."""
        remove_exit_signals(self._signals)
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
        self._push_step(step, self.make_screen(step))

    def _push_step(self, step: str, screen: StepScreen) -> None:
        self.draft.step = step
        self.sub_title = STEP_TITLES[step]

        def done(result: StepResult | None) -> None:
            self._step_done(step, result)

        self.push_screen(screen, callback=done)

    def _step_done(self, step: str, result: StepResult | None) -> None:
        if result is None:
            return
        self.draft.apply(result.values)
        self.keeper.closed = False  # after a submit: the user goes on, a new draft begins
        if result.action == "finish":
            self.submitted = True
            self.draft = self.draft.fresh()  # "Done": the trunk list, for the next trunk
            self.show_step("kind")
            return
        if result.action == "stay":
            target: str | None = step
        elif result.action == "next":
            target = self._after(step)
        else:
            target = self.flow.prev(step)
        self.draft.step = target or step
        self.save_draft()
        self.show_step(target or step)

    def _after(self, step: str) -> str | None:
        """The next step; right after signing in, a resumed draft's own step."""
        wanted, self.resume_step = self.resume_step, None
        if step == "connect" and wanted and wanted in self.flow.steps():
            return wanted
        return self.flow.next(step)

    def take_pending_trunk(self) -> str | None:
        """The trunk name to open (``trunkwiz edit NAME``), handed out once."""
        name, self._open_trunk = self._open_trunk, None
        self.auto_connect = False
        return name

    # -- drafts ------------------------------------------------------------------------
    def _look_for_draft(self) -> None:
        """(thread) Offer the saved draft if it holds anything worth resuming; one that
        does not (nothing typed: an older version saved every step) is removed."""
        try:
            saved = self.services.load_draft()
        except Exception as exc:  # a corrupt draft is kept as .bak by the store
            log.warning("the saved draft could not be read: %s", exc)
            saved = None
        if saved and WizardDraft.from_dict(saved).has_content():
            self.call_from_thread(self._offer_resume, saved)
            return
        if saved:
            try:
                self.services.discard_draft()
            except OSError as exc:
                log.warning("the empty draft was not removed: %s", exc)
        self.call_from_thread(setattr, self, "resume_pending", False)

    def _offer_resume(self, saved: SavedDraft) -> None:
        from trunkwiz.tui.screens.manage import ResumeScreen  # lazy: off the first frame

        self.push_screen(ResumeScreen(saved), callback=lambda a: self._resume_answer(a, saved))

    def _resume_answer(self, answer: str | None, saved: SavedDraft) -> None:
        self.resume_pending = False
        if answer == "fresh":
            self.run_worker(self.services.discard_draft, thread=True, group="draft")
        if answer != "resume":
            return
        self.draft = WizardDraft.from_dict(saved)
        self.keeper.owned = True  # this session's draft now: emptied, it is removed
        self.pop_screen()  # the first step, shown while the question was asked
        if self.services.connection is None:
            self.resume_step, self.draft.step = self.draft.step, "connect"
        self.show_step(self.draft.step)

    # -- app-wide actions --------------------------------------------------------------
    def action_abandon(self) -> None:
        """Ask before leaving (saying whether a draft will be kept); leaving so is the
        user's choice: exit 0, ``farewell`` says what became of the draft."""
        from trunkwiz.tui.screens.dialogs import ConfirmScreen  # lazy: off the first frame

        def answer(yes: bool | None) -> None:
            if yes:
                self.farewell = f"Abandoned. {self.draft_words(self.keep_for_later())}"
                self.exit(0, return_code=0)

        if self.submitted and self._nothing_new():
            self.farewell = f"Left the wizard. {self.draft_words(EMPTY)}"
            self.exit(0)  # the trunks are submitted and nothing was typed since
            return
        typed = self.resume_pending or self.current_draft().has_content()
        kept = (
            "Your draft is kept (never the passwords)."
            if typed
            else "Nothing is typed yet: no draft will be kept."
        )
        self.push_screen(
            ConfirmScreen(f"Abandon the wizard?\n{kept}", yes="Abandon", no="Stay"),
            callback=answer,
        )

    def action_interrupt(self) -> None:
        """Ctrl+C: leave at once, keeping the draft (as a hang-up does)."""
        self.leave_now(130)

    async def action_quit(self) -> None:
        """Ctrl+Q: leave at once, keeping the draft (the user's choice: exit 0)."""
        self.leave_now(0)

    def action_help(self) -> None:
        """Show the keys and what the current step is for."""
        from trunkwiz.tui.screens.dialogs import HelpScreen  # lazy: off the first frame

        step_help = " ".join(str(getattr(self.screen, "HELP", "")).split("\n"))
        more = escape(str(getattr(self.screen, "more_help", "")))  # data text, never markup
        text = HELP + ("\n" + step_help if step_help else "") + ("\n\n" + more if more else "")
        self.push_screen(HelpScreen(text))

    # Any: Textual's screens are generic over any result
    def get_system_commands(self, screen: Screen[Any]) -> Iterable[SystemCommand]:
        """The command palette: the wizard's own commands first."""
        yield SystemCommand("Help", "Keys and what this step is for", self.action_help)
        yield SystemCommand("Abandon", "Leave the wizard (asks first)", self.action_abandon)
        yield from super().get_system_commands(screen)
