"""The brand catalogue: loading, look-up, search, uncertainty flags, packaging."""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path

import pytest

from trunkwiz.domain.brands import GENERIC, BrandCatalogue, Prefill
from trunkwiz.domain.options import TrunkKind

ROOT = Path(__file__).resolve().parents[2]
SHARED = ROOT.parent / "shared" / "portsip" / "brands.json"


@pytest.fixture(scope="module")
def catalogue() -> BrandCatalogue:
    return BrandCatalogue.load()


def test_every_source_brand_loads_plus_generic(catalogue: BrandCatalogue) -> None:
    names = catalogue.names()
    assert names[0] == GENERIC
    for name in ("Flowroute", "Telnyx - US", "Twilio", "Twilio Interconnect", "Wavix - US"):
        assert name in names
    assert len(set(n.casefold() for n in names)) == len(names)
    generic = catalogue.generic
    assert set(generic.kinds) == set(TrunkKind)
    assert generic.prefill_for(TrunkKind.register)["register_interval"].value == 600


def test_catalogue_matches_its_source_notes(catalogue: BrandCatalogue) -> None:
    if not SHARED.is_file():
        pytest.skip(f"source notes not present at {SHARED}")
    source = json.loads(SHARED.read_text(encoding="utf-8"))
    for provider in source["providers"]:
        brand = catalogue.get(provider["brand"])
        kinds = {"IP_AUTH": TrunkKind.ip, "REGISTER_AUTH": TrunkKind.register}
        assert set(brand.kinds) == {kinds[t] for t in provider["trunk_types"]}


def test_package_data_is_what_the_build_script_writes(tmp_path: Path) -> None:
    if not SHARED.is_file():
        pytest.skip(f"source notes not present at {SHARED}")
    spec = importlib.util.spec_from_file_location("build_brands", ROOT / "scripts/build_brands.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    out = tmp_path / "brands.json"
    assert module.main([sys.argv[0], str(SHARED), str(out)]) == 0
    shipped = ROOT / "trunkwiz" / "domain" / "data" / "brands.json"
    assert json.loads(out.read_text()) == json.loads(shipped.read_text())


def test_get_ignores_case_and_accepts_api_values(catalogue: BrandCatalogue) -> None:
    assert catalogue.get("flowroute").name == "Flowroute"
    assert catalogue.get("  TELNYX - us ").name == "Telnyx - US"
    assert catalogue.find("no such carrier") is None
    with pytest.raises(KeyError, match="Generic"):
        catalogue.get("no such carrier")


def test_search_is_case_insensitive_and_partial(catalogue: BrandCatalogue) -> None:
    assert [b.name for b in catalogue.search("TWIL")] == ["Twilio", "Twilio Interconnect"]
    assert "Telnyx - US" in [b.name for b in catalogue.search("telnyx")]
    assert "VoIP.ms" in [b.name for b in catalogue.search("ip.m")]
    assert len(catalogue.search("")) == len(catalogue)
    assert catalogue.search("zzz-nothing") == []


def test_search_puts_prefix_matches_first(catalogue: BrandCatalogue) -> None:
    names = [b.name for b in catalogue.search("voi")]
    assert names[0].casefold().startswith("voi")
    assert "VoIP Innovations" in names


def test_search_by_kind(catalogue: BrandCatalogue) -> None:
    ip_only = {b.name for b in catalogue.search("", kind=TrunkKind.ip)}
    assert "Flowroute" in ip_only and "Twilio" not in ip_only
    accept = [b.name for b in catalogue.search("", kind=TrunkKind.accept_register)]
    assert accept == [GENERIC]


def test_prefill_values_and_uncertainty(catalogue: BrandCatalogue) -> None:
    flow = catalogue.get("Flowroute").prefill_for(TrunkKind.ip)
    assert flow["hostname"] == Prefill(  # a region's host: confirm with the provider
        "us-west-or.sip.flowroute.com", True, flow["hostname"].note, (), confirm=True
    )
    assert flow["additional_ips"].uncertain is True
    assert "ask Flowroute support" in flow["additional_ips"].note
    cm = catalogue.get("CM.com").prefill_for(TrunkKind.register)
    assert (cm["port"].value, cm["port"].uncertain) == (0, True)
    assert cm["transport"].uncertain is True
    assert catalogue.get("CM.com").uncertain_fields(TrunkKind.ip) == ["port"]
    gamma = catalogue.get("Gamma").prefill_for(TrunkKind.ip)["hostname"]
    assert gamma.value is None and gamma.uncertain and "Gamma" in gamma.note


def test_placeholder_hosts_are_not_prefilled_but_offered(catalogue: BrandCatalogue) -> None:
    vonage = catalogue.get("Vonage").prefill_for(TrunkKind.register)["hostname"]
    assert vonage.value is None
    assert len(vonage.choices) == 3 and "sip-eu.vonage.com" in vonage.choices[1]
    assert "portsip.sip-us.vonage.com" in vonage.note


def test_twilio_registration_off_and_screenshot_options(catalogue: BrandCatalogue) -> None:
    twilio = catalogue.get("Twilio")
    values = twilio.model_values(TrunkKind.register)
    assert values["registration"] is False
    assert values["options"]["keep_alive"] is False
    assert values["brand"] == "Twilio"
    assert "Need Registration" in twilio.prefill_for(TrunkKind.register)["registration"].note


def test_unsupported_kind_is_refused(catalogue: BrandCatalogue) -> None:
    with pytest.raises(ValueError, match="IP Based Trunk"):
        catalogue.get("Flowroute").prefill_for(TrunkKind.register)


def test_facts_for_the_form(catalogue: BrandCatalogue) -> None:
    flow = catalogue.get("Flowroute")
    assert flow.call_prefix and flow.call_prefix["mandatory"] is True
    assert flow.did_pool_example == "16468097065-16468097066;16468097070-16468097080"
    vonage = catalogue.get("Vonage").facts[TrunkKind.register]
    assert "User Key" in vonage.auth_id and "Secret" in vonage.password
    gamma = catalogue.get("Gamma")
    assert gamma.outbound_parameters["p_asserted_identity_host_part"] == "TRUNK_HOST_PORT"
    assert "Uncertain" in gamma.outbound_parameters_note
    sinch = catalogue.get("Sinch").facts[TrunkKind.register]
    assert sinch.uncertain is True
    assert all(b.api_value_uncertain for b in catalogue)


def test_undocumented_brands_prefill_nothing(catalogue: BrandCatalogue) -> None:
    skyetel = catalogue.get("Skyetel")
    assert skyetel.documented is False
    assert skyetel.prefill_for(TrunkKind.register) == {}


def test_data_file_is_inside_the_package() -> None:
    from importlib import resources

    data = resources.files("trunkwiz.domain").joinpath("data/brands.json")
    assert data.is_file()
    assert json.loads(data.read_text("utf-8"))["format"] == 1
