"""``probe FILE``: one bare stdin line is the one trunk's password; a stored trunk password
goes only to the host the PBX holds for that trunk (or after a confirmation on a terminal,
or when piped explicitly)."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from pydantic import SecretStr

from tests.cli.conftest import SIP_PASSWORD, Cli, admin_stdin
from tests.cli.fake_keyring import MemoryKeyring
from trunkwiz.cli import passwords
from trunkwiz.sandbox.server import DEFAULT_ADMIN_PASSWORD, SandboxServer
from trunkwiz.sip.registrar import DemoRegistrar, RegistrarUser


@pytest.fixture
async def registrar() -> AsyncIterator[DemoRegistrar]:
    server = DemoRegistrar([RegistrarUser("carrier-1", SecretStr(SIP_PASSWORD))])
    await server.start()
    try:
        yield server
    finally:
        await server.stop()


@pytest.fixture
def other_host() -> Iterator[socket.socket]:
    """A UDP socket on 127.0.0.2 standing for a host the file names instead (it records,
    never answers)."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.bind(("127.0.0.2", 0))
    sock.setblocking(False)
    try:
        yield sock
    finally:
        sock.close()


def received(sock: socket.socket) -> list[bytes]:
    got = []
    while True:
        try:
            got.append(sock.recv(65535))
        except BlockingIOError:
            return got


def write(tmp_path: Path, host: str, port: int) -> str:
    path = tmp_path / "carrier.toml"
    path.write_text(
        f'[[trunk]]\nname = "Carrier"\nkind = "register"\nhostname = "{host}"\n'
        f'port = {port}\nauth_id = "carrier-1"\n'
    )
    return str(path)


async def stored_on_pbx(
    cli: Cli, sandbox: SandboxServer, keyring: MemoryKeyring, tmp_path: Path, port: int
) -> None:
    """Trunk Carrier on the PBX at 127.0.0.1, its SIP and the admin password kept."""
    file = write(tmp_path, "127.0.0.1", port)
    stdin = admin_stdin(("Carrier", SIP_PASSWORD))
    applied = await asyncio.to_thread(
        cli, "--pbx", sandbox.url, "apply", file, "--password-stdin", stdin=stdin
    )
    assert applied.code == 0, applied.err
    keyring.set_password("trunkwiz", f"trunk:{sandbox.url}:Carrier", SIP_PASSWORD)
    keyring.set_password("trunkwiz", f"pbx:{sandbox.url}:admin", DEFAULT_ADMIN_PASSWORD)


async def test_one_trunk_one_bare_line_is_that_trunks_password(
    cli: Cli, registrar: DemoRegistrar, tmp_path: Path
) -> None:
    file = write(tmp_path, "127.0.0.1", registrar.port)
    r = await asyncio.to_thread(cli, "probe", file, "--password-stdin", stdin=f"{SIP_PASSWORD}\n")
    assert r.code == 0, r.text
    assert "OPTIONS + REGISTER" in r.out and ": OK" in r.out
    assert "ignored" not in r.err


async def test_stored_password_is_not_sent_to_another_host(
    cli: Cli,
    registrar: DemoRegistrar,
    sandbox: SandboxServer,
    keyring_backend: MemoryKeyring,
    other_host: socket.socket,
    tmp_path: Path,
) -> None:
    await stored_on_pbx(cli, sandbox, keyring_backend, tmp_path, registrar.port)
    file = write(tmp_path, "127.0.0.2", other_host.getsockname()[1])
    r = await asyncio.to_thread(cli, "--pbx", sandbox.url, "probe", file)
    assert r.code == 2, r.text
    assert "the PBX holds host 127.0.0.1" in r.err and "names 127.0.0.2" in r.err
    assert "--password-stdin" in r.err and len(r.err.strip().splitlines()) == 1
    assert received(other_host) == [], "nothing at all was sent to the other host"


async def test_stored_password_is_used_for_the_host_the_pbx_holds(
    cli: Cli,
    registrar: DemoRegistrar,
    sandbox: SandboxServer,
    keyring_backend: MemoryKeyring,
    tmp_path: Path,
) -> None:
    await stored_on_pbx(cli, sandbox, keyring_backend, tmp_path, registrar.port)
    file = write(tmp_path, "127.0.0.1", registrar.port)
    r = await asyncio.to_thread(cli, "--pbx", sandbox.url, "probe", file)
    assert r.code == 0, r.text
    assert ": OK" in r.out


async def test_unverifiable_host_refuses_the_stored_password(
    cli: Cli, keyring_backend: MemoryKeyring, other_host: socket.socket, tmp_path: Path
) -> None:
    """No PBX answers: the host cannot be checked, so the password is not sent."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        url = f"http://127.0.0.1:{s.getsockname()[1]}"
    keyring_backend.set_password("trunkwiz", f"trunk:{url}:Carrier", SIP_PASSWORD)
    keyring_backend.set_password("trunkwiz", f"pbx:{url}:admin", DEFAULT_ADMIN_PASSWORD)
    file = write(tmp_path, "127.0.0.2", other_host.getsockname()[1])
    r = await asyncio.to_thread(cli, "--pbx", url, "probe", file)
    assert r.code == 2 and "cannot be checked" in r.err, r.text
    assert received(other_host) == []


async def test_confirmation_on_a_terminal_sends_it(
    cli: Cli,
    registrar: DemoRegistrar,
    sandbox: SandboxServer,
    keyring_backend: MemoryKeyring,
    other_host: socket.socket,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    await stored_on_pbx(cli, sandbox, keyring_backend, tmp_path, registrar.port)
    file = write(tmp_path, "127.0.0.2", other_host.getsockname()[1])
    monkeypatch.setattr(passwords, "stdin_is_tty", lambda: True)
    r = await asyncio.to_thread(
        cli, "--pbx", sandbox.url, "probe", file, "--timeout", "1", stdin="y\n"
    )
    assert "Send it to 127.0.0.2? [y/N]" in r.err
    assert r.code == 1, r.text  # sent; the stand-in host never answers
    assert received(other_host), "the confirmed probe went to the file's host"


async def test_no_on_the_terminal_sends_nothing(
    cli: Cli,
    registrar: DemoRegistrar,
    sandbox: SandboxServer,
    keyring_backend: MemoryKeyring,
    other_host: socket.socket,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    await stored_on_pbx(cli, sandbox, keyring_backend, tmp_path, registrar.port)
    file = write(tmp_path, "127.0.0.2", other_host.getsockname()[1])
    monkeypatch.setattr(passwords, "stdin_is_tty", lambda: True)
    r = await asyncio.to_thread(cli, "--pbx", sandbox.url, "probe", file, stdin="\n")
    assert r.code == 2, r.text
    assert received(other_host) == []
