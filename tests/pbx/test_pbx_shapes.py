"""Whatever a 2xx answer holds (any JSON, any bytes), each read of the client returns a
value of the documented type or raises a ``PbxError``; nothing else escapes."""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import Callable
from typing import Any

import httpx
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import SecretStr

from tests.pbx.test_pbx_core import PASSWORD, FakePbx
from trunkwiz.pbx.client import PbxClient
from trunkwiz.pbx.errors import BadAnswer, PbxError
from trunkwiz.pbx.inventory import load_inventory
from trunkwiz.pbx.objects import Assignee, Network, Tenant, Transport, Trunk, TrunkSummary

JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=6), inner, max_size=4)
    ),
    max_leaves=12,
)
ITEM = st.dictionaries(
    st.sampled_from(
        ["id", "name", "hostname", "auth_mode", "tenant_id", "did_numbers", "port", "protocol"]
    ),
    JSON,
    max_size=5,
)
BODY = (
    JSON.map(lambda v: json.dumps(v).encode())
    | st.lists(ITEM, max_size=3).map(lambda items: json.dumps({"items": items}).encode())
    | st.binary(max_size=40)
)
READS = {
    "/providers": lambda pbx: pbx.providers(),
    "/tenants": lambda pbx: pbx.tenants(),
    "/transports": lambda pbx: pbx.transports(),
    "/network": lambda pbx: pbx.network(),
    "/providers/p1": lambda pbx: pbx.provider("p1"),
    "/providers/p1/status": lambda pbx: pbx.status("p1"),
    "/providers/p1/assignees": lambda pbx: pbx.assignees("p1"),
    "/providers/p1/assignees/t1": lambda pbx: pbx.assignee("p1", "t1"),
}
TYPES = {"/network": Network, "/providers/p1": Trunk, "/providers/p1/status": str}
ITEM_TYPES = {
    "/providers": TrunkSummary,
    "/transports": Transport,
    "/providers/p1/assignees": Assignee,
    "/tenants": Tenant,
}


def _answer(body: bytes) -> Callable[[httpx.Request], httpx.Response]:
    return lambda _request: httpx.Response(200, content=body)


async def _read(path: str, body: bytes) -> Any:
    fake = FakePbx()
    fake.routes[("GET", path)] = _answer(body)
    async with PbxClient("https://pbx.test:8887", transport=httpx.MockTransport(fake)) as pbx:
        await pbx.sign_in("admin", SecretStr(PASSWORD))
        return await READS[path](pbx)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(path=st.sampled_from(sorted(READS)), body=BODY)
def test_any_answer_is_a_typed_value_or_a_pbx_error(path: str, body: bytes) -> None:
    try:
        value = asyncio.run(_read(path, body))
    except PbxError:
        return
    expected = TYPES.get(path, list)
    if path.endswith("/t1"):
        assert isinstance(value, Assignee)
    else:
        assert isinstance(value, expected)
    if isinstance(value, list):
        assert all(isinstance(item, ITEM_TYPES.get(path, dict)) for item in value)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(detail=BODY, assignees=BODY, listing=st.lists(ITEM, max_size=3))
def test_inventory_of_any_answers_loads_or_raises_a_pbx_error(
    detail: bytes, assignees: bytes, listing: list[dict[str, Any]]
) -> None:
    fake = FakePbx()
    for item in listing:
        item["id"] = "p1"
    answers = {
        "/providers": json.dumps({"items": listing, "count": len(listing)}).encode(),
        "/tenants": b'{"items": [], "count": 0}',
        "/transports": b'{"items": [], "count": 0}',
        "/network": b"{}",
        "/providers/p1": detail,
        "/providers/p1/assignees": assignees,
    }
    for path, body in answers.items():
        fake.routes[("GET", path)] = _answer(body)

    async def load() -> None:
        async with PbxClient("https://pbx.test:8887", transport=httpx.MockTransport(fake)) as pbx:
            await pbx.sign_in("admin", SecretStr(PASSWORD))
            inventory = await load_inventory(pbx)
            for entry in inventory.providers:
                assert isinstance(entry.name, str) and isinstance(entry.trunk, Trunk)
                inventory.pools_for_host(entry.hostname)

    with contextlib.suppress(PbxError):
        asyncio.run(load())


def test_html_page_is_a_bad_answer_not_an_empty_list() -> None:
    page = b"<!DOCTYPE html><html>sign in</html>"
    try:
        asyncio.run(_read("/providers", page))
    except BadAnswer as exc:
        assert "the PBX's answer is not JSON" in str(exc)
    else:
        raise AssertionError("an HTML page was read as a list")
