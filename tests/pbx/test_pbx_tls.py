"""TLS policy over real sockets: fingerprint fetch, pinning on every connection, CA file,
untrusted self-signed certificates and the loudly labelled insecure mode."""

from __future__ import annotations

import logging

import pytest

from trunkwiz.pbx.client import PbxClient
from trunkwiz.pbx.errors import FingerprintMismatch, TlsError, UntrustedCertificate
from trunkwiz.pbx.tls import TlsPolicy, fetch_fingerprint, normalize_fingerprint

from .conftest import TlsServer


async def test_fetch_fingerprint_reads_the_leaf_certificate(tls_server: TlsServer, certs) -> None:
    assert await fetch_fingerprint(tls_server.url) == certs["a"].fingerprint
    assert tls_server.requests == 0  # nothing is sent over that connection


async def test_fetch_fingerprint_refuses_plain_http() -> None:
    with pytest.raises(TlsError, match="not an https URL"):
        await fetch_fingerprint("http://127.0.0.1:1")


async def test_pinned_client_connects(tls_server: TlsServer, certs) -> None:
    policy = TlsPolicy(pinned_sha256=certs["a"].fingerprint.lower().replace(":", ""))
    async with PbxClient(tls_server.url, tls=policy) as pbx:
        for _ in range(3):
            resp = await pbx.request("GET", "/network", auth=False)
            assert resp.json() == {"ok": True}
    assert tls_server.handshakes == 3 and tls_server.requests == 3


async def test_pin_is_checked_on_every_new_connection(tls_server: TlsServer, certs) -> None:
    async with PbxClient(
        tls_server.url, tls=TlsPolicy(pinned_sha256=certs["a"].fingerprint)
    ) as pbx:
        await pbx.request("GET", "/network", auth=False)
        tls_server.use("b")  # the next handshake offers another certificate
        with pytest.raises(FingerprintMismatch) as info:
            await pbx.request("GET", "/network", auth=False)
    err = info.value
    assert (err.expected, err.actual) == (certs["a"].fingerprint, certs["b"].fingerprint)
    assert certs["a"].fingerprint in str(err) and certs["b"].fingerprint in str(err)
    assert tls_server.requests == 1  # nothing was sent over the mismatching connection


async def test_post_is_never_sent_over_a_mismatching_connection(tls_server, certs) -> None:
    async with PbxClient(
        tls_server.url, tls=TlsPolicy(pinned_sha256=certs["b"].fingerprint)
    ) as pbx:
        with pytest.raises(FingerprintMismatch):
            await pbx.request("POST", "/auth/sign_in", json={"password": "x"}, auth=False)
    assert tls_server.requests == 0


async def test_unpinned_self_signed_certificate_is_untrusted(tls_server, certs) -> None:
    async with PbxClient(tls_server.url) as pbx:
        with pytest.raises(UntrustedCertificate) as info:
            await pbx.request("GET", "/network", auth=False)
    assert info.value.fingerprint == certs["a"].fingerprint
    assert certs["a"].fingerprint in str(info.value)
    assert tls_server.requests == 0


async def test_ca_file_verifies_the_certificate(tls_server: TlsServer, certs) -> None:
    async with PbxClient(tls_server.url, tls=TlsPolicy(ca_file=certs["a"].cert_file)) as pbx:
        assert (await pbx.request("GET", "/x", auth=False)).json() == {"ok": True}
    async with PbxClient(tls_server.url, tls=TlsPolicy(ca_file=certs["b"].cert_file)) as pbx:
        with pytest.raises(UntrustedCertificate):
            await pbx.request("GET", "/x", auth=False)


async def test_insecure_mode_warns_on_every_connection(tls_server: TlsServer, caplog) -> None:
    caplog.set_level(logging.WARNING, logger="trunkwiz.pbx.tls")
    async with PbxClient(tls_server.url, tls=TlsPolicy(insecure=True)) as pbx:
        await pbx.request("GET", "/x", auth=False)
        tls_server.use("b")
        await pbx.request("GET", "/x", auth=False)
    warnings = [r for r in caplog.records if "INSECURE" in r.getMessage()]
    assert len(warnings) == 2


def test_policy_defaults_to_verification_and_rejects_contradictions() -> None:
    assert TlsPolicy().mode == "system" and not TlsPolicy().insecure
    with pytest.raises(ValueError, match="not both"):
        TlsPolicy(pinned_sha256="AB" * 32, insecure=True)
    with pytest.raises(ValueError, match="64 hexadecimal"):
        TlsPolicy(pinned_sha256="AB:CD")
    assert normalize_fingerprint("ab" * 32) == ":".join(["AB"] * 32)
