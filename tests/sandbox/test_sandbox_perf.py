"""The sandbox's costs: no Nagle stall on replies, assignments without re-parsing pools."""

from __future__ import annotations

import socket
from typing import Any

import httpx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import trunkwiz.sandbox.assignee_pools as assignee_pools
import trunkwiz.sandbox.checks as checks
from tests.sandbox.conftest import sign_in, trunk_body
from trunkwiz.domain.didpool import Collision, DidPool, PoolIndex
from trunkwiz.sandbox.assignee_pools import AssigneePools
from trunkwiz.sandbox.server import SandboxServer
from trunkwiz.sandbox.status import NoRegistration


def test_sandbox_accepted_connections_have_tcp_nodelay() -> None:
    with (
        SandboxServer(tenants=1, status_source=NoRegistration()) as server,
        httpx.Client(base_url=server.api_url, timeout=5) as api,
    ):
        sign_in(api)
        assert api.get("/transports").status_code == 401  # a reply with a body, kept alive
        assert server._server is not None
        connections = list(server._server.server_state.connections)
        assert connections, "no open connection to inspect"
        for protocol in connections:
            sock = protocol.transport.get_extra_info("socket")
            assert sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY) != 0


def test_sandbox_assignments_parse_each_pool_once(monkeypatch: pytest.MonkeyPatch) -> None:
    parsed: list[str] = []

    def counting(module: Any) -> None:
        real = module.check_pool

        def check_pool(text: str, **kw: Any) -> Any:
            parsed.append(text)
            return real(text, **kw)

        monkeypatch.setattr(module, "check_pool", check_pool)

    counting(checks)
    counting(assignee_pools)
    tenants = 60
    with (
        SandboxServer(tenants=tenants, status_source=NoRegistration()) as server,
        httpx.Client(base_url=server.api_url, timeout=10) as api,
    ):
        auth = sign_in(api)
        trunk = api.post("/providers", json=trunk_body(), headers=auth).json()["id"]
        ids = [
            t["id"] for t in api.get("/tenants", params={"top": 100}, headers=auth).json()["items"]
        ]
        parsed.clear()
        for i, tenant in enumerate(ids):
            pool = {"did_numbers": f"{5000 + 10 * i}-{5009 + 10 * i}"}
            reply = api.post(f"/providers/{trunk}/assignees/{tenant}", json=pool, headers=auth)
            assert reply.status_code == 204, reply.text
        # one parse per assignment (re-parsing the others would be ~n²/2 = 1770)
        assert len(parsed) == tenants
        clash = api.post(
            f"/providers/{trunk}/assignees/{ids[0]}", json={"did_numbers": "5015"}, headers=auth
        )
        assert clash.status_code == 400
        assert "'5015' overlaps '5010-5019' of tenant" in clash.json()["errors"][0]["message"]
        # a tenant may move within its own numbers; a freed range can be taken by another
        resize = {"did_numbers": "5000-5004"}
        moved = api.post(f"/providers/{trunk}/assignees/{ids[0]}", json=resize, headers=auth)
        assert moved.status_code == 204, moved.text
        freed = api.post(f"/providers/{trunk}/assignees/{ids[1]}/destroy", headers=auth)
        assert freed.status_code == 204, freed.text
        take = api.post(
            f"/providers/{trunk}/assignees/{ids[0]}", json={"did_numbers": "5015"}, headers=auth
        )
        assert take.status_code == 204, take.text


def _text(pairs: list[tuple[int, int]]) -> str:
    return ";".join(str(a) if a == b else f"{a}-{b}" for a, b in pairs)


@st.composite
def disjoint_pairs(draw: st.DrawFn, lo: int = 100, hi: int = 400) -> list[tuple[int, int]]:
    cuts = sorted(draw(st.sets(st.integers(lo, hi), min_size=0, max_size=10)))
    pairs = [(cuts[i], cuts[i + 1] - 1) for i in range(0, len(cuts) - 1, 2)]
    return draw(st.permutations(pairs)) if pairs else []


def _rows(found: list[Collision]) -> list[tuple[Any, ...]]:
    return [
        (c.entry.first, c.entry.last, c.entry.start, c.owner, c.other_entry.text, c.first, c.last)
        for c in found
    ]


@st.composite
def stored(draw: st.DrawFn) -> dict[str, list[tuple[int, int]]]:
    """Tenant pools: dealt from one disjoint set (as the PBX stores them), or independent
    and possibly overlapping each other (a hand-edited state file)."""
    if draw(st.booleans()):
        pairs = draw(disjoint_pairs(100, 600))
        names = "abcdef"[: draw(st.integers(1, 6))]
        return {t: pairs[k :: len(names)] for k, t in enumerate(names)}
    return draw(st.dictionaries(st.sampled_from("abcdef"), disjoint_pairs(), max_size=6))


@settings(max_examples=80, deadline=None)
@given(
    tenants=stored(),
    new=disjoint_pairs(),
    moves=st.lists(st.tuples(st.sampled_from("abcdef"), disjoint_pairs()), max_size=5),
)
def test_sandbox_assignee_index_finds_what_a_full_rebuild_finds(
    tenants: dict[str, list[tuple[int, int]]],
    new: list[tuple[int, int]],
    moves: list[tuple[str, list[tuple[int, int]]]],
) -> None:
    """Same collisions, in the same order, as the domain's index built from scratch."""
    index = AssigneePools.of({t: {"did_numbers": _text(p)} for t, p in tenants.items()})
    model = {t: DidPool.parse(_text(p)) if p else DidPool.empty() for t, p in tenants.items()}
    for tenant, pairs in [("", []), *moves]:
        if tenant:
            pool = DidPool.parse(_text(pairs)) if pairs else None
            if pool is None:
                index.remove(tenant)
                model.pop(tenant, None)
            else:
                index.put(tenant, pool)
                model[tenant] = pool
        checked = DidPool.parse(_text(new)) if new else DidPool.empty()
        for exclude in (None, "a"):
            others = {t: p for t, p in model.items() if t != exclude}
            assert _rows(index.collisions(checked, exclude=exclude)) == _rows(
                PoolIndex(others).collisions(checked)
            )
