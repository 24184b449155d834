"""The provider-portal checklist and the Review warnings (pure functions)."""

from __future__ import annotations

from trunkwiz.domain.options import Level
from trunkwiz.domain.trunk import parse_trunk
from trunkwiz.service.checklist import (
    NO_PUBLIC_IP,
    PbxAddress,
    ip_checklist,
    portal_checklist,
    review_warnings,
)

FLOWROUTE = parse_trunk(
    {"kind": "ip", "name": "F", "brand": "Flowroute", "hostname": "us-west-or.sip.flowroute.com"}
)
SIPTRUNK = parse_trunk(
    {
        "kind": "register",
        "name": "S",
        "brand": "SIPTRUNK",
        "hostname": "gw.siptrunk.com",
        "auth_id": "u",
        "password": "pw-123456",
    }
)
PUBLIC = PbxAddress("203.0.113.10", "192.0.2.10", "UDP", 5060)
PRIVATE_ONLY = PbxAddress("", "192.0.2.10", "UDP", 5060)


def test_flowroute_steps_carry_the_values_to_copy() -> None:
    text = "\n".join(portal_checklist(FLOWROUTE, PUBLIC, tech_prefix="52709417").lines())
    assert "Route = sip:203.0.113.10:5060, Edge Strategy" in text and "1.2.3.4" not in text
    assert "IP Authentication" in text and "Buy DIDs" in text
    assert "associate every DID" in text
    assert "52709417* in the outbound rule's Prepend" in text
    assert "PBX public IPv4 (allow/whitelist it at the carrier): 203.0.113.10" in text


def test_siptrunk_register_trunk_has_a_checklist_too() -> None:
    text = "\n".join(portal_checklist(SIPTRUNK, PUBLIC).lines())
    assert text.startswith("At the SIPTRUNK portal:")
    assert "whitelisting" in text and "203.0.113.10" in text


def test_a_private_address_is_never_shown_as_the_public_one() -> None:
    for trunk in (FLOWROUTE, SIPTRUNK):
        result = portal_checklist(trunk, PRIVATE_ONLY)
        assert NO_PUBLIC_IP in result.warnings
        assert "Settings › Network" in NO_PUBLIC_IP
        labels = {label: value for label, value in result.values}
        assert labels["PBX private IPv4 (inside your network only; not for the carrier)"] == (
            "192.0.2.10"
        )
        shown = "\n".join(result.lines())
        assert "sip:192.0.2.10" not in shown
        assert all("192.0.2.10" not in step for step in result.steps)
    assert "192.0.2.10" not in "\n".join(ip_checklist(FLOWROUTE, "", 5060))


def test_no_transport_listener_is_a_warning() -> None:
    result = portal_checklist(FLOWROUTE, PbxAddress("203.0.113.10", "", "TLS", None))
    assert any("no TLS transport" in w for w in result.warnings)


def test_review_warnings() -> None:
    shared = parse_trunk({"kind": "ip", "name": "X", "hostname": "h.example"})
    assert "shared with no tenant" in review_warnings(shared, Level.system)[0]
    assert review_warnings(shared, "tenant") == []
    with_pool = parse_trunk(
        {
            "kind": "ip",
            "name": "X",
            "hostname": "h.example",
            "tenants": [{"tenant_id": "t1", "tenant_name": "Acme", "did_numbers": "100"}],
        }
    )
    assert review_warnings(with_pool, Level.system) == []
    empty = with_pool.model_copy(
        update={"tenants": [with_pool.tenants[0].model_copy(update={"did_numbers": ""})]}
    )
    assert review_warnings(empty, Level.system) == [
        "Tenant Acme has an empty DID pool: it cannot receive calls on this trunk, "
        "nor use a caller ID from it."
    ]


def test_a_register_trunk_gets_no_ip_trunk_step() -> None:
    # brands.json, SIPTRUNK provider_portal_prerequisites: "IP trunk: set up IP
    # authentication …" applies to the IP trunk only; "Both trunk types: …" to both.
    register = portal_checklist(SIPTRUNK, PUBLIC).steps
    assert not any("IP authentication" in step for step in register)
    assert any(step.startswith("Both trunk types:") for step in register)
    ip = parse_trunk(
        {"kind": "ip", "name": "S", "brand": "SIPTRUNK", "hostname": "gw.siptrunk.com"}
    )
    assert any("set up IP authentication" in step for step in portal_checklist(ip, PUBLIC).steps)


def test_steps_scoped_to_the_other_kind_are_left_out_for_every_brand() -> None:
    from trunkwiz.domain.brands import BrandCatalogue, step_kinds
    from trunkwiz.domain.options import TrunkKind

    for brand in BrandCatalogue.load():
        for kind in brand.kinds:
            for step in brand.prerequisites_for(kind):
                assert kind in step_kinds(step), (brand.name, kind, step)
    telnyx = BrandCatalogue.load().get("Telnyx - US")
    assert not any(s.startswith("Register trunk:") for s in telnyx.prerequisites_for(TrunkKind.ip))
    assert any(
        s.startswith("Register trunk:") for s in telnyx.prerequisites_for(TrunkKind.register)
    )


def test_only_flowroute_is_told_about_route_type_host() -> None:
    # "Route Type = Host" is in Flowroute's portal steps (seed provider_portal_prerequisites)
    generic = parse_trunk({"kind": "ip", "name": "G", "hostname": "203.0.113.5"})
    assert "Route Type" not in "\n".join(portal_checklist(generic, PUBLIC).lines())
    labels = dict(portal_checklist(generic, PUBLIC).values)
    assert labels["Inbound route / SIP URI"] == "sip:203.0.113.10:5060"
    assert "Route Type = Host" in "\n".join(portal_checklist(FLOWROUTE, PUBLIC).lines())
