"""Step 7, Routes: the outbound and inbound rules that use the trunk, per tenant.

A System Admin gets one section per tenant the trunk is shared with, a Tenant Admin one
section for its own tenant. Each rule is one compact form with a Remove button; the
caller ID and the DID (or DID range) are checked on each keystroke against that tenant's
DID pool for this trunk (the pure checks of :mod:`trunkwiz.domain.routes`). In a quick
edit the rules that already use the trunk are read from the PBX and shown; only a tenant
whose rules changed goes into the draft, so an unchanged edit plans nothing.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Checkbox, Input, Static

from trunkwiz.domain.routes import TenantRoutes, flowroute_prepend, outbound_prefill, route_issues
from trunkwiz.service.errors import ServiceError
from trunkwiz.service.routes import trunk_routes
from trunkwiz.tui.screens.base import StepScreen
from trunkwiz.tui.screens.form import set_line, show_note
from trunkwiz.tui.widgets.compact import CompactCheckbox, TextField
from trunkwiz.tui.widgets.rules import RuleForm, TenantSection, rule_data

if TYPE_CHECKING:
    from trunkwiz.service.draft import StepValues, WizardDraft
    from trunkwiz.service.services import Services
    from trunkwiz.tui.flow import Flow
    from trunkwiz.tui.widgets.rules import RuleData

    pass


class RoutesScreen(StepScreen):
    """Outbound and inbound rules for the trunk, per tenant; or skip for now."""

    STEP = "routes"
    INTRO = "Rules that carry calls through this trunk (or skip for now)."
    HELP = (
        "Routes: an outbound rule sends dialled numbers (by prefix and/or length) out through\n"
        "this trunk; an inbound rule sends one DID or DID range to an extension, ring group or\n"
        "queue (1001), an extension range of the same size (1100-1199), voicemail:1001 or\n"
        "hangup. Caller IDs and DIDs must come from the tenant's DID pool for this trunk."
    )
    DEFAULT_CSS = """
    RoutesScreen .rule-form { height: auto; border-left: tall $panel; margin-bottom: 1; }
    RoutesScreen #routes-sections { height: auto; }
    RoutesScreen .rule-list { height: auto; }
    RoutesScreen .tenant-routes { height: auto; margin-bottom: 1; }
    RoutesScreen .rule-buttons { height: auto; }
    RoutesScreen .info { height: auto; }
    RoutesScreen #routes-note { height: auto; }
    """

    def __init__(self, services: Services, draft: WizardDraft, flow: Flow) -> None:
        super().__init__(services, draft, flow)
        self.ready = False
        """Set once the rules the PBX holds are read (an edit) and the forms are filled."""

    @property
    def brand(self) -> str:
        return str(self.draft.fields.get("brand") or "")

    def is_flowroute(self) -> bool:
        return self.brand.strip().casefold() == "flowroute"

    def compose_body(self) -> ComposeResult:
        yield CompactCheckbox(
            "Skip: I'll route calls later", self.draft.routes_skipped, id="routes-skip"
        )
        yield Static("", id="routes-note", classes="info")
        with Vertical(id="routes-sections"):
            if self.is_flowroute():
                with Horizontal(classes="row", id="row-tech_prefix"):
                    yield Static("Flowroute tech prefix", classes="label")
                    yield TextField(self.draft.tech_prefix, id="tech_prefix", placeholder="digits")
                yield Static(
                    "From the Flowroute portal › IP Authentication; goes into Prepend with *",
                    classes="hint",
                )
                yield Static("", classes="field-error", id="tech_prefix-error")
            for number, (key, label, pool) in enumerate(self.tenant_keys()):
                yield TenantSection(key, label, pool, number)

    def tenant_keys(self) -> list[tuple[str, str, str]]:
        """``(key, label, pool text)`` per section: the shared tenants, or the own tenant."""
        if self.draft.level == "tenant":
            return [("", "Your tenant", str(self.draft.fields.get("did_numbers") or ""))]
        return [(t.tenant_id, t.tenant_name, t.did_numbers) for t in self.draft.tenants]

    async def on_mount(self) -> None:
        self.query_one("#routes-sections").display = not self.draft.routes_skipped
        self.query_one("#routes-skip").focus()
        if not self.sections():
            show_note(
                self.query_one("#routes-note", Static),
                "The trunk is shared with no tenant: rules belong to a tenant, so there is "
                "nothing to route here. Go Back to share it, or go on.",
            )
        self._load()

    def sections(self) -> list[TenantSection]:
        return list(self.query(TenantSection))

    @work(exclusive=True, group="load")
    async def _load(self) -> None:
        note = self.query_one("#routes-note", Static)
        loaded: dict[str | None, TenantRoutes] = {}
        conn = self.services.connection
        if self.draft.trunk_id is not None and conn is not None and self.sections():
            show_note(note, "Reading the rules that use this trunk…")
            try:
                loaded = (await trunk_routes(conn, self.draft.trunk_id)).routes
            except ServiceError as exc:
                show_note(note, f"Could not read the rules that use this trunk: {exc}")
                return
            show_note(note, "")
        for section in self.sections():
            held = loaded.get(section.key or None)
            section.loaded = held
            chosen = self.draft.routes.get(section.key)
            for kind in ("outbound", "inbound"):
                if chosen is not None and kind in chosen:
                    rules = list(chosen[kind])
                else:
                    rules = [rule_data(r) for r in getattr(held, kind, None) or ()]
                for data in rules:
                    await section.add(kind, data)
        self.ready = True
        self._recheck_all()

    # -- adding and removing --------------------------------------------------------------
    async def on_button_pressed(self, event: Button.Pressed) -> None:
        bid = event.button.id or ""
        if bid.endswith("-remove"):
            event.stop()
            form = self.query_one(f"#{bid.removesuffix('-remove')}", RuleForm)
            section = next(s for s in self.sections() if form in s.forms())
            await form.remove()
            section.query_one(f"#routes-{section.number}-add-{form.kind}").focus()
            self._recheck_all()
            return
        for section in self.sections():
            for kind in ("outbound", "inbound"):
                if bid == f"routes-{section.number}-add-{kind}":
                    event.stop()
                    if not self.ready:
                        return
                    form = await section.add(kind, self._new_rule(section, kind))
                    self._ask_carrier(form)
                    form.query_one(TextField).focus()
                    self._recheck_all()
                    return

    def _new_rule(self, section: TenantSection, kind: str) -> RuleData:
        """A new rule with a name and what the brand's guide documents."""
        base = str(self.draft.fields.get("name") or "Trunk")[:56]
        count = len(section.forms(kind))
        name = f"{base} {'out' if kind == 'outbound' else 'in'}" + (
            f" {count + 1}" if count else ""
        )
        if kind == "inbound":
            return {"name": name}
        fill = outbound_prefill(self.brand, tech_prefix=self._tech_prefix())
        return {
            "name": name,
            "number_length": fill.number_length,
            "prepend": fill.prepend,
            "strip_digits": fill.strip_digits,
        }

    def _ask_carrier(self, form: RuleForm) -> None:
        """A field the brand's guide gives no value for says what to ask the carrier."""
        if form.kind == "outbound":
            for name, text in outbound_prefill(self.brand).ask.items():
                form.query_one(f"#{form.uid}-{name}", TextField).placeholder = text

    def _tech_prefix(self) -> str:
        """The typed tech prefix when it is valid, else ''."""
        found = self.query("#tech_prefix")
        value = found.first(TextField).value.strip() if found else ""
        try:
            return flowroute_prepend(value)[:-1] if value else ""
        except ValueError:
            return ""

    # -- live checks ----------------------------------------------------------------------
    @on(Checkbox.Changed, "#routes-skip")
    def _skip(self, event: Checkbox.Changed) -> None:
        self.query_one("#routes-sections").display = not event.value
        self._recheck_all()

    @on(Input.Changed, "#tech_prefix")
    def _tech_prefix_typed(self, event: Input.Changed) -> None:
        """A valid prefix replaces the Prepend of every outbound rule still holding a
        pre-filled one (empty, or an earlier prefix followed by ``*``)."""
        event.stop()
        value = event.value.strip()
        line = self.query_one("#tech_prefix-error", Static)
        try:
            prepend = flowroute_prepend(value) if value else ""
        except ValueError as exc:
            set_line(line, str(exc))
            return
        set_line(line, "")
        for section in self.sections():
            for form in section.forms("outbound"):
                if not form.built:
                    continue  # still being mounted: it shows its own data
                field = form.query_one(f"#{form.uid}-prepend", TextField)
                old = field.value.strip()
                if not old or (old.endswith("*") and old[:-1].isdigit()):
                    field.value = prepend

    @on(Input.Changed, ".rule-form TextField")
    def _rule_typed(self, event: Input.Changed) -> None:
        event.stop()
        self._recheck_all()

    def _recheck_all(self) -> None:
        """Check every rule against its tenant's pool; Next waits for a clean set."""
        bad = 0
        for section in self.sections():
            for form in section.forms():
                if form.built:
                    bad += bool(form.recheck(section.pool))
        skipped = self.query_one("#routes-skip", Checkbox).value
        set_line(
            self.nav_status(),
            "" if skipped or not bad else f"Fix the marked rule(s) to go on ({bad}).",
        )

    # -- the slice ------------------------------------------------------------------------
    def collect(self) -> StepValues:
        skipped = self.query_one("#routes-skip", Checkbox).value
        found = self.query("#tech_prefix")
        prefix = found.first(TextField).value.strip() if found else self.draft.tech_prefix
        if not self.ready:  # still reading the PBX: keep what the draft holds
            return {"routes_skipped": skipped, "tech_prefix": prefix}
        routes: dict[str, dict[str, list[RuleData]]] = {}
        for section in self.sections():
            changed = section.changed()
            if changed:
                routes[section.key] = changed
        return {"routes": routes, "routes_skipped": skipped, "tech_prefix": prefix}

    def check(self, values: StepValues) -> dict[str, str]:
        if values.get("routes_skipped"):
            return {}
        if not self.ready:
            return {"": "Still reading the rules that use this trunk; try again in a moment."}
        errors: dict[str, str] = {}
        for section in self.sections():
            for form in section.forms():
                found = form.problems(section.pool)
                if found:
                    errors[form.uid] = "\n".join(found)
            try:
                routes = TenantRoutes(
                    outbound=tuple(f.model() for f in section.forms("outbound")),
                    inbound=tuple(f.model() for f in section.forms("inbound")),
                )
            except ValueError:
                continue  # shown per form above
            for issue in route_issues(routes, section.pool):
                form = section.forms(issue.kind)[issue.index]
                errors.setdefault(form.uid, issue.message)
        return errors
