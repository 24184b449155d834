"""The PBX's inbound and outbound rules as typed objects: the spec's shapes parse and name
every field, unknown fields are kept (a rule's body gives back what the PBX sent), lenient
values read as the mapping read them, and a wrong shape is a ``BadAnswer`` naming the call
and the field, never the value, here and over HTTP from the sandbox."""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.domain.trunk_contract import spec
from tests.pbx.test_pbx_rules_owned import POOL_A, ip_trunk
from trunkwiz.domain.office_hours import ALWAYS
from trunkwiz.domain.routes import InboundRoute, OutboundRoute
from trunkwiz.pbx.client import PbxClient
from trunkwiz.pbx.errors import BadAnswer
from trunkwiz.pbx.objects import PbxObject, parse, parse_items
from trunkwiz.pbx.plan import apply, plan
from trunkwiz.pbx.rules import (
    InboundRule,
    OutboundRule,
    RuleApi,
    TenantRules,
    inbound_from_api,
    outbound_from_api,
    restore_body,
    routes_from_api,
    without_route,
)
from trunkwiz.pbx.rules import OutboundRoute as PbxRoute
from trunkwiz.sandbox.server import SandboxServer

HOSTILE = "[bold]<script>$(rm -rf ~)</script>"
"""A value that must never reach a message."""


def _answer_schema(path: str) -> dict[str, Any]:
    ok = spec()["paths"][path]["get"]["responses"]["200"]
    schema: dict[str, Any] = ok["content"]["application/json"]["schema"]
    return schema


def _flat(schema: dict[str, Any]) -> dict[str, Any]:
    """``schema`` with its ``allOf`` parts (and theirs) merged into it."""
    flat = {k: v for k, v in schema.items() if k != "allOf"}
    for part in map(_flat, schema.get("allOf", ())):
        props = {**part.get("properties", {}), **flat.get("properties", {})}
        flat = {**part, **flat} | ({"properties": props} if props else {})
    return flat


def _example(schema: dict[str, Any]) -> Any:
    """A value of ``schema``: its example, default or first enum value, else one of its
    type (arrays of one item)."""
    schema = _flat(schema)
    for key in ("example", "default"):
        if key in schema:
            return schema[key]
    if schema.get("enum"):
        return schema["enum"][0]
    if schema.get("type") == "object" or "properties" in schema:
        return {k: _example(v) for k, v in schema.get("properties", {}).items()}
    if schema.get("type") == "array":
        return [_example(schema["items"])]
    return {"string": "x", "integer": 1, "boolean": True}[schema["type"]]


@pytest.mark.parametrize(
    ("path", "model"),
    [("/inbound_rules/{id}", InboundRule), ("/outbound_rules/{id}", OutboundRule)],
    ids=str,
)
def test_the_models_name_every_field_of_the_spec_and_give_its_example_back(
    path: str, model: type[OutboundRule | InboundRule]
) -> None:
    example = _example(_answer_schema(path))
    assert set(example) == set(model.model_fields)
    parsed = parse(model, example, f"GET {path}")
    assert parsed.body() == example
    assert parsed.model_extra == {}
    if isinstance(parsed, OutboundRule):
        (route,) = example["routes"]
        assert set(route) == set(PbxRoute.model_fields)
        assert parsed.routes[0].body() == route
    else:
        assert parsed.office_hours_forward_rule is not None
        assert parsed.office_hours_forward_rule.action == "FORWARD_TO_NUMBER"
    assert parsed.office_hours is not None and "monday" in parsed.office_hours


def test_the_summaries_of_the_lists_parse() -> None:
    for path, model in (("/inbound_rules", InboundRule), ("/outbound_rules", OutboundRule)):
        item = _example(_answer_schema(path)["properties"]["items"]["items"])
        (parsed,) = parse_items(model, [item], f"GET {path}")
        assert isinstance(parsed, PbxObject) and parsed.body() == item


RULE = {
    "id": "r1",
    "name": "Failover",
    "number_length": "11",
    "office_hours": ALWAYS.to_api(),
    "routes": [
        {"provider_id": "B", "enabled": True, "strip_digits": 0, "prepend": "9"},
        {"provider_id": "A", "enabled": True, "strip_digits": 1, "prepend": ""},
    ],
}


def test_lenient_values_read_as_the_mapping_read_them() -> None:
    lenient = {
        "id": 41,
        "name": "Failover",
        "number_prefix": None,
        "number_length": 11,
        "number_mask": None,
        "enabled": None,
        "priority": "5",
        "routing_strategy": None,
        "office_hours": ALWAYS.to_api(),
        "holidays": ["h1", None, {"id": 2, "name": "New Year"}],
        "routes": [
            None,
            {"provider_id": "B", "strip_digits": "0", "prepend": 9},
            {"provider_id": "A", "enabled": None, "strip_digits": 1, "outbound_caller_id": None},
        ],
    }
    rule = parse(OutboundRule, lenient, "GET /outbound_rules/41")
    assert (rule.id, rule.number_length, rule.number_prefix, rule.priority) == ("41", "11", "", 5)
    assert rule.enabled is True and rule.routing_strategy == ""
    assert [h.id for h in rule.holidays] == ["h1", "2"]
    assert [(r.provider_id, r.enabled, r.strip_digits, r.prepend) for r in rule.routes] == [
        ("B", True, 0, "9"),
        ("A", True, 1, ""),
    ]
    strict = parse(OutboundRule, RULE, "GET /outbound_rules/r1")
    assert outbound_from_api(rule, "A") == outbound_from_api(strict, "A") is not None
    assert routes_from_api(TenantRules(outbound=(rule,)), "B").outbound == (
        OutboundRoute(name="Failover", number_length="11", prepend="9", office_hours=ALWAYS),
    )
    summary = parse_items(OutboundRule, [{"id": 7, "name": None}], "GET /outbound_rules")[0]
    assert (summary.id, summary.name, summary.routes, summary.office_hours) == ("7", "", (), None)


def test_an_inbound_rule_reads_numbers_sent_as_numbers() -> None:
    rule = parse(
        InboundRule,
        {
            "id": 3,
            "name": "From Flowroute",
            "provider_id": 12,
            "did_numbers": 16468097065,
            "cid_number_mask": None,
            "office_hours_forward_rule": {"action": "FORWARD_TO_NUMBER", "number": 1001},
            "non_office_hours_forward_rule": None,
            "holiday_forward_rule": {"action": "HANGUP"},
        },
        "GET /inbound_rules/3",
    )
    assert (rule.provider_id, rule.did_numbers, rule.cid_number_mask) == ("12", "16468097065", "")
    assert rule.non_office_hours_forward_rule is None
    assert TenantRules(inbound=(rule,)).for_trunk("12").inbound == (rule,)
    model = inbound_from_api(rule)
    assert model == InboundRoute.model_validate(
        {
            "name": "From Flowroute",
            "did_numbers": "16468097065",
            "forward_to": "1001",
            "holidays": "hangup",
            "office_hours": None,
        }
    )


@pytest.mark.parametrize(
    ("model", "body", "where", "said"),
    [
        (OutboundRule, {"routes": [{}, {"provider_id": {"id": HOSTILE}}]},
         "routes[1].provider_id", "an object where a string belongs"),
        (OutboundRule, {"routes": [{}, HOSTILE]}, "routes[1]", "where an object belongs"),
        (OutboundRule, {"routes": HOSTILE}, "routes", "a string where a list belongs"),
        (OutboundRule, {"routes": [{"enabled": HOSTILE}]}, "routes[0].enabled",
         "a string where true or false belongs"),
        (OutboundRule, {"routes": [{"strip_digits": HOSTILE}]}, "routes[0].strip_digits",
         "a string where a number of digits belongs"),
        (OutboundRule, {"priority": [HOSTILE]}, "priority", "a list where a priority belongs"),
        (OutboundRule, {"name": {"x": HOSTILE}}, "name", "an object where a string belongs"),
        (OutboundRule, {"office_hours": HOSTILE}, "office_hours",
         "a string where an object belongs"),
        (OutboundRule, {"holidays": HOSTILE}, "holidays", "a string where a list belongs"),
        (OutboundRule, {"holidays": [{"id": [HOSTILE]}]}, "holidays[0].id",
         "a list where a string belongs"),
        (InboundRule, {"provider_id": [HOSTILE]}, "provider_id", "a list where a string"),
        (InboundRule, {"office_hours_forward_rule": HOSTILE}, "office_hours_forward_rule",
         "where an object belongs"),
        (InboundRule, {"holiday_forward_rule": {"number": {"n": HOSTILE}}},
         "holiday_forward_rule.number", "an object where a string belongs"),
        (InboundRule, {"play_recording_disclaimer": HOSTILE}, "play_recording_disclaimer",
         "a string where true or false belongs"),
    ],
)  # fmt: skip
def test_a_wrong_shape_is_a_bad_answer_naming_the_call_and_field(
    model: type[PbxObject], body: dict[str, Any], where: str, said: str
) -> None:
    what = "GET /outbound_rules/r1"
    with pytest.raises(BadAnswer, match=f"^{re.escape(what)}: {re.escape(where)}: ") as caught:
        parse(model, body, what)
    assert said in str(caught.value)
    assert HOSTILE not in str(caught.value) and "script" not in str(caught.value)
    with pytest.raises(BadAnswer, match=re.escape(f"GET /x: items[1].{where}: ")):
        parse_items(model, [{}, body], "GET /x")


def test_unknown_fields_are_kept_and_nulls_left_out_of_the_body() -> None:
    sent = {
        **RULE,
        "x_newer": {"nested": [1, None, "two"]},
        "number_mask": None,
        "routes": [
            {**RULE["routes"][0], "x_route": {"weight": 3}},  # type: ignore[dict-item]
            {**RULE["routes"][1], "outbound_caller_id": None},  # type: ignore[dict-item]
        ],
    }
    rule = parse(OutboundRule, sent, "GET /outbound_rules/r1")
    assert rule.model_extra == {"x_newer": {"nested": [1, None, "two"]}}
    assert rule.routes[0].model_extra == {"x_route": {"weight": 3}}
    body = rule.body()
    assert body["x_newer"] == {"nested": [1, None, "two"]}
    assert "number_mask" not in body and "outbound_caller_id" not in body["routes"][1]  # type: ignore[index]
    assert without_route(rule, "A") == {"routes": [sent["routes"][0]]}  # type: ignore[index]
    restored = restore_body(rule)
    assert "id" not in restored and restored["x_newer"] == {"nested": [1, None, "two"]}
    assert restored["routes"] == [sent["routes"][0], RULE["routes"][1]]  # type: ignore[index]
    with pytest.raises(ValueError, match="frozen"):
        rule.name = "other"  # type: ignore[misc]


def test_holidays_go_back_as_ids() -> None:
    rule = parse(
        InboundRule,
        {"id": "i1", "name": "In", "holidays": [{"id": "h1", "name": "New Year"}, "h2", {}]},
        "GET /inbound_rules/i1",
    )
    assert restore_body(rule) == {"name": "In", "holidays": ["h1", "h2"]}


async def test_a_wrong_rule_from_the_sandbox_is_a_bad_answer_over_http(
    sandbox: SandboxServer, admin: PbxClient
) -> None:
    tenant = (await admin.tenants())[0]
    made = await apply(admin, plan(ip_trunk("Trunk A", "a.example.net", [(tenant, POOL_A)]), None))
    assert made.trunk_id
    async with RuleApi(admin) as api:
        await api.enter(tenant.id)
        route = {"provider_id": made.trunk_id, "enabled": True, "strip_digits": 0, "prepend": ""}
        rid = await api.create("outbound", {"name": "Out", "routes": [route]})
        routes = sandbox.state.outbound_rules[rid].data["routes"]
        routes.append({**route, "provider_id": {"x": HOSTILE}})  # as a broken PBX might
        with pytest.raises(BadAnswer) as caught:
            await api.all_rules()
        assert str(caught.value) == (
            f"GET /outbound_rules/{rid}: routes[1].provider_id: "
            "the PBX sent an object where a string belongs"
        )
        sandbox.state.outbound_rules[rid].data["enabled"] = HOSTILE
        with pytest.raises(BadAnswer, match=r"^GET /outbound_rules: items\[0\]\.enabled: "):
            await api.rules("outbound")
        sandbox.state.outbound_rules[rid].data.update(enabled=True, id=None)
        with pytest.raises(
            BadAnswer, match=r"^GET /outbound_rules: items\[0\]\.id: the PBX sent no id"
        ):
            await api.all_rules()
