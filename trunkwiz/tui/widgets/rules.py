"""The Routes step's forms: one compact form per rule, one section per tenant.

A rule form checks its caller ID and DID (or DID range) on each keystroke against the
tenant's DID pool for this trunk (the pure checks of :mod:`trunkwiz.domain.routes`); a
tenant section knows the rules the PBX held when it was loaded, so only changed kinds go
into the draft.
"""

from __future__ import annotations

import itertools
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Static

from trunkwiz.domain.didpool import check_pool
from trunkwiz.domain.labels import ROUTE_LABELS, plain_words
from trunkwiz.domain.routes import InboundRoute, OutboundRoute, caller_id_problem, did_problem
from trunkwiz.tui.plain import plain, plain_styled
from trunkwiz.tui.screens.form import form_grid, set_line
from trunkwiz.tui.widgets.compact import CompactButton, TextField

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
    ("enabled", "Route on", "yes, or no: this trunk's route is switched off"),
    ("office_hours", "Office hours", "always, global, or mon 09:00-17:00, tue …"),
)
INBOUND_FIELDS: tuple[tuple[str, str, str], ...] = (
    ("name", "Rule name", ""),
    ("did_numbers", "DID or range", "e.g. 16468097065 or 1646809700-1646809709"),
    ("forward_to", "Office hours to", "1001, 1100-1199, voicemail:1001, hangup"),
    ("after_hours", "After hours to", "optional; same forms"),
    ("holidays", "Holidays to", "optional; same forms"),
    ("office_hours", "Office hours", "empty: global with After hours set, else always"),
)
_OPTIONAL = ("after_hours", "holidays", "office_hours")
HOURS_HINT = (
    "Office hours: always (the default: calls at any hour), global (the tenant's hours: "
    "outside them outbound calls fail, inbound go to After hours), or mon 09:00-17:00, …"
)
_ids = itertools.count(1)

RuleData = dict[str, object]
"""One rule as the draft holds it: trunk-file keys, destinations and hours as text."""


def rule_data(rule: OutboundRoute | InboundRoute) -> RuleData:
    """A rule model as the draft's plain data (trunk-file keys; destinations, office hours
    and the route switch as text)."""
    hours = "" if rule.office_hours is None else rule.office_hours.text
    if isinstance(rule, OutboundRoute):
        data: RuleData = dict(rule.model_dump())
        data["enabled"] = "yes" if rule.enabled else "no"
        data["office_hours"] = hours
        return data
    out: RuleData = {
        "name": rule.name,
        "did_numbers": rule.did_numbers,
        "forward_to": rule.forward_to.text,
    }
    for key in _OPTIONAL:
        if key == "office_hours":
            if hours:
                out[key] = hours
            continue
        dest = getattr(rule, key)
        if dest is not None:
            out[key] = dest.text
    return out


def _pydantic_lines(exc: ValidationError) -> list[str]:
    lines = []
    for err in exc.errors():
        where = ".".join(ROUTE_LABELS.get(str(p), str(p)) for p in err.get("loc", ()))
        msg = str(err.get("msg", "")).removeprefix("Value error, ")
        msg = "required" if msg == "Field required" else plain_words(msg)
        lines.append(f"{where}: {msg}" if where else msg)
    return lines


class RuleForm(Vertical):
    """One rule: its fields in one grid, a Remove button and one line of problems."""

    def __init__(self, kind: str, data: RuleData) -> None:
        self.uid = f"rule{next(_ids)}"
        super().__init__(classes=f"rule-form rule-{kind}", id=self.uid)
        self.kind = kind
        self.data = data
        if kind == "outbound":  # a new rule shows its defaults
            self.data = {"enabled": "yes", "office_hours": "always", **data}

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

    def read(self) -> RuleData:
        """The form's values as plain data (empty optional destinations left out)."""
        out: RuleData = {}
        for name, _label, _hint in self.fields:
            value = self.query_one(f"#{self.uid}-{name}", TextField).value.strip()
            if name == "strip_digits":
                out[name] = int(value) if value.isdigit() else (value or 0)
            elif (name in _OPTIONAL or name == "enabled") and not value:
                continue
            else:
                out[name] = value
        return out

    def model(self) -> Any:  # Any: an OutboundRoute or an InboundRoute, by the form's kind
        """The rule as a domain model; raises ``ValidationError``."""
        cls = OutboundRoute if self.kind == "outbound" else InboundRoute
        return cls.model_validate(self.read())

    def problems(self, pool: DidPool | None) -> list[str]:
        """What is wrong with the rule now (the pool checks first)."""

        values = self.read()
        lines: list[str] = []
        if self.kind == "outbound":
            problem = caller_id_problem(str(values.get("caller_id", "")), pool)
            if problem:
                lines.append(f"Caller ID: {problem}")
        elif values.get("did_numbers"):
            problem = did_problem(str(values["did_numbers"]), pool)
            if problem:
                lines.append(f"DID or range: {problem}")
        try:
            self.model()
        except ValidationError as exc:
            lines += [line for line in _pydantic_lines(exc) if not line.startswith("Caller ID:")]
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
        yield Static(plain(HOURS_HINT), classes="hint")
        yield Static("Outbound rules (calls out through this trunk)", classes="info")
        yield Vertical(id=f"routes-{n}-outbound", classes="rule-list")
        yield CompactButton("Add outbound rule", id=f"routes-{n}-add-outbound")
        yield Static("Inbound rules (the trunk's DIDs in)", classes="info")
        yield Vertical(id=f"routes-{n}-inbound", classes="rule-list")
        yield CompactButton("Add inbound rule", id=f"routes-{n}-add-inbound")

    def forms(self, kind: str | None = None) -> list[RuleForm]:
        return [f for f in self.query(RuleForm) if kind is None or f.kind == kind]

    async def add(self, kind: str, data: RuleData) -> RuleForm:
        form = RuleForm(kind, data)
        await self.query_one(f"#routes-{self.number}-{kind}", Vertical).mount(form)
        return form

    def plain_rules(self) -> dict[str, list[RuleData]]:
        return {kind: [f.read() for f in self.forms(kind)] for kind in ("outbound", "inbound")}

    def changed(self) -> dict[str, list[RuleData]]:
        """The kinds whose rules differ from what the PBX holds (or held when loaded)."""
        out: dict[str, list[RuleData]] = {}
        for kind, rules in self.plain_rules().items():
            held = getattr(self.loaded, kind, None) if self.loaded is not None else None
            before = [rule_data(r) for r in held or ()]
            if _normal(kind, rules) != _normal(kind, before):
                out[kind] = rules
        return out


def _normal(kind: str, rules: list[RuleData]) -> list[object]:
    """Rules compared as the domain reads them (so ``1001`` equals `` 1001``)."""

    cls = OutboundRoute if kind == "outbound" else InboundRoute
    out: list[object] = []
    for rule in rules:
        try:
            out.append(cls.model_validate(rule))
        except ValidationError:
            out.append(rule)
    return out


def _pool(text: str) -> DidPool | None:
    if not text.strip():
        return None
    checked = check_pool(text)
    return checked.pool if checked.ok else None
