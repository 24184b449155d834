"""Test certificates like real ones, and the verification Python 3.13 does by default.

A CA or server certificate the tests make carries what a real one does: Subject and
Authority Key Identifiers, key usage and (for a server) the server-auth extended usage.
``ssl.create_default_context()`` on 3.13 sets ``VERIFY_X509_STRICT``, which refuses a
certificate without an Authority Key Identifier; :func:`strict_client_context` is that
verification on any Python, so the tests see on 3.11 what 3.13 would refuse.
"""

from __future__ import annotations

import ssl

from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID


def with_real_extensions(
    builder: x509.CertificateBuilder,
    key: ec.EllipticCurvePrivateKey,
    *,
    ca: bool,
    issuer_key: ec.EllipticCurvePrivateKey | None = None,
    authority_key_id: bool = True,
) -> x509.CertificateBuilder:
    """``builder`` with key identifiers and usages added (``issuer_key``: the signer's,
    None when self-signed; ``authority_key_id=False`` leaves that one out, as some
    carriers' certificates do). BasicConstraints is left to the caller."""
    signer = (issuer_key or key).public_key()
    builder = builder.add_extension(
        x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False
    )
    if authority_key_id:
        builder = builder.add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(signer), critical=False
        )
    usage = dict.fromkeys(
        (
            "digital_signature",
            "content_commitment",
            "key_encipherment",
            "data_encipherment",
            "key_agreement",
            "key_cert_sign",
            "crl_sign",
            "encipher_only",
            "decipher_only",
        ),
        False,
    )
    usage["digital_signature"] = True
    if ca:
        usage["key_cert_sign"] = usage["crl_sign"] = True
    builder = builder.add_extension(x509.KeyUsage(**usage), critical=True)
    if not ca:
        builder = builder.add_extension(
            x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False
        )
    return builder


def strict_client_context(cafile: str) -> ssl.SSLContext:
    """A client context trusting ``cafile`` with 3.13's default strictness."""
    ctx = ssl.create_default_context(cafile=cafile)
    ctx.verify_flags |= ssl.VERIFY_X509_STRICT
    return ctx


def handshake(server: ssl.SSLContext, client: ssl.SSLContext, server_name: str) -> None:
    """A real TLS handshake between the two contexts in memory (no socket); raises what
    the client's verification raises."""
    c_in, c_out, s_in, s_out = (ssl.MemoryBIO() for _ in range(4))
    tls_client = client.wrap_bio(c_in, c_out, server_hostname=server_name)
    tls_server = server.wrap_bio(s_in, s_out, server_side=True)
    done = {"client": False, "server": False}
    for _ in range(50):
        for who, obj, outgoing, incoming in (
            ("client", tls_client, c_out, s_in),
            ("server", tls_server, s_out, c_in),
        ):
            if not done[who]:
                try:
                    obj.do_handshake()
                    done[who] = True
                except ssl.SSLWantReadError:
                    pass
            data = outgoing.read()
            if data:
                incoming.write(data)
        if all(done.values()):
            return
    raise AssertionError("the in-memory TLS handshake did not finish")
