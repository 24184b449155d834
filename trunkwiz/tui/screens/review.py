"""Step 7, Review and submit: the exact plan, apply with progress, then live status."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.content import Content
from textual.timer import Timer
from textual.widgets import Button, ProgressBar, Static

from trunkwiz.domain.labels import label_of
from trunkwiz.domain.text import visible
from trunkwiz.domain.trunk import AcceptRegisterTrunk, RegisterTrunk
from trunkwiz.service.checklist import checklist_for, review_warnings
from trunkwiz.service.errors import PlanError, ServiceError
from trunkwiz.service.outcomes import explain_submit_failure, left_created_trunk
from trunkwiz.service.routes import plan_routes
from trunkwiz.service.validate import finding_step, review_check, step_of
from trunkwiz.tui.flow import STEP_TITLES
from trunkwiz.tui.plain import plain
from trunkwiz.tui.screens.base import StepResult, StepScreen
from trunkwiz.tui.screens.form import show_note
from trunkwiz.tui.screens.review_plan import PlanView
from trunkwiz.tui.widgets.compact import CompactButton
from trunkwiz.tui.widgets.status import StatusPanel

if TYPE_CHECKING:
    from trunkwiz.service.connection import Connection, TrunkModel
    from trunkwiz.service.draft import WizardDraft
    from trunkwiz.service.outcomes import ApplyResult, Plan, Progress
    from trunkwiz.service.services import Services
    from trunkwiz.tui.flow import Flow


def step_title(field: str) -> str:
    """The title of the step that shows ``field`` ("Basic info", "Credentials")."""
    step = step_of(field)
    return STEP_TITLES.get(step, step)


class ReviewScreen(StepScreen):
    """Shows ``Plan.describe()``; Submit applies it and then watches the registration."""

    STEP = "review"
    INTRO = "These are the exact changes. Submit sends them to the PBX."
    HELP = (
        "Review: nothing has been sent yet. Submit creates or updates the trunk and shares\n"
        "it; if a call fails, what was changed is rolled back. Then the status is watched.\n"
        "Ctrl+T tests the carrier from this host first (REGISTER, or OPTIONS for IP trunks)."
    )
    BINDINGS = [Binding("ctrl+t", "probe", "Test carrier")]

    def __init__(self, services: Services, draft: WizardDraft, flow: Flow) -> None:
        super().__init__(services, draft, flow)
        self.plan: Plan | None = None
        """The changes Submit sends; None until the review has planned them."""
        self.trunk: TrunkModel | None = None
        """The trunk the draft describes; None until the review has checked it."""
        self.result: ApplyResult | None = None
        """What the submit did; None until it succeeded."""
        self._stop: asyncio.Event | None = None
        """Set while a submit runs: setting it stops the submit and rolls it back."""
        self._leave_code: int | None = None
        """The exit code to leave with once an interrupted submit is rolled back."""
        self._said = ""
        """What the running submit is doing (the progress line, shown with its time)."""

    def compose_body(self) -> ComposeResult:
        yield Static("", id="review-warnings")
        yield PlanView("Planning…", id="plan")
        yield Static("", id="checklist")

    def on_mount(self) -> None:
        # What Ctrl+T and Submit are doing shows just above the buttons, where the user
        # is looking, however far the plan is scrolled.
        self.mount(
            Static("", id="probe-result"),
            Static("", id="progress-line", classes="info"),
            ProgressBar(id="progress", show_eta=False),
            before="#nav",
        )
        for empty in (
            "#progress",
            "#progress-line",
            "#checklist",
            "#probe-result",
            "#review-warnings",
        ):
            self.query_one(empty).display = False  # shown when there is something to show
        self.query_one("#submit", Button).disabled = True
        self._plan()

    # -- plan --------------------------------------------------------------------------
    @work(exclusive=True, group="plan")
    async def _plan(self) -> None:
        shown = self.query_one("#plan", PlanView)
        conn = self.services.connection
        if conn is None:
            shown.show(["Not connected to the PBX."])
            return
        try:
            # The one check ``trunkwiz apply`` runs too, on the PBX's pools as they are now.
            checked = await review_check(conn, self.draft)
            self.trunk = trunk = checked.trunk
            if not checked.ok or trunk is None:
                lines = [
                    f"  {label_of(f.key)} ({STEP_TITLES.get(finding_step(f), 'Review')} "
                    f"step): {f.message}"
                    for f in checked.findings
                ]
                shown.show(["Cannot submit yet; go Back and fix:", *lines])
                return
            change_password = self.draft.trunk_id is not None and self.draft.password is not None
            plan = await conn.plan(trunk, self.draft.trunk_id, change_password=change_password)
            if checked.routes:
                plan = await plan_routes(conn, plan, checked.routes)
            self.plan = plan
        except (ServiceError, PlanError) as exc:
            shown.show([f"Could not plan the change: {exc}"])
            return
        shown.show(plan.describe())
        self.query_one("#submit", Button).disabled = False
        self.query_one("#submit", Button).focus()
        self._warnings(conn, trunk)
        self._checklist(trunk)

    def _warnings(self, conn: Connection, trunk: TrunkModel) -> None:
        """A trunk shared with no tenant, or a tenant with an empty DID pool."""
        found = review_warnings(trunk, self.draft.level or conn.level)
        show_note(
            self.query_one("#review-warnings", Static),
            "\n".join(f"Warning: {w}" for w in found),
        )

    # -- probe on request ----------------------------------------------------------------
    def action_probe(self) -> None:
        """Ask the carrier from this host before anything is sent to the PBX."""
        if self.trunk is None:
            self.notify("Nothing to test yet: fix the plan first.", severity="warning")
            return
        self._probe_carrier(self.trunk)

    def _ticking(self, show: Callable[[int], None]) -> Timer:
        """Call ``show(seconds)`` now and every ``progress_tick`` until the timer stops:
        a running operation says at once what it does and for how long."""
        clock = self.services.clock
        started = clock()

        def tick() -> None:
            show(int(clock() - started))

        tick()
        return self.set_interval(self.services.timing.progress_tick, tick)

    @work(exclusive=True, group="probe")
    async def _probe_carrier(self, trunk: TrunkModel) -> None:
        shown = self.query_one("#probe-result", Static)
        host = trunk.hostname
        clock, started = self.services.clock, self.services.clock()
        timer = self._ticking(
            lambda s: show_note(shown, f"Testing the carrier {host} from this host… {s} s")
        )
        try:
            test = await self.services.test_carrier(trunk, self.draft.password)
        finally:
            timer.stop()
        if not test.method:
            show_note(shown, test.diagnosis)
            return
        took = int(clock() - started)
        show_note(
            shown,
            Content.assemble(
                (f"Carrier test ({test.method}{test.note}):", "bold"),
                " ",
                plain(test.diagnosis),
                (f"   (took {took} s)", "dim"),
            ),
        )

    # -- apply -------------------------------------------------------------------------
    def go_submit(self) -> None:
        self.attempts += 1
        submit = self.query_one("#submit", Button)
        plan, trunk = self.plan, self.trunk
        if plan is None or trunk is None or submit.disabled:
            return
        submit.disabled = True
        self.query_one("#back", Button).disabled = True
        self.clear_errors()
        self.query_one("#plan", PlanView).show(plan.describe())
        self._apply(plan, trunk)

    @work(exclusive=True, group="apply")
    async def _apply(self, plan: Plan, trunk: TrunkModel) -> None:
        conn = self.services.connection
        assert conn is not None
        bar = self.query_one("#progress", ProgressBar)
        line = self.query_one("#progress-line", Static)
        unchanged = plan.is_empty
        total = len(plan.operations) + len(getattr(plan.routes, "operations", ()))
        bar.display = not unchanged  # nothing to send: no bar stuck at 0 %
        bar.update(total=max(1, total), progress=0)
        self._said = "Checking the PBX…" if unchanged else f"Sending {total} change(s)…"
        clock, started = self.services.clock, self.services.clock()

        def say() -> None:
            show_note(line, f"{self._said}   {int(clock() - started)} s")

        def progress(p: Progress) -> None:
            bar.update(total=max(1, p.total), progress=p.done)
            self._said = ("Rolling back: " if p.stage == "rollback" else "") + p.line
            say()

        say()
        timer = self.set_interval(self.services.timing.progress_tick, say)

        created: list[str] = []

        def record(trunk_id: str) -> None:
            """The PBX created the trunk: an interrupted submit resumes as its edit."""
            created.append(trunk_id)
            self.draft.trunk_id = trunk_id

        self._stop = asyncio.Event()
        try:
            self.result = result = await conn.apply(
                plan,
                password=self.draft.password,
                on_progress=progress,
                on_created=record,
                stop=self._stop,
            )
        except (ServiceError, ValueError) as exc:
            timer.stop()
            if created and not left_created_trunk(exc):
                self.draft.trunk_id = None  # rolled back: it is a new trunk again
            self._stop = None
            self._failed(exc)
            self._leave_if_interrupted()
            return
        timer.stop()
        self._stop = None
        if unchanged:
            done = "Nothing needed changing: the PBX already matches, so nothing was sent."
        else:
            done = f"Done: {len(result.done)} change(s), {result.requests} request(s)."
        show_note(line, done)
        not_kept = await self._keep_password(trunk.name)
        if not_kept:  # a line under the outcome (plain text), not a toast over the form
            line.update(Content(visible(f"{done}\n{not_kept}", multiline=True)))
        discard = getattr(self.app, "discard_draft", None)
        if discard is not None:
            discard()  # submitted: the saved draft is done with
        if result.trunk_id is not None:
            self.draft.submitted(result.trunk_id)  # Back now edits the trunk
        self.refresh_bindings()
        await self._finished(result, plan, trunk)
        self._leave_if_interrupted()

    def _leave_if_interrupted(self) -> None:
        """After a submit that a signal interrupted (rolled back, or already complete):
        leave now; the saved draft says what is left."""
        leave = getattr(self.app, "leave_now", None)
        if self._leave_code is not None and leave is not None:
            self.app.call_later(leave, self._leave_code)

    def interrupt_submit(self, code: int) -> bool:
        """A hang-up, Ctrl+C or SIGTERM during Submit: start no new call, roll back what
        this submit did, then leave with ``code`` (the draft keeps the trunk id when a
        created trunk could not be deleted, so Resume edits it). False when no submit runs.
        """
        if self._stop is None:
            return False
        if self._leave_code is None:
            self._leave_code = code
            self._stop.set()
            self._said = "Interrupted: rolling back what this submit changed, then leaving…"
            show_note(self.query_one("#progress-line", Static), self._said)
        return True

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """After a successful submit there is nothing to submit: Next leaves the footer."""
        return not (action in ("next", "submit") and self.result is not None)

    def _failed(self, exc: Exception) -> None:
        """Say once, on the step's error line, what failed and what was rolled back.

        The progress bar goes (nothing is in progress any more); the plan entry of a
        field the PBX refused is flagged. Submit and Back work again.
        """
        failure = explain_submit_failure(exc)
        message, field = failure.message, failure.field
        self.query_one("#progress", ProgressBar).display = False
        show_note(self.query_one("#progress-line", Static), "")
        if field and self.plan is not None:
            self.query_one("#plan", PlanView).show(self.plan.describe(), marked=field)
        step_error = self.step_error()
        step_error.update(plain(message))
        step_error.add_class("-shown")
        self.query_one("#back", Button).disabled = False
        self.query_one("#submit", Button).disabled = False

    async def _keep_password(self, name: str) -> str:
        """The password of the trunk ``name`` goes to the keyring (thread); returns the
        line saying why it was not kept (not fatal), else ''."""
        password = self.draft.password
        conn = self.services.connection
        if password is None or conn is None:
            return ""

        def keep() -> str:
            return self.services.keep_trunk_password_or_say_why(conn.url, name, password)

        problem: str = await self.run_worker(keep, thread=True, group="keyring").wait()
        return f"The trunk password was not kept: {problem}" if problem else ""

    async def _finished(self, result: ApplyResult, plan: Plan, trunk: TrunkModel) -> None:
        submit = self.query_one("#submit", Button)
        submit.display = False
        done = CompactButton("Done", id="done", variant="success")
        await self.query_one("#nav").mount(done, before=submit)
        self.query_one("#back", Button).disabled = False
        done.focus()
        trunk_id = result.trunk_id
        conn = self.services.connection
        assert conn is not None and trunk_id is not None
        timing = self.services.timing

        async def diagnose_registration() -> str:
            return await self.services.diagnose_registration(trunk, self.draft.password)

        async def gateway_hint() -> str:
            assert isinstance(trunk, AcceptRegisterTrunk)
            return await self._gateway_hint(trunk)

        diagnose: Callable[[], Awaitable[str]] | None = None
        if isinstance(trunk, AcceptRegisterTrunk):
            diagnose = gateway_hint
        elif isinstance(trunk, RegisterTrunk) and trunk.registration:
            diagnose = diagnose_registration
        panel = StatusPanel(
            poll=lambda: conn.status(trunk_id),
            clock=self.services.clock,
            interval=timing.status_interval,
            timeout=timing.status_timeout,
            offline_after=timing.offline_after,
            diagnose=diagnose,
            tick=timing.progress_tick,
            submitted=not plan.is_empty,
            id="status",
        )
        await self.query_one("#body").mount(panel, before=self.query_one("#review-warnings"))
        self.query_one("#body").scroll_home(animate=False)

    async def _gateway_hint(self, trunk: AcceptRegisterTrunk) -> str:
        """Accept Register: the PBX waits for the gateway; say where it must register."""
        conn = self.services.connection
        transport = str(trunk.transport.value)
        try:
            ip, port = await conn.public_route(transport) if conn else ("", None)
        except ServiceError:
            ip, port = "", None
        target = f"sip:{ip}:{port}" if ip and port else "this PBX's SIP address"
        return (
            f"the gateway has not registered yet: configure it to register to {target} "
            f"({transport}) with authentication name {trunk.auth_id} and the password you set."
        )

    @work(exclusive=True, group="checklist")
    async def _checklist(self, trunk: TrunkModel) -> None:
        """The carrier's portal steps and the values to copy, for every kind, shown
        before Submit and kept after it."""
        conn = self.services.connection
        assert conn is not None
        try:
            found = await checklist_for(conn, trunk, tech_prefix=self.draft.tech_prefix)
        except ServiceError as exc:
            show_note(
                self.query_one("#checklist", Static), f"Could not read the PBX's address: {exc}"
            )
            return
        show_note(self.query_one("#checklist", Static), "\n".join(found.lines()))

    @on(Button.Pressed, "#done")
    def _done(self, event: Button.Pressed) -> None:
        event.stop()
        self.leave(StepResult("finish"))

    def go_next(self) -> None:
        """On the last step Next means Submit."""
        self.go_submit()
