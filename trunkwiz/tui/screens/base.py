"""The frame every step shares: step indicator, title, scrolling body, errors, Back/Next,
and how a step ends (``leave``). The form's rows and lines are in ``screens.form``; the
focused widget is kept in view by ``screens.in_view``."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar, Literal, TypeVar

from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.content import Content
from textual.message import Message
from textual.widget import Widget
from textual.widgets import Button, Checkbox, Input, Select, Static
from textual.worker import NoActiveWorker, Worker, WorkType, get_current_worker

from trunkwiz.domain.text import visible
from trunkwiz.service.draft import STEP_FIELDS
from trunkwiz.tui.flow import STEP_TITLES, Flow
from trunkwiz.tui.plain import plain
from trunkwiz.tui.screens.form import FieldError, set_line
from trunkwiz.tui.screens.in_view import InViewScreen
from trunkwiz.tui.widgets.compact import CompactButton
from trunkwiz.tui.widgets.keyhints import KeyHints
from trunkwiz.tui.widgets.steps import StepIndicator

if TYPE_CHECKING:
    from trunkwiz.service.draft import StepValues, WizardDraft
    from trunkwiz.service.services import Services
    from trunkwiz.tui.widgets.didpool import DidPoolInput

_R = TypeVar("_R")

INSECURE_MARK = "TLS NOT VERIFIED (--insecure)"
"""Shown before every step's title while certificate checks are off."""


@dataclass(frozen=True)
class StepResult:
    """What a step hands back to the App: where to go and the slice it filled."""

    action: Literal["next", "back", "finish", "stay"]
    """``stay`` shows the same step again (with the values applied)."""
    values: StepValues = field(default_factory=dict)


class StepScreen(InViewScreen[StepResult]):
    """Base class of the step screens. Subclasses fill ``compose_body`` and ``collect``.

    Navigation has one path. Ctrl+N, Ctrl+R, Enter or Space on a focused Back/Next/Submit
    button and a click all run ``action_next``/``action_back``/``action_submit``, which do
    nothing once the step is leaving; subclasses override ``go_next``/``go_back``/
    ``go_submit``. A step ends only through ``leave``, once: it stops the step's workers
    and timers, and from then on the step ignores the messages still queued for it (its
    widgets are being removed), so a key typed ahead or a late answer from the PBX never
    runs a second navigation or touches a widget that is gone.
    """

    STEP: ClassVar[str] = ""
    INTRO: ClassVar[str] = ""
    HELP: ClassVar[str] = ""
    BINDINGS = [
        Binding("ctrl+n", "next", "Next"),
        Binding("ctrl+r", "back", "Back"),
    ]

    def __init__(self, services: Services, draft: WizardDraft, flow: Flow) -> None:
        super().__init__(classes=f"step step-{self.STEP}")
        self.services = services
        self.draft = draft
        self.flow = flow
        self.styled_ahead = False
        """Set by the App when it mounted this screen before showing it (styles are fresh)."""
        self.attempts = 0
        """How many times Next (or Submit) has run on this step: a caller that pressed it
        can wait for this to change instead of guessing when the key was handled."""
        self.leaving = False
        """Set by ``leave``: the step has ended; every later action and message is ignored."""
        self._marked_fields: set[str] = set()
        """Widget ids whose error line ``show_errors`` filled (re-checked as they change)."""

    # -- shown -------------------------------------------------------------------------
    def _on_screen_resume(self, event: events.ScreenResume) -> None:
        """Shown: a screen styled just before it was shown is not restyled (runs before
        Textual's own handler, which restyles the whole screen on every resume)."""
        if self.styled_ahead:
            self.styled_ahead = False
            event.refresh_styles = False

    # -- layout -----------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        yield StepIndicator(self.flow, self.STEP, id="steps")
        title, intro = STEP_TITLES[self.STEP], self.intro()
        line = Content.assemble((title, "bold"), f"  {intro}" if intro else "")
        conn = self.services.connection
        if self.services.defaults.insecure and not getattr(conn, "pinned_sha256", None):
            line = Content.assemble((INSECURE_MARK, "bold reverse $error"), " ", line)
        yield Static(line, id="intro")
        with VerticalScroll(id="body"):
            yield from self.compose_body()
        with Horizontal(id="nav"):
            yield CompactButton("Back", id="back", disabled=self.flow.prev(self.STEP) is None)
            if self.flow.is_last(self.STEP):
                yield CompactButton("Submit", id="submit", variant="primary")
            else:
                yield CompactButton("Next", id="next", variant="primary")
        yield KeyHints(id="keys")
        self.call_later(self._watch_layout)

    def intro(self) -> str:
        """The line under the step indicator (``INTRO``; override to vary it)."""
        return self.INTRO

    def compose_body(self) -> ComposeResult:
        """The step's own widgets (override)."""
        return iter(())

    # -- the slice --------------------------------------------------------------------
    def collect(self) -> StepValues:
        """The values this step fills, keyed by API field name (override)."""
        return {}

    def field_values(self, names: Iterable[str] = ()) -> StepValues:
        """The values of this step's fields (``STEP_FIELDS[STEP]`` unless ``names`` given)
        that have a widget of that id here: a Select's value, a checkbox's state, an
        integer field's number (its text while it is no number), else the stripped text."""
        values: StepValues = {}
        for name in names or STEP_FIELDS.get(self.STEP, ()):
            found = self.query(f"#{name}")
            if not found:
                continue
            widget = found.first()
            if isinstance(widget, Select):
                values[name] = str(widget.value)
            elif isinstance(widget, Checkbox):
                values[name] = widget.value
            elif isinstance(widget, Input):
                raw = widget.value.strip()
                values[name] = int(raw) if widget.type == "integer" and raw.isdigit() else raw
        return values

    def check(self, values: StepValues) -> dict[str, str]:
        """Errors for this step's fields (``{field: message}``); the domain model decides."""
        from trunkwiz.service.validate import validate_step  # lazy: off the first frame

        return validate_step(self.draft.merged(values), self.STEP)

    # -- navigation -------------------------------------------------------------------
    @on(Button.Pressed, "#back, #next, #submit")
    async def _nav_pressed(self, event: Button.Pressed) -> None:
        """A navigation button (Enter, Space or a click): the same action as its key."""
        event.stop()
        await self.run_action(event.button.id or "")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        """Enter in a field moves on to the next field, as in a paper form."""
        event.stop()
        self.focus_next()

    def action_back(self) -> None:
        """Ctrl+R or Back (ignored once the step is leaving)."""
        if not self.leaving:
            self.go_back()

    def action_next(self) -> None:
        """Ctrl+N or Next (ignored once the step is leaving)."""
        if not self.leaving:
            self.go_next()

    def action_submit(self) -> None:
        """Submit on the last step (ignored once the step is leaving)."""
        if not self.leaving:
            self.go_submit()

    def go_back(self) -> None:
        """Go to the previous step, keeping what was typed here (unchecked)."""
        if self.flow.prev(self.STEP) is None:
            return
        self.leave(StepResult("back", self.collect()))

    def go_next(self) -> None:
        """Check this step's slice; go on if it is valid, show the errors otherwise."""
        self.attempts += 1
        nav = self.query("#next")
        if nav and nav.first(Button).disabled:
            self.notify("Fix the marked fields first.", severity="warning")
            return
        values = self.collect()
        errors = self.check(values)
        if errors:
            self.show_errors(errors)
            return
        self.leave(StepResult("next", values))

    def go_submit(self) -> None:
        """The last step overrides this."""

    def leave(self, result: StepResult) -> bool:
        """End this step with ``result`` (the only way a step ends): once, whatever asked
        (a key, a button, a worker). Returns False when the step was already leaving."""
        if self.leaving or not self.is_attached or self not in self.app.screen_stack:
            return False
        self.leaving = True
        self._stop_work()
        while self.app.screen is not self:
            self.app.pop_screen()  # a dialog over the step (Help) goes with it
        self.dismiss(result)
        return True

    def _stop_work(self) -> None:
        """Stop this step's timers and workers (not the worker now calling ``leave``)."""
        try:
            current: Worker[object] | None = get_current_worker()
        except NoActiveWorker:
            current = None
        for worker in list(self.app.workers):
            if worker.node is self and worker is not current:
                worker.cancel()
        for timer in list(getattr(self, "_timers", ())):
            timer.stop()

    # Any: the rest of Textual's run_worker arguments, passed on as they are
    def run_worker(self, work: WorkType[_R], *args: Any, **kwargs: Any) -> Worker[_R]:
        """Start a worker; on a step that is leaving it is cancelled at once."""
        worker: Worker[_R] = super().run_worker(work, *args, **kwargs)
        if self.leaving:
            worker.cancel()
        return worker

    async def _on_message(self, message: Message) -> None:
        """Once leaving, the widgets' messages still queued (a change, a press, a worker's
        state) are dropped; Textual's own messages (layout, pruning) still run."""
        if (
            self.leaving
            and not isinstance(message, events.Event)
            and type(message).__module__ != "textual.messages"
        ):
            return
        await super()._on_message(message)

    # -- lines made when first used ------------------------------------------------------
    def step_error(self) -> Static:
        """The step's error line above the buttons (created when first needed)."""
        return self._line_made_once("step-error", lambda line: self.mount(line, before="#nav"))

    def nav_status(self) -> Static:
        """The status text beside the buttons (created when first needed)."""
        return self._line_made_once("nav-status", lambda line: self.query_one("#nav").mount(line))

    def _line_made_once(self, line_id: str, place: Callable[[Static], object]) -> Static:
        found = self.query(f"#{line_id}")
        if found:
            return found.first(Static)
        line = Static("", id=line_id)
        place(line)
        return line

    # -- errors -----------------------------------------------------------------------
    def on_did_pool_input_checked(self, event: DidPoolInput.Checked) -> None:
        """A DID pool was checked: its message goes on the pool's error line."""
        lines = self.query(f"#{event.pool_input.id}-error")
        if lines:
            set_line(lines.first(Static), event.pool_input.describe())

    def error_target(self, key: str) -> str | None:
        """The widget id whose error line shows the error for ``key`` (override for lists)."""
        return key

    def error_line(self, target: str) -> Static | None:
        """The error line of widget ``target``, created under its row if it is not there
        yet; None when there is no such widget."""
        found = self.query(f"#{target}-error")
        if found:
            return found.first(Static)
        for anchor in (f"#{target}-hint", f"#row-{target}", f"#{target}"):
            place = self.query(anchor)
            if place:
                line = FieldError("", classes="field-error", id=f"{target}-error")
                widget = place.first()
                if isinstance(widget.parent, Widget):
                    widget.parent.mount(line, after=widget)
                    return line
        return None

    def show_errors(self, errors: dict[str, str]) -> None:
        """Put each message under its field; the rest on the step's error line."""
        self.clear_errors()
        leftovers: list[str] = []
        first: Widget | None = None
        for key, message in errors.items():
            target = self.error_target(key)
            line = self.error_line(target) if target else None
            if line is not None:
                set_line(line, message)
                self._marked_fields.add(target or "")
                widget = self.query(f"#{target}")
                if first is None and widget:
                    first = widget.first()
            else:
                leftovers.append(f"{key}: {message}" if key else message)
        if leftovers:
            step_error = self.step_error()
            step_error.update(plain("\n".join(leftovers)))
            step_error.add_class("-shown")
        if first is not None and first.focusable:
            first.focus()
        if leftovers and first is None:
            self.notify(visible(leftovers[0], multiline=True), severity="error", markup=False)

    @on(Input.Changed)
    def _recheck_marked(self, event: Input.Changed) -> None:
        """A field whose error Next showed is checked again as it is typed into: its error
        goes as soon as the field is valid (the others stay until the next Next)."""
        target = event.input.id or ""
        if target not in self._marked_fields:
            return
        targets = {self.error_target(key) for key in self.check(self.collect())}
        if target not in targets:
            self._marked_fields.discard(target)
            for line in self.query(f"#{target}-error").results(Static):
                set_line(line, "")

    def clear_errors(self) -> None:
        """Hide every error line."""
        self._marked_fields.clear()
        for line in self.query(".field-error.-shown").results(Static):
            set_line(line, "")
        for step_error in self.query("#step-error").results(Static):
            step_error.update("")
            step_error.remove_class("-shown")
