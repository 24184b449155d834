"""``Connection.trunk_rows``: one read the PBX refuses (a trunk's status, detail or
assignees) never hides the other trunks; the row says what is unknown and why. Against the
sandbox over HTTP, with a transport that answers 4xx to the paths a test names."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Iterator

import httpx
import pytest
from pydantic import SecretStr

from trunkwiz.domain.trunk import parse_trunk
from trunkwiz.pbx.client import PbxClient
from trunkwiz.pbx.tls import TlsPolicy, build_transport
from trunkwiz.sandbox.server import DEFAULT_ADMIN_PASSWORD, SandboxServer
from trunkwiz.service.connection import Connection


class Refuse(httpx.AsyncBaseTransport):
    """The real transport, except GETs whose path matches a key of ``rules`` (a regular
    expression) are answered with that status and a PBX error body."""

    def __init__(self, inner: httpx.AsyncBaseTransport) -> None:
        self.inner = inner
        self.rules: dict[str, int] = {}

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        for pattern, status in self.rules.items():
            if request.method == "GET" and re.fullmatch(pattern, request.url.path):
                body = {"errors": [{"code": "REFUSED", "message": f"refused {status}"}]}
                return httpx.Response(status, json=body, request=request)
        return await self.inner.handle_async_request(request)

    async def aclose(self) -> None:
        await self.inner.aclose()


@pytest.fixture(scope="module")
def sandbox() -> Iterator[SandboxServer]:
    with SandboxServer(tenants=3) as server:
        yield server


@pytest.fixture
async def conn(sandbox: SandboxServer) -> AsyncIterator[tuple[Connection, Refuse]]:
    tls = TlsPolicy()
    refuse = Refuse(build_transport(tls))
    async with PbxClient(sandbox.url, tls=tls, transport=refuse) as pbx:
        session = await pbx.sign_in("admin", SecretStr(DEFAULT_ADMIN_PASSWORD))
        yield Connection(pbx, session, url=sandbox.url, user="admin"), refuse


async def create(conn: Connection, name: str) -> str:
    trunk = parse_trunk({"kind": "ip", "name": name, "hostname": f"{name}.rows.test"})
    result = await conn.apply(await conn.plan(trunk, None))
    return str(result.trunk_id)


async def test_a_refused_status_leaves_every_row_and_says_so_in_the_refused_one(
    conn: tuple[Connection, Refuse],
) -> None:
    connection, refuse = conn
    ok, sick = await create(connection, "rows-ok"), await create(connection, "rows-sick")
    refuse.rules[f"/api/providers/{sick}/status"] = 403
    rows = {r.id: r for r in await connection.trunk_rows()}
    assert {ok, sick} <= set(rows)
    assert rows[ok].status in {"ONLINE", "OFFLINE"} and rows[ok].problems == ()
    assert rows[ok].status_text == rows[ok].status
    assert rows[sick].status == "UNKNOWN"
    assert rows[sick].problems == ("status unknown: 403 permission denied (refused 403)",)
    assert rows[sick].status_text == rows[sick].problems[0]
    assert rows[sick].name == "rows-sick" and rows[sick].kind == "ip"
    assert rows[sick].host == "rows-sick.rows.test"


async def test_a_refused_detail_and_assignees_keep_the_row_from_the_list(
    conn: tuple[Connection, Refuse],
) -> None:
    connection, refuse = conn
    other = await create(connection, "rows-other")  # this test's own: tests run in any order
    hidden = await create(connection, "rows-hidden")
    refuse.rules[f"/api/providers/{hidden}"] = 404
    refuse.rules[f"/api/providers/{hidden}/assignees"] = 403
    rows = {r.id: r for r in await connection.trunk_rows()}
    row = rows[hidden]
    assert row.name == "rows-hidden" and row.host == "rows-hidden.rows.test"
    assert row.status in {"ONLINE", "OFFLINE"}
    assert row.problems == (
        "details unknown: 404 not found (refused 404)",
        "tenants unknown: 403 permission denied (refused 403)",
    )
    assert rows[other].problems == () and rows[other].name == "rows-other"  # listed as always


async def test_a_refused_list_is_still_an_error(conn: tuple[Connection, Refuse]) -> None:
    from trunkwiz.pbx.errors import PbxError

    connection, refuse = conn
    refuse.rules["/api/providers"] = 403
    with pytest.raises(PbxError):
        await connection.trunk_rows()
