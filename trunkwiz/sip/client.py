"""A small SIP user agent: OPTIONS and REGISTER with digest authentication.

Shared by the probe and `Registration`. 3-way authentication: the account ``username``
goes in From/To (falling back to ``auth_id`` when empty) and ``auth_id`` is the digest
username. A 401 is answered with Authorization, a 407 with Proxy-Authorization; a
``stale=true`` challenge is retried once without counting as a failure.
"""

from __future__ import annotations

import asyncio
import secrets
from dataclasses import dataclass, field

from pydantic import SecretStr

from trunkwiz import __version__
from trunkwiz.sip.digest import Challenge, DigestError, authorization, best_challenge
from trunkwiz.sip.headers import NameAddr, new_branch, new_tag, parse_name_addr
from trunkwiz.sip.message import SipMessage, SipParseError
from trunkwiz.sip.transaction import T1, TransactionLayer
from trunkwiz.sip.transport import SipConnection

MAX_AUTH_ROUNDS = 4


@dataclass(frozen=True)
class Account:
    """Who registers: SIP domain, auth ID, optional account username, password."""

    domain: str
    """SIP domain (Request-URI and the host part of From/To)."""
    auth_id: str = ""
    """Digest username (authentication name)."""
    username: str = ""
    """Account username for From/To (3-way authentication); empty = use auth_id."""
    password: SecretStr | None = None
    """Password, revealed only inside the digest computation."""

    @property
    def aor_user(self) -> str:
        """The user part of the address-of-record."""
        return self.username or self.auth_id


@dataclass
class RegisterOutcome:
    """What one REGISTER exchange (with its authentication rounds) ended with."""

    response: SipMessage
    """The final response."""
    challenge: Challenge | None = None
    """The last digest challenge seen (realm and algorithm for the report)."""
    authenticated: bool = False
    """True when the final request carried credentials for the last challenge."""
    stale_retries: int = 0
    """How many stale-nonce retries happened."""
    granted: int | None = None
    """Expires granted for our Contact (200 only)."""
    bindings: list[NameAddr] = field(default_factory=list)
    """Contacts the registrar listed in its 200 (the current bindings)."""
    challenge_error: str | None = None
    """Why the challenge could not be answered, when it could not."""


class UserAgent:
    """Sends requests for one account over one connection."""

    def __init__(self, conn: SipConnection, account: Account, *, t1: float = T1) -> None:
        self.conn = conn
        self.account = account
        self.layer = TransactionLayer(conn, t1=t1)
        self.call_id = f"{secrets.token_hex(10)}@trunkwiz"
        self.from_tag = new_tag()
        self.cseq = 0
        self._challenges: dict[bool, Challenge] = {}
        self._nc: dict[str, int] = {}

    @property
    def contact_uri(self) -> str:
        """Our Contact URI (unique per connection: it carries the local port)."""
        host, port = self.conn.local
        host = f"[{host}]" if ":" in host else host
        suffix = "" if self.conn.transport == "UDP" else f";transport={self.conn.transport.lower()}"
        user = self.account.aor_user or "trunkwiz"
        return f"sip:{user}@{host}:{port}{suffix}"

    def _request(self, method: str, to_uri: str, extra: list[tuple[str, str]]) -> SipMessage:
        self.cseq += 1
        host, port = self.conn.local
        host = f"[{host}]" if ":" in host else host
        aor = (
            f"sip:{self.account.aor_user}@{self.account.domain}"
            if self.account.aor_user
            else to_uri
        )
        headers = [
            ("Via", f"SIP/2.0/{self.conn.transport} {host}:{port};branch={new_branch()};rport"),
            ("Max-Forwards", "70"),
            ("From", f"<{aor}>;tag={self.from_tag}"),
            ("To", f"<{aor if method == 'REGISTER' else to_uri}>"),
            ("Call-ID", self.call_id),
            ("CSeq", f"{self.cseq} {method}"),
            ("User-Agent", f"trunkwiz/{__version__}"),
            *extra,
        ]
        return SipMessage(method=method, uri=f"sip:{self.account.domain}", headers=headers)

    async def options(self, *, timeout: float) -> SipMessage:
        """Send OPTIONS to the domain and return the final response."""
        msg = self._request(
            "OPTIONS", f"sip:{self.account.domain}", [("Accept", "application/sdp")]
        )
        return await self.layer.request(msg, timeout=timeout)

    def _auth_headers(self, uri: str) -> list[tuple[str, str]]:
        password = self.account.password
        if password is None:
            return []
        out = []
        for proxy, ch in sorted(self._challenges.items()):
            self._nc[ch.nonce] = self._nc.get(ch.nonce, 0) + 1
            value = authorization(
                ch,
                username=self.account.auth_id or self.account.username,
                password=password,
                method="REGISTER",
                uri=uri,
                nc=self._nc[ch.nonce],
            )
            out.append(("Proxy-Authorization" if proxy else "Authorization", value))
        return out

    async def register(
        self, expires: int | None, *, timeout: float, contact: bool = True
    ) -> RegisterOutcome:
        """REGISTER our Contact (``expires=0`` removes it; ``contact=False`` only queries).

        Raises TransactionTimeout/TransportError like `TransactionLayer.request`.
        """
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        extra: list[tuple[str, str]] = []
        if contact:
            extra.append(("Contact", f"<{self.contact_uri}>"))
        if expires is not None:
            extra.append(("Expires", str(expires)))
        preemptive = bool(self._challenges)
        answered: set[bool] = set()
        stale = 0
        last: Challenge | None = None
        for _round in range(MAX_AUTH_ROUNDS + 1):
            msg = self._request("REGISTER", "", extra)
            msg.headers += self._auth_headers(msg.uri or "")
            sent_for = set(self._challenges)
            resp = await self.layer.request(msg, timeout=max(0.0, deadline - loop.time()))
            if resp.status not in (401, 407):
                return self._finish(resp, last, bool(sent_for), stale, expires)
            proxy = resp.status == 407
            header = "Proxy-Authenticate" if proxy else "WWW-Authenticate"
            try:
                challenge = best_challenge(resp.get_all(header), proxy=proxy)
            except DigestError as exc:
                return RegisterOutcome(resp, last, bool(sent_for), stale, challenge_error=str(exc))
            last = challenge
            if self.account.password is None:
                return RegisterOutcome(resp, challenge, False, stale)
            if challenge.stale:
                if stale >= 1:
                    return RegisterOutcome(resp, challenge, True, stale)
                stale += 1
            elif proxy in answered or (proxy in sent_for and not preemptive):
                return RegisterOutcome(resp, challenge, True, stale)
            answered.add(proxy)
            preemptive = False
            self._challenges[proxy] = challenge
        return RegisterOutcome(resp, last, True, stale)

    def _finish(
        self,
        resp: SipMessage,
        last: Challenge | None,
        authed: bool,
        stale: int,
        expires: int | None,
    ) -> RegisterOutcome:
        out = RegisterOutcome(resp, last or self._challenges.get(False), authed, stale)
        if resp.status is None or not 200 <= resp.status < 300:
            return out
        for value in resp.get_list("Contact"):
            try:
                out.bindings.append(parse_name_addr(value))
            except SipParseError:
                continue
        mine = [b for b in out.bindings if b.uri.lower() == self.contact_uri.lower()]
        raw = mine[0].params.get("expires") if mine else resp.get("Expires")
        if raw is not None and raw.isascii() and raw.isdigit():
            out.granted = int(raw)
        elif expires is not None:
            out.granted = expires
        return out

    async def query_bindings(self, *, timeout: float) -> RegisterOutcome:
        """REGISTER without Contact: the 200 lists the account's current bindings."""
        return await self.register(None, timeout=timeout, contact=False)

    def close(self) -> None:
        """Close the underlying connection."""
        self.conn.close()
