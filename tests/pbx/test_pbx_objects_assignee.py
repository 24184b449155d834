"""A trunk's assignees as typed objects: the spec's shapes and the sandbox's real answers
parse, unknown fields are kept, a call cap sent as text reads as before, and a wrong shape
is a ``BadAnswer`` naming the call and the field (never the value)."""

from __future__ import annotations

import re
from typing import Any

import httpx
import pytest
from pydantic import SecretStr

from tests.domain.trunk_contract import spec
from tests.pbx.test_pbx_core import PASSWORD, FakePbx
from tests.pbx.test_pbx_objects import _example
from trunkwiz.domain.trunk import AnyTrunk, parse_trunk
from trunkwiz.pbx.client import PbxClient
from trunkwiz.pbx.errors import BadAnswer
from trunkwiz.pbx.inventory import load_inventory, read_current
from trunkwiz.pbx.objects import Assignee, parse, parse_items
from trunkwiz.pbx.plan import ApplyFailed, OpKind, apply, plan
from trunkwiz.sandbox.server import SandboxServer

LIST = "/providers/{id}/assignees"
ONE = "/providers/{id}/assignees/{tenant_id}"
ODD = "zz-odd-value-zz"


def _schema(path: str) -> dict[str, Any]:
    ok = spec()["paths"][path]["get"]["responses"]["200"]
    schema: dict[str, Any] = ok["content"]["application/json"]["schema"]
    return schema


def test_the_model_names_every_field_of_the_spec_and_parses_its_examples() -> None:
    item = _example(_schema(LIST)["properties"]["items"]["items"])
    assert set(item) == set(Assignee.model_fields)
    parsed = parse_items(Assignee, [item], "GET /providers/p/assignees")[0]
    assert parsed.model_dump() == item and parsed.model_extra == {}
    one = _example(_schema(ONE))
    assert set(one) == {"did_numbers", "concurrency"}  # no tenant_id in one tenant's answer
    got = parse(Assignee, one, "GET /providers/p/assignees/t")
    assert (got.tenant_id, got.did_numbers, got.concurrency) == ("", one["did_numbers"], 1)


def _shared_trunk(tenants: list[str], first_pool: str) -> AnyTrunk:
    """The IP trunk "Shared": the first tenant with ``first_pool`` and a cap of 7, the
    second with DID 200."""
    return parse_trunk(
        {
            "kind": "ip",
            "name": "Shared",
            "hostname": "203.0.113.7",
            "tenants": [
                {"tenant_id": tenants[0], "did_numbers": first_pool, "concurrency": 7},
                {"tenant_id": tenants[1], "did_numbers": "200"},
            ],
        }
    )


@pytest.fixture
async def shared(admin: PbxClient) -> tuple[str, list[str]]:
    """A trunk shared with two tenants: its id and the tenants' ids."""
    tenants = [t.id for t in (await admin.tenants())[:2]]
    want = _shared_trunk(tenants, "100-199")
    result = await apply(admin, plan(want, None))
    assert result.trunk_id
    return result.trunk_id, tenants


async def test_the_sandbox_answers_parse_over_http(
    admin: PbxClient, shared: tuple[str, list[str]]
) -> None:
    pid, tenants = shared
    found = {a.tenant_id: a for a in await admin.assignees(pid)}
    assert set(found) == set(tenants)
    assert (found[tenants[0]].did_numbers, found[tenants[0]].concurrency) == ("100-199", 7)
    one = await admin.assignee(pid, tenants[1])
    assert one is not None and one.did_numbers == "200" and one.cap == 100000
    (entry,) = (await load_inventory(admin)).providers
    assert all(isinstance(a, Assignee) for a in entry.assignees) and len(entry.assignees) == 2


async def test_fields_the_model_does_not_name_are_kept(
    sandbox: SandboxServer, admin: PbxClient, shared: tuple[str, list[str]]
) -> None:
    pid, tenants = shared
    sandbox.state.trunks[pid].assignees[tenants[0]]["x_vendor"] = {"nested": [1, "two"]}
    first = next(a for a in await admin.assignees(pid) if a.tenant_id == tenants[0])
    assert first.model_extra == {"x_vendor": {"nested": [1, "two"]}}
    assert first.model_dump() == {
        "tenant_id": tenants[0],
        "did_numbers": "100-199",
        "concurrency": 7,
        "x_vendor": {"nested": [1, "two"]},
    }
    one = await admin.assignee(pid, tenants[0])
    assert one is not None and one.model_dump()["x_vendor"] == {"nested": [1, "two"]}
    with pytest.raises(ValueError, match="frozen"):
        first.concurrency = 3  # type: ignore[misc]


async def test_a_call_cap_sent_as_text_reads_as_its_number(
    sandbox: SandboxServer, admin: PbxClient, shared: tuple[str, list[str]]
) -> None:
    pid, tenants = shared
    sandbox.state.trunks[pid].assignees[tenants[0]]["concurrency"] = " 7 "
    current = await read_current(admin, pid)
    assert [a.cap for a in current.assignees if a.tenant_id == tenants[0]] == [7]


async def test_a_dropped_change_of_a_tenant_whose_cap_is_text_is_not_undone(
    sandbox: SandboxServer, admin: PbxClient, shared: tuple[str, list[str]]
) -> None:
    """After an unknown outcome the tenant is read again: its cap sent as text is the
    number it spells, so a change that never reached the PBX is seen as not made (and
    nothing is sent to undo it)."""
    pid, tenants = shared
    sandbox.state.trunks[pid].assignees[tenants[0]]["concurrency"] = "7"
    want = _shared_trunk(tenants, "100-150")
    change = plan(want, await read_current(admin, pid))
    assert [op.kind for op in change.operations] == [OpKind.repool]
    sandbox.faults.drop_nth(1)
    with pytest.raises(ApplyFailed, match="outcome is unknown") as caught:
        await apply(admin, change)
    assert "Nothing had been changed." in str(caught.value), str(caught.value)
    assert sandbox.state.trunks[pid].assignees[tenants[0]]["did_numbers"] == "100-199"


def test_lenient_values_read_as_the_service_read_them() -> None:
    items = [
        {"tenant_id": 12, "did_numbers": 3000, "concurrency": "20"},
        {"tenant_id": "t2", "concurrency": 5.0},
        {"tenant_id": None, "did_numbers": None, "concurrency": None},
        {"tenant_id": "t4", "did_numbers": "1-9", "concurrency": ""},
    ]
    parsed = parse_items(Assignee, items, "GET /providers/p/assignees")
    assert [(a.tenant_id, a.did_numbers, a.concurrency, a.cap) for a in parsed] == [
        ("12", "3000", 20, 20),
        ("t2", "", 5, 5),
        ("", "", None, 0),
        ("t4", "1-9", None, 0),
    ]


@pytest.mark.parametrize(
    ("item", "where", "said"),
    [
        ({"concurrency": ODD}, "concurrency", "a string where a number of calls belongs"),
        ({"concurrency": {"n": 1}}, "concurrency", "an object where a number of calls"),
        ({"concurrency": [1]}, "concurrency", "a list where a number of calls"),
        ({"concurrency": True}, "concurrency", "a boolean where a number of calls"),
        ({"concurrency": 2.5}, "concurrency", "a number where a number of calls"),
        ({"concurrency": -1}, "concurrency", "a negative number of calls"),
        ({"tenant_id": {"id": ODD}}, "tenant_id", "an object where a string belongs"),
        ({"tenant_id": True}, "tenant_id", "a boolean where a string belongs"),
        ({"did_numbers": [ODD]}, "did_numbers", "a list where a string belongs"),
    ],
)
def test_a_wrong_assignee_is_a_bad_answer_naming_the_field(
    item: dict[str, Any], where: str, said: str
) -> None:
    good = {"tenant_id": "t0", "did_numbers": "100", "concurrency": 1}
    what = "GET /providers/p/assignees"
    with pytest.raises(BadAnswer) as caught:
        parse_items(Assignee, [good, {"tenant_id": "t1", **item}], what)
    message = str(caught.value)
    assert re.match(rf"^{re.escape(what)}: items\[1\]\.{where}: the PBX sent {said}", message)
    assert ODD not in message
    with pytest.raises(BadAnswer, match=rf"^GET /providers/p/assignees/t: {where}: "):
        parse(Assignee, {"tenant_id": "t1", **item}, "GET /providers/p/assignees/t")


async def test_the_client_names_the_call_of_a_wrong_single_assignee() -> None:
    fake = FakePbx()
    fake.routes[("GET", "/providers/p1/assignees/t1")] = lambda _r: httpx.Response(
        200, json={"did_numbers": "100", "concurrency": {"max": 5}}
    )
    async with PbxClient("https://pbx.test:8887", transport=httpx.MockTransport(fake)) as pbx:
        await pbx.sign_in("admin", SecretStr(PASSWORD))
        with pytest.raises(
            BadAnswer, match=r"^GET /providers/p1/assignees/t1: concurrency: the PBX sent an object"
        ):
            await pbx.assignee("p1", "t1")
