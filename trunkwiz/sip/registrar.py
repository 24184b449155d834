"""`DemoRegistrar`: a minimal SIP registrar on loopback, the demo carrier.

UDP and TCP on the same port (``port=0`` picks a free one; see ``.port`` after
``start()``), optionally TLS instead of plain TCP. OPTIONS → 200. REGISTER without
credentials → 401 digest challenge (qop=auth, MD5 by default or SHA-256); wrong or unknown
credentials → 403; an expired nonce → 401 with ``stale=true``. Carrier quirks can be
switched on for tests: ``proxy_auth`` (challenge with 407 / Proxy-Authenticate),
``reject_status`` (answer wrong credentials with a fresh challenge instead of 403) and
``unknown_user_status`` (e.g. 404 for an unknown auth ID). Bindings live in memory
with their expiry; ``Expires: 0`` (or ``Contact: *``) removes them; a REGISTER without
Contact lists the current bindings. The table is bounded: lapsed bindings are dropped at
every REGISTER, and a new contact beyond ``max_bindings`` (for all users together) is
answered ``503 Too Many Registered Contacts`` while the existing ones stay.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import ssl
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import cast

from pydantic import SecretStr

from trunkwiz.sip.digest import DigestError, parse_credentials
from trunkwiz.sip.headers import new_tag, parse_cseq, parse_name_addr, top_via, uri_user
from trunkwiz.sip.message import SipMessage, SipParseError, StreamFramer, parse_message
from trunkwiz.sip.registrar_auth import NonceBook, check_response

log = logging.getLogger(__name__)

MAX_BINDINGS = 256
"""Contacts registered at once (all users together) unless the constructor says otherwise."""


@dataclass(frozen=True)
class RegistrarUser:
    """One account the demo carrier accepts."""

    auth_id: str
    """Digest username."""
    password: SecretStr
    """Password (never printed)."""
    realm: str = "demo.trunkwiz.test"
    """Realm the user belongs to."""


@dataclass(frozen=True)
class Binding:
    """A registered contact."""

    aor: str
    """Address-of-record user (the To user)."""
    contact: str
    """Contact URI as registered."""
    expires_at: float
    """Clock time when the binding lapses."""
    transport: str
    """UDP, TCP or TLS it arrived over."""


class _Udp(asyncio.DatagramProtocol):
    def __init__(self, owner: DemoRegistrar) -> None:
        self.owner = owner
        self.transport: asyncio.DatagramTransport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = cast(asyncio.DatagramTransport, transport)

    def datagram_received(self, data: bytes, addr: tuple[str, int]) -> None:
        try:
            msg = parse_message(data)
        except SipParseError:
            return
        reply = self.owner.handle(msg, "UDP")
        if reply is not None and self.transport is not None:
            self.transport.sendto(reply.encode(), addr)


class DemoRegistrar:
    """A small registrar for the demo and the tests (async: ``start()`` / ``stop()``)."""

    def __init__(
        self,
        users: Iterable[RegistrarUser],
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        algorithm: str = "MD5",
        nonce_ttl: float = 30.0,
        min_expires: int = 1,
        max_expires: int = 3600,
        tls_context: ssl.SSLContext | None = None,
        proxy_auth: bool = False,
        reject_status: int = 403,
        unknown_user_status: int = 403,
        clock: Callable[[], float] = time.monotonic,
        max_bindings: int = MAX_BINDINGS,
    ) -> None:
        self.users = {u.auth_id: u for u in users}
        if not self.users:
            raise ValueError("DemoRegistrar needs at least one user")
        self.host = host
        self.port = port
        self.algorithm = algorithm.upper()
        self.min_expires = min_expires
        self.max_expires = max_expires
        self.tls_context = tls_context
        self.proxy_auth = proxy_auth
        self.reject_status = reject_status
        self.unknown_user_status = unknown_user_status
        self.clock = clock
        self.max_bindings = max_bindings
        self.nonces = NonceBook(nonce_ttl, clock)
        self._bindings: dict[str, dict[str, Binding]] = {}
        self._udp: asyncio.DatagramTransport | None = None
        self._tcp: asyncio.Server | None = None
        self._streams: set[asyncio.StreamWriter] = set()
        self._handlers: set[asyncio.Task[None]] = set()

    def __repr__(self) -> str:
        return f"DemoRegistrar({self.host}:{self.port}, users={sorted(self.users)})"

    async def start(self) -> None:
        """Bind UDP and TCP (same port) and start answering."""
        loop = asyncio.get_running_loop()
        for _ in range(20):
            udp, _proto = await loop.create_datagram_endpoint(
                lambda: _Udp(self), local_addr=(self.host, self.port)
            )
            port = udp.get_extra_info("sockname")[1]
            try:
                self._tcp = await asyncio.start_server(
                    self._serve_stream, self.host, port, ssl=self.tls_context
                )
            except OSError:
                udp.close()
                if self.port:
                    raise
                continue
            self._udp, self.port = udp, port
            return
        raise OSError("no port free for both UDP and TCP")

    async def stop(self) -> None:
        """Close every socket and connection."""
        if self._udp is not None:
            self._udp.close()
            self._udp = None
        if self._tcp is not None:
            self._tcp.close()
        for writer in list(self._streams):
            writer.close()
        if self._handlers:
            _done, pending = await asyncio.wait(list(self._handlers), timeout=2.0)
            for task in pending:
                task.cancel()
        if self._tcp is not None:
            await self._tcp.wait_closed()
            self._tcp = None

    async def __aenter__(self) -> DemoRegistrar:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    def bindings(self, aor: str | None = None) -> list[Binding]:
        """Current (unexpired) bindings, optionally for one address-of-record user."""
        now = self.clock()
        out = []
        for key, contacts in self._bindings.items():
            if aor is None or key == aor:
                out += [b for b in contacts.values() if b.expires_at > now]
        return out

    async def _serve_stream(
        self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> None:
        self._streams.add(writer)
        task = asyncio.current_task()
        if task is not None:
            self._handlers.add(task)
            task.add_done_callback(self._handlers.discard)
        framer = StreamFramer()
        transport = "TLS" if self.tls_context else "TCP"
        try:
            while data := await reader.read(65536):
                for msg in framer.feed(data):
                    reply = self.handle(msg, transport)
                    if reply is not None:
                        writer.write(reply.encode())
                await writer.drain()
        except (SipParseError, OSError, ssl.SSLError):
            pass
        finally:
            self._streams.discard(writer)
            writer.close()
            with contextlib.suppress(Exception):
                await writer.wait_closed()

    def handle(self, msg: SipMessage, transport: str) -> SipMessage | None:
        """The response to one incoming message (None for ACKs, responses, junk)."""
        if not msg.is_request or msg.method == "ACK":
            return None
        try:
            top_via(msg)
            parse_cseq(msg.get("CSeq"))
            to = parse_name_addr(msg.get("To") or "")
        except SipParseError:
            return None
        if msg.method == "OPTIONS":
            return _reply(msg, 200, "OK", [("Allow", "OPTIONS, REGISTER")])
        if msg.method != "REGISTER":
            return _reply(msg, 405, "Method Not Allowed", [("Allow", "OPTIONS, REGISTER")])
        return self._register(msg, uri_user(to.uri), transport)

    def _challenge(self, msg: SipMessage, realm: str, stale: bool = False) -> SipMessage:
        value = (
            f'Digest realm="{realm}", nonce="{self.nonces.issue()}", qop="auth", '
            f"algorithm={self.algorithm}" + (", stale=true" if stale else "")
        )
        if self.proxy_auth:
            return _reply(
                msg, 407, "Proxy Authentication Required", [("Proxy-Authenticate", value)]
            )
        return _reply(msg, 401, "Unauthorized", [("WWW-Authenticate", value)])

    def _refuse(self, msg: SipMessage, status: int, realm: str) -> SipMessage:
        if status in (401, 407):
            return self._challenge(msg, realm)
        return _reply(msg, status, _REASONS.get(status, "Forbidden"))

    def _register(self, msg: SipMessage, aor: str, transport: str) -> SipMessage:
        realm = (self.users.get(aor) or next(iter(self.users.values()))).realm
        header = msg.get("Proxy-Authorization" if self.proxy_auth else "Authorization")
        if header is None:
            return self._challenge(msg, realm)
        try:
            creds = parse_credentials(header)
        except DigestError:
            return _reply(msg, 400, "Bad Authorization")
        user = self.users.get(creds.username)
        if user is None:
            return self._refuse(msg, self.unknown_user_status, realm)
        if creds.params.get("realm") != user.realm:
            return self._refuse(msg, self.reject_status, user.realm)
        nonce_state = self.nonces.check(creds.params["nonce"])
        if nonce_state == "invalid":
            return self._challenge(msg, user.realm)
        if not check_response(creds, user.password, "REGISTER", self.algorithm):
            return self._refuse(msg, self.reject_status, user.realm)
        if nonce_state == "stale":
            return self._challenge(msg, user.realm, stale=True)
        return self._save(msg, aor or creds.username, transport)

    def _drop_lapsed(self, now: float) -> int:
        """Forget lapsed bindings (and users left without any); the number that remain."""
        for key in list(self._bindings):
            table = self._bindings[key]
            for uri in [u for u, b in table.items() if b.expires_at <= now]:
                del table[uri]
            if not table:
                del self._bindings[key]
        return sum(len(table) for table in self._bindings.values())

    def _save(self, msg: SipMessage, aor: str, transport: str) -> SipMessage:
        now = self.clock()
        held = self._drop_lapsed(now)
        default = msg.get("Expires")
        table = self._bindings.setdefault(aor, {})
        contacts = msg.get_list("Contact")
        if contacts == ["*"]:
            if default != "0":
                return _reply(msg, 400, "Contact * needs Expires: 0")
            table.clear()
            contacts = []
        for value in contacts:
            try:
                na = parse_name_addr(value)
            except SipParseError:
                return _reply(msg, 400, "Bad Contact")
            raw = na.params.get("expires", default if default is not None else "3600")
            if not (raw.isascii() and raw.isdigit()):
                return _reply(msg, 400, "Bad Expires")
            expires = min(int(raw), self.max_expires)
            if expires == 0:
                table.pop(na.uri, None)
            elif expires < self.min_expires:
                return _reply(
                    msg, 423, "Interval Too Brief", [("Min-Expires", str(self.min_expires))]
                )
            else:
                if na.uri not in table:
                    if held >= self.max_bindings:
                        return _reply(msg, 503, "Too Many Registered Contacts")
                    held += 1
                table[na.uri] = Binding(aor, na.uri, now + expires, transport)
        listed = [
            ("Contact", f"<{b.contact}>;expires={max(0, round(b.expires_at - now))}")
            for b in self.bindings(aor)
        ]
        return _reply(msg, 200, "OK", listed)


_REASONS = {403: "Forbidden", 404: "Not Found"}


def _reply(
    req: SipMessage, status: int, reason: str, extra: list[tuple[str, str]] | None = None
) -> SipMessage:
    to = req.get("To") or ""
    if "tag" not in parse_name_addr(to).params:
        to = f"{to};tag={new_tag()}"
    headers = [("Via", v) for v in req.get_all("Via")]
    headers += [
        ("From", req.get("From") or ""),
        ("To", to),
        ("Call-ID", req.get("Call-ID") or ""),
        ("CSeq", req.get("CSeq") or ""),
        ("Server", "trunkwiz-demo-carrier"),
        *(extra or []),
    ]
    return SipMessage(status=status, reason=reason, headers=headers)
