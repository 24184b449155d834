"""The certificates the sandbox and the tests make pass Python 3.13's default verification
(``VERIFY_X509_STRICT``: key identifiers required), checked here on any Python."""

from __future__ import annotations

import ssl
from pathlib import Path

import pytest

from tests.pbx.conftest import make_cert as pbx_cert
from tests.sip.test_sip_tls import make_cert as sip_cert
from tests.support.certs import handshake, strict_client_context
from trunkwiz.sandbox.tlscert import generate


def _server(cert: Path, key: Path) -> ssl.SSLContext:
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(cert, key)
    return ctx


@pytest.mark.parametrize("name", ["127.0.0.1", "localhost"])
def test_sandbox_certificate_passes_strict_verification(tmp_path: Path, name: str) -> None:
    files = generate(tmp_path)
    handshake(_server(files.cert, files.key), strict_client_context(str(files.cert)), name)


def test_pbx_test_certificate_passes_strict_verification(tmp_path: Path) -> None:
    cert = pbx_cert(tmp_path, "a")
    handshake(cert.server_context(), strict_client_context(str(cert.cert_file)), "127.0.0.1")


def test_sip_test_pki_passes_strict_verification(tmp_path: Path) -> None:
    ca_cert, ca_key, ca_path, _ = sip_cert(tmp_path, "ca", "ca", None)
    _, _, cert, key = sip_cert(tmp_path, "good", "sip.carrier.test", (ca_cert, ca_key))
    handshake(_server(cert, key), strict_client_context(str(ca_path)), "sip.carrier.test")


def test_strict_verification_refuses_a_certificate_without_authority_key_id(
    tmp_path: Path,
) -> None:
    """The check above can fail: a carrier certificate without the identifier is refused."""
    ca_cert, ca_key, ca_path, _ = sip_cert(tmp_path, "ca", "ca", None)
    _, _, cert, key = sip_cert(
        tmp_path, "bare", "sip.carrier.test", (ca_cert, ca_key), authority_key_id=False
    )
    loose = ssl.create_default_context(cafile=str(ca_path))
    loose.verify_flags &= ~ssl.VERIFY_X509_STRICT
    handshake(_server(cert, key), loose, "sip.carrier.test")  # accepted without the flag
    with pytest.raises(ssl.SSLCertVerificationError, match="Authority Key Identifier"):
        handshake(_server(cert, key), strict_client_context(str(ca_path)), "sip.carrier.test")
