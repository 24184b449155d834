"""Values that follow the seed (brands.json), the v22 spec or the vendor's KB, and only them."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from trunkwiz.domain.routes import (
    Action,
    Destination,
    InboundRoute,
    flowroute_prepend,
    outbound_prefill,
)


@pytest.mark.parametrize("prefix", ["1", "123456", "52709417", "1234567890", "9" * 63])
def test_a_flowroute_tech_prefix_is_any_run_of_digits(prefix: str) -> None:
    # The KB's one example (52709417) is 8 digits; nothing says every prefix is.
    assert flowroute_prepend(prefix) == prefix + "*"


@pytest.mark.parametrize("prefix", ["5270941*", "52 709417", "+52709417", "abc", "9" * 64])
def test_a_flowroute_tech_prefix_is_digits_that_fit_the_prepend(prefix: str) -> None:
    with pytest.raises(ValueError, match="digits only"):
        flowroute_prepend(prefix)


def test_flowroute_outbound_rule_matches_no_numbers_it_was_not_told() -> None:
    # Neither the seed nor the KB's routing page gives a number length for Flowroute:
    # nothing is pre-filled; the field says what to ask the carrier.
    fill = outbound_prefill("Flowroute", tech_prefix="52709417")
    assert fill.number_length == "" and fill.prepend == "52709417*"
    assert "ask Flowroute" in fill.ask["number_length"]
    assert outbound_prefill("SIPTRUNK").ask == {}  # its 10 + prepend 1 is in the KB


@pytest.mark.parametrize("text", ["*97", "#1", "12#", "+*1", "1*2"])
def test_a_destination_is_digits_with_an_optional_plus(text: str) -> None:
    with pytest.raises(ValueError, match="not a destination"):
        Destination.parse(text)
    with pytest.raises(ValidationError):
        InboundRoute(name="in", did_numbers="16468097065", forward_to=text)


@pytest.mark.parametrize("text", ["1001", "+13105551234", "0", "0044201234567"])
def test_numbers_the_spec_allows_stay_destinations(text: str) -> None:
    assert Destination.parse(text) == Destination(Action.number, text)


def test_every_prefilled_value_says_where_it_comes_from() -> None:
    from trunkwiz.domain.brands import BrandCatalogue

    unsourced = [
        (brand.name, kind.value, key)
        for brand in BrandCatalogue.load()
        for kind in brand.kinds
        for key, item in brand.prefill_for(kind).items()
        if item.value is not None and not item.note
    ]
    assert unsourced == []


def test_siptrunk_associated_ips_cite_the_kb_screenshots_that_show_them() -> None:
    # Seed brands.json, SIPTRUNK types.*.additional_ips; the KB's SIPTRUNK pages show the
    # four ranges on the IP (SIPTRUNK.com_1.png) and Register (SIPTRUNK.com_3.png) forms.
    from trunkwiz.domain.brands import BrandCatalogue
    from trunkwiz.domain.options import TrunkKind

    siptrunk = BrandCatalogue.load().get("SIPTRUNK")
    for kind, shot in (
        (TrunkKind.ip, "SIPTRUNK.com_1.png"),
        (TrunkKind.register, "SIPTRUNK.com_3.png"),
    ):
        item = siptrunk.prefill_for(kind)["additional_ips"]
        assert item.value == [
            "63.247.69.226/32",
            "205.251.137.154/32",
            "104.219.162.0/24",
            "104.219.163.0/24",
        ]
        assert shot in item.note


def test_inferred_and_example_values_are_not_prefilled() -> None:
    # Seed notes: Bandwidth's host is an "Example primary IP" (per account); CM.com's
    # register ranges "presumably apply"; Wavix's IP host is "presumably the same".
    from trunkwiz.domain.brands import BrandCatalogue
    from trunkwiz.domain.options import TrunkKind

    catalogue = BrandCatalogue.load()
    cases = (
        ("Bandwidth", TrunkKind.ip, "hostname", "ask Bandwidth: your trunk's SIP host"),
        ("CM.com", TrunkKind.register, "additional_ips", "ask CM.com: its SIP source IPs"),
        ("Wavix - US", TrunkKind.ip, "hostname", "ask Wavix: your trunk's SIP host"),
    )
    for brand, kind, key, ask in cases:
        item = catalogue.get(brand).prefill_for(kind)[key]
        assert item.value is None and item.ask == ask and "Not pre-filled" in item.note
        assert key not in catalogue.get(brand).model_values(kind)
        assert catalogue.get(brand).model_values(kind, unfilled=True)[key] is None
    assert catalogue.get("CM.com").prefill_for(TrunkKind.ip)["additional_ips"].value


def test_a_brand_that_documents_no_value_clears_an_earlier_brands_prefill() -> None:
    from trunkwiz.domain.brands import BrandCatalogue
    from trunkwiz.domain.options import TrunkKind
    from trunkwiz.service.draft import WizardDraft

    catalogue = BrandCatalogue.load()
    draft = WizardDraft(url="x", user="admin", kind="ip", level="system", fields={})
    draft.prefill_brand(catalogue.get("Flowroute").model_values(TrunkKind.ip, unfilled=True))
    assert draft.fields["hostname"] == "us-west-or.sip.flowroute.com"
    changed = draft.prefill_brand(
        catalogue.get("Bandwidth").model_values(TrunkKind.ip, unfilled=True)
    )
    assert changed["hostname"] == "" and "hostname" not in draft.fields
    draft.fields["hostname"] = "sip.mine.test"  # typed
    draft.prefill_brand(catalogue.get("Gamma").model_values(TrunkKind.ip, unfilled=True))
    assert draft.fields["hostname"] == "sip.mine.test"


def test_api_defaults_are_the_spec_schema_defaults() -> None:
    from trunkwiz.domain.options import API_DEFAULTS, OPTION_FIELDS
    from trunkwiz.sandbox.spec import load_spec

    detail = load_spec()["paths"]["/providers/{id}"]["get"]["responses"]["200"]
    props = detail["content"]["application/json"]["schema"]["properties"]
    assert {name: props[name]["default"] for name in OPTION_FIELDS} == API_DEFAULTS
