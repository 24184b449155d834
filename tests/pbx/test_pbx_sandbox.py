"""The client against the sandbox PBX over real sockets: roles, refresh, paging, the PBX's
own rule messages, retries and dropped connections."""

from __future__ import annotations

import logging

import pytest
from pydantic import SecretStr

from trunkwiz.pbx.client import PbxClient
from trunkwiz.pbx.errors import (
    AuthError,
    ConflictError,
    FingerprintMismatch,
    NotFoundError,
    PbxValidationError,
    TwoFactorRequired,
    UnavailableError,
    UntrustedCertificate,
)
from trunkwiz.pbx.tls import TlsPolicy, fetch_fingerprint
from trunkwiz.sandbox.server import (
    DEFAULT_ADMIN_PASSWORD,
    DEFAULT_TENANT_PASSWORD,
    SandboxServer,
)

ADMIN = SecretStr(DEFAULT_ADMIN_PASSWORD)


def trunk_body(name: str = "Carrier A", **extra: object) -> dict[str, object]:
    body: dict[str, object] = {
        "name": name,
        "brand": "Generic",
        "auth_mode": "REGISTER_AUTH",
        "transport": "UDP",
        "hostname": "sip.carrier-a.example",
        "port": 5060,
        "outbound_server": "",
        "outbound_server_port": 0,
        "concurrency": 100,
        "auth_id": "acct1",
        "password": "carrier-secret",
    }
    body.update(extra)
    return body


async def test_system_admin_and_tenant_admin_sign_in(sandbox: SandboxServer) -> None:
    async with PbxClient(sandbox.url) as pbx:
        system = await pbx.sign_in("admin", ADMIN)
        tenants = await pbx.tenants()
    assert system.is_system_admin and system.role == "SystemAdmin"
    domain = tenants[0].domain
    async with PbxClient(sandbox.url) as pbx:
        tenant = await pbx.sign_in("manager", SecretStr(DEFAULT_TENANT_PASSWORD), domain=domain)
        assert tenant.role == "Admin" and not tenant.is_system_admin
        assert tenant.domain == domain
        assert await pbx.providers() == []  # the tenant's token works for reads


async def test_wrong_password_and_two_factor(sandbox: SandboxServer) -> None:
    async with PbxClient(sandbox.url) as pbx:
        with pytest.raises(AuthError, match="refused") as info:
            await pbx.sign_in("admin", SecretStr("not-the-password"))
        assert "not-the-password" not in str(info.value)
        with pytest.raises(TwoFactorRequired):
            await pbx.sign_in("secure-admin", ADMIN)


async def test_refresh_after_forced_expiry(sandbox: SandboxServer, admin: PbxClient) -> None:
    sandbox.faults.expire_tokens()
    assert (await admin.network()).public_ipv4
    assert admin.stats.refreshes == 1
    sandbox.faults.expire_tokens(refresh=True)
    with pytest.raises(AuthError, match="sign in again"):
        await admin.network()


async def test_paging_reads_every_tenant(admin: PbxClient) -> None:
    before = admin.stats.requests
    tenants = await admin.tenants()
    assert len(tenants) == 120
    assert len({t.id for t in tenants}) == 120
    assert admin.stats.requests - before == 3  # top=100, skip=1&top=1 (the convention), skip=100
    before = admin.stats.requests
    assert len(await admin.tenants()) == 120
    assert admin.stats.requests - before == 2  # the convention is detected once per client


async def test_paging_with_more_than_two_pages() -> None:
    with SandboxServer(tenants=250) as server:
        async with PbxClient(server.url) as pbx:
            await pbx.sign_in("admin", ADMIN)
            tenants = await pbx.tenants()
    assert len({t.id for t in tenants}) == 250


async def test_create_read_update_destroy(admin: PbxClient) -> None:
    pid = await admin.create_provider(trunk_body())
    detail = await admin.provider(pid)
    assert detail.name == "Carrier A" and "password" not in detail.model_dump()
    await admin.update_provider(pid, {"concurrency": 7})
    assert (await admin.provider(pid)).concurrency == 7
    assert await admin.status(pid) in {"ONLINE", "OFFLINE"}
    await admin.destroy_provider(pid)
    with pytest.raises(NotFoundError):
        await admin.provider(pid)


@pytest.mark.parametrize(
    ("change", "field", "words"),
    [
        ({"hostname": "not a host!"}, "hostname", "not a valid host name"),
        ({"transport": "TLS", "name": "x" * 65}, "name", ""),
        ({"auth_id": ""}, "auth_id", "authentication name"),
        ({"password": ""}, "password", "password is required"),
        ({"additional_ips": "300.1.1.1/32"}, "additional_ips", ""),
        ({"did_numbers": "+123"}, "did_numbers", "Invalid DID/DDI pool"),
    ],
)
async def test_rules_surface_the_pbx_message(admin: PbxClient, change, field, words) -> None:
    with pytest.raises(PbxValidationError) as info:
        await admin.create_provider(trunk_body(**change))
    err = info.value
    assert err.status == 400 and err.messages and err.field == field
    assert all(m in str(err) for m in err.messages)
    assert words in " ".join(err.messages)


async def test_duplicate_name_is_a_conflict(admin: PbxClient) -> None:
    await admin.create_provider(trunk_body())
    with pytest.raises(ConflictError, match="already in use") as info:
        await admin.create_provider(trunk_body(auth_id="other"))
    assert info.value.status == 409


async def test_overlapping_tenant_pools_are_refused(admin: PbxClient) -> None:
    pid = await admin.create_provider(trunk_body())
    a, b = (await admin.tenants())[:2]
    await admin.assign(pid, a.id, "1000-1099", 5)
    with pytest.raises(PbxValidationError, match="overlaps") as info:
        await admin.assign(pid, b.id, "1050-1200", 5)
    assert info.value.field == "did_numbers"
    assert a.name in str(info.value)


async def test_get_is_retried_after_a_server_error(sandbox, admin: PbxClient) -> None:
    sandbox.faults.fail_nth(1, 503)
    assert len(await admin.transports()) == 3
    assert admin.stats.retries == 1


async def test_post_is_not_resent_after_a_server_error(sandbox, admin: PbxClient) -> None:
    sandbox.faults.fail_nth(1, 500)
    with pytest.raises(UnavailableError) as info:
        await admin.create_provider(trunk_body())
    assert info.value.outcome_unknown
    assert await admin.providers() == []  # the failed POST was not sent again


async def test_dropped_post_reports_unknown_outcome(sandbox, admin: PbxClient) -> None:
    sandbox.faults.drop_nth(1)
    calls = sandbox.faults.calls
    with pytest.raises(UnavailableError, match="outcome is unknown") as info:
        await admin.create_provider(trunk_body())
    assert info.value.outcome_unknown
    assert sandbox.faults.calls == calls + 1


async def test_unreachable_pbx_is_unavailable() -> None:
    with SandboxServer() as server:
        url = server.url
    async with PbxClient(url, timeout=2.0) as pbx:
        with pytest.raises(UnavailableError, match="could not connect"):
            await pbx.sign_in("admin", ADMIN)


async def test_tls_sandbox_pinning_accept_mismatch_and_untrusted() -> None:
    with SandboxServer(tls=True) as server:
        fingerprint = await fetch_fingerprint(server.url)
        assert fingerprint == server.fingerprint
        async with PbxClient(server.url) as pbx:
            with pytest.raises(UntrustedCertificate) as untrusted:
                await pbx.sign_in("admin", ADMIN)
        assert untrusted.value.fingerprint == fingerprint
        async with PbxClient(server.url, tls=TlsPolicy(pinned_sha256=fingerprint)) as pbx:
            assert (await pbx.sign_in("admin", ADMIN)).is_system_admin
            assert len(await pbx.tenants()) == 120
        wrong = "00:" * 31 + "00"
        async with PbxClient(server.url, tls=TlsPolicy(pinned_sha256=wrong)) as pbx:
            with pytest.raises(FingerprintMismatch) as mismatch:
                await pbx.sign_in("admin", ADMIN)
        assert wrong in str(mismatch.value) and fingerprint in str(mismatch.value)


async def test_no_secret_in_debug_logs_over_real_sockets(sandbox, caplog) -> None:
    caplog.set_level(logging.DEBUG)
    async with PbxClient(sandbox.url) as pbx:
        await pbx.sign_in("admin", ADMIN)
        first = pbx._tokens
        sandbox.faults.expire_tokens()
        await pbx.network()  # 401, refresh, retry
        second = pbx._tokens
    assert first is not None and second is not None and first != second
    secrets = [
        DEFAULT_ADMIN_PASSWORD,
        first.access.get_secret_value(),
        first.refresh.get_secret_value(),
        second.access.get_secret_value(),
    ]
    assert "/auth/refresh_token" in caplog.text  # the debug log did record the exchange
    assert not [s for s in secrets if s in caplog.text]
