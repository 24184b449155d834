"""The App's drafts and ways out (``LeavingApp``, the base of ``TrunkWizApp``).

Drafts: every step saves the draft (never a password) as it is left, once it holds
something typed (``WizardDraft.has_content``). A hang-up (SIGHUP, the SSH session dropped),
SIGTERM, Ctrl+C (the key, or SIGINT), Abandon and a crash save it at once with the values
typed on the current step too, then leave (``leave_now``, ``keep_for_later``); an empty one
is not kept. ``farewell`` is the one line the command prints once the terminal is back: why
the wizard ended and whether a draft was kept.

Crashes: every unexpected exception Textual catches -- in a message handler, a worker, a
timer, compose or mount, a screen callback -- reaches ``App._handle_exception``; this
override replaces Textual's fatal-error path (a Rich traceback with local variables on the
terminal) with ``report_crash``: the draft as it stands on screen is saved, the traceback
(no locals) goes to a private log (``trunkwiz.store.crashlog``), the App exits with
``CRASH_EXIT`` and ``farewell`` says what happened, that the draft was saved and where the
log is.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING

from textual.app import App
from textual.worker import WorkerFailed

from trunkwiz.domain.text import error_line
from trunkwiz.service.draft import WizardDraft
from trunkwiz.tui.flow import ALL_STEPS
from trunkwiz.tui.keeper import DraftKeeper

if TYPE_CHECKING:
    from rich.console import RenderableType

    from trunkwiz.service.services import Services

log = logging.getLogger(__name__)

#: The exit code after an unexpected error (``report_crash``).
CRASH_EXIT = 1

#: Why the wizard ended, by exit code (``leave_now``): the start of ``farewell``.
LEFT_BY = {
    0: "Left the wizard",
    129: "The terminal went away",
    130: "Interrupted (Ctrl+C)",
    131: "Stopped (SIGQUIT)",
    143: "Stopped (SIGTERM)",
}

#: What ``keep_for_later`` did with the draft.
KEPT, EARLIER, EMPTY, NOT_SAVED = "kept", "earlier", "empty", "not saved"


class PanicError(RuntimeError):
    """``App.panic`` was called: what it was to show is in the crash log only."""

    def __init__(self, shown: str) -> None:
        super().__init__("the wizard gave up (details in the log)")
        self.shown = shown


class LeavingApp(App[int]):
    """Saving the draft as the wizard goes and as it ends, and the crash guard; the wizard
    (``TrunkWizApp``) sets the state below in its constructor."""

    services: Services
    draft: WizardDraft
    keeper: DraftKeeper
    resume_pending: bool
    resume_step: str | None
    resume_command: str
    submitted: bool
    farewell: str | None
    crash_log: Path | None
    crashed: bool
    leaving: int | None

    def save_draft(self) -> None:
        """Write the draft (never a password) in a thread worker, once it holds something
        typed (``WizardDraft.has_content``)."""
        if self.resume_pending or not self.draft.has_content():
            return
        data, ticket = self.draft.to_dict(), self.keeper.ticket()
        self.run_worker(lambda: self.keeper.write(data, ticket), thread=True, group="draft")

    def current_draft(self) -> WizardDraft:
        """The draft plus the values typed on the current step (not left yet)."""
        screen = next(
            (s for s in reversed(self.screen_stack) if getattr(s, "STEP", "") in ALL_STEPS),
            None,
        )
        if screen is None or not screen.is_mounted:
            return self.draft
        try:
            values = screen.collect()
        except Exception:  # a half-built or closing screen: keep what was saved
            return self.draft
        draft = self.draft.merged(values)
        draft.step = str(screen.STEP)
        if self.resume_step and draft.step == "connect":
            draft.step = self.resume_step  # not signed in again yet: keep the saved step
        return draft

    def save_now(self) -> bool:
        """Save the current draft at once, on this thread; whether it was written."""
        return self.keep_for_later() == KEPT

    def keep_for_later(self) -> str:
        """Save the draft as it stands on screen, at once, on this thread (leaving).

        ``KEPT``: written (the next start offers it). ``EARLIER``: the draft saved before
        this session is left as it is (its question is still open, or nothing was typed
        since it was put off) and still offered. ``EMPTY``: nothing typed worth keeping
        (a draft this session saved is removed: it would offer nothing), or a trunk just
        submitted. ``NOT_SAVED``: the write failed (logged). Never raises.
        """
        try:
            if self.keeper.closed:
                return EMPTY  # submitted: the draft is done with
            if self.resume_pending:
                return EARLIER if self._earlier_draft() else EMPTY
            draft = self.current_draft()
            if draft.has_content():
                written = self.keeper.write(draft.to_dict(), self.keeper.ticket())
                return KEPT if written else NOT_SAVED
            if self.keeper.owned:
                self.keeper.discard(self.keeper.ticket())
                return EMPTY
            return EARLIER if self._earlier_draft() else EMPTY
        except Exception:  # never let saving hide why the wizard is leaving
            log.exception("the draft was not saved")
            return NOT_SAVED

    def _earlier_draft(self) -> bool:
        """Whether a draft worth resuming is saved (from an earlier session)."""
        try:
            saved = self.services.load_draft()
        except Exception:  # unreadable: the store moved it aside and said so
            return False
        return bool(saved) and WizardDraft.from_dict(saved or {}).has_content()

    def draft_words(self, state: str) -> str:
        """What became of the draft, in words, for ``farewell``."""
        resume = f"`{self.resume_command}` offers to resume it"
        if state == KEPT:
            return f"Your draft is saved: {resume}."
        if state == EARLIER:
            return f"Your earlier draft is kept: {resume}."
        if state == NOT_SAVED:
            return "Your draft could not be saved."
        if self.keeper.closed or (self.submitted and self._nothing_new()):
            return "Nothing left to keep: the trunk was submitted."
        return "Nothing was typed, so no draft is kept."

    def discard_draft(self) -> None:
        """The trunk was submitted: remove the draft; it is written again only once the
        user leaves the Review step (a save requested before now never lands)."""
        self.keeper.closed = True
        ticket = self.keeper.ticket()
        self.run_worker(lambda: self.keeper.discard(ticket), thread=True, group="draft")

    def leave_now(self, code: int = 130) -> None:
        """Save the draft with what is on screen and exit (hang-up, Ctrl+C, SIGTERM).

        During Submit the submit is stopped and rolled back first; the Review step calls
        this again once that is done (a second signal meanwhile changes nothing). Once
        leaving, a second call changes nothing either: a lost terminal and the hang-up
        that follows it are one event, and the screens may be closing by the second.
        """
        if self.leaving is not None:
            return  # already saved and leaving: a later save would see a closing screen
        top = self.screen_stack[-1] if self.screen_stack else None
        interrupt = getattr(top, "interrupt_submit", None)
        if interrupt is not None and interrupt(code):
            return
        self.leaving = code
        state = self.keep_for_later()
        why = LEFT_BY.get(code, f"Stopped (exit {code})")
        self.farewell = f"{why}. {self.draft_words(state)}"
        self.exit(code, return_code=code)

    # -- crashes -----------------------------------------------------------------------
    def _handle_exception(self, error: Exception) -> None:
        """Every unexpected exception of the App ends here (Textual calls this from message
        handlers, workers, timers, compose/mount and screen callbacks): ``report_crash``
        instead of Textual's fatal-error screen (a traceback with local variables).

        Textual's own bookkeeping is kept: the exit code, the first exception noted for
        ``run_test`` (which raises it again for the test), the App closing."""
        self.report_crash(error)
        self._return_code = CRASH_EXIT
        if self._exception is None:
            self._exception = error
            self._exception_event.set()
        self._close_messages_no_wait()

    def panic(self, *renderables: RenderableType) -> None:
        """Textual's "exit showing these": routed through the guard too. What was to be
        shown (it may be a traceback) goes to the crash log, never to the terminal."""
        shown = "\n".join(str(r) for r in renderables)
        self._handle_exception(PanicError(shown))

    def report_crash(self, error: BaseException) -> None:
        """Save the draft as it stands on screen (never a password), write the traceback
        (no locals) to a private log and set ``farewell`` to one line saying so. Only the
        first error is reported; never raises."""
        if self.crashed:
            return
        self.crashed = True
        cause = error.error if isinstance(error, WorkerFailed) else error
        state = self.keep_for_later()
        try:
            step = self.current_draft().step
        except Exception:  # the screens themselves are broken: no step to name
            step = ""
        context = f"step: {step or '-'}\ndraft: {state}\n"
        if isinstance(cause, PanicError):
            context += f"shown:\n{cause.shown}\n"
        try:
            self.crash_log = self.services.write_crash_log(cause, context)
            details = f"Details in {self.crash_log}"
        except Exception as exc:  # not even the temp dir: say so, still one line
            details = f"No log could be written ({type(exc).__name__})."
        what = f"trunkwiz stopped on an unexpected error: {error_line(cause)}."
        self.farewell = f"{what} {self.draft_words(state)} {details}"

    def _nothing_new(self) -> bool:
        """Whether the current draft is still the fresh one "Done" started."""
        draft = self.current_draft()
        return draft.trunk_id is None and not (draft.fields or draft.tenants or draft.options)
