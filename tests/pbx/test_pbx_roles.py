"""The level (System or Tenant) comes from what the signed-in account can do."""

from __future__ import annotations

import pytest
from pydantic import SecretStr

from trunkwiz.pbx.client import PbxClient
from trunkwiz.pbx.errors import AuthError
from trunkwiz.sandbox.server import DEFAULT_ADMIN_PASSWORD, DEFAULT_TENANT_PASSWORD, SandboxServer


@pytest.mark.parametrize(
    ("user", "domain", "system", "reason"),
    [
        ("admin", None, True, "role SystemAdmin"),
        ("dealer", None, True, "role Dealer can list tenants"),
        ("viewer", None, False, "role Viewer may not list tenants"),
        ("manager", "acme-001.sandbox.test", False, "signed in to tenant domain"),
    ],
)
async def test_the_level_follows_what_the_account_can_do(
    sandbox: SandboxServer, user: str, domain: str | None, system: bool, reason: str
) -> None:
    password = DEFAULT_TENANT_PASSWORD if domain else DEFAULT_ADMIN_PASSWORD
    async with PbxClient(sandbox.url) as pbx:
        session = await pbx.sign_in(user, SecretStr(password), domain)
        assert session.is_system_admin is system
        assert reason in session.level_reason
        assert session.level_label.startswith("System level" if system else "Tenant level")
        if user == "dealer":  # a Dealer really can share trunks and switch tenants
            assert len(await pbx.tenants()) == 120
        if user == "viewer":
            with pytest.raises(AuthError):
                await pbx.tenants()
