"""Paging against the sandbox in both ``skip`` conventions: nothing lost, nothing twice."""

from __future__ import annotations

import pytest
from pydantic import SecretStr

from trunkwiz.pbx.client import PbxClient
from trunkwiz.sandbox.server import DEFAULT_ADMIN_PASSWORD, SandboxServer


@pytest.mark.parametrize("one_based", [False, True])
async def test_every_tenant_exactly_once(one_based: bool) -> None:
    with SandboxServer(tenants=250) as sandbox:
        sandbox.faults.one_based_paging = one_based
        async with PbxClient(sandbox.url) as pbx:
            await pbx.sign_in("admin", SecretStr(DEFAULT_ADMIN_PASSWORD))
            tenants = await pbx.tenants()
            assert pbx.skip_base == (1 if one_based else 0)
            again = await pbx.tenants()
        ids = [t.id for t in tenants]
        assert len(ids) == 250 and len(set(ids)) == 250
        assert ids == list(sandbox.state.tenants)
        assert [t.id for t in again] == ids


async def test_the_sandbox_serves_one_based_skip() -> None:
    with SandboxServer(tenants=5) as sandbox:
        async with PbxClient(sandbox.url) as pbx:
            await pbx.sign_in("admin", SecretStr(DEFAULT_ADMIN_PASSWORD))
            zero = await pbx.get_json("/tenants", {"skip": 1, "top": 1})
            sandbox.faults.one_based_paging = True
            one = await pbx.get_json("/tenants", {"skip": 1, "top": 1})
            start = await pbx.get_json("/tenants", {"skip": 0, "top": 1})
        first = next(iter(sandbox.state.tenants))
        assert zero["items"][0]["id"] != first
        assert one["items"][0]["id"] == first == start["items"][0]["id"]
