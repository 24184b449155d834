"""The brand catalogue: what the vendor documents per carrier, to pre-fill the trunk form.

Loaded from the package data file ``trunkwiz/domain/data/brands.json`` (regenerate it with
``scripts/build_brands.py``). Every pre-filled value says whether it is firmly documented
(``uncertain``) and why (``note``).
"""

from __future__ import annotations

import json
import textwrap
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from importlib import resources

from trunkwiz.domain.jsondata import JsonMapping, JsonObject
from trunkwiz.domain.labels import label_of, plain_words
from trunkwiz.domain.options import OPTION_FIELDS, TrunkKind

GENERIC = "Generic"
"""The brand for carriers not in the list."""

PrefillValue = str | int | bool | list[str] | None


@dataclass(frozen=True)
class Prefill:
    """One pre-filled field: ``value`` (``None`` = you must enter it), how sure, why."""

    value: PrefillValue
    uncertain: bool = False
    note: str = ""
    choices: tuple[str, ...] = ()
    confirm: bool = False
    """Region or account specific (e.g. Flowroute's ``us-west-or`` host): shown as
    "confirm with the provider", never as the carrier's fixed value."""
    ask: str = ""
    """For a value not pre-filled (no source): what to ask the carrier (a placeholder)."""


@dataclass(frozen=True)
class KindFacts:
    """What the vendor says about one kind of trunk for a brand (shown beside the form)."""

    who_can_create: str = ""
    ui_label: str = ""
    auth_id: str = ""
    username: str = ""
    password: str = ""
    three_way_auth: bool = False
    notes: tuple[str, ...] = ()
    uncertain: bool = False


@dataclass(frozen=True)
class Brand:
    """One entry of the PBX's brand list with its documented facts."""

    name: str
    api_value: str
    kinds: tuple[TrunkKind, ...]
    prefill: Mapping[TrunkKind, Mapping[str, Prefill]]
    facts: Mapping[TrunkKind, KindFacts] = field(default_factory=dict)
    api_value_uncertain: bool = True
    provider: str = ""
    documented: bool = True
    sms_supported: bool = False
    call_prefix: JsonMapping | None = None
    did_pool_example: str = ""
    outbound_number_format: str = ""
    caller_id_format: str = ""
    outbound_parameters: Mapping[str, str] = field(default_factory=dict)
    outbound_parameters_note: str = ""
    prerequisites: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()

    def prerequisites_for(self, kind: TrunkKind) -> tuple[str, ...]:
        """The portal steps that apply to ``kind``: a step the guide scopes to one kind of
        trunk ("IP trunk: …", "Register trunk: …") is left out for the other kinds."""
        return tuple(p for p in self.prerequisites if kind in step_kinds(p))

    def supports(self, kind: TrunkKind) -> bool:
        """Whether the vendor documents this kind of trunk for the brand."""
        return kind in self.kinds

    def prefill_for(self, kind: TrunkKind) -> dict[str, Prefill]:
        """Pre-fill values by API field name (``ValueError`` if the kind is not supported)."""
        if not self.supports(kind):
            supported = ", ".join(k.label for k in self.kinds)
            raise ValueError(f"{self.name} documents only: {supported}")
        return dict(self.prefill.get(kind, {}))

    def model_values(self, kind: TrunkKind, *, unfilled: bool = False) -> JsonObject:
        """The pre-fill as trunk-model input: ``brand``, ``kind``, fields with a value, and
        option flags nested under ``options``. ``unfilled``: also the fields the brand
        leaves to the user, as ``None`` (so an earlier brand's pre-fill can be cleared)."""
        values: JsonObject = {"kind": kind.value, "brand": self.api_value}
        options: JsonObject = {}
        for key, item in self.prefill_for(kind).items():
            if item.value is None:
                if unfilled and key not in OPTION_FIELDS:
                    values[key] = None
                continue
            value = list(item.value) if isinstance(item.value, list) else item.value
            (options if key in OPTION_FIELDS else values)[key] = value
        if options:
            values["options"] = options
        return values

    def confirm_fields(self, kind: TrunkKind) -> list[str]:
        """Names of the pre-filled fields to confirm with the provider (region/account)."""
        return [k for k, v in self.prefill_for(kind).items() if v.confirm]

    def uncertain_fields(self, kind: TrunkKind) -> list[str]:
        """Names of the pre-filled fields that are not firmly documented."""
        return [k for k, v in self.prefill_for(kind).items() if v.uncertain]


class BrandCatalogue:
    """All brands, ``Generic`` first; look-ups ignore case."""

    def __init__(self, brands: list[Brand]) -> None:
        """A catalogue of ``brands`` (names must be unique, ignoring case)."""
        self._brands = list(brands)
        self._by_key = {b.name.casefold(): b for b in self._brands}
        for brand in self._brands:
            self._by_key.setdefault(brand.api_value.casefold(), brand)
        if GENERIC.casefold() not in self._by_key:
            raise ValueError("the brand catalogue has no Generic entry")

    @classmethod
    def load(cls) -> BrandCatalogue:
        """The catalogue shipped in the package."""
        text = resources.files("trunkwiz.domain").joinpath("data/brands.json").read_text("utf-8")
        return cls.from_dict(json.loads(text))

    @classmethod
    def from_dict(cls, data: JsonMapping) -> BrandCatalogue:
        """A catalogue from the data file's structure."""
        return cls([_brand(item) for item in data["brands"]])

    def __iter__(self) -> Iterator[Brand]:
        return iter(self._brands)

    def __len__(self) -> int:
        return len(self._brands)

    def names(self) -> list[str]:
        """Brand names in catalogue order (``Generic`` first)."""
        return [b.name for b in self._brands]

    def get(self, name: str) -> Brand:
        """The brand named ``name`` or with that API value (``KeyError`` if none)."""
        try:
            return self._by_key[name.strip().casefold()]
        except KeyError:
            raise KeyError(
                f"unknown brand {name!r}; choose {GENERIC} for unlisted carriers"
            ) from None

    def find(self, name: str) -> Brand | None:
        """Like :meth:`get` but ``None`` when unknown."""
        return self._by_key.get(name.strip().casefold())

    @property
    def generic(self) -> Brand:
        """The ``Generic`` brand."""
        return self._by_key[GENERIC.casefold()]

    def search(self, text: str, kind: TrunkKind | None = None) -> list[Brand]:
        """Brands whose name, API value or provider contains ``text`` (any case); names
        starting with it first. Empty text lists all; ``kind`` keeps brands supporting it."""
        needle = text.strip().casefold()
        hits = [
            b
            for b in self._brands
            if (kind is None or b.supports(kind))
            and any(needle in s.casefold() for s in (b.name, b.api_value, b.provider))
        ]
        return sorted(hits, key=lambda b: not b.name.casefold().startswith(needle))


# The scope labels the vendor's guides put in front of a portal step (seed brands.json,
# ``provider_portal_prerequisites``: SIPTRUNK "IP trunk: set up IP authentication …",
# "Both trunk types: …"; Telnyx/QuestBlue/Voxtelesys "Register trunk: …"; Wavix
# "IP-auth trunks only: …"). A step without one applies to every kind.
_STEP_SCOPES: tuple[tuple[str, frozenset[TrunkKind]], ...] = (
    ("ip trunk:", frozenset({TrunkKind.ip})),
    ("ip-auth trunks only:", frozenset({TrunkKind.ip})),
    ("register trunk:", frozenset({TrunkKind.register})),
)


HINT_WIDTH = 76
"""Columns a brand hint is laid out for (an 80-column terminal, less the step's frame)."""
HINT_ROWS = 3
"""Rows a brand hint may take on screen; the rest is behind F1 (the step's help)."""


@dataclass(frozen=True)
class BrandHint:
    """What the Basic step says about a brand: ``short`` (at most ``HINT_ROWS`` rows of
    ``HINT_WIDTH`` columns, fields named by their labels) and ``details`` (the guide's
    notes, for the step's help)."""

    short: str
    details: str


def brand_hint(brand: Brand, kind: TrunkKind) -> BrandHint:
    """The hint for ``brand`` on a trunk of ``kind``: which fields to confirm with the
    carrier and which to enter, by label; the notes that say why go to ``details``."""

    values = brand.prefill_for(kind)
    confirm = [label_of(key) for key, item in values.items() if item.uncertain]
    missing = [label_of(key) for key, item in values.items() if item.value is None]
    details = [
        f"{label_of(key)}: {plain_words(item.note)}"
        for key, item in values.items()
        if item.note and (item.uncertain or item.value is None)
    ]
    lines = []
    if confirm:
        lines.append(f"Confirm with {brand.name}: {', '.join(confirm)}.")
    if missing:
        lines.append(f"Enter from {brand.name}'s portal: {', '.join(missing)}.")
    more = "F1: why, from the vendor's guide." if details else ""
    rows = [row for line in lines for row in textwrap.wrap(line, HINT_WIDTH)]
    room = HINT_ROWS - (1 if more else 0)
    if len(rows) > room:
        rows = rows[:room]
        rows[-1] = rows[-1][: HINT_WIDTH - 1].rstrip() + "…"
        more = more or "F1: the rest."
    short = "\n".join([*rows, more] if more else rows)
    title = f"{brand.name} ({kind.label}), from the vendor's guide:"
    return BrandHint(short, "\n".join([title, *details]) if details else "")


def step_kinds(step: str) -> frozenset[TrunkKind]:
    """The kinds of trunk a portal step applies to (all kinds unless it is scoped)."""
    text = step.strip().casefold()
    for label, kinds in _STEP_SCOPES:
        if text.startswith(label):
            return kinds
    return frozenset(TrunkKind)


def _brand(item: JsonMapping) -> Brand:
    kinds = tuple(TrunkKind(k) for k in item["kinds"])
    prefill = {
        TrunkKind(kind): {key: _prefill(raw) for key, raw in fields.items()}
        for kind, fields in item.get("prefill", {}).items()
    }
    facts = {TrunkKind(kind): _facts(raw) for kind, raw in item.get("facts", {}).items()}
    notes = [item.get("variants_note", "")]
    notes += [f"Guide inconsistency: {c}" for c in item.get("doc_conflicts", [])]
    prerequisites = list(item.get("prerequisites", []))
    prerequisites += [f"{p} (uncertain)" for p in item.get("prerequisites_uncertain", [])]
    return Brand(
        name=item["name"],
        api_value=item["api_value"],
        kinds=kinds,
        prefill=prefill,
        facts=facts,
        api_value_uncertain=bool(item.get("api_value_uncertain", True)),
        provider=item.get("provider", item["name"]),
        documented=bool(item.get("documented", True)),
        sms_supported=bool(item.get("sms_supported", False)),
        call_prefix=item.get("call_prefix"),
        did_pool_example=item.get("did_pool_example", ""),
        outbound_number_format=item.get("outbound_number_format", ""),
        caller_id_format=item.get("caller_id_format", ""),
        outbound_parameters=dict(item.get("outbound_parameters", {})),
        outbound_parameters_note=item.get("outbound_parameters_note", ""),
        prerequisites=tuple(prerequisites),
        notes=tuple(n for n in notes if n),
        sources=tuple(item.get("sources", [])),
    )


def _prefill(raw: JsonMapping) -> Prefill:
    value = raw.get("value")
    if isinstance(value, list):
        value = [str(v) for v in value]
    return Prefill(
        value=value,
        uncertain=bool(raw.get("uncertain", False)),
        note=str(raw.get("note", "")),
        choices=tuple(raw.get("choices", ())),
        confirm=bool(raw.get("confirm", False)),
        ask=str(raw.get("ask", "")),
    )


def _facts(raw: JsonMapping) -> KindFacts:
    return KindFacts(
        who_can_create=str(raw.get("who_can_create", "")),
        ui_label=str(raw.get("ui_label", "")),
        auth_id=str(raw.get("auth_id", "")),
        username=str(raw.get("username", "")),
        password=str(raw.get("password", "")),
        three_way_auth=bool(raw.get("three_way_auth", False)),
        notes=tuple(raw.get("notes", ())),
        uncertain=bool(raw.get("uncertain", False)),
    )
