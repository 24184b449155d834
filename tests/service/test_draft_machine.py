"""A state machine over the draft's transitions (pure, fast): whatever the user does, the
draft stays a trunk that the shown steps can finish, and no typed value is overwritten."""

from __future__ import annotations

from typing import Any

from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule
from pydantic import SecretStr, ValidationError

from trunkwiz.domain.brands import BrandCatalogue
from trunkwiz.domain.options import TrunkKind
from trunkwiz.service.draft import DRAFT_FIELDS, STEP_FIELDS, TenantPick, WizardDraft
from trunkwiz.service.validate import build_trunk, field_errors, step_of
from trunkwiz.tui.flow import Flow

CATALOGUE = BrandCatalogue.load()
KINDS = ("register", "ip", "accept_register")

#: Values a user may type, by field (valid ones: the walk checks structure, not typos).
TYPED: dict[str, st.SearchStrategy[Any]] = {
    "name": st.sampled_from(["Carrier A", "trunk-2"]),
    "hostname": st.sampled_from(["sip.example.net", "198.51.100.7"]),
    "port": st.sampled_from([5060, 5061, 5080]),
    "transport": st.sampled_from(["UDP", "TCP", "TLS"]),
    "auth_id": st.sampled_from(["acct-1", "acct-2"]),
    "username": st.sampled_from(["", "user-1"]),
    "register_interval": st.sampled_from([300, 600, 900]),
    "registration": st.booleans(),
    "concurrency": st.sampled_from([10, 100000]),
}


class DraftMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.draft = WizardDraft(step="kind", url="https://pbx.test", user="admin", level="system")
        self.typed: dict[str, Any] = {}

    def shown_steps(self) -> tuple[str, ...]:
        return Flow(kind=self.draft.kind, level=self.draft.level).steps()

    @precondition(lambda self: not self.draft.is_edit)
    @rule(kind=st.sampled_from(KINDS))
    def choose_kind(self, kind: str) -> None:
        self.draft.apply({"kind": kind, "trunk_id": None})
        self.typed = {k: v for k, v in self.typed.items() if k in self.draft.fields}

    @rule(data=st.data())
    def type_a_value(self, data: st.DataObject) -> None:
        shown = [
            f.name
            for f in DRAFT_FIELDS
            if f.name in TYPED and f.step in self.shown_steps() and f.applies_to(self.draft.kind)
        ]
        name = data.draw(st.sampled_from(shown))
        value = data.draw(TYPED[name])
        self.draft.apply({name: value})
        # A value equal to what a brand filled in leaves the field as it was on screen: the
        # draft cannot tell it from the pre-fill, and a later brand may replace it (the
        # documented rule of ``prefill_brand``). Any other value is the user's own.
        if value == self.draft.prefilled.get(name):
            self.typed.pop(name, None)
        else:
            self.typed[name] = value

    @precondition(lambda self: self.draft.kind in ("register", "accept_register"))
    @rule()
    def type_a_password(self) -> None:
        self.draft.apply({"password": SecretStr("pw-1")})

    @precondition(lambda self: self.draft.kind is not None)
    @rule(data=st.data())
    def pick_a_brand(self, data: st.DataObject) -> None:
        kind = TrunkKind(self.draft.kind or "register")
        names = [n for n in CATALOGUE.names() if CATALOGUE.find(n).supports(kind)]  # type: ignore[union-attr]
        brand = CATALOGUE.find(data.draw(st.sampled_from(names)))
        assert brand is not None
        before = dict(self.draft.fields)
        self.draft.apply({"brand": brand.api_value})
        changed = self.draft.prefill_brand(brand.model_values(kind))
        if self.draft.is_edit:
            assert changed == {} and self.draft.fields == {**before, "brand": brand.api_value}
        for name, value in self.typed.items():  # never over a typed value
            assert self.draft.fields.get(name) == value, name

    @rule(pool=st.sampled_from(["15550000000-15550000099", "15550000100"]))
    def share_with_a_tenant(self, pool: str) -> None:
        self.draft.apply({"tenants": [TenantPick("t1", "Tenant 1", pool)]})

    @rule(kind=st.sampled_from(KINDS), port=st.sampled_from([5061, 5063]))
    def edit_from_the_list(self, kind: str, port: int) -> None:
        values: dict[str, Any] = {
            "kind": kind, "level": "system", "trunk_id": "T1", "name": "Loaded",
            "brand": "Generic", "hostname": "loaded.example.net", "port": port,
            "transport": "TLS", "concurrency": 50, "tenants": [],
        }  # fmt: skip
        if kind != "ip":
            values.update(auth_id="loaded", registration=True, register_interval=600)
        self.draft.load_trunk(values)
        self.typed = {}
        assert self.draft.is_edit and self.draft.baseline == self.draft.trunk_values()

    @precondition(lambda self: self.draft.kind is not None)
    @rule()
    def submit(self) -> None:
        if self.ready():
            self.draft.submitted("NEW")
            assert self.draft.is_edit and self.draft.password is None

    @rule()
    def done(self) -> None:
        self.draft = self.draft.fresh()
        self.typed = {}
        assert not self.draft.is_edit and not self.draft.fields and not self.draft.tenants

    def ready(self) -> bool:
        try:
            build_trunk(self.draft)
        except ValidationError:
            return False
        return True

    @invariant()
    def every_value_belongs_to_the_kind(self) -> None:
        held = (self.draft.baseline or {}).get("fields", {})  # what the PBX holds stays
        for name in self.draft.fields:
            known = next((f for f in DRAFT_FIELDS if f.name == name), None)
            assert known is None or known.applies_to(self.draft.kind) or name in held, name

    @invariant()
    def every_error_is_on_a_shown_step(self) -> None:
        if self.draft.kind is None:
            return
        try:
            build_trunk(self.draft)
        except ValidationError as exc:
            for key, message in field_errors(exc).items():
                assert "Extra inputs" not in message, (key, message)
                step = step_of(key)
                assert step in self.shown_steps() or step == "review", (key, step)
                if step != "review":
                    assert key.split(".")[0] in STEP_FIELDS[step] or key.startswith("tenants")


TestDraftMachine = DraftMachine.TestCase
TestDraftMachine.settings = settings(max_examples=150, stateful_step_count=25, deadline=None)
