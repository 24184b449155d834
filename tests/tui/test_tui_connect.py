"""Step 1, Connect: sign-in, errors next to the fields, keyring, certificate pinning."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from textual.widgets import Checkbox

from tests.tui.conftest import (
    FailKeyring,
    MemoryKeyring,
    fill,
    make_services,
    next_step,
    settle,
    step_of,
    text_of,
)
from trunkwiz.sandbox.server import DEFAULT_ADMIN_PASSWORD, SandboxServer
from trunkwiz.service.services import ConnectDefaults, Services
from trunkwiz.tui.app import TrunkWizApp
from trunkwiz.tui.screens.dialogs import TrustCertificateScreen


async def test_sign_in_goes_on_to_kind_and_remembers_the_profile(
    services: Services, sandbox: SandboxServer
) -> None:
    app = TrunkWizApp(services)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert step_of(pilot) == "connect"
        assert app.screen.query_one("#url").value == sandbox.url
        await next_step(pilot)
        assert step_of(pilot) == "kind"
        assert app.draft.level == "system" and app.draft.url == sandbox.url
        assert services.connection is not None
    profile = services.saved_profile()
    assert profile is not None and profile.url == sandbox.url and profile.user == "admin"
    assert DEFAULT_ADMIN_PASSWORD not in services.profiles.path.read_text()


async def test_wrong_password_is_shown_under_the_password(services: Services) -> None:
    app = TrunkWizApp(services)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await fill(pilot, "#pbx_password", "not-the-password")
        await next_step(pilot)
        assert step_of(pilot) == "connect"
        assert "refused" in text_of(pilot, "#pbx_password-error")
        assert services.connection is None


async def test_missing_fields_are_named(services: Services) -> None:
    app = TrunkWizApp(services)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await fill(pilot, "#user", "")
        await fill(pilot, "#url", "pbx.example")
        await next_step(pilot)
        assert step_of(pilot) == "connect"
        assert "admin user" in text_of(pilot, "#user-error")
        assert "https://" in text_of(pilot, "#url-error")


async def test_unreachable_pbx_is_reported_under_the_url(tmp_path: Path) -> None:
    import socket

    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        url = f"http://127.0.0.1:{s.getsockname()[1]}"
    services = make_services(url, tmp_path)
    app = TrunkWizApp(services)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await next_step(pilot)
        assert step_of(pilot) == "connect"
        assert "could not connect" in text_of(pilot, "#url-error")


async def test_keep_password_stores_it_in_the_keyring(
    services: Services, keyring_backend: MemoryKeyring, sandbox: SandboxServer
) -> None:
    app = TrunkWizApp(services)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.screen.query_one("#keep_password", Checkbox).value = True
        await next_step(pilot)
        assert step_of(pilot) == "kind"
    assert keyring_backend.items == {
        ("trunkwiz", f"pbx:{sandbox.url}:admin"): DEFAULT_ADMIN_PASSWORD
    }


async def test_unavailable_keyring_is_explained_and_nothing_is_written(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    services = make_services(sandbox.url, tmp_path, FailKeyring())
    app = TrunkWizApp(services)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.screen.query_one("#keep_password", Checkbox).value = True
        await next_step(pilot)
        assert step_of(pilot) == "connect"
        assert "no usable keyring" in text_of(pilot, "#keep_password-error")
        assert app.screen.query_one("#keep_password", Checkbox).value is False
        await next_step(pilot)  # going on without keeping it
        assert step_of(pilot) == "kind"
    written = "".join(p.read_text() for p in tmp_path.rglob("*") if p.is_file())
    assert DEFAULT_ADMIN_PASSWORD not in written


async def test_saved_profile_and_keyring_password_prefill_the_form(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    from pydantic import SecretStr

    backend = MemoryKeyring()
    first = make_services(sandbox.url, tmp_path, backend)
    first.remember_profile(sandbox.url, "admin", "", None)
    first.keep_password(sandbox.url, "admin", "", SecretStr(DEFAULT_ADMIN_PASSWORD))
    services = make_services(sandbox.url, tmp_path, backend, defaults=ConnectDefaults())
    app = TrunkWizApp(services)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert app.screen.query_one("#url").value == sandbox.url
        assert app.screen.query_one("#pbx_password").value == DEFAULT_ADMIN_PASSWORD
        await next_step(pilot)
        assert step_of(pilot) == "kind"


async def test_tenant_admin_signs_in_with_the_domain(
    services: Services, sandbox: SandboxServer
) -> None:
    from trunkwiz.sandbox.server import DEFAULT_TENANT_PASSWORD

    domain = next(iter(sandbox.state.tenants.values()))["domain"]
    app = TrunkWizApp(services)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await fill(pilot, "#user", "manager")
        await fill(pilot, "#domain", domain)
        await fill(pilot, "#pbx_password", DEFAULT_TENANT_PASSWORD)
        await next_step(pilot)
        assert step_of(pilot) == "kind"
        assert app.draft.level == "tenant" and app.draft.domain == domain
        assert "tenants" not in app.flow.steps()


@pytest.fixture(scope="module")
def tls_sandbox() -> Iterator[SandboxServer]:
    """A sandbox with a self-signed certificate."""
    server = SandboxServer(tls=True, tenants=3).start()
    try:
        yield server
    finally:
        server.stop()


async def test_new_certificate_is_shown_and_pinned_once_trusted(
    tls_sandbox: SandboxServer, tmp_path: Path
) -> None:
    services = make_services(tls_sandbox.url, tmp_path)
    app = TrunkWizApp(services)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.click("#next")
        await settle(pilot)
        assert isinstance(app.screen, TrustCertificateScreen)
        assert app.screen.fingerprint == tls_sandbox.fingerprint
        assert tls_sandbox.fingerprint in text_of(pilot, "#question")
        await pilot.click("#yes")
        await settle(pilot)
        assert step_of(pilot) == "kind"
    profile = services.saved_profile()
    assert profile is not None and profile.pinned_sha256 == tls_sandbox.fingerprint


async def test_declined_certificate_is_not_pinned(
    tls_sandbox: SandboxServer, tmp_path: Path
) -> None:
    services = make_services(tls_sandbox.url, tmp_path)
    app = TrunkWizApp(services)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.click("#next")
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)
        assert step_of(pilot) == "connect"
        assert "not trusted" in text_of(pilot, "#url-error")
        assert services.connection is None
    assert services.saved_profile() is None
