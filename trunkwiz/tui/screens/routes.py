"""Step 7, Routes: the outbound and inbound rules that use the trunk, per tenant.

A System Admin gets one section per tenant the trunk is shared with, a Tenant Admin one
section for its own tenant. Each rule is one compact form with a Remove button; the
caller ID and the DID (or DID range) are checked on each keystroke against that tenant's
DID pool for this trunk (the pure checks of :mod:`trunkwiz.domain.routes`). In a quick
edit the rules that already use the trunk are read from the PBX and shown; only a tenant
whose rules changed goes into the draft, so an unchanged edit plans nothing.
"""

from __future__ import annotations

import itertools
from typing import TYPE_CHECKING, Any

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Checkbox, Input, Static

from trunkwiz.tui.plain import plain, plain_styled
from trunkwiz.tui.screens.base import StepScreen, form_grid, set_line, show_note
from trunkwiz.tui.widgets.compact import CompactButton, CompactCheckbox, TextField

if TYPE_CHECKING:
    from trunkwiz.domain.didpool import DidPool
    from trunkwiz.domain.routes import TenantRoutes

OUTBOUND_FIELDS: tuple[tuple[str, str, str], ...] = (
    ("name", "Rule name", ""),
    ("number_prefix", "Number prefix", "e.g. 1;00 (either prefix or length)"),
    ("number_length", "Number length", "e.g. 10;11"),
    ("strip_digits", "Strip digits", "0"),
    ("prepend", "Prepend", "digits put in front"),
    ("caller_id", "Caller ID", "a number of the DID pool"),
)
INBOUND_FIELDS: tuple[tuple[str, str, str], ...] = (
    ("name", "Rule name", ""),
    ("did_numbers", "DID or range", "e.g. 16468097065 or 1646809700-1646809709"),
    ("forward_to", "Office hours to", "1001, 1100-1199, voicemail:1001, hangup"),
    ("after_hours", "After hours to", "optional; same forms"),
    ("holidays", "Holidays to", "optional; same forms"),
)
_OPTIONAL = ("after_hours", "holidays")
_ids = itertools.count(1)


def rule_data(kind: str, rule: Any) -> dict[str, Any]:
    """A rule model as the draft's plain data (trunk-file keys; destinations as text)."""
    if kind == "outbound":
        return dict(rule.model_dump())
    out: dict[str, Any] = {
        "name": rule.name,
        "did_numbers": rule.did_numbers,
        "forward_to": rule.forward_to.text,
    }
    for key in _OPTIONAL:
        dest = getattr(rule, key)
        if dest is not None:
            out[key] = dest.text
    return out


def _pydantic_lines(exc: Any) -> list[str]:
    lines = []
    for err in exc.errors():
        where = ".".join(str(p) for p in err.get("loc", ()))
        msg = str(err.get("msg", "")).removeprefix("Value error, ")
        lines.append(f"{where}: {msg}" if where else msg)
    return lines


class RuleForm(Vertical):
    """One rule: its fields in one grid, a Remove button and one line of problems."""

    def __init__(self, kind: str, data: dict[str, Any]) -> None:
        self.uid = f"rule{next(_ids)}"
        super().__init__(classes=f"rule-form rule-{kind}", id=self.uid)
        self.kind = kind
        self.data = data

    @property
    def fields(self) -> tuple[tuple[str, str, str], ...]:
        return OUTBOUND_FIELDS if self.kind == "outbound" else INBOUND_FIELDS

    def compose(self) -> ComposeResult:
        cells = []
        for name, label, hint in self.fields:
            value = self.data.get(name, "")
            cells.append(
                (label, TextField("" if value is None else str(value), id=f"{self.uid}-{name}",
                                  placeholder=hint))
            )  # fmt: skip
        yield form_grid(*cells, id=f"{self.uid}-form")
        yield Static("", classes="field-error", id=f"{self.uid}-error")
        with Horizontal(classes="rule-buttons"):
            yield CompactButton(f"Remove this {self.kind} rule", id=f"{self.uid}-remove")

    @property
    def built(self) -> bool:
        """Whether the form's fields are mounted (a rule just added may not be yet)."""
        return len(self.query(TextField)) == len(self.fields)

    def read(self) -> dict[str, Any]:
        """The form's values as plain data (empty optional destinations left out)."""
        out: dict[str, Any] = {}
        for name, _label, _hint in self.fields:
            value = self.query_one(f"#{self.uid}-{name}", TextField).value.strip()
            if name == "strip_digits":
                out[name] = int(value) if value.isdigit() else (value or 0)
            elif name in _OPTIONAL and not value:
                continue
            else:
                out[name] = value
        return out

    def model(self) -> Any:
        """The rule as a domain model; raises ``ValidationError``."""
        from trunkwiz.domain.routes import InboundRoute, OutboundRoute

        cls = OutboundRoute if self.kind == "outbound" else InboundRoute
        return cls.model_validate(self.read())

    def problems(self, pool: DidPool | None) -> list[str]:
        """What is wrong with the rule now (the pool checks first)."""
        from pydantic import ValidationError

        from trunkwiz.domain.routes import caller_id_problem, did_problem

        values = self.read()
        lines: list[str] = []
        if self.kind == "outbound":
            problem = caller_id_problem(str(values.get("caller_id", "")), pool)
            if problem:
                lines.append(f"Caller ID: {problem}")
        elif values.get("did_numbers"):
            problem = did_problem(str(values["did_numbers"]), pool)
            if problem:
                lines.append(f"DID: {problem}")
        try:
            self.model()
        except ValidationError as exc:
            lines += [line for line in _pydantic_lines(exc) if not line.startswith("caller_id")]
        return lines

    def recheck(self, pool: DidPool | None) -> list[str]:
        """Check the rule and show its problems under it."""
        found = self.problems(pool)
        set_line(self.query_one(f"#{self.uid}-error", Static), "\n".join(found))
        return found


class TenantSection(Vertical):
    """One tenant's rules through this trunk: outbound, then inbound."""

    def __init__(self, key: str, label: str, pool_text: str, number: int) -> None:
        super().__init__(classes="tenant-routes", id=f"routes-{number}")
        self.key = key
        self.label = label
        self.pool_text = pool_text
        self.number = number
        self.pool = _pool(pool_text)
        self.loaded: TenantRoutes | None = None

    def compose(self) -> ComposeResult:
        n = self.number
        yield Static(plain_styled(self.label, "bold"), classes="tenant-name")
        pool = self.pool_text.strip() or "none (rules need numbers from it)"
        yield Static(plain(f"DID pool for this trunk: {pool}"), classes="hint")
        yield Static("Outbound rules (calls out through this trunk)", classes="info")
        yield Vertical(id=f"routes-{n}-outbound", classes="rule-list")
        yield CompactButton("Add outbound rule", id=f"routes-{n}-add-outbound")
        yield Static("Inbound rules (the trunk's DIDs in)", classes="info")
        yield Vertical(id=f"routes-{n}-inbound", classes="rule-list")
        yield CompactButton("Add inbound rule", id=f"routes-{n}-add-inbound")

    def forms(self, kind: str | None = None) -> list[RuleForm]:
        return [f for f in self.query(RuleForm) if kind is None or f.kind == kind]

    async def add(self, kind: str, data: dict[str, Any]) -> RuleForm:
        form = RuleForm(kind, data)
        await self.query_one(f"#routes-{self.number}-{kind}", Vertical).mount(form)
        return form

    def plain_rules(self) -> dict[str, list[dict[str, Any]]]:
        return {kind: [f.read() for f in self.forms(kind)] for kind in ("outbound", "inbound")}

    def changed(self) -> dict[str, list[dict[str, Any]]]:
        """The kinds whose rules differ from what the PBX holds (or held when loaded)."""
        out: dict[str, list[dict[str, Any]]] = {}
        for kind, rules in self.plain_rules().items():
            held = getattr(self.loaded, kind, None) if self.loaded is not None else None
            before = [rule_data(kind, r) for r in held or ()]
            if _normal(kind, rules) != _normal(kind, before):
                out[kind] = rules
        return out


def _normal(kind: str, rules: list[dict[str, Any]]) -> list[Any]:
    """Rules compared as the domain reads them (so ``1001`` equals `` 1001``)."""
    from pydantic import ValidationError

    from trunkwiz.domain.routes import InboundRoute, OutboundRoute

    cls = OutboundRoute if kind == "outbound" else InboundRoute
    out: list[Any] = []
    for rule in rules:
        try:
            out.append(cls.model_validate(rule))
        except ValidationError:
            out.append(rule)
    return out


def _pool(text: str) -> DidPool | None:
    from trunkwiz.domain.didpool import check_pool

    if not text.strip():
        return None
    checked = check_pool(text)
    return checked.pool if checked.ok else None


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
    RoutesScreen .rule-list { height: auto; }
    RoutesScreen .tenant-routes { height: auto; margin-bottom: 1; }
    RoutesScreen .rule-buttons { height: auto; }
    RoutesScreen .info { height: auto; }
    RoutesScreen #routes-note { height: auto; }
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
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
                    yield TextField(
                        self.draft.tech_prefix, id="tech_prefix", placeholder="8 digits"
                    )
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
        loaded: dict[str | None, Any] = {}
        conn = self.services.connection
        if self.draft.trunk_id is not None and conn is not None and self.sections():
            from trunkwiz.service.errors import ServiceError
            from trunkwiz.service.routes import trunk_routes

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
                    rules = [rule_data(kind, r) for r in getattr(held, kind, None) or ()]
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
                    form.query_one(TextField).focus()
                    self._recheck_all()
                    return
        await super().on_button_pressed(event)

    def _new_rule(self, section: TenantSection, kind: str) -> dict[str, Any]:
        """A new rule with a name and what the brand's guide documents."""
        from trunkwiz.domain.routes import outbound_prefill

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

    def _tech_prefix(self) -> str:
        """The typed tech prefix when it is 8 digits, else ''."""
        found = self.query("#tech_prefix")
        value = found.first(TextField).value.strip() if found else ""
        return value if len(value) == 8 and value.isdigit() else ""

    # -- live checks ----------------------------------------------------------------------
    @on(Checkbox.Changed, "#routes-skip")
    def _skip(self, event: Checkbox.Changed) -> None:
        self.query_one("#routes-sections").display = not event.value
        self._recheck_all()

    @on(Input.Changed, "#tech_prefix")
    def _tech_prefix_typed(self, event: Input.Changed) -> None:
        """A valid prefix replaces the Prepend of every outbound rule still holding a
        pre-filled one (empty, or an earlier prefix followed by ``*``)."""
        from trunkwiz.domain.routes import flowroute_prepend

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
                if not old or (len(old) == 9 and old.endswith("*") and old[:8].isdigit()):
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
    def collect(self) -> dict[str, Any]:
        skipped = self.query_one("#routes-skip", Checkbox).value
        found = self.query("#tech_prefix")
        prefix = found.first(TextField).value.strip() if found else self.draft.tech_prefix
        if not self.ready:  # still reading the PBX: keep what the draft holds
            return {"routes_skipped": skipped, "tech_prefix": prefix}
        routes: dict[str, Any] = {}
        for section in self.sections():
            changed = section.changed()
            if changed:
                routes[section.key] = changed
        return {"routes": routes, "routes_skipped": skipped, "tech_prefix": prefix}

    def check(self, values: dict[str, Any]) -> dict[str, str]:
        from trunkwiz.domain.routes import route_issues

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
                from trunkwiz.domain.routes import TenantRoutes

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
