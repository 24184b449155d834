"""``trunkwiz probe FILE|NAME`` against the demo registrar on loopback."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from pydantic import SecretStr

from tests.cli.conftest import SIP_PASSWORD, Cli, admin_stdin
from tests.cli.fake_keyring import MemoryKeyring
from trunkwiz.sandbox.server import SandboxServer
from trunkwiz.sip.registrar import DemoRegistrar, RegistrarUser


@pytest.fixture
async def registrar() -> AsyncIterator[DemoRegistrar]:
    server = DemoRegistrar([RegistrarUser("carrier-1", SecretStr(SIP_PASSWORD))])
    await server.start()
    try:
        yield server
    finally:
        await server.stop()


def trunk_file(tmp_path: Path, port: int) -> str:
    path = tmp_path / "carrier.toml"
    path.write_text(
        f'[[trunk]]\nname = "Carrier"\nkind = "register"\nhostname = "127.0.0.1"\n'
        f'port = {port}\nauth_id = "carrier-1"\n'
    )
    return str(path)


async def test_probe_a_file_registers_with_the_password_from_stdin(
    cli: Cli, registrar: DemoRegistrar, tmp_path: Path
) -> None:
    file = trunk_file(tmp_path, registrar.port)
    r = await asyncio.to_thread(
        cli, "probe", file, "--password-stdin", stdin=f"Carrier\t{SIP_PASSWORD}\n"
    )
    assert r.code == 0, r.text
    assert (
        f"Trunk Carrier (register, OPTIONS + REGISTER) -> 127.0.0.1:{registrar.port}/UDP: OK"
        in r.out
    )
    assert "digest realm demo.trunkwiz.test" in r.out


async def test_probe_with_a_wrong_password_explains_and_exits_1(
    cli: Cli, registrar: DemoRegistrar, tmp_path: Path
) -> None:
    file = trunk_file(tmp_path, registrar.port)
    r = await asyncio.to_thread(
        cli, "probe", file, "--json", "--password-stdin", stdin="Carrier\twrong-password\n"
    )
    assert r.code == 1
    (result,) = json.loads(r.out)
    assert result["name"] == "Carrier" and result["ok"] is False
    assert result["outcome"] in {"auth-failed", "forbidden"}
    assert result["status"] in {401, 403} and result["diagnosis"]


async def test_probe_options_only_needs_no_password(
    cli: Cli, registrar: DemoRegistrar, tmp_path: Path
) -> None:
    file = trunk_file(tmp_path, registrar.port)
    r = await asyncio.to_thread(cli, "probe", file, "--no-register", "--json")
    assert r.code == 0, r.text
    (result,) = json.loads(r.out)
    assert result["register"] is False and result["ok"] is True


def test_probe_without_a_password_is_bad_input(cli: Cli, tmp_path: Path) -> None:
    r = cli("probe", trunk_file(tmp_path, 5060))
    assert r.code == 2 and "no SIP password for trunk 'Carrier'" in r.err


async def test_probe_a_trunk_on_the_pbx_with_the_keyring_password(
    cli: Cli,
    registrar: DemoRegistrar,
    sandbox: SandboxServer,
    keyring_backend: MemoryKeyring,
    tmp_path: Path,
) -> None:
    file = trunk_file(tmp_path, registrar.port)
    applied = await asyncio.to_thread(
        cli,
        "--pbx",
        sandbox.url,
        "apply",
        file,
        "--password-stdin",
        stdin=admin_stdin(("Carrier", SIP_PASSWORD)),
    )
    assert applied.code == 0, applied.err
    keyring_backend.set_password("trunkwiz", f"trunk:{sandbox.url}:Carrier", SIP_PASSWORD)
    r = await asyncio.to_thread(
        cli,
        "--pbx",
        sandbox.url,
        "probe",
        "carrier",
        "--json",
        "--password-stdin",
        stdin=admin_stdin(),
    )
    assert r.code == 0, r.err
    (result,) = json.loads(r.out)
    assert result["name"] == "Carrier" and result["outcome"] == "ok"


async def test_two_trunks_on_one_carrier_host_are_spaced_out_not_refused(
    cli: Cli, registrar: DemoRegistrar, tmp_path: Path
) -> None:
    path = tmp_path / "two.toml"
    one = trunk_file(tmp_path, registrar.port)
    path.write_text(
        Path(one).read_text() + Path(one).read_text().replace('"Carrier"', '"Carrier B"')
    )
    secrets = f"Carrier\t{SIP_PASSWORD}\nCarrier B\t{SIP_PASSWORD}\n"
    began = asyncio.get_running_loop().time()
    r = await asyncio.to_thread(
        cli, "probe", str(path), "--json", "--password-stdin", stdin=secrets
    )
    took = asyncio.get_running_loop().time() - began
    assert r.code == 0, r.text
    assert [(x["name"], x["ok"]) for x in json.loads(r.out)] == [
        ("Carrier", True),
        ("Carrier B", True),
    ]
    assert took >= 4.0  # the second REGISTER waited for the per-host interval (5 s)
