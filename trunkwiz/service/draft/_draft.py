"""The draft itself: ``WizardDraft`` (what it holds, as plain data and back, and its
transitions) and ``TenantPick`` (one tenant the trunk is shared with)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from trunkwiz.domain.fields import FIELDS_BY_NAME, FieldValues
from trunkwiz.domain.jsondata import JsonMapping, JsonObject
from trunkwiz.service.draft._fields import DRAFT_FIELD_BY_NAME

if TYPE_CHECKING:
    from pydantic import SecretStr

    from trunkwiz.domain.routes import TenantRoutes
    from trunkwiz.store.drafts import SavedTenant

# Any: field values by name, and draft parts (kind, options, tenants, password) by name
StepValues = dict[str, Any]
"""What a step hands the draft (``WizardDraft.apply``): its fields' values by API name,
and draft attributes (``kind``, ``options``, ``tenants``, ``reset``, ...) by name."""


@dataclass
class TenantPick:
    """One tenant the trunk is shared with: its DID pool text and call cap."""

    tenant_id: str
    tenant_name: str
    did_numbers: str = ""
    concurrency: int | None = None

    def to_dict(self) -> SavedTenant:
        """Plain data for the draft file."""
        out: SavedTenant = {
            "tenant_id": self.tenant_id,
            "tenant_name": self.tenant_name,
            "did_numbers": self.did_numbers,
        }
        if self.concurrency is not None:
            out["concurrency"] = self.concurrency
        return out


@dataclass
class WizardDraft:
    """The trunk being entered: the one source of truth the App hands to each step.

    A draft is either a *new* trunk (``trunk_id`` None) or an *edit* of trunk
    ``trunk_id``; an edit keeps the values the PBX held when it was loaded as
    ``baseline``. Change it through the transitions (``apply``, ``choose_kind``,
    ``load_trunk``, ``prefill_brand``, ``submitted``, ``fresh``): they keep it valid for
    the steps that show it.
    """

    step: str = "connect"
    url: str = ""
    user: str = ""
    domain: str = ""
    kind: str | None = None
    level: str | None = None
    trunk_id: str | None = None
    fields: FieldValues = field(default_factory=dict)
    options: FieldValues = field(default_factory=dict)
    tenants: list[TenantPick] = field(default_factory=list)
    password: SecretStr | None = field(default=None, repr=False, compare=False)
    """The trunk password (memory only, never written)."""
    baseline: JsonObject | None = field(default=None, compare=False)
    """An edit: the trunk's values as the PBX held them when it was loaded (plain data)."""
    prefilled: FieldValues = field(default_factory=dict, compare=False)
    """Values the last chosen brand filled in (a later brand may replace these, never a
    value the user typed)."""
    routes: dict[str, JsonObject] = field(default_factory=dict)
    """The Routes step: per tenant id (``""``: a Tenant Admin's own tenant) the rules as
    plain data, ``{"outbound": [...], "inbound": [...]}`` in trunk-file keys. Only the
    tenants whose rules the user changed are here; the others are left as the PBX holds
    them. ``routes_skipped``: "I'll route calls later" (nothing about rules is planned)."""
    routes_skipped: bool = False
    tech_prefix: str = ""
    """Flowroute's tech prefix typed on the Routes step (for the checklist)."""

    @property
    def is_edit(self) -> bool:
        """True when the draft edits an existing trunk (``trunk_id``)."""
        return self.trunk_id is not None

    def to_dict(self) -> JsonObject:
        """Plain data for the draft store: every value except the password."""
        out: JsonObject = {"step": self.step, "url": self.url, "user": self.user}
        for key in ("domain", "kind", "level", "trunk_id"):
            value = getattr(self, key)
            if value:
                out[key] = value
        out["fields"] = {k: v for k, v in self.fields.items() if v is not None and k != "password"}
        out["options"] = dict(self.options)
        out["tenants"] = [t.to_dict() for t in self.tenants]
        if self.baseline is not None:
            out["baseline"] = dict(self.baseline)
        if self.prefilled:
            out["prefilled"] = dict(self.prefilled)
        if self.routes:
            out["routes"] = {k: dict(v) for k, v in self.routes.items()}
        if self.routes_skipped:
            out["routes_skipped"] = True
        if self.tech_prefix:
            out["tech_prefix"] = self.tech_prefix
        return out

    def trunk_values(self) -> JsonObject:
        """The trunk's own values as plain data (kind, level, fields, options, tenants)."""
        out = self.to_dict()
        for key in ("step", "url", "user", "domain", "baseline", "prefilled", "routes"):
            out.pop(key, None)
        for key in ("routes_skipped", "tech_prefix"):
            out.pop(key, None)
        return out

    @classmethod
    def from_dict(cls, data: JsonMapping) -> WizardDraft:
        """Rebuild a draft from ``to_dict`` output (unknown keys are ignored)."""
        baseline = data.get("baseline")
        return cls(
            step=str(data.get("step", "connect")),
            url=str(data.get("url", "")),
            user=str(data.get("user", "")),
            domain=str(data.get("domain", "")),
            kind=data.get("kind"),
            level=data.get("level"),
            trunk_id=data.get("trunk_id"),
            fields=dict(data.get("fields", {})),
            options=dict(data.get("options", {})),
            tenants=[
                TenantPick(
                    tenant_id=str(t["tenant_id"]),
                    tenant_name=str(t.get("tenant_name", t["tenant_id"])),
                    did_numbers=str(t.get("did_numbers", "")),
                    concurrency=t.get("concurrency"),
                )
                for t in data.get("tenants", [])
            ],
            baseline=dict(baseline) if isinstance(baseline, dict) else None,
            prefilled=dict(data.get("prefilled", {})),
            routes={
                str(k): dict(v)
                for k, v in (data.get("routes") or {}).items()
                if isinstance(v, dict)
            },
            routes_skipped=bool(data.get("routes_skipped", False)),
            tech_prefix=str(data.get("tech_prefix", "")),
        )

    def has_content(self) -> bool:
        """Whether the draft holds something the user typed or picked, worth resuming.

        A new trunk: a value other than what the step shows by itself (the field's
        default, or what the chosen brand filled in), a tenant, a rule or a tech prefix.
        An edit: a value that differs from what the PBX held (``baseline``); an edit
        without a baseline (a submit cut off after the PBX created the trunk) always is.
        The connection (URL, user), the level and the kind alone are not: they are
        chosen again in seconds.
        """
        if self.routes or self.tech_prefix:
            return True
        if self.is_edit:
            if self.baseline is None:
                return True
            base_fields = dict(self.baseline.get("fields") or {})
            base_options = dict(self.baseline.get("options") or {})
            if [t.to_dict() for t in self.tenants] != list(self.baseline.get("tenants") or []):
                return True
        else:
            base_fields = {k: v for k, v in self.prefilled.items() if "." not in k}
            base_options = {
                k.removeprefix("options."): v
                for k, v in self.prefilled.items()
                if k.startswith("options.")
            }
            if self.tenants:
                return True
        for name, value in self.fields.items():
            if name == "password":
                continue
            known = FIELDS_BY_NAME.get(name)
            shown = base_fields.get(name, known.default if known is not None else "")
            if _plain(value) != _plain(shown):
                return True
        defaults = _option_defaults()
        return any(
            _plain(value) != _plain(base_options.get(name, defaults.get(name)))
            for name, value in self.options.items()
        )

    def trunk_data(self) -> JsonObject:
        """The trunk as a plain dict for the domain's ``parse_trunk`` (no password)."""
        data: JsonObject = {k: v for k, v in self.fields.items() if v not in (None, "")}
        data["kind"] = self.kind or "register"
        if self.level:
            data["level"] = self.level
        ips = data.get("additional_ips")
        if isinstance(ips, str):
            data["additional_ips"] = [p.strip() for p in ips.split(";") if p.strip()]
        if self.options:
            data["options"] = dict(self.options)
        if self.level != "tenant":
            data.pop("did_numbers", None)
            data["tenants"] = [
                {k: v for k, v in t.to_dict().items() if v not in (None, "")} for t in self.tenants
            ]
        return data

    # -- transitions ------------------------------------------------------------------
    def apply(self, values: StepValues) -> None:
        """Merge a step's slice: draft attributes by name, ``options`` merged, the rest fields.

        ``reset=True`` first forgets the trunk (``forget_trunk``): "a new trunk instead"
        while editing one. A new ``kind`` goes through ``choose_kind``.
        """
        reset = bool(values.get("reset"))
        if reset:
            self.forget_trunk()
        for key, value in values.items():
            if key == "reset":
                continue
            if key == "kind":
                self.choose_kind(value)
            elif key in _ATTRS:
                setattr(self, key, value)
            elif key == "options":
                self.options.update(value)
            else:
                self.fields[key] = value
        if reset and self.trunk_id is not None:
            self.baseline = self.trunk_values()  # a trunk loaded from the PBX, as it holds it

    def forget_trunk(self) -> None:
        """Back to a new, empty trunk; the connection (URL, user, level) stays."""
        self.fields, self.options, self.tenants = {}, {}, []
        self.trunk_id = self.password = self.baseline = None
        self.prefilled = {}
        self.routes, self.routes_skipped, self.tech_prefix = {}, False, ""

    def choose_kind(self, kind: str | None) -> None:
        """Set the kind; values the new kind has no step for are dropped (an Auth ID typed
        for a Register-Based trunk is no part of an IP-Based one)."""
        if kind == self.kind:
            return
        self.kind = kind
        for name in list(self.fields):
            known = DRAFT_FIELD_BY_NAME.get(name)
            if known is not None and not known.applies_to(kind):
                del self.fields[name]
                self.prefilled.pop(name, None)
        if not DRAFT_FIELD_BY_NAME["password"].applies_to(kind):
            self.password = None

    def load_trunk(self, values: StepValues) -> None:
        """Fill the draft once from a trunk the PBX holds (``service.edit.draft_values``):
        it becomes an edit of that trunk, with those values as the baseline."""
        self.apply({**values, "reset": True})

    def prefill_brand(self, brand_values: JsonObject) -> FieldValues:
        """A brand was picked for a new trunk: fill what it documents; returns what changed.

        ``brand_values`` is ``Brand.model_values(kind)`` (fields, ``options`` nested). A
        value is filled only where the draft has none yet or still holds what an earlier
        brand filled in: never over a typed value, never while editing (the PBX's values
        stay). A ``None`` value (the brand documents none) clears what an earlier brand
        filled in. Values for kinds without the field are ignored.
        """
        if self.is_edit:
            return {}
        changed: FieldValues = {}
        for key, value in brand_values.items():
            if key in ("kind", "brand"):
                continue
            if key == "options":
                for name, flag in value.items():
                    slot = f"options.{name}"
                    if name not in self.options or self.options[name] == self.prefilled.get(slot):
                        self.options[name] = flag
                        self.prefilled[slot] = flag
                        changed[slot] = flag
                continue
            known = DRAFT_FIELD_BY_NAME.get(key)
            if known is None or not known.applies_to(self.kind):
                continue
            if isinstance(value, list):
                value = ";".join(str(v) for v in value)
            current = self.fields.get(key)
            if value is None:
                if key in self.prefilled and current == self.prefilled.pop(key):
                    self.fields.pop(key, None)
                    changed[key] = ""
                continue
            if current in (None, "") or current == self.prefilled.get(key):
                self.fields[key] = value
                self.prefilled[key] = value
                changed[key] = value
        return changed

    def submitted(self, trunk_id: str) -> None:
        """The PBX now holds the trunk: the draft becomes an edit of ``trunk_id`` (Back
        edits it; a second submit updates instead of creating it again)."""
        self.trunk_id = trunk_id
        self.password = None  # the PBX holds it; an edit sends one only when typed again
        self.prefilled = {}
        self.routes = {}  # the PBX holds them now; the Routes step reads them back
        self.baseline = self.trunk_values()

    def fresh(self) -> WizardDraft:
        """An empty new-trunk draft on the same connection (after "Done")."""
        return WizardDraft(
            step="kind", url=self.url, user=self.user, domain=self.domain, level=self.level
        )

    def tenant_routes(self) -> dict[str | None, TenantRoutes]:
        """The Routes step's rules as ``TenantRoutes`` keyed by tenant id (None: a Tenant
        Admin's own tenant), for ``service.routes.plan_routes``; empty when skipped. A
        tenant the trunk is no longer shared with is left out.
        Raises pydantic's ``ValidationError`` for a rule the domain refuses."""
        from trunkwiz.domain.routes import (  # lazy: off the first frame
            InboundRoute,
            OutboundRoute,
            TenantRoutes,
        )

        if self.routes_skipped:
            return {}
        out: dict[str | None, TenantRoutes] = {}
        shared = {t.tenant_id for t in self.tenants}
        for key, rules in self.routes.items():
            if (key != "" or self.level != "tenant") and (key == "" or key not in shared):
                continue  # a tenant no longer shared (or of the other level): nothing to route
            out_rules, in_rules = rules.get("outbound"), rules.get("inbound")
            out[key or None] = TenantRoutes(
                outbound=None
                if out_rules is None
                else tuple(OutboundRoute.model_validate(r) for r in out_rules),
                inbound=None
                if in_rules is None
                else tuple(InboundRoute.model_validate(r) for r in in_rules),
            )
        return out

    def merged(self, values: StepValues) -> WizardDraft:
        """A copy with ``values`` applied (the draft itself is unchanged)."""
        copy = WizardDraft.from_dict(self.to_dict())
        copy.password = self.password
        copy.apply(values)
        return copy


def _plain(value: object) -> str:
    """A value as the steps show it, for comparing typed with shown (``5060`` and
    ``"5060"`` are the same; ``None`` is empty; a list is ``;``-separated)."""
    if value is None:
        return ""
    if isinstance(value, list | tuple):
        return ";".join(_plain(v) for v in value)
    return str(value).strip()


def _option_defaults() -> dict[str, object]:
    """Each option flag's default, from the domain model (imported when first needed)."""
    from trunkwiz.domain.options import TrunkOptions  # lazy: off the first frame

    return {name: info.default for name, info in TrunkOptions.model_fields.items()}


_ATTRS = frozenset(
    {
        "step",
        "url",
        "user",
        "domain",
        "level",
        "trunk_id",
        "password",
        "tenants",
        "routes",
        "routes_skipped",
        "tech_prefix",
    }
)
