"""An explorer over the real wizard (a Pilot at 80x24 against the sandbox PBX).

It presses every kind of key a user presses, on whatever is focused, on every step: text
bursts, Backspace, Ctrl+U, Tab/Shift+Tab, Enter and Space, Escape, Ctrl+N/Ctrl+R, ``?``
and F1; it also fills a step's required fields (to get further), filters the tenant list
with text that matches nothing, picks tenants and adds and removes rule forms. Keys go
in one by one (each handled before the next) or as one driver read (every ``Key`` event
posted before any is handled). After every action it checks that the app still runs,
that the focused widget (its cursor line, or a list's highlighted row) is on screen, and
at random points that save → restart → resume shows every value that was on screen.

A run is reproducible from its seed: ``Explorer(seed).run(...)`` draws every choice from
``random.Random(seed)``; a failure names the seed and the actions so far.
"""

from __future__ import annotations

import random
import string
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from pydantic import SecretStr
from textual import events
from textual.pilot import Pilot
from textual.widget import Widget
from textual.widgets import Checkbox, Input, OptionList, Select

from tests.support.pilot import settle, wait_for
from trunkwiz.sandbox.server import DEFAULT_ADMIN_PASSWORD, SandboxServer
from trunkwiz.service.draft import WizardDraft
from trunkwiz.store.drafts import DraftStore
from trunkwiz.tui.app import TrunkWizApp
from trunkwiz.tui.screens.base import StepScreen

SIZE = (80, 24)
SINGLE_KEYS = [
    "backspace", "ctrl+u", "tab", "tab", "tab", "shift+tab", "enter", "enter", "space",
    "escape", "ctrl+n", "ctrl+n", "ctrl+r", "question_mark", "f1", "down", "up",
]  # fmt: skip
TEXT = string.ascii_lowercase + string.digits + "-;.:?* "
CHARACTERS = {"space": " ", "question_mark": "?"}
ACTIONS = {
    "key": 30,
    "text": 20,
    "burst": 12,
    "fill": 10,
    "next": 8,
    "nomatch": 4,
    "pick": 4,
    "add_rule": 5,
    "remove_rule": 3,
    "resume": 3,
}
STEP_WEIGHTS = {
    # more of what a step is for, so a run gets tenants picked and rules written
    "tenants": {"pick": 14, "nomatch": 6, "fill": 14},
    "routes": {"add_rule": 16, "remove_rule": 5, "fill": 6},
    # a dialog (Help, Abandon?) is mostly closed again, sometimes answered
    "HelpScreen": {"dismiss": 40},
    "ConfirmScreen": {"dismiss": 40},
    "connect": {"fill": 25, "next": 25},
}


def key_event(key: str) -> events.Key:
    """The ``Key`` event the terminal driver makes for ``key``."""
    if len(key) == 1:
        return events.Key(CHARACTERS.get(key, key) if key != " " else "space", key)
    return events.Key(key, CHARACTERS.get(key))


def char_key(char: str) -> str:
    return {" ": "space", "?": "question_mark"}.get(char, char)


class ExploreFailure(AssertionError):
    pass


class Explorer:
    """One exploration: a sequence of sessions (app instances) drawn from ``seed``."""

    def __init__(self, seed: int, sandbox: SandboxServer, make_services: Callable[..., Any]):
        self.seed = seed
        self.rng = random.Random(seed)
        self.sandbox = sandbox
        self.make_services = make_services
        self.log: list[str] = []
        self.actions = 0
        self.sessions = 0
        self.resumes = 0
        self.steps_seen: set[str] = set()
        self.last_screen = ""
        self.counts: dict[str, int] = {}
        """How often each action ran where it applies (``add_rule``, ``pick``...)."""
        self.config = Path(tempfile.mkdtemp(prefix="trunkwiz-explore-"))

    # -- reporting -------------------------------------------------------------------
    def fail(self, message: str) -> ExploreFailure:
        tail = "; ".join(self.log[-25:])
        return ExploreFailure(f"explorer seed {self.seed}: {message}\n  last actions: {tail}")

    # -- sessions ------------------------------------------------------------------------
    async def services(self) -> Any:
        services = self.make_services(self.sandbox.url, self.config)
        await services.connect(self.sandbox.url, "admin", SecretStr(DEFAULT_ADMIN_PASSWORD))
        return services

    async def run(self, spent: Callable[[int], bool], sessions: int | None = None) -> None:
        """Sessions until ``spent(actions)`` (or ``sessions`` of them, a resumed one
        finished too); each ends when the app leaves (Abandon, Done) or after a number
        of actions."""
        draft: WizardDraft | None = None
        while not spent(self.actions):
            if sessions is not None and self.sessions >= sessions and draft is None:
                return
            draft = await self.session(draft, spent)

    async def session(
        self, draft: WizardDraft | None, spent: Callable[[int], bool]
    ) -> WizardDraft | None:
        """One app instance; returns a draft to resume in the next one (or None)."""
        self.sessions += 1
        services = await self.services()
        if draft is None:
            draft = self.new_draft()
        start = draft.step
        app = TrunkWizApp(services, start=start, draft=draft)
        expected: dict[str, Any] | None = getattr(self, "_expected", None)
        self._expected = None
        resume: WizardDraft | None = None
        try:
            async with app.run_test(size=SIZE) as pilot:
                await settle(pilot)
                self.log.append(f"start@{start}")
                if expected is not None:
                    await self.check_resumed(pilot, expected)
                for _ in range(self.rng.randint(40, 160)):
                    if spent(self.actions) or not app.is_running:
                        break
                    weights = {**ACTIONS, **STEP_WEIGHTS.get(self.step(app), {})}
                    action = self.rng.choices(list(weights), weights=list(weights.values()))[0]
                    if action == "resume" and isinstance(app.screen, StepScreen):
                        resume = await self.save_for_resume(pilot)
                        if resume is not None:
                            break
                        continue
                    await self.act(pilot, action)
                    self.actions += 1
                    await self.check(pilot)
        except ExploreFailure:
            raise
        except Exception as exc:
            raise self.fail(f"the app failed: {type(exc).__name__}: {exc}") from exc
        finally:
            await services.shutdown()
        if getattr(app, "_exception", None) is not None:
            raise self.fail(f"the app raised {app._exception!r}")
        # Abandon, chosen in its dialog, ends the app; it exits 1 today (to become 0).
        chosen = self.last_screen == "ConfirmScreen" and app.return_code in (0, 1)
        if app.return_code not in (None, 0) and not chosen:
            raise self.fail(f"the app exited with {app.return_code}")
        return resume

    def new_draft(self) -> WizardDraft:
        """A new trunk from the Kind step, or (as a resumed draft would) one whose first
        steps are done, at the Tenants or Routes step with one to three tenants."""
        from trunkwiz.service.draft import TenantPick

        draft = WizardDraft(url=self.sandbox.url, user="admin", level="system", step="kind")
        start = self.rng.choice(["kind", "kind", "tenants", "routes"])
        if start == "kind":
            return draft
        n = self.sessions
        draft.kind = "ip"
        draft.step = start
        brand = self.rng.choice(["Generic", "Flowroute", "Twilio"])
        draft.fields.update(
            {"name": f"explore-{self.seed % 10000}-{n}", "hostname": f"x{n}.explore.test",
             "brand": brand}
        )  # fmt: skip
        if start == "routes":
            tenants = sorted(self.sandbox.state.tenants.values(), key=lambda t: str(t["id"]))
            picked = self.rng.sample(tenants, self.rng.randint(1, 3))
            draft.tenants = [
                TenantPick(
                    str(t["id"]),
                    str(t["name"]),
                    f"1646{n % 100:02d}{i}0000-1646{n % 100:02d}{i}0099",
                )
                for i, t in enumerate(picked)
            ]
        return draft

    # -- actions -------------------------------------------------------------------------
    @staticmethod
    def step(app: Any) -> str:
        return str(getattr(app.screen, "STEP", type(app.screen).__name__))

    async def act(self, pilot: Pilot[Any], action: str) -> None:
        app = pilot.app
        step = str(getattr(app.screen, "STEP", type(app.screen).__name__))
        self.last_screen = type(app.screen).__name__
        self.steps_seen.add(step)
        rng = self.rng
        self.counts[f"{action}@{step}"] = self.counts.get(f"{action}@{step}", 0) + 1
        if action == "key":
            key = rng.choice(SINGLE_KEYS)
            self.log.append(f"{key}@{step}")
            await self.keys(pilot, [key], burst=False)
        elif action in ("text", "burst"):
            text = "".join(rng.choice(TEXT) for _ in range(rng.randint(1, 8)))
            keys = [char_key(c) for c in text]
            if action == "burst" and rng.random() < 0.5:
                keys += rng.choice([["backspace"], ["ctrl+u"], ["tab"], ["backspace"] * 3])
            self.log.append(f"{action}:{keys!r}@{step}")
            await self.keys(pilot, keys, burst=action == "burst")
        elif action == "dismiss":
            self.log.append(f"escape@{step}")
            await self.keys(pilot, ["escape"], burst=False)
        elif action == "fill":
            self.log.append(f"fill@{step}")
            await self.fill(pilot)
        elif action == "next":
            self.log.append(f"ctrl+n@{step}")
            await self.keys(pilot, ["ctrl+n"], burst=False)
        elif action == "nomatch" and step == "tenants":
            search = app.screen.query("#tenant-search")
            if search and search.first() in app.screen.focus_chain:
                search.first().focus()
                await settle(pilot)
                keys = ["ctrl+u", *rng.choice(["zzz", "qqqqq", "xyzzy-no"])]
                keys += rng.choice([[], ["backspace"], ["ctrl+u"], ["backspace"] * 8])
                self.log.append(f"nomatch:{keys!r}")
                await self.keys(pilot, keys, burst=rng.random() < 0.5)
        elif action == "pick" and step == "tenants":
            listing = app.screen.query("#tenant-list")
            if listing and listing.first() in app.screen.focus_chain:
                listing.first().focus()
                await settle(pilot)
                keys = ["down"] * rng.randint(0, 3) + ["space"]
                self.log.append(f"pick:{keys!r}")
                await self.keys(pilot, keys, burst=rng.random() < 0.5)
        elif action == "add_rule" and step == "routes":
            reachable = set(app.screen.focus_chain)  # what Tab can reach: not in a hidden part
            buttons = [b for b in app.screen.query(".tenant-routes CompactButton")
                       if (b.id or "").startswith("routes-") and b in reachable]  # fmt: skip
            if buttons:
                button = rng.choice(buttons)
                button.focus()
                await settle(pilot)
                self.log.append(f"add:{button.id}")
                await self.keys(pilot, [rng.choice(["enter", "space"])], burst=False)
        elif action == "remove_rule" and step == "routes":
            reachable = set(app.screen.focus_chain)
            buttons = [b for b in app.screen.query(".rule-form CompactButton") if b in reachable]
            if buttons:
                button = rng.choice(buttons)
                button.focus()
                await settle(pilot)
                self.log.append(f"remove:{button.id}")
                await self.keys(pilot, [rng.choice(["enter", "space"])], burst=False)

    async def keys(self, pilot: Pilot[Any], keys: list[str], *, burst: bool) -> None:
        app = pilot.app
        if not burst:
            for key in keys:
                if not app.is_running:
                    return
                await pilot.press(key)
            await self.quiet(pilot)
            return
        for key in keys:
            event = key_event(key)
            event.set_sender(app)
            app.post_message(event)
        await self.quiet(pilot)

    async def quiet(self, pilot: Pilot[Any]) -> None:
        """Wait until every key posted so far is handled and applied."""
        app = pilot.app
        if not app.is_running:
            return
        taken: list[bool] = []
        app.call_later(taken.append, True)
        key_order = getattr(app, "key_order", None)
        try:
            await wait_for(
                pilot,
                lambda: (
                    not app.is_running
                    or (
                        bool(taken)
                        and (key_order is None or (key_order.open and not key_order.held))
                    )
                ),
            )
        except AssertionError:
            state = (
                f"open={key_order.open}, held={len(key_order.held)}, waits={key_order.waits}"
                if key_order is not None
                else "no key order"
            )
            raise self.fail(
                f"the keys were not all applied within 20 s (taken={bool(taken)}, {state}, "
                f"screen {type(app.screen).__name__}, focus {app.focused!r})"
            ) from None

    async def fill(self, pilot: Pilot[Any]) -> None:
        """Valid values in the step's empty required fields (to get further)."""
        n = self.sessions
        wanted = {
            "name": f"explore-{self.seed}-{n}",
            "hostname": f"explore{n}.example.net",
            "auth_id": f"explore-{n}",
            "password": "explore-pw-1",
            "pbx_password": DEFAULT_ADMIN_PASSWORD,
        }
        for field, value in wanted.items():
            found = pilot.app.screen.query(f"#{field}")
            if found and isinstance(found.first(), Input) and not found.first(Input).value:
                found.first(Input).value = value
        # a DID pool per picked tenant (this session's host holds no other pool)
        for row, pool in enumerate(pilot.app.screen.query("DidPoolInput").results(Input)):
            if not pool.value:
                pool.value = f"1555{n % 100:02d}{row % 10}0000-1555{n % 100:02d}{row % 10}0099"
        await settle(pilot)

    # -- checks --------------------------------------------------------------------------
    #: Screen refreshes the check waits, at most, for the focused widget to come into view:
    #: a step brings it there after the refresh that lays it out (a form just added or
    #: removed moves it), and the scroll that does so is drawn by a later one.
    REFRESHES = 6

    async def refreshed(self, pilot: Pilot[Any]) -> None:
        """Wait for the screen's next refresh (a condition, not a time)."""
        app = pilot.app
        if not app.is_running:
            return
        done: list[bool] = []
        app.screen.call_after_refresh(done.append, True)
        app.screen.refresh()
        await wait_for(pilot, lambda: bool(done) or not app.is_running)
        await pilot.pause()

    async def check(self, pilot: Pilot[Any]) -> None:
        """No exception; the focused widget in view once the screen has settled (at most
        ``REFRESHES`` refreshes after the action: a widget that stays hidden fails)."""
        app = pilot.app
        problem: str | None = None
        for _ in range(self.REFRESHES):
            await self.refreshed(pilot)
            exception = getattr(app, "_exception", None)
            if exception is not None:
                raise self.fail(f"the app raised {type(exception).__name__}: {exception}")
            if not app.is_running:
                return
            focused = app.focused
            if focused is None or not isinstance(app.screen, StepScreen):
                return
            problem = self.view_problem(app, focused)
            if problem is None:
                return
        assert problem is not None
        raise self.fail(problem)

    def view_problem(self, app: Any, focused: Widget) -> str | None:
        """Why the focused widget's cursor line (or highlighted row) is not inside the
        screen and every scrolling container around it; None when it is."""
        region = focused.region
        if isinstance(focused, OptionList) and focused.highlighted is not None:
            focused._update_lines()
            line = focused._index_to_line.get(focused.highlighted)
            if line is not None:
                y = region.y + focused.styles.gutter.top + line - round(focused.scroll_y)
                region = region.intersection(region.__class__(region.x, y, region.width, 1))
        elif isinstance(focused, Input):
            region = region.__class__(region.x, region.y + region.height // 2, region.width, 1)
        where = f"{type(focused).__name__}#{focused.id} at {tuple(region)}"
        if region.area == 0:
            return f"the focused {where} is not on screen"
        if not app.screen.region.contains_region(region):
            return f"the focused {where} is off the screen"
        for ancestor in focused.ancestors_with_self:
            if not isinstance(ancestor, Widget) or ancestor is app.screen:
                break
            if ancestor.styles.overlay == "screen":
                break  # drawn over the screen (a Select's list): only the screen clips it
            scrolls = ancestor is not focused and ancestor.is_scrollable
            if scrolls and not ancestor.scrollable_content_region.contains_region(region):
                return (
                    f"the focused {where} is outside {type(ancestor).__name__}"
                    f"#{ancestor.id} at {tuple(ancestor.scrollable_content_region)}"
                )
        return None

    # -- save, restart, resume -----------------------------------------------------------
    def on_screen(self, screen: Any) -> dict[str, Any]:
        """Every value shown on the step (passwords and the tenant filter aside), keyed by
        what it means rather than by widget id (rule forms get new ids on restart)."""
        values: dict[str, Any] = {}
        for widget in screen.query("Input, Checkbox, Select").results(Widget):
            key = self.key_of(widget)
            if key is None:
                continue
            if isinstance(widget, Input):
                if widget.password or widget.id == "tenant-search":
                    continue
                values[key] = widget.value.strip()
            elif isinstance(widget, (Checkbox, Select)):
                values[key] = widget.value
        return values

    @staticmethod
    def key_of(widget: Widget) -> str | None:
        from trunkwiz.tui.widgets.rules import RuleForm, TenantSection

        if not widget.id:
            return None
        form = next((a for a in widget.ancestors if isinstance(a, RuleForm)), None)
        if form is None:
            return widget.id
        section = next(a for a in form.ancestors if isinstance(a, TenantSection))
        index = section.forms(form.kind).index(form)
        return f"{section.id}/{form.kind}/{index}/{widget.id.removeprefix(form.uid + '-')}"

    async def save_for_resume(self, pilot: Pilot[Any]) -> WizardDraft | None:
        app = pilot.app
        assert isinstance(app, TrunkWizApp)
        screen = app.screen
        if getattr(screen, "STEP", "") in ("connect", "review") or not screen.is_mounted:
            return None
        if getattr(screen, "ready", True) is False:
            return None
        shown = self.on_screen(screen)
        if not app.save_now():
            return None
        saved = DraftStore(self.config).load()
        if saved is None:
            raise self.fail("save_now said it saved, but no draft is stored")
        self.resumes += 1
        self.log.append(f"resume@{screen.STEP}")
        self._expected = {"step": screen.STEP, "values": shown}
        return WizardDraft.from_dict(saved)

    async def check_resumed(self, pilot: Pilot[Any], expected: dict[str, Any]) -> None:
        app = pilot.app
        step = str(getattr(app.screen, "STEP", ""))
        if step != expected["step"]:
            raise self.fail(f"resumed on {step}, saved on {expected['step']}")
        await wait_for(pilot, lambda: getattr(app.screen, "ready", True) is not False)
        now = self.on_screen(app.screen)
        lost = {
            key: (value, now.get(key, "<gone>"))
            for key, value in expected["values"].items()
            if now.get(key, "<gone>") != value
        }
        if lost:
            raise self.fail(f"resume on {step} shows other values (saved, shown): {lost}")
