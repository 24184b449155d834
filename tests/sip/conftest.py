"""Real SIP peers for the sip tests: Kamailio registrars (MD5, SHA-256, 3-way) on loopback."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import socket
import subprocess
import time
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from pydantic import SecretStr

from tests.support.system import need_binary
from trunkwiz.sip.client import Account, UserAgent
from trunkwiz.sip.transport import connect

RECIPE = Path(__file__).resolve().parents[3] / "shared/recipes/kamailio-registrar.cfg"
USER = "trunkuser"
PASSWORD = "s3cret-pass"
REALM = "trunk.test"
READY_WITHIN = 10.0


def free_port() -> int:
    """A port free for both UDP and TCP on 127.0.0.1."""
    for _ in range(50):
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as tcp:
            tcp.bind(("127.0.0.1", 0))
            port = tcp.getsockname()[1]
            with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as udp:
                try:
                    udp.bind(("127.0.0.1", port))
                except OSError:
                    continue
                return int(port)
    raise RuntimeError("no free UDP+TCP port")


def _options(port: int) -> bytes:
    return (
        f"OPTIONS sip:{REALM} SIP/2.0\r\n"
        f"Via: SIP/2.0/UDP 127.0.0.1:9;branch=z9hG4bKready{port};rport\r\n"
        f"From: <sip:ready@{REALM}>;tag=r1\r\nTo: <sip:{REALM}>\r\n"
        f"Call-ID: ready-{port}\r\nCSeq: 1 OPTIONS\r\nMax-Forwards: 70\r\n"
        "Content-Length: 0\r\n\r\n"
    ).encode()


def wait_ready(port: int, proc: subprocess.Popen[bytes], within: float) -> None:
    """Block until an OPTIONS to the port gets 200 (bounded)."""
    end = time.monotonic() + within
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.connect(("127.0.0.1", port))
        sock.settimeout(0.1)
        while time.monotonic() < end:
            if proc.poll() is not None:
                raise RuntimeError(f"kamailio exited with {proc.returncode}")
            try:
                sock.send(_options(port))
                if sock.recv(4096).startswith(b"SIP/2.0 200"):
                    return
            except (TimeoutError, ConnectionRefusedError):
                continue
    raise RuntimeError(f"kamailio on {port} not ready within {within} s")


@dataclass(frozen=True)
class Kamailio:
    """A running Kamailio registrar."""

    port: int
    user: str
    password: SecretStr
    realm: str
    algorithm: str
    pid: int


def start_kamailio(tmp: Path, *defines: str) -> tuple[subprocess.Popen[bytes], int]:
    """Spawn Kamailio (no shell) on a free port with extra ``-A`` defines."""
    binary = need_binary("kamailio")
    if not RECIPE.is_file():
        pytest.skip(f"Kamailio recipe not found at {RECIPE}")
    port = free_port()
    tmp.mkdir(parents=True, exist_ok=True)
    argv = [binary, "-DD", "-E", "-f", str(RECIPE), "-Y", str(tmp), "-P", str(tmp / "pid")]
    argv += ["-m", "32", "-M", "4", "-A", f"TRUNK_PORT={port}"]
    for d in defines:
        argv += ["-A", d]
    log = (tmp / "kamailio.log").open("wb")
    proc = subprocess.Popen(argv, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    log.close()
    try:
        wait_ready(port, proc, READY_WITHIN)
    except Exception:
        stop_process(proc)
        raise
    return proc, port


def stop_process(proc: subprocess.Popen[bytes]) -> None:
    """SIGTERM and wait (SIGKILL the group if it lingers)."""
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=5)


def _kamailio(tmp_factory: pytest.TempPathFactory, name: str, *defines: str) -> Iterator[Kamailio]:
    proc, port = start_kamailio(tmp_factory.mktemp(name), *defines)
    alg = "SHA-256" if "WITH_SHA256" in defines else "MD5"
    try:
        yield Kamailio(port, USER, SecretStr(PASSWORD), REALM, alg, proc.pid)
    finally:
        stop_process(proc)


@pytest.fixture(scope="session")
def kamailio_md5(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Kamailio]:
    """Kamailio challenging with MD5."""
    yield from _kamailio(tmp_path_factory, "kam-md5")


@pytest.fixture(scope="session")
def kamailio_sha256(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Kamailio]:
    """Kamailio challenging with SHA-256."""
    yield from _kamailio(tmp_path_factory, "kam-sha256", "WITH_SHA256")


@pytest.fixture(scope="session")
def kamailio_3way(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Kamailio]:
    """Kamailio allowing an account username different from the auth ID."""
    yield from _kamailio(tmp_path_factory, "kam-3way", "ALLOW_3WAY")


async def current_bindings(
    port: int,
    *,
    auth_id: str,
    password: SecretStr,
    username: str = "",
    domain: str = "trunk.test",
    transport: str = "UDP",
) -> list[str]:
    """Ask the registrar which contacts the account has (REGISTER without Contact)."""
    conn = await connect(transport, "127.0.0.1", port, timeout=3.0)
    ua = UserAgent(conn, Account(domain, auth_id, username, password))
    try:
        out = await ua.query_bindings(timeout=3.0)
    finally:
        ua.close()
    assert out.response.status == 200, out.response.status
    return [b.uri for b in out.bindings]


class _Discard(asyncio.DatagramProtocol):
    def __init__(self) -> None:
        self.received = 0

    def datagram_received(self, data: bytes, addr: tuple[str, int]) -> None:
        self.received += 1


@contextlib.asynccontextmanager
async def udp_black_hole(port: int = 0) -> AsyncIterator[tuple[int, _Discard]]:
    """A UDP socket on 127.0.0.1 that reads and drops everything (a filtering firewall)."""
    loop = asyncio.get_running_loop()
    proto = _Discard()
    transport, _ = await loop.create_datagram_endpoint(
        lambda: proto, local_addr=("127.0.0.1", port)
    )
    try:
        yield transport.get_extra_info("sockname")[1], proto
    finally:
        transport.close()


@contextlib.asynccontextmanager
async def tcp_relay(target_port: int) -> AsyncIterator[int]:
    """A TCP listener on 127.0.0.1:0 piping each connection to 127.0.0.1:target_port."""
    tasks: set[asyncio.Task[None]] = set()

    async def pipe(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while data := await reader.read(65536):
                writer.write(data)
                await writer.drain()
        except (OSError, asyncio.CancelledError):
            pass
        finally:
            writer.close()

    async def serve(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        up_reader, up_writer = await asyncio.open_connection("127.0.0.1", target_port)
        for coro in (pipe(reader, up_writer), pipe(up_reader, writer)):
            task = asyncio.get_running_loop().create_task(coro)
            tasks.add(task)
            task.add_done_callback(tasks.discard)

    server = await asyncio.start_server(serve, "127.0.0.1", 0)
    try:
        yield server.sockets[0].getsockname()[1]
    finally:
        server.close()
        for task in list(tasks):
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        await server.wait_closed()
