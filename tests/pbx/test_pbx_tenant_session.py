"""Tenant-scoped rule calls never switch the session that creates, shares and deletes
trunks: against a sandbox where a switched session *does* scope trunk calls to the tenant
(the spec says only "Switch between tenants"), trunks are still made at system level."""

from __future__ import annotations

import pytest
from pydantic import SecretStr

from tests.pbx.test_pbx_rules import trunk
from trunkwiz.domain.routes import OutboundRoute, TenantRoutes
from trunkwiz.pbx.client import PbxClient
from trunkwiz.pbx.plan import apply, plan
from trunkwiz.sandbox.server import DEFAULT_ADMIN_PASSWORD, SandboxServer
from trunkwiz.service.connection import Connection
from trunkwiz.service.routes import plan_routes


def _scoping_sandbox() -> SandboxServer:
    return SandboxServer(tenants=5, switch_scopes_trunks=True)  # type: ignore[call-arg]


_HAS_MODE = "switch_scopes_trunks" in SandboxServer.__init__.__code__.co_varnames


@pytest.mark.skipif(not _HAS_MODE, reason="needs the sandbox mode switch_scopes_trunks")
async def test_trunks_are_created_shared_and_deleted_as_system_admin_after_rule_calls() -> None:
    with _scoping_sandbox() as sandbox:
        async with PbxClient(sandbox.url) as admin:
            await admin.sign_in("admin", SecretStr(DEFAULT_ADMIN_PASSWORD))
            tenants = (await admin.tenants())[:2]
            first = trunk(tenants[:1])
            want = {
                tenants[0].id: TenantRoutes(
                    outbound=(OutboundRoute(name="Out", number_length="11"),)
                )
            }
            conn = Connection(admin, admin.session, url=sandbox.url, user="admin")  # type: ignore[arg-type]
            step = await plan_routes(conn, plan(first, None), want)
            await apply(admin, step)  # switches to the tenant for its rule
            assert len(sandbox.state.outbound_rules) == 1
            second = trunk(tenants[1:]).model_copy(
                update={"name": "Second", "hostname": "second.example.net"}
            )
            made = await apply(admin, plan(second, None))
            assert made.trunk_id is not None
            record = sandbox.state.trunks[made.trunk_id]
            assert record.owner_tenant_id is None, "the trunk was created inside the tenant"
            assert list(record.assignees) == [tenants[1].id]
            assert len(await admin.providers()) == 2  # the session still sees every trunk
            await admin.destroy_provider(made.trunk_id)
            assert made.trunk_id not in sandbox.state.trunks
