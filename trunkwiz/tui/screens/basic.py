"""Step 3, Basic info: name, brand (pre-fills), host, port, transport, proxy, IPs, DID pool."""

from __future__ import annotations

from functools import cached_property
from typing import TYPE_CHECKING, Any

from textual import on, work
from textual.app import ComposeResult
from textual.widgets import Input, Select, Static

from trunkwiz.domain.brands import BrandCatalogue, brand_hint
from trunkwiz.domain.fields import TrunkField, step_rows
from trunkwiz.domain.options import TrunkKind
from trunkwiz.service.errors import ServiceError
from trunkwiz.service.pools import PoolSources
from trunkwiz.service.validate import tenant_domain_clash
from trunkwiz.tui.plain import plain
from trunkwiz.tui.screens.base import StepScreen
from trunkwiz.tui.screens.field_rows import input_row
from trunkwiz.tui.screens.form import field_row, set_line, show_note
from trunkwiz.tui.widgets.compact import TextField
from trunkwiz.tui.widgets.didpool import DidPoolInput

if TYPE_CHECKING:
    from collections.abc import Mapping

    from trunkwiz.domain.brands import Prefill
    from trunkwiz.domain.jsondata import JsonObject
    from trunkwiz.service.draft import StepValues

TRANSPORTS = ("UDP", "TCP", "TLS")
_LABEL_HINT = "A name for the gateway, e.g. gw1.example.net; not a tenant's SIP domain."
# Any: options for Textual's Input, by field
_INPUT_EXTRA: dict[str, dict[str, Any]] = {"name": {"max_length": 64}}


def _choice(options: list[tuple[str, str]], value: str, widget_id: str) -> Select[str]:
    return Select(options, value=value, allow_blank=False, compact=True, id=widget_id)


class BasicScreen(StepScreen):
    """The carrier's address. Choosing a brand pre-fills what the vendor documents."""

    STEP = "basic"
    INTRO = "Where the carrier is. A brand pre-fills what its guide documents."
    HELP = (
        "Basic info: type in the brand list to search it; choosing a brand pre-fills host,\n"
        "port and transport and says which values to confirm with the carrier."
    )

    more_help = ""
    """The chosen brand's notes from the vendor's guide, shown by F1 under ``HELP``."""

    @cached_property
    def catalogue(self) -> BrandCatalogue:
        """The brand catalogue (package data)."""
        return BrandCatalogue.load()

    def compose_body(self) -> ComposeResult:
        carrier = self.services.demo_carrier
        if carrier:
            yield Static(
                f"Demo carrier: host {carrier['hostname']}, port {carrier['port']}, "
                f"{carrier['transport']}.",
                classes="info",
                id="demo-note",
            )
        for field in step_rows(self.STEP, self.draft.kind, self.draft.level):
            yield from self._row(field)
        if self.draft.trunk_id is not None:
            yield Static(plain(self._readonly_text()), classes="info", id="readonly-note")

    def _row(self, field: TrunkField) -> ComposeResult:
        """The row of one Basic field (brand and transport are lists with a note line)."""
        f = self.draft.fields
        if field.name == "brand":
            brand = self.catalogue.find(str(f.get("brand", ""))) or self.catalogue.generic
            names = [(name, name) for name in self.catalogue.names()]
            yield from field_row(field.label, _choice(names, brand.name, field.name))
            yield Static("", classes="note", id="brand-note")
        elif field.name == "transport":
            transport = str(f.get("transport") or field.default)
            options = [(t, t) for t in TRANSPORTS]
            yield from field_row(field.label, _choice(options, transport, field.name))
            yield Static("", classes="note", id="transport-note")
        elif field.widget == "pool":
            pool = DidPoolInput(f.get(field.name, ""), id=field.name)
            yield from field_row(field.label, pool, hint=field.hint)
        elif field.name == "hostname" and self.draft.kind == "accept_register":
            yield from input_row(field, f, label="Host (a label)", hint=_LABEL_HINT)
        else:
            yield from input_row(field, f, **_INPUT_EXTRA.get(field.name, {}))

    def _readonly_text(self) -> str:
        kind = TrunkKind(self.draft.kind or "register").label
        brand = self.draft.fields.get("brand") or "Generic"
        return (
            f"Kind {kind} and brand {brand} are read-only: the PBX cannot change them on an "
            "existing trunk (delete it and create it again to change them)."
        )

    def on_mount(self) -> None:
        self._brand_shown = self.query_one("#brand", Select).value
        self._shown = self.collect()
        self.query_one("#name").focus()
        if self.draft.trunk_id is not None:
            self.query_one("#brand", Select).disabled = True
        self._brand_facts(self.query_one("#brand", Select).value, prefill=False)
        self._check_transport(str(self.query_one("#transport", Select).value))
        if self.draft.level == "tenant":
            self._load_pools()
        if self.draft.kind == "accept_register":
            self._load_domains()

    # -- brand --------------------------------------------------------------------------
    @on(Select.Changed, "#brand")
    def _brand_chosen(self, event: Select.Changed) -> None:
        """The user picked another brand: pre-fill (a new trunk only). Showing the step
        posts a change of the brand it shows; that one pre-fills nothing."""
        chosen = event.value != getattr(self, "_brand_shown", event.value)
        if chosen:
            self._brand_shown = event.value
        self._brand_facts(event.value, prefill=chosen and not self.draft.is_edit)

    def _brand_facts(self, name: object, *, prefill: bool) -> None:
        note = self.query_one("#brand-note", Static)
        brand = self.catalogue.find(str(name))
        self._ask_placeholders({})
        self.more_help = ""
        if brand is None:
            show_note(note, "")
            return
        kind = TrunkKind(self.draft.kind or "register")
        if not brand.supports(kind):
            documented = ", ".join(k.label for k in brand.kinds)
            show_note(
                note, f"{brand.name} documents only: {documented}. Go Back to change the kind."
            )
            return
        values = brand.prefill_for(kind)
        if prefill:
            self._prefill(brand.model_values(kind, unfilled=True))
        self._ask_placeholders(values)
        hint = brand_hint(brand, kind)
        self.more_help = hint.details
        show_note(note, hint.short)

    def _ask_placeholders(self, values: Mapping[str, Prefill]) -> None:
        """A field the brand's guide gives no value for says what to ask the carrier."""
        for field in step_rows(self.STEP, self.draft.kind, self.draft.level):
            found = self.query(f"#{field.name}")
            if found and isinstance(found.first(), TextField):
                item = values.get(field.name)
                found.first(TextField).placeholder = (
                    item.ask if item is not None and item.ask else field.placeholder
                )

    def _prefill(self, brand_values: JsonObject) -> None:
        """Hand the brand's values to the draft, which fills only what nobody typed; the
        ones this step shows are put in their fields."""
        on_screen = self.collect()
        typed = {k: v for k, v in on_screen.items() if v != self._shown.get(k)}
        self.draft.apply(typed)
        changed = self.draft.prefill_brand(brand_values)
        for key, value in changed.items():
            found = self.query(f"#{key}")
            if not found or key in ("name", "brand"):
                continue
            widget = found.first()
            if isinstance(widget, Select) and value == "":
                continue  # a list keeps its choice
            if isinstance(widget, (Select, TextField)):
                widget.value = str(value)
        self._shown = self.collect()

    # -- transport ----------------------------------------------------------------------
    @on(Select.Changed, "#transport")
    def _transport_chosen(self, event: Select.Changed) -> None:
        self._check_transport(str(event.value))

    @work(exclusive=True, group="transport")
    async def _check_transport(self, protocol: str) -> None:
        conn = self.services.connection
        note = self.query_one("#transport-note", Static)
        if conn is None:
            return
        try:
            problem = await conn.transport_problem(protocol)
        except ServiceError as exc:
            problem = f"Could not read the PBX's transports: {exc}"
        show_note(note, problem or "")

    # -- tenant DID pool ------------------------------------------------------------------
    @work(exclusive=True, group="pools")
    async def _load_pools(self) -> None:
        conn = self.services.connection
        if conn is None:
            return
        self._sources = await PoolSources.load(conn, exclude_trunk_id=self.draft.trunk_id)
        pool_input = self.query_one("#did_numbers", DidPoolInput)
        pool_input.set_context(self._sources.index_for(self._value("hostname")))

    @on(Input.Changed, "#hostname")
    def _host_changed(self, event: Input.Changed) -> None:
        """The pools to check against are those of the same provider host."""
        sources = getattr(self, "_sources", None)
        if sources is not None and self.draft.level == "tenant":
            self.query_one("#did_numbers", DidPoolInput).set_context(
                sources.index_for(event.value.strip())
            )

    # -- Accept Register: the host must not be a tenant's SIP domain -----------------------
    @work(exclusive=True, group="domains")
    async def _load_domains(self) -> None:
        conn = self.services.connection
        if conn is None:
            return
        try:
            self._domains = await conn.tenant_domains()
        except ServiceError as exc:
            show_note(self.query_one("#brand-note", Static), f"Could not read the tenants: {exc}")
            return
        self._check_label(self._value("hostname"))

    @on(Input.Changed, "#hostname")
    def _label_typed(self, event: Input.Changed) -> None:
        if self.draft.kind == "accept_register":
            self._check_label(event.value)

    def _check_label(self, host: str) -> str | None:
        problem = tenant_domain_clash(host, getattr(self, "_domains", ()))
        for line in self.query("#hostname-error").results(Static):  # gone with the screen
            set_line(line, problem or "")
        return problem

    def check(self, values: StepValues) -> dict[str, str]:
        errors = super().check(values)
        if self.draft.kind == "accept_register" and "hostname" not in errors:
            problem = self._check_label(str(values.get("hostname", "")))
            if problem:
                errors["hostname"] = problem
        return errors

    def _value(self, widget_id: str) -> str:
        return self.query_one(f"#{widget_id}", TextField).value.strip()

    def collect(self) -> StepValues:
        values = self.field_values()  # every Basic field shown here (DID pool: Tenant Admin)
        brand = self.catalogue.find(values["brand"])
        values["brand"] = brand.api_value if brand else "Generic"
        if values["outbound_server_port"] == "":
            values["outbound_server_port"] = 0
        return values

    def error_target(self, key: str) -> str | None:
        return key.split(".", 1)[0]
