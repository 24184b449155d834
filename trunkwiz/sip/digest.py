"""HTTP digest authentication for SIP (RFC 7616 / RFC 3261 22): MD5 and SHA-256, qop=auth.

Client side: `parse_challenge` reads a WWW-Authenticate / Proxy-Authenticate value and
`authorization` builds the matching Authorization value. Server side (the demo registrar)
uses `parse_credentials` and `digest_response` to check an answer. Passwords arrive as
pydantic `SecretStr` and are only revealed inside the hash computation.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass, field

from pydantic import SecretStr

from trunkwiz.sip.message import split_commas

_HASHES = {"MD5": hashlib.md5, "SHA-256": hashlib.sha256}
PREFERENCE = ("SHA-256", "SHA-256-SESS", "MD5", "MD5-SESS")


class DigestError(ValueError):
    """A challenge or credentials header that cannot be used (malformed or unsupported)."""


def parse_auth_params(text: str) -> dict[str, str]:
    """Parse ``a="x", b=y`` auth-params (names lower-cased, quoted strings unescaped)."""
    out: dict[str, str] = {}
    for part in split_commas(text):
        if not part:
            continue
        name, sep, value = part.partition("=")
        if not sep:
            raise DigestError(f"malformed auth parameter {name[:20]!r}")
        value = value.strip()
        if value.startswith('"'):
            if len(value) < 2 or not value.endswith('"'):
                raise DigestError("unterminated quoted string")
            value = _unquote(value[1:-1])
        out[name.strip().lower()] = value
    return out


def _unquote(inner: str) -> str:
    out: list[str] = []
    escaped = False
    for ch in inner:
        if escaped or ch != "\\":
            out.append(ch)
            escaped = False
        else:
            escaped = True
    return "".join(out)


def _scheme_split(value: str) -> tuple[str, str]:
    scheme, _, rest = value.strip().partition(" ")
    return scheme.lower(), rest


@dataclass(frozen=True)
class Challenge:
    """A digest challenge from a 401 (WWW-Authenticate) or 407 (Proxy-Authenticate)."""

    realm: str
    """Protection realm, shown to the user in a diagnosis."""
    nonce: str
    """Server nonce to answer."""
    algorithm: str = "MD5"
    """Hash algorithm in canonical form: MD5, SHA-256 (optionally with -sess)."""
    qop: tuple[str, ...] = ()
    """Offered quality of protection values (``auth``, ``auth-int``); empty = RFC 2069."""
    opaque: str | None = None
    """Opaque value to echo back."""
    stale: bool = False
    """True when the previous nonce was merely stale (retry with the new one)."""
    proxy: bool = False
    """True for a 407 Proxy-Authenticate challenge."""

    @property
    def supported(self) -> bool:
        """True when this client can answer the challenge."""
        base = self.algorithm.upper().removesuffix("-SESS")
        return base in _HASHES and (not self.qop or bool({"auth", "auth-int"} & set(self.qop)))


def _canonical_algorithm(raw: str) -> str:
    up = raw.strip().upper()
    return up.replace("-SESS", "-sess") if up else "MD5"


def parse_challenge(value: str, *, proxy: bool = False) -> Challenge:
    """Parse one ``Digest realm=..., nonce=...`` challenge; DigestError when unusable."""
    scheme, rest = _scheme_split(value)
    if scheme != "digest":
        raise DigestError(f"unsupported authentication scheme {scheme[:20]!r}")
    params = parse_auth_params(rest)
    if "nonce" not in params or "realm" not in params:
        raise DigestError("challenge without realm or nonce")
    qop = tuple(q.strip().lower() for q in params.get("qop", "").split(",") if q.strip())
    return Challenge(
        realm=params["realm"],
        nonce=params["nonce"],
        algorithm=_canonical_algorithm(params.get("algorithm", "MD5")),
        qop=qop,
        opaque=params.get("opaque"),
        stale=params.get("stale", "").lower() == "true",
        proxy=proxy,
    )


def best_challenge(values: list[str], *, proxy: bool = False) -> Challenge:
    """The most preferred usable challenge among several (SHA-256 before MD5)."""
    usable: list[Challenge] = []
    for value in values:
        try:
            ch = parse_challenge(value, proxy=proxy)
        except DigestError:
            continue
        if ch.supported:
            usable.append(ch)
    if not usable:
        raise DigestError("no usable digest challenge (algorithm or scheme not supported)")
    return min(usable, key=lambda c: PREFERENCE.index(c.algorithm.upper()))


def _h(algorithm: str, data: str) -> str:
    base = algorithm.upper().removesuffix("-SESS")
    try:
        return _HASHES[base](data.encode()).hexdigest()
    except KeyError:
        raise DigestError(f"unsupported digest algorithm {algorithm[:20]!r}") from None


def digest_response(
    *,
    algorithm: str,
    username: str,
    realm: str,
    password: SecretStr,
    method: str,
    uri: str,
    nonce: str,
    qop: str | None = None,
    nc: str = "00000001",
    cnonce: str = "",
    body: bytes = b"",
) -> str:
    """The ``response`` value of RFC 7616 section 3.4.1 (RFC 2069 form when qop is None)."""
    ha1 = _h(algorithm, f"{username}:{realm}:{password.get_secret_value()}")
    if algorithm.upper().endswith("-SESS"):
        ha1 = _h(algorithm, f"{ha1}:{nonce}:{cnonce}")
    a2 = f"{method}:{uri}"
    if qop == "auth-int":
        a2 += ":" + _HASHES[algorithm.upper().removesuffix("-SESS")](body).hexdigest()
    ha2 = _h(algorithm, a2)
    if qop is None:
        return _h(algorithm, f"{ha1}:{nonce}:{ha2}")
    return _h(algorithm, f"{ha1}:{nonce}:{nc}:{cnonce}:{qop}:{ha2}")


def authorization(
    challenge: Challenge,
    *,
    username: str,
    password: SecretStr,
    method: str,
    uri: str,
    nc: int = 1,
    cnonce: str | None = None,
) -> str:
    """The Authorization / Proxy-Authorization value answering ``challenge``."""
    qop = "auth" if "auth" in challenge.qop else ("auth-int" if challenge.qop else None)
    cnonce = cnonce or secrets.token_hex(8)
    nc_text = f"{nc:08x}"
    response = digest_response(
        algorithm=challenge.algorithm,
        username=username,
        realm=challenge.realm,
        password=password,
        method=method,
        uri=uri,
        nonce=challenge.nonce,
        qop=qop,
        nc=nc_text,
        cnonce=cnonce,
    )
    parts = [
        f'username="{_quote(username)}"',
        f'realm="{_quote(challenge.realm)}"',
        f'nonce="{_quote(challenge.nonce)}"',
        f'uri="{_quote(uri)}"',
        f'response="{response}"',
        f"algorithm={challenge.algorithm}",
    ]
    if challenge.opaque is not None:
        parts.append(f'opaque="{_quote(challenge.opaque)}"')
    if qop is not None:
        parts += [f"qop={qop}", f"nc={nc_text}", f'cnonce="{_quote(cnonce)}"']
    return "Digest " + ", ".join(parts)


def _quote(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"')


@dataclass(frozen=True)
class Credentials:
    """Parsed Authorization header (server side); ``params`` holds every auth-param."""

    username: str
    """The digest username (the auth ID)."""
    params: dict[str, str] = field(default_factory=dict)
    """All auth-params, names lower-cased."""


def parse_credentials(value: str) -> Credentials:
    """Parse an Authorization header value; DigestError when it is not usable digest."""
    scheme, rest = _scheme_split(value)
    if scheme != "digest":
        raise DigestError("not a digest Authorization")
    params = parse_auth_params(rest)
    for key in ("username", "realm", "nonce", "uri", "response"):
        if key not in params:
            raise DigestError(f"Authorization without {key}")
    return Credentials(params["username"], params)
