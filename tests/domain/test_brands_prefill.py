"""Each brand's pre-fill, with placeholders for what the user types, makes a valid trunk
whose payloads validate against the v22 spec."""

from __future__ import annotations

from typing import Any

import pytest

from tests.domain.trunk_contract import CREATE, UPDATE, assert_valid
from trunkwiz.domain.brands import BrandCatalogue
from trunkwiz.domain.options import TrunkKind
from trunkwiz.domain.trunk import parse_trunk

CATALOGUE = BrandCatalogue.load()
CASES = [(b.name, kind) for b in CATALOGUE for kind in b.kinds]


def placeholders(kind: TrunkKind) -> dict[str, Any]:
    values: dict[str, Any] = {
        "name": "Placeholder trunk",
        "hostname": "sip.example.com",
        "tenants": [{"tenant_id": "t1", "did_numbers": "16468097065-16468097066"}],
    }
    if kind.needs_credentials:
        values.update(auth_id="1001", password="placeholder")
    return values


@pytest.mark.parametrize(("brand_name", "kind"), CASES, ids=[f"{b}-{k}" for b, k in CASES])
def test_prefill_makes_a_valid_trunk_and_payload(brand_name: str, kind: TrunkKind) -> None:
    brand = CATALOGUE.get(brand_name)
    values = {**placeholders(kind), **brand.model_values(kind)}
    trunk = parse_trunk(values)
    for key, item in brand.prefill_for(kind).items():
        if item.value is None:
            continue
        got = trunk.options.model_dump().get(key, getattr(trunk, key, None))
        if key == "additional_ips":
            assert len(got) == len(item.value)
        elif key == "transport":
            assert got.value == item.value
        else:
            assert got == item.value, key
    assert trunk.brand == brand.api_value
    body = trunk.to_create_payload(password="placeholder")
    assert body["auth_mode"] == kind.auth_mode
    assert_valid(CREATE, body)
    assert_valid(UPDATE, trunk.to_update_payload())


def test_every_kind_is_covered() -> None:
    assert {kind for _, kind in CASES} == set(TrunkKind)
    assert len(CASES) >= len(CATALOGUE)


def test_guide_examples_are_not_prefilled_and_regional_values_say_confirm() -> None:
    from trunkwiz.domain.brands import BrandCatalogue
    from trunkwiz.domain.options import TrunkKind

    flowroute = BrandCatalogue.load().get("Flowroute")
    values = flowroute.prefill_for(TrunkKind.ip)
    assert values["additional_ips"].value is None  # 210.82.221.12/.13 are the guide's example
    assert "210.82.221.12/32" in values["additional_ips"].note
    assert "210.82.221.12/32" not in str(flowroute.model_values(TrunkKind.ip))
    host = values["hostname"]
    assert host.value == "us-west-or.sip.flowroute.com" and host.confirm and host.uncertain
    assert "confirm with the provider" in host.note
    assert flowroute.confirm_fields(TrunkKind.ip) == ["hostname"]
    siptrunk = BrandCatalogue.load().get("SIPTRUNK")  # its documented ranges stay
    assert siptrunk.prefill_for(TrunkKind.ip)["additional_ips"].value
    assert siptrunk.confirm_fields(TrunkKind.ip) == []
