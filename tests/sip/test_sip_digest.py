"""Digest authentication: RFC 7616 vectors, challenge parsing, client/server agreement."""

from __future__ import annotations

import pytest
from pydantic import SecretStr

from trunkwiz.sip.digest import (
    DigestError,
    authorization,
    best_challenge,
    digest_response,
    parse_challenge,
    parse_credentials,
)
from trunkwiz.sip.registrar_auth import NonceBook, check_response

# RFC 7616 section 3.9.1: the published inputs ...
RFC = {
    "username": "Mufasa",
    "realm": "http-auth@example.org",
    "password": SecretStr("Circle of Life"),
    "method": "GET",
    "uri": "/dir/index.html",
    "nonce": "7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v",
    "qop": "auth",
    "nc": "00000001",
    "cnonce": "f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ",
}
# ... and the published responses.
RFC_MD5 = "8ca523f5e9506fed4657c9700eebdbec"
RFC_SHA256 = "753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1"


@pytest.mark.parametrize(("algorithm", "expected"), [("MD5", RFC_MD5), ("SHA-256", RFC_SHA256)])
def test_sip_digest_rfc7616_vectors(algorithm: str, expected: str) -> None:
    assert digest_response(algorithm=algorithm, **RFC) == expected  # type: ignore[arg-type]


def test_sip_digest_authorization_header_carries_rfc_response() -> None:
    ch = parse_challenge(
        'Digest realm="http-auth@example.org", qop="auth, auth-int", algorithm=SHA-256, '
        'nonce="7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v", '
        'opaque="FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS"'
    )
    assert (ch.algorithm, ch.qop, ch.stale) == ("SHA-256", ("auth", "auth-int"), False)
    value = authorization(
        ch,
        username="Mufasa",
        password=SecretStr("Circle of Life"),
        method="GET",
        uri="/dir/index.html",
        cnonce=RFC["cnonce"],  # type: ignore[arg-type]
    )
    creds = parse_credentials(value)
    assert creds.params["response"] == RFC_SHA256
    assert creds.params["opaque"] == "FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS"
    assert creds.params["qop"] == "auth" and creds.params["nc"] == "00000001"
    assert "Circle of Life" not in value


def test_sip_digest_challenge_parsing_details() -> None:
    ch = parse_challenge('Digest realm="a \\"quoted\\" realm", nonce="n", stale=TRUE')
    assert ch.realm == 'a "quoted" realm'
    assert ch.stale and ch.algorithm == "MD5" and ch.qop == ()
    with pytest.raises(DigestError):
        parse_challenge('Basic realm="x"')
    with pytest.raises(DigestError):
        parse_challenge('Digest realm="x"')
    assert not parse_challenge('Digest realm="x", nonce="y", algorithm=SHA-512-256').supported


def test_sip_digest_prefers_sha256_when_offered_both() -> None:
    values = [
        'Digest realm="r", nonce="a", algorithm=MD5, qop="auth"',
        'Digest realm="r", nonce="b", algorithm=SHA-256, qop="auth"',
        'Digest realm="r", nonce="c", algorithm=UNKNOWN',
    ]
    assert best_challenge(values).nonce == "b"
    with pytest.raises(DigestError):
        best_challenge(['Digest realm="r", nonce="c", algorithm=UNKNOWN'])


@pytest.mark.parametrize("algorithm", ["MD5", "SHA-256"])
def test_sip_digest_server_accepts_client_answer_and_rejects_wrong_password(algorithm: str) -> None:
    book = NonceBook(30.0, lambda: 1000.0)
    ch = parse_challenge(
        f'Digest realm="demo", nonce="{book.issue()}", qop="auth", algorithm={algorithm}'
    )
    right = parse_credentials(
        authorization(ch, username="u", password=SecretStr("pw"), method="REGISTER", uri="sip:d")
    )
    assert check_response(right, SecretStr("pw"), "REGISTER", algorithm)
    assert not check_response(right, SecretStr("other"), "REGISTER", algorithm)
    other = "SHA-256" if algorithm == "MD5" else "MD5"
    assert not check_response(right, SecretStr("pw"), "REGISTER", other)


def test_sip_digest_nonce_book_fresh_stale_invalid() -> None:
    now = [100.0]
    book = NonceBook(10.0, lambda: now[0])
    nonce = book.issue()
    assert book.check(nonce) == "fresh"
    now[0] = 111.0
    assert book.check(nonce) == "stale"
    assert book.check(nonce[:-1] + ("0" if nonce[-1] != "0" else "1")) == "invalid"
    assert book.check("garbage") == "invalid"
    assert NonceBook(10.0, lambda: 100.0).check(nonce) == "invalid"
