"""The PBX's tenants as typed objects: the spec's shapes and the sandbox's real answers
parse, unknown fields are kept, and a wrong shape is a ``BadAnswer`` naming the call and
the field (never the value)."""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.domain.trunk_contract import spec
from tests.pbx.test_pbx_objects import _example
from trunkwiz.pbx.client import PbxClient
from trunkwiz.pbx.errors import BadAnswer
from trunkwiz.pbx.objects import Tenant, parse, parse_items
from trunkwiz.sandbox.server import SandboxServer

ODD = "zz-odd-value-zz"


def _schema(path: str) -> dict[str, Any]:
    ok = spec()["paths"][path]["get"]["responses"]["200"]
    schema: dict[str, Any] = ok["content"]["application/json"]["schema"]
    return schema


def test_the_spec_examples_parse_and_keep_every_field() -> None:
    item = _example(_schema("/tenants")["properties"]["items"]["items"])
    parsed = parse_items(Tenant, [item], "GET /tenants")[0]
    assert {"id", "name", "domain"} <= set(item)
    assert parsed.model_dump() == item
    assert set(parsed.model_extra or {}) == set(item) - {"id", "name", "domain"}
    properties = _schema("/tenants/{id}")["properties"]
    detail = {k: v for k, v in item.items() if k in properties}
    detail.update(office_hours={"mode": "GLOBAL"}, outbound_caller_ids=[], e164=None)
    assert parse(Tenant, detail, "GET /tenants/x").model_dump() == detail


async def test_the_sandbox_answers_parse_over_http(
    sandbox: SandboxServer, admin: PbxClient
) -> None:
    tenants = await admin.tenants()
    assert len(tenants) == len(sandbox.state.tenants) and all(t.id for t in tenants)
    first = tenants[0]
    assert first.model_dump() == sandbox.state.tenants[first.id]
    assert first.name and first.domain and first.label == first.name
    one = await admin.tenant(first.id)
    assert (one.id, one.name, one.domain) == (first.id, first.name, first.domain)
    assert one.model_dump()["office_hours"]  # a field the model does not name, kept


async def test_fields_the_model_does_not_name_are_kept(
    sandbox: SandboxServer, admin: PbxClient
) -> None:
    record = next(iter(sandbox.state.tenants.values()))
    record["x_vendor"] = {"nested": [1, "two"]}
    (found,) = [t for t in await admin.tenants() if t.id == record["id"]]
    assert found.model_extra is not None
    assert found.model_extra["x_vendor"] == {"nested": [1, "two"]}
    assert found.model_dump() == record
    with pytest.raises(ValueError, match="frozen"):
        found.name = "other"  # type: ignore[misc]


def test_lenient_values_read_as_the_service_read_them() -> None:
    items = [
        {"id": 7, "name": "Acme", "domain": "acme.example"},
        {"id": "t2", "name": None, "domain": None},
        {"id": "t3"},
    ]
    parsed = parse_items(Tenant, items, "GET /tenants")
    assert [(t.id, t.name, t.domain, t.label) for t in parsed] == [
        ("7", "Acme", "acme.example", "Acme"),
        ("t2", "", "", "t2"),
        ("t3", "", "", "t3"),
    ]


@pytest.mark.parametrize(
    ("item", "where", "said"),
    [
        ({"name": {"v": ODD}}, "name", "an object where a string belongs"),
        ({"name": [ODD]}, "name", "a list where a string belongs"),
        ({"domain": {"v": ODD}}, "domain", "an object where a string belongs"),
        ({"domain": True}, "domain", "a boolean where a string belongs"),
        ({"id": [ODD]}, "id", "a list where a string belongs"),
    ],
)
def test_a_wrong_tenant_is_a_bad_answer_naming_the_field(
    item: dict[str, Any], where: str, said: str
) -> None:
    good = {"id": "t0", "name": "Acme", "domain": "acme.example"}
    with pytest.raises(BadAnswer) as caught:
        parse_items(Tenant, [good, {"id": "t1", **item}], "GET /tenants")
    message = str(caught.value)
    assert re.match(rf"^GET /tenants: items\[1\]\.{where}: the PBX sent {said}", message)
    assert ODD not in message


async def test_the_client_names_the_item_of_a_wrong_tenant(
    sandbox: SandboxServer, admin: PbxClient
) -> None:
    records = list(sandbox.state.tenants.values())
    records[0]["name"] = {"v": ODD}
    with pytest.raises(BadAnswer, match=r"^GET /tenants: items\[\d+\]\.name: the PBX sent an obj"):
        await admin.tenants()
    with pytest.raises(BadAnswer, match=r"^GET /tenants/[^:]+: name: the PBX sent an object"):
        await admin.tenant(records[0]["id"])
