"""Fixtures of the wizard's Pilot tests: a real sandbox PBX on loopback, services, helpers.

The sandbox starts once per test module (real HTTP over loopback); each test gets its own
configuration directory and an in-memory keyring backend, so nothing touches the host.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from keyring.backend import KeyringBackend
from pydantic import SecretStr

from tests.support.pilot import (  # noqa: F401
    fill,
    next_step,
    press_step_key,
    screen_text,
    settle,
    step_of,
    submit,
    text_of,
    type_text,
    wait_for,
)
from trunkwiz.sandbox.server import DEFAULT_ADMIN_PASSWORD, SandboxServer
from trunkwiz.service.services import ConnectDefaults, Services, Timing
from trunkwiz.store.secrets import SecretStore


class MemoryKeyring(KeyringBackend):
    """A keyring backend in memory (tests only)."""

    priority = 1  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.items: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.items.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.items[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        from keyring.errors import PasswordDeleteError

        if self.items.pop((service, username), None) is None:
            raise PasswordDeleteError(username)


class FailKeyring(KeyringBackend):
    """Stands for a host without a usable keyring: every call fails like keyring's own."""

    priority = 1  # type: ignore[assignment]

    def get_password(self, service: str, username: str) -> str | None:
        from keyring.errors import NoKeyringError

        raise NoKeyringError("No recommended backend was available.")

    def set_password(self, service: str, username: str, password: str) -> None:
        from keyring.errors import NoKeyringError

        raise NoKeyringError("No recommended backend was available.")

    def delete_password(self, service: str, username: str) -> None:
        from keyring.errors import NoKeyringError

        raise NoKeyringError("No recommended backend was available.")


@pytest.fixture(scope="module")
def sandbox() -> Iterator[SandboxServer]:
    """One sandbox PBX (plain HTTP, 120 tenants) for the whole test module."""
    server = SandboxServer(tenants=120).start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def keyring_backend() -> MemoryKeyring:
    """The in-memory keyring the services of a test use."""
    return MemoryKeyring()


def make_services(
    url: str, config_dir: Path, backend: KeyringBackend | None = None, **kwargs: Any
) -> Services:
    """Services as the CLI builds them, with test timings and an in-memory keyring."""
    store = SecretStore(backend if backend is not None else MemoryKeyring(), timeout=2.0)
    kwargs.setdefault(
        "defaults",
        ConnectDefaults(url=url, user="admin", password=SecretStr(DEFAULT_ADMIN_PASSWORD)),
    )
    kwargs.setdefault("timing", Timing(status_interval=0.05, offline_after=0.0, status_timeout=0.4))
    return Services(config_dir=config_dir, secrets=lambda: store, **kwargs)


@pytest.fixture
def services(sandbox: SandboxServer, tmp_path: Path, keyring_backend: MemoryKeyring) -> Services:
    """Services pointed at the module's sandbox (not connected yet)."""
    return make_services(sandbox.url, tmp_path / "config", keyring_backend)


@pytest.fixture
async def connected(services: Services, sandbox: SandboxServer) -> Services:
    """Services signed in to the sandbox as the System Admin."""
    await services.connect(sandbox.url, "admin", SecretStr(DEFAULT_ADMIN_PASSWORD))
    return services


async def create_trunk(services: Services, password: str | None = "pw-1234", **data: Any) -> str:
    """Create a trunk on the sandbox through the real plan/apply path; returns its id."""
    from trunkwiz.domain.trunk import parse_trunk

    conn = services.connection
    assert conn is not None
    data.setdefault("kind", "register")
    if data["kind"] != "ip":
        data.setdefault("auth_id", "acct")
        data["password"] = SecretStr(password) if password else None
    trunk = parse_trunk(data)
    result = await conn.apply(await conn.plan(trunk, None))
    assert result.trunk_id
    return str(result.trunk_id)


def tenant_ids(sandbox: SandboxServer, count: int) -> list[tuple[str, str]]:
    """``(id, name)`` of the first ``count`` tenants by name (as the Tenants step lists them)."""
    items = sorted(sandbox.state.tenants.values(), key=lambda t: (t["name"].lower(), t["id"]))
    return [(str(t["id"]), str(t["name"])) for t in items[:count]]


# The Pilot helpers live in tests/support/pilot.py; imported here for the tests that
# take them from this module.
