"""Tenants in natural order, and a filter that says when nothing matches."""

from __future__ import annotations

from pydantic import SecretStr

from trunkwiz.pbx.client import PbxClient
from trunkwiz.sandbox.server import DEFAULT_ADMIN_PASSWORD, SandboxServer
from trunkwiz.service.connection import Connection
from trunkwiz.service.tenants import TenantInfo, filter_tenants, in_natural_order


def info(name: str, domain: str = "") -> TenantInfo:
    return TenantInfo(name, name, domain)


def test_natural_order_and_filter() -> None:
    tenants = in_natural_order([info("Acme Dental 1081"), info("Acme Dental 121", "a.test")])
    assert [t.name for t in tenants] == ["Acme Dental 121", "Acme Dental 1081"]
    assert filter_tenants(tenants, "A.TEST").shown == tenants[:1]
    none = filter_tenants(tenants, " zebra ")
    assert none.shown == [] and none.message == (
        "No tenant matches 'zebra' (by name or SIP domain)."
    )
    assert filter_tenants(tenants, "").message == ""
    assert filter_tenants([], "").message == "The PBX has no tenants."


async def test_the_connection_lists_tenants_in_natural_order() -> None:
    with SandboxServer(tenants=3) as sandbox:
        with sandbox.state.lock:
            for tid, name in zip(list(sandbox.state.tenants), ["Acme 1081", "Acme 121", "acme 3"],
                                 strict=True):  # fmt: skip
                sandbox.state.tenants[tid]["name"] = name
        async with PbxClient(sandbox.url) as pbx:
            session = await pbx.sign_in("admin", SecretStr(DEFAULT_ADMIN_PASSWORD))
            conn = Connection(pbx, session, url=sandbox.url, user="admin")
            assert [t.name for t in await conn.tenants()] == ["acme 3", "Acme 121", "Acme 1081"]
