"""TLS: the probe verifies the carrier's certificate against the name dialled."""

from __future__ import annotations

import datetime as dt
import ipaddress
import ssl
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from pydantic import SecretStr

from tests.sip.conftest import current_bindings
from tests.support.certs import strict_client_context, with_real_extensions
from trunkwiz.sip.probe import ProbeTarget, probe
from trunkwiz.sip.registrar import DemoRegistrar, RegistrarUser
from trunkwiz.sip.resolve import SrvRecord
from trunkwiz.sip.result import Outcome

PASSWORD = SecretStr("tls-pass")


class Loopback:
    """Every name resolves to 127.0.0.1; no SRV."""

    async def srv(self, name: str, timeout: float) -> list[SrvRecord]:
        return []

    async def addresses(self, host: str, timeout: float) -> list[str]:
        return ["127.0.0.1"]


def _name(cn: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, cn)])


def make_cert(
    tmp: Path,
    stem: str,
    dns: str,
    issuer: tuple[x509.Certificate, ec.EllipticCurvePrivateKey] | None,
    *,
    authority_key_id: bool = True,
) -> tuple[x509.Certificate, ec.EllipticCurvePrivateKey, Path, Path]:
    """A certificate for ``dns`` signed by ``issuer`` (self-signed when None), with the
    extensions of a real one (``authority_key_id=False``: without that identifier)."""
    key = ec.generate_private_key(ec.SECP256R1())
    now = dt.datetime.now(dt.UTC)
    is_ca = dns == "ca"
    builder = (
        x509.CertificateBuilder()
        .subject_name(_name(dns))
        .issuer_name(issuer[0].subject if issuer else _name(dns))
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=is_ca, path_length=None), critical=True)
    )
    builder = with_real_extensions(
        builder,
        key,
        ca=is_ca,
        issuer_key=issuer[1] if issuer else None,
        authority_key_id=authority_key_id,
    )
    if not is_ca:
        sans: list[x509.GeneralName] = [x509.DNSName(dns)]
        sans.append(x509.IPAddress(ipaddress.ip_address("127.0.0.2")))
        builder = builder.add_extension(x509.SubjectAlternativeName(sans), critical=False)
    cert = builder.sign(issuer[1] if issuer else key, hashes.SHA256())
    cert_path, key_path = tmp / f"{stem}.pem", tmp / f"{stem}.key"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert, key, cert_path, key_path


@pytest.fixture
def pki(tmp_path: Path) -> dict[str, Path]:
    ca_cert, ca_key, ca_path, _ = make_cert(tmp_path, "ca", "ca", None)
    paths = {"ca": ca_path}
    for stem, dns, issuer in [
        ("good", "sip.carrier.test", (ca_cert, ca_key)),
        ("other", "other.carrier.test", (ca_cert, ca_key)),
        ("self", "sip.carrier.test", None),
    ]:
        _, _, cert, key = make_cert(tmp_path, stem, dns, issuer)
        paths[stem], paths[f"{stem}-key"] = cert, key
    return paths


async def _tls_registrar(pki: dict[str, Path], stem: str) -> DemoRegistrar:
    ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ctx.load_cert_chain(pki[stem], pki[f"{stem}-key"])
    reg = DemoRegistrar(
        [RegistrarUser("tlsuser", PASSWORD, realm="carrier.test")],
        algorithm="SHA-256",
        tls_context=ctx,
    )
    await reg.start()
    return reg


@pytest.fixture
async def served(
    pki: dict[str, Path], request: pytest.FixtureRequest
) -> AsyncIterator[DemoRegistrar]:
    reg = await _tls_registrar(pki, request.param)
    try:
        yield reg
    finally:
        await reg.stop()


def _trusting(pki: dict[str, Path]) -> ssl.SSLContext:
    """Trusts the test CA, as strictly as Python 3.13 verifies by default."""
    return strict_client_context(str(pki["ca"]))


def _target(port: int, host: str = "sip.carrier.test") -> ProbeTarget:
    return ProbeTarget(host, port, "TLS", "tlsuser", "", PASSWORD, domain="carrier.test")


@pytest.mark.parametrize("served", ["self"], indirect=True)
async def test_sip_tls_self_signed_is_not_trusted(served: DemoRegistrar) -> None:
    result = await probe(_target(served.port), resolver=Loopback(), timeout=3)
    assert result.outcome is Outcome.TLS_FAILURE
    assert "not trusted" in result.diagnosis and "self-signed" in result.diagnosis
    assert served.bindings() == []


@pytest.mark.parametrize("served", ["other"], indirect=True)
async def test_sip_tls_certificate_for_another_name_does_not_match(
    served: DemoRegistrar, pki: dict[str, Path]
) -> None:
    ctx = _trusting(pki)
    result = await probe(_target(served.port), resolver=Loopback(), ssl_context=ctx, timeout=3)
    assert result.outcome is Outcome.TLS_FAILURE
    assert "does not match" in result.diagnosis and "sip.carrier.test" in result.diagnosis


@pytest.mark.parametrize("served", ["good"], indirect=True)
async def test_sip_tls_good_certificate_registers_and_cleans_up(
    served: DemoRegistrar, pki: dict[str, Path]
) -> None:
    ctx = _trusting(pki)
    result = await probe(_target(served.port), resolver=Loopback(), ssl_context=ctx, timeout=3)
    assert result.outcome is Outcome.OK, result.diagnosis
    assert result.resolved is not None and result.resolved.transport == "TLS"
    assert result.algorithm == "SHA-256"
    assert served.bindings() == []


@pytest.mark.parametrize("served", ["good"], indirect=True)
async def test_sip_tls_ip_literal_checked_against_ip_san(
    served: DemoRegistrar, pki: dict[str, Path]
) -> None:
    """Dialling 127.0.0.1 while the certificate names 127.0.0.2 is a mismatch too."""
    ctx = _trusting(pki)
    result = await probe(_target(served.port, "127.0.0.1"), ssl_context=ctx, timeout=3)
    assert result.outcome is Outcome.TLS_FAILURE
    assert "does not match" in result.diagnosis


async def test_sip_tls_bindings_visible_to_query(pki: dict[str, Path]) -> None:
    """Sanity check for the cleanup assertions: the query sees a binding that exists."""
    reg = DemoRegistrar([RegistrarUser("u", PASSWORD, realm="carrier.test")])
    await reg.start()
    try:
        from trunkwiz.sip.client import Account, UserAgent
        from trunkwiz.sip.transport import connect

        conn = await connect("TCP", "127.0.0.1", reg.port, timeout=2)
        ua = UserAgent(conn, Account("carrier.test", "u", "", PASSWORD))
        assert (await ua.register(30, timeout=2)).response.status == 200
        listed = await current_bindings(
            reg.port, auth_id="u", password=PASSWORD, domain="carrier.test"
        )
        assert listed == [ua.contact_uri] == [b.contact for b in reg.bindings("u")]
        ua.close()
    finally:
        await reg.stop()


async def test_sip_tls_certificate_refused_by_strict_verification_says_why(
    tmp_path: Path,
) -> None:
    """Python 3.13 verifies strictly by default (``VERIFY_X509_STRICT``): a carrier
    certificate without an Authority Key Identifier is refused, and the diagnosis gives
    OpenSSL's reason, not just "verification failed"."""
    ca_cert, ca_key, ca_path, _ = make_cert(tmp_path, "ca", "ca", None)
    _, _, cert, key = make_cert(
        tmp_path, "bare", "sip.carrier.test", (ca_cert, ca_key), authority_key_id=False
    )
    reg = await _tls_registrar({"bare": cert, "bare-key": key}, "bare")
    try:
        ctx = strict_client_context(str(ca_path))
        result = await probe(_target(reg.port), resolver=Loopback(), ssl_context=ctx, timeout=3)
    finally:
        await reg.stop()
    assert result.outcome is Outcome.TLS_FAILURE
    assert "not trusted" in result.diagnosis, result.diagnosis
    assert "Missing Authority Key Identifier" in result.diagnosis, result.diagnosis
