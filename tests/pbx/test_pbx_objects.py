"""The PBX's transports and network as typed objects: the spec's shapes and the sandbox's
real answers parse, unknown fields are kept, lenient values read as before, and a wrong
shape is a ``BadAnswer`` naming the field, not a crash deeper in the service."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from pydantic import SecretStr

from tests.domain.trunk_contract import spec
from tests.pbx.test_pbx_core import PASSWORD, FakePbx
from trunkwiz.pbx.client import PbxClient
from trunkwiz.pbx.errors import BadAnswer
from trunkwiz.pbx.inventory import load_inventory
from trunkwiz.pbx.objects import Network, PbxObject, Transport, parse, parse_items, port_for
from trunkwiz.sandbox.server import SandboxServer
from trunkwiz.service.checklist import pbx_address
from trunkwiz.service.connection import Connection


def _answer_schema(path: str) -> dict[str, Any]:
    ok = spec()["paths"][path]["get"]["responses"]["200"]
    schema: dict[str, Any] = ok["content"]["application/json"]["schema"]
    return schema


def _example(schema: dict[str, Any]) -> Any:
    """A value of ``schema``: its example, else its default or first enum value, else one
    of its type."""
    for part in schema.get("allOf", ()):
        schema = {**part, **{k: v for k, v in schema.items() if k != "allOf"}}
    if "example" in schema:
        return schema["example"]
    if "default" in schema:
        return schema["default"]
    if schema.get("enum"):
        return schema["enum"][0]
    if schema.get("type") == "object":
        return {k: _example(v) for k, v in schema.get("properties", {}).items()}
    if schema.get("type") == "array":
        return [_example(schema["items"])]
    return {"string": "x", "integer": 1, "boolean": True}[schema["type"]]


@pytest.mark.parametrize(
    ("path", "model"), [("/transports", Transport), ("/network", Network)], ids=str
)
def test_the_models_name_every_field_of_the_spec_and_parse_its_example(
    path: str, model: type[PbxObject]
) -> None:
    schema = _answer_schema(path)
    if path == "/transports":
        schema = schema["properties"]["items"]["items"]
    example = _example(schema)
    assert set(example) == set(model.model_fields)
    parsed = parse(model, example, f"GET {path}")
    assert parsed.model_dump() == example
    assert parsed.model_extra == {}


async def test_the_sandbox_answers_parse_over_http(admin: PbxClient) -> None:
    transports = await admin.transports()
    assert [(t.protocol, t.port, t.verification) for t in transports] == [
        ("UDP", 5060, "DISABLE"),
        ("TCP", 5063, "DISABLE"),
        ("TLS", 5061, "DISABLE"),
    ]
    assert all(t.id for t in transports)
    network = await admin.network()
    assert (network.public_ipv4, network.private_ipv4) == ("203.0.113.10", "192.0.2.10")
    assert network.enable_ipv6 is False and network.public_ipv6 == "2001:db8::10"


async def test_fields_the_models_do_not_name_are_kept(
    sandbox: SandboxServer, admin: PbxClient
) -> None:
    first = next(iter(sandbox.state.transports.values()))
    first["x_vendor"] = {"nested": [1, "two"]}
    sandbox.state.network["ha_cluster"] = ["a", "b"]
    transport = (await admin.transports())[0]
    assert transport.model_extra == {"x_vendor": {"nested": [1, "two"]}}
    assert transport.model_dump() == first
    network = await admin.network()
    assert network.model_dump()["ha_cluster"] == ["a", "b"]
    with pytest.raises(ValueError, match="frozen"):
        network.public_ipv4 = "198.51.100.1"  # type: ignore[misc]


def test_lenient_values_read_as_the_service_read_them() -> None:
    items = [
        {"id": 7, "protocol": "udp", "port": " 5062 "},
        {"protocol": "TCP", "port": 0},
        {"protocol": "TCP", "port": 5064.0},
        {"protocol": None, "port": None, "verification": None},
        {"protocol": "TLS", "port": ""},
    ]
    parsed = parse_items(Transport, items, "GET /transports")
    assert [(t.id, t.protocol, t.port) for t in parsed] == [
        ("7", "udp", 5062),
        ("", "TCP", None),
        ("", "TCP", 5064),
        ("", "", None),
        ("", "TLS", None),
    ]
    assert port_for(parsed, "UDP") == 5062 and port_for(parsed, "tcp") == 5064
    assert port_for(parsed, "TLS") is None and port_for(parsed, "WS") is None
    network = parse(Network, {"public_ipv4": None, "private_ipv4": " 10.0.0.1 "}, "GET /network")
    assert (network.public_ipv4, network.private_ipv4) == ("", " 10.0.0.1 ")


@pytest.mark.parametrize(
    ("item", "where", "said"),
    [
        ({"protocol": "UDP", "port": {"n": 5060}}, "items[1].port", "an object where a port"),
        ({"protocol": "UDP", "port": [5060]}, "items[1].port", "a list where a port"),
        ({"protocol": "UDP", "port": "fifty"}, "items[1].port", "a string where a port"),
        ({"protocol": "UDP", "port": True}, "items[1].port", "a boolean where a port"),
        ({"protocol": "UDP", "port": 5060.5}, "items[1].port", "a number where a port"),
        ({"protocol": "UDP", "port": 70000}, "items[1].port", "outside 0-65535"),
        ({"protocol": ["UDP"], "port": 5060}, "items[1].protocol", "a list where a string"),
        ({"protocol": "UDP", "id": {"a": 1}}, "items[1].id", "an object where a string"),
    ],
)
def test_a_wrong_transport_is_a_bad_answer_naming_the_field(
    item: dict[str, Any], where: str, said: str
) -> None:
    good = {"id": "t0", "protocol": "TCP", "port": 5063}
    with pytest.raises(BadAnswer, match=f"^GET /transports: {re.escape(where)}: "):
        parse_items(Transport, [good, item], "GET /transports")
    with pytest.raises(BadAnswer) as caught:
        parse_items(Transport, [good, item], "GET /transports")
    assert said in str(caught.value)


@pytest.mark.parametrize(
    ("body", "said"),
    [
        ({"public_ipv4": {"v": "1.2.3.4"}}, "public_ipv4: the PBX sent an object"),
        ({"private_ipv4": ["10.0.0.1"]}, "private_ipv4: the PBX sent a list"),
        ({"web_domain": 12}, "web_domain: the PBX sent a number"),
        ({"enable_ipv6": "yes"}, "enable_ipv6: the PBX sent a string"),
    ],
)
def test_a_wrong_network_is_a_bad_answer_naming_the_field(body: dict[str, Any], said: str) -> None:
    with pytest.raises(BadAnswer, match=f"^GET /network: {said}"):
        parse(Network, body, "GET /network")


async def test_items_that_are_not_objects_are_a_bad_answer() -> None:
    fake = FakePbx()
    fake.routes[("GET", "/transports")] = lambda _r: httpx.Response(
        200, json={"count": 2, "items": [{"protocol": "UDP", "port": 5060}, "TCP 5063"]}
    )
    async with PbxClient("https://pbx.test:8887", transport=httpx.MockTransport(fake)) as pbx:
        await pbx.sign_in("admin", SecretStr(PASSWORD))
        with pytest.raises(BadAnswer, match=r"GET /transports: .* a string where objects belong"):
            await pbx.transports()


# -- through the service: a wrong shape used to crash there (TypeError, ValueError) ------


@pytest.fixture
async def conn(sandbox: SandboxServer, admin: PbxClient) -> AsyncIterator[Connection]:
    assert admin.session is not None
    yield Connection(admin, admin.session, url=sandbox.url, user="admin")


def _set_udp(sandbox: SandboxServer, **fields: Any) -> None:
    for transport in sandbox.state.transports.values():
        if transport["protocol"] == "UDP":
            transport.update(fields)


async def test_a_port_sent_as_a_string_still_gives_the_route(
    sandbox: SandboxServer, conn: Connection
) -> None:
    _set_udp(sandbox, port="5062")
    assert await conn.public_route("udp") == ("203.0.113.10", 5062)
    assert (await pbx_address(conn, "UDP")).port == 5062


@pytest.mark.parametrize("port", [{"n": 5060}, [5060], "fifty"], ids=["object", "list", "text"])
async def test_a_wrong_port_is_a_bad_answer_from_public_route(
    sandbox: SandboxServer, conn: Connection, port: object
) -> None:
    _set_udp(sandbox, port=port)
    with pytest.raises(BadAnswer, match=r"^GET /transports: items\[0\]\.port: the PBX sent"):
        await conn.public_route("UDP")


async def test_a_wrong_port_is_a_bad_answer_from_the_checklist_and_the_transport_check(
    sandbox: SandboxServer, conn: Connection
) -> None:
    _set_udp(sandbox, port={"n": 5060})
    with pytest.raises(BadAnswer, match=r"items\[0\]\.port"):
        await pbx_address(conn, "UDP")
    with pytest.raises(BadAnswer, match=r"items\[0\]\.port"):
        await conn.transport_problem("TCP")


async def test_a_protocol_list_is_a_bad_answer_not_a_missing_transport(
    sandbox: SandboxServer, conn: Connection
) -> None:
    _set_udp(sandbox, protocol=["UDP"])
    with pytest.raises(BadAnswer, match=r"items\[\d\]\.protocol: the PBX sent a list"):
        await conn.transport_problem("UDP")


async def test_a_public_ip_that_is_an_object_is_a_bad_answer(
    sandbox: SandboxServer, conn: Connection
) -> None:
    sandbox.state.network["public_ipv4"] = {"v": "203.0.113.10"}
    with pytest.raises(BadAnswer, match=r"^GET /network: public_ipv4: the PBX sent an object"):
        await conn.public_route("UDP")


async def test_the_inventory_holds_the_typed_objects(admin: PbxClient) -> None:
    inventory = await load_inventory(admin)
    assert all(isinstance(t, Transport) for t in inventory.transports)
    assert isinstance(inventory.network, Network)
    assert inventory.transport_port("tls") == 5061 and inventory.public_ip == "203.0.113.10"
