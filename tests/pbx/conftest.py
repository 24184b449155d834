"""Fixtures of the pbx tests: certificates, a tiny TLS HTTP server, the sandbox PBX."""

from __future__ import annotations

import asyncio
import datetime
import ipaddress
import json
import ssl
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from pydantic import SecretStr

from tests.support.certs import with_real_extensions
from trunkwiz.pbx.client import PbxClient
from trunkwiz.pbx.tls import fingerprint_of
from trunkwiz.sandbox.server import DEFAULT_ADMIN_PASSWORD, SandboxServer


@dataclass
class Cert:
    """A self-signed certificate for 127.0.0.1 written to disk."""

    cert_file: Path
    key_file: Path
    fingerprint: str

    def server_context(self) -> ssl.SSLContext:
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(self.cert_file, self.key_file)
        return ctx


def make_cert(directory: Path, name: str) -> Cert:
    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, f"PortSIP PBX {name}")])
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
    )
    cert = with_real_extensions(cert, key, ca=True).sign(key, hashes.SHA256())
    cert_file = directory / f"{name}.crt"
    key_file = directory / f"{name}.key"
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return Cert(cert_file, key_file, fingerprint_of(cert.public_bytes(serialization.Encoding.DER)))


@dataclass
class TlsServer:
    """Answers every HTTP request with ``{"ok": true}`` and closes the connection, so each
    request opens a new TLS connection. ``use(cert)`` switches the certificate for the
    next handshakes (through the SNI callback)."""

    certs: dict[str, Cert]
    current: str = "a"
    port: int = 0
    handshakes: int = 0
    requests: int = 0
    _contexts: dict[str, ssl.SSLContext] = field(default_factory=dict)

    @property
    def url(self) -> str:
        return f"https://127.0.0.1:{self.port}"

    def use(self, name: str) -> None:
        self.current = name

    def context(self) -> ssl.SSLContext:
        self._contexts = {n: c.server_context() for n, c in self.certs.items()}
        base = self.certs["a"].server_context()

        def pick(sslobj: ssl.SSLObject, _name: str | None, _ctx: ssl.SSLContext) -> None:
            self.handshakes += 1
            sslobj.context = self._contexts[self.current]

        base.sni_callback = pick
        return base

    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            head = await reader.readuntil(b"\r\n\r\n")
            length = 0
            for line in head.decode("latin-1").split("\r\n"):
                if line.lower().startswith("content-length:"):
                    length = int(line.split(":", 1)[1])
            if length:
                await reader.readexactly(length)
            self.requests += 1
            body = json.dumps({"ok": True}).encode()
            writer.write(
                b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                + f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n".encode()
                + body
            )
            await writer.drain()
        except (OSError, asyncio.IncompleteReadError, ssl.SSLError):
            pass
        finally:
            writer.close()


@pytest.fixture
def certs(tmp_path: Path) -> dict[str, Cert]:
    return {"a": make_cert(tmp_path, "a"), "b": make_cert(tmp_path, "b")}


@pytest.fixture
async def tls_server(certs: dict[str, Cert]) -> AsyncIterator[TlsServer]:
    server = TlsServer(certs)
    listener = await asyncio.start_server(server.handle, "127.0.0.1", 0, ssl=server.context())
    server.port = listener.sockets[0].getsockname()[1]
    try:
        yield server
    finally:
        listener.close()
        await asyncio.wait_for(listener.wait_closed(), 5)


# -- the sandbox PBX over real sockets ------------------------------------------------


@pytest.fixture
def sandbox() -> Iterator[SandboxServer]:
    with SandboxServer() as server:
        yield server


@pytest.fixture
async def admin(sandbox: SandboxServer) -> AsyncIterator[PbxClient]:
    """A System Admin client signed in to the sandbox."""
    async with PbxClient(sandbox.url) as pbx:
        await pbx.sign_in("admin", SecretStr(DEFAULT_ADMIN_PASSWORD))
        yield pbx


async def snapshot(pbx: PbxClient) -> dict[str, Any]:
    """Every trunk (detail) with its assignees, keyed by trunk name."""
    out: dict[str, Any] = {}
    for summary in await pbx.providers():
        pid = summary.id
        found = sorted(await pbx.assignees(pid), key=lambda a: a.tenant_id)
        assignees = [a.model_dump() for a in found]
        detail = (await pbx.provider(pid)).model_dump(exclude_unset=True)
        out[summary.name] = {"detail": detail, "assignees": assignees}
    return out
