"""A trunk the PBX holds as the domain's model (``trunk_from_api``, ``infer_level``), built
from the typed objects the client returns."""

from __future__ import annotations

import pytest

from tests.domain.test_trunk_payloads import detail_of, register
from trunkwiz.domain.options import Level, TrunkOptions
from trunkwiz.domain.trunk import IpTrunk, RegisterTrunk
from trunkwiz.pbx.objects import Assignee, Trunk
from trunkwiz.pbx.trunk_mapping import infer_level, trunk_from_api


def test_trunk_from_api_builds_an_editable_model() -> None:
    original = register(options={"keep_alive": True, "keep_alive_interval": 30}, port=5061)
    detail = {**detail_of(original), "additional_ips": "192.0.2.0/24", "unknown_new": 1}
    assignees = [Assignee(tenant_id="t1", did_numbers="3000-3010", concurrency=5)]
    trunk = trunk_from_api(Trunk.model_validate(detail), assignees, {"t1": "Acme"})
    assert isinstance(trunk, RegisterTrunk)
    assert trunk.password is None
    assert trunk.options.keep_alive is True and trunk.options.keep_alive_interval == 30
    assert trunk.port == 5061 and trunk.additional_ips == ["192.0.2.0/24"]
    assert trunk.tenants[0].tenant_name == "Acme" and trunk.tenants[0].concurrency == 5
    assert trunk.to_update_payload(detail) == {}


def test_trunk_from_api_defaults_missing_fields() -> None:
    detail = {"auth_mode": "IP_AUTH", "name": "X", "hostname": "192.0.2.1", "port": None}
    trunk = trunk_from_api(Trunk.model_validate(detail), [], {})
    assert isinstance(trunk, IpTrunk)
    assert trunk.port == 5060 and trunk.options.single_via_header is True


def test_trunk_from_api_level() -> None:
    assert infer_level(Trunk.model_validate({"shared": True}), []) is Level.system
    assert infer_level(Trunk.model_validate({"did_numbers": "3000"}), []) is Level.tenant
    assert infer_level(Trunk(), [Assignee(tenant_id="a")]) is Level.system
    detail = {
        "auth_mode": "REGISTER_AUTH",
        "name": "T",
        "hostname": "h.example",
        "auth_id": "a",
        "did_numbers": "3000",
    }
    trunk = trunk_from_api(Trunk.model_validate(detail), [], {})
    assert trunk.level is Level.tenant and trunk.did_numbers == "3000"


def test_trunk_from_api_refuses_kinds_it_cannot_edit() -> None:
    detail = {"auth_mode": "WHATS_APP", "name": "W", "hostname": "h"}
    with pytest.raises(ValueError, match="WHATS_APP"):
        trunk_from_api(Trunk.model_validate(detail), [], {})


def test_an_option_flag_the_pbx_leaves_out_means_the_api_schema_default() -> None:
    # v22 spec, GET /providers/{id}: rewrite_via_ip, verify_port, keep_alive default true;
    # what trunkwiz sends stays the web UI's (off) and is always explicit.
    detail = {"id": "7", "name": "T", "auth_mode": "IP_AUTH", "hostname": "sip.example.test"}
    options = trunk_from_api(Trunk.model_validate(detail), [], {}).options
    assert (options.rewrite_via_ip, options.verify_port, options.keep_alive) == (True, True, True)
    assert (options.inlan, options.keep_alive_interval) == (False, 360)
    sent = TrunkOptions()
    assert (sent.rewrite_via_ip, sent.verify_port, sent.keep_alive) == (False, False, False)
    told = trunk_from_api(Trunk.model_validate({**detail, "keep_alive": False}), [], {}).options
    assert told.keep_alive is False
    nulled = trunk_from_api(Trunk.model_validate({**detail, "verify_port": None}), [], {})
    assert nulled.options.verify_port is True


def test_lenient_readings_reach_the_model_and_compare_as_the_pbx_means_them() -> None:
    """A port or a call cap sent as text, an id as a number: the model reads the numbers,
    and planning against the trunk sends nothing for them."""
    detail = {
        "auth_mode": "IP_AUTH",
        "name": "Lenient",
        "hostname": "192.0.2.1",
        "port": "5062",
        "concurrency": "50",
        "keep_alive": "false",
        "id": 12,
    }
    read = Trunk.model_validate(detail)
    trunk = trunk_from_api(read, [], {})
    assert (trunk.port, trunk.concurrency, trunk.options.keep_alive) == (5062, 50, False)
    assert "port" not in trunk.to_update_payload(read.api_values())
    assert "concurrency" not in trunk.to_update_payload(read.api_values())
