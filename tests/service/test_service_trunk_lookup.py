"""A trunk found by the name a command is given (``Connection.trunk_id_by_name``,
``Connection.trunk_lookup``): the exact name first, else the name in any case, else none;
and the typed reads the commands use instead of the PBX client (``trunk_summaries``,
``read_trunk``, ``trunk_model``, ``current_trunk``). Against the sandbox over HTTP."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import pytest

from tests.service.conftest import admin_connection
from trunkwiz.domain.options import Level
from trunkwiz.domain.trunk import parse_trunk
from trunkwiz.pbx.objects import Trunk, TrunkSummary
from trunkwiz.sandbox.server import SandboxServer
from trunkwiz.service.connection import Connection
from trunkwiz.service.trunk_rows import TrunkLookup


@pytest.fixture(scope="module")
def sandbox() -> Iterator[SandboxServer]:
    with SandboxServer(tenants=3) as server:
        yield server


@pytest.fixture
async def conn(sandbox: SandboxServer) -> AsyncIterator[Connection]:
    async with admin_connection(sandbox.url) as connection:
        yield connection


async def _made(conn: Connection, name: str, tenants: int = 0) -> str:
    """The id of the trunk ``name`` (an IP trunk shared with the first ``tenants``)."""
    found = await conn.trunk_id_by_name(name)
    if found is not None:
        return found
    ids = [t.id for t in (await conn.tenant_items())[:tenants]]
    trunk = parse_trunk(
        {
            "kind": "ip",
            "name": name,
            "hostname": f"{name.lower().replace(' ', '-')}.lookup.test",
            "tenants": [
                {"tenant_id": tid, "did_numbers": f"{70 + i}"} for i, tid in enumerate(ids)
            ],
        }
    )
    result = await conn.apply(await conn.plan(trunk, None))
    assert result.trunk_id
    return result.trunk_id


async def test_a_trunk_is_found_by_its_exact_name_or_in_any_case(conn: Connection) -> None:
    made = await _made(conn, "Lookup Carrier")
    assert await conn.trunk_id_by_name("Lookup Carrier") == made
    assert await conn.trunk_id_by_name("  lookup CARRIER ") == made
    assert await conn.trunk_id_by_name("Lookup") is None
    assert await conn.trunk_id_by_name("") is None
    lookup = await conn.trunk_lookup()
    assert "Lookup Carrier" in lookup.names
    assert [s.id for s in lookup.matching("LOOKUP carrier")] == [made]
    summaries = await conn.trunk_summaries()
    assert all(isinstance(s, TrunkSummary) for s in summaries)


def test_the_exact_name_wins_over_one_equal_in_another_case() -> None:
    lookup = TrunkLookup(
        (
            TrunkSummary(id="1", name="ACME"),
            TrunkSummary(id="2", name="Acme "),
            TrunkSummary(id="3", name="acme"),
        )
    )
    assert lookup.id_of("acme") == "3"
    assert lookup.id_of("Acme") == "2"
    assert [s.id for s in lookup.matching("aCmE")] == ["1", "2", "3"]
    assert lookup.id_of("aCmE") == "1"
    assert lookup.id_of("Other") is None and lookup.matching("Other") == []
    assert lookup.names == ["ACME", "Acme ", "acme"]


async def test_the_typed_reads_of_one_trunk(conn: Connection) -> None:
    made = await _made(conn, "Lookup Shared", tenants=2)
    detail, assignees = await conn.read_trunk(made)
    assert isinstance(detail, Trunk) and detail.name == "Lookup Shared"
    assert len(assignees) == 2
    names = {t.id: t.name for t in await conn.tenants()}
    model = await conn.trunk_model(made, names)
    assert model.level is Level.system and len(model.tenants) == 2
    assert {t.tenant_name for t in model.tenants} == {names[a.tenant_id] for a in assignees}
    bare = await conn.trunk_model(made)
    assert {t.tenant_name for t in bare.tenants} == {""}
    current = await conn.current_trunk(made)
    assert current.detail == detail and current.assignees == assignees
    assert dict(current.tenant_names) == names
    assert (await conn.plan(model, made)).is_empty
