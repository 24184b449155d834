"""A trunk as typed objects (``TrunkSummary`` of ``GET /providers``, ``Trunk`` of
``GET /providers/{id}``): the spec's shapes and the sandbox's real answers parse, unknown
fields are kept, lenient values read as the code read them before, a field the PBX leaves
out stays apart from an empty one, and a wrong shape is a ``BadAnswer`` naming the call
and the field (never the value)."""

from __future__ import annotations

import re
from typing import Any

import httpx
import pytest
from pydantic import SecretStr

from tests.domain.trunk_contract import spec
from tests.pbx.test_pbx_core import PASSWORD, FakePbx
from tests.pbx.test_pbx_objects import _example
from trunkwiz.domain.trunk import parse_trunk
from trunkwiz.pbx.client import PbxClient
from trunkwiz.pbx.errors import BadAnswer
from trunkwiz.pbx.inventory import load_inventory
from trunkwiz.pbx.objects import Trunk, TrunkSummary, parse, parse_items
from trunkwiz.pbx.plan import apply, plan
from trunkwiz.sandbox.server import SandboxServer

ODD = "zz-odd-value-zz"


def _schema(path: str) -> dict[str, Any]:
    ok = spec()["paths"][path]["get"]["responses"]["200"]
    schema: dict[str, Any] = ok["content"]["application/json"]["schema"]
    return schema


def test_the_models_name_every_field_of_the_spec_and_parse_its_examples() -> None:
    detail = _example(_schema("/providers/{id}"))
    assert set(detail) == set(Trunk.model_fields)
    parsed = parse(Trunk, detail, "GET /providers/p")
    assert parsed.model_dump() == detail and parsed.model_extra == {}
    item = _example(_schema("/providers")["properties"]["items"]["items"])
    assert set(item) == set(TrunkSummary.model_fields)
    (summary,) = parse_items(TrunkSummary, [item], "GET /providers")
    assert summary.model_dump() == item and summary.model_extra == {}


@pytest.fixture
async def made(admin: PbxClient) -> str:
    """A register trunk on the sandbox: its id."""
    want = parse_trunk(
        {
            "kind": "register",
            "name": "Typed",
            "hostname": "sip.typed.example",
            "auth_id": "1001",
            "password": "pw-typed",
            "additional_ips": ["198.51.100.0/24"],
            "options": {"keep_alive": True},
        }
    )
    result = await apply(admin, plan(want, None))
    assert result.trunk_id
    return result.trunk_id


async def test_the_sandbox_answers_parse_over_http(admin: PbxClient, made: str) -> None:
    (summary,) = await admin.providers()
    assert isinstance(summary, TrunkSummary) and summary.id == made
    assert (summary.name, summary.hostname, summary.port) == ("Typed", "sip.typed.example", 5060)
    trunk = await admin.provider(made)
    assert isinstance(trunk, Trunk) and trunk.id == made
    assert (trunk.auth_mode, trunk.transport, trunk.auth_id) == ("REGISTER_AUTH", "UDP", "1001")
    assert trunk.keep_alive is True and trunk.additional_ips == "198.51.100.0/24"
    assert "password" not in trunk.model_dump()
    (entry,) = (await load_inventory(admin)).providers
    assert entry.summary == summary and entry.detail == trunk and entry.trunk is entry.detail


async def test_fields_the_models_do_not_name_are_kept(
    sandbox: SandboxServer, admin: PbxClient, made: str
) -> None:
    sandbox.state.trunks[made].data["force_outbound_proxy"] = {"nested": [1, "two"]}
    trunk = await admin.provider(made)
    assert trunk.model_extra == {"force_outbound_proxy": {"nested": [1, "two"]}}
    assert trunk.model_dump()["force_outbound_proxy"] == {"nested": [1, "two"]}
    assert trunk.api_values()["force_outbound_proxy"] == {"nested": [1, "two"]}
    summary = TrunkSummary.model_validate({"id": "p", "name": "T", "x_vendor": [1]})
    assert summary.model_dump()["x_vendor"] == [1]
    with pytest.raises(ValueError, match="frozen"):
        trunk.port = 5080  # type: ignore[misc]


def test_lenient_values_read_as_the_code_read_them() -> None:
    trunk = parse(
        Trunk,
        {
            "id": 42,
            "name": "T",
            "port": "5062",
            "outbound_server_port": 5070.0,
            "concurrency": " 20 ",
            "register_interval": "600",
            "did_numbers": 3000,
            "auth_id": 1001,
            "additional_ips": ["203.0.113.10/32", "198.51.100.0/24"],
            "keep_alive": "true",
            "verify_port": 0,
            "inlan": None,
            "port_extra": None,
        },
        "GET /providers/42",
    )
    assert (trunk.id, trunk.port, trunk.outbound_server_port) == ("42", 5062, 5070)
    assert (trunk.concurrency, trunk.register_interval) == (20, 600)
    assert (trunk.did_numbers, trunk.auth_id) == ("3000", "1001")
    assert trunk.additional_ips == "203.0.113.10/32;198.51.100.0/24"
    assert (trunk.keep_alive, trunk.verify_port) == (True, False)
    summary = parse(TrunkSummary, {"id": 7, "name": None, "port": "", "shared": 1}, "GET /p")
    assert (summary.id, summary.name, summary.port, summary.shared) == ("7", "", None, True)


def test_a_field_left_out_or_null_stays_apart_from_an_empty_one() -> None:
    trunk = Trunk.model_validate({"name": "T", "username": "", "keep_alive": None})
    assert (trunk.username, trunk.auth_id, trunk.keep_alive, trunk.inlan) == ("", None, None, None)
    assert trunk.api_values() == {"id": "", "name": "T", "username": ""}
    summary = TrunkSummary.model_validate({"id": "p", "name": "T", "hostname": "h"})
    assert Trunk.of_summary(summary).api_values() == {"id": "p", "name": "T", "hostname": "h"}


@pytest.mark.parametrize(
    ("body", "where", "said"),
    [
        ({"hostname": {"host": ODD}}, "hostname", "an object where a string belongs"),
        ({"name": [ODD]}, "name", "a list where a string belongs"),
        ({"auth_mode": True}, "auth_mode", "a boolean where a string belongs"),
        ({"port": ODD}, "port", "a string where a port number belongs"),
        ({"port": [5060]}, "port", "a list where a port number belongs"),
        ({"concurrency": 2.5}, "concurrency", "a number where a whole number belongs"),
        ({"keep_alive": ODD}, "keep_alive", "a string where true or false belongs"),
        ({"shared": {"on": ODD}}, "shared", "an object where true or false belongs"),
        ({"additional_ips": {"ip": ODD}}, "additional_ips", "an object where a string"),
        ({"inbound_parameters": [ODD]}, "inbound_parameters", "a list where an object"),
    ],
)
def test_a_wrong_trunk_is_a_bad_answer_naming_the_field(
    body: dict[str, Any], where: str, said: str
) -> None:
    what = "GET /providers/p7"
    with pytest.raises(BadAnswer) as caught:
        parse(Trunk, {"id": "p7", "name": "T", **body}, what)
    message = str(caught.value)
    assert re.match(rf"^{re.escape(what)}: {where}: the PBX sent {said}", message), message
    assert ODD not in message


async def test_the_client_names_the_call_and_the_field_of_a_wrong_trunk() -> None:
    fake = FakePbx()
    fake.routes[("GET", "/providers/p1")] = lambda _r: httpx.Response(
        200, json={"id": "p1", "name": "T", "hostname": {"host": ODD}}
    )
    listing = {"count": 2, "items": [{"id": "p1", "name": "T"}, {"id": "p2", "port": [ODD]}]}
    fake.routes[("GET", "/providers")] = lambda _r: httpx.Response(200, json=listing)
    async with PbxClient("https://pbx.test:8887", transport=httpx.MockTransport(fake)) as pbx:
        await pbx.sign_in("admin", SecretStr(PASSWORD))
        with pytest.raises(BadAnswer) as caught:
            await pbx.provider("p1")
        assert str(caught.value) == (
            "GET /providers/p1: hostname: the PBX sent an object where a string belongs"
        )
        with pytest.raises(BadAnswer) as listed:
            await pbx.providers()
        assert str(listed.value) == (
            "GET /providers: items[1].port: the PBX sent a list where a port number belongs"
        )
