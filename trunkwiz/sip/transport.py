"""Client connections over UDP, TCP and TLS that deliver parsed SIP messages.

`connect()` opens one connection to an address and port; incoming messages go to
``on_message`` and transport failures (ICMP port unreachable, closed stream) to
``on_error``. TLS verifies the server certificate against the name that was dialled.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import re
import ssl
from collections.abc import Callable

from trunkwiz import compat
from trunkwiz.sip.message import SipMessage, SipParseError, StreamFramer, parse_message

log = logging.getLogger(__name__)
wire = logging.getLogger("trunkwiz.sip.wire")
"""Every SIP message sent and received, at DEBUG (``--debug``); digest answers masked."""

_AUTH_HEADER = re.compile(rb"^((?:proxy-)?authorization\s*:\s*\S+)\s.*$", re.I | re.M)


def _trace(arrow: str, conn: SipConnection, data: bytes) -> None:
    """Log one message (``>`` sent, ``<`` received) with Authorization values masked."""
    if not wire.isEnabledFor(logging.DEBUG):
        return
    masked = _AUTH_HEADER.sub(rb"\1 ***", data)
    lines = masked.decode("utf-8", "replace").replace("\r\n", "\n").split("\n")
    head = f"{arrow} SIP {conn.transport} {_fmt(conn.remote)}"
    wire.debug("%s\n    %s", head, "\n    ".join(lines).rstrip())


TRANSPORTS = ("UDP", "TCP", "TLS")


class TransportError(Exception):
    """A connection could not be made or broke; ``kind`` is a short machine-readable tag.

    Kinds: ``refused``, ``unreachable``, ``connect-timeout``, ``tls-mismatch``,
    ``tls-untrusted``, ``tls-expired``, ``tls-failure``, ``closed``, ``no-final-response``
    (a provisional answer such as ``100 Trying``, then nothing).
    """

    def __init__(self, kind: str, detail: str) -> None:
        super().__init__(detail)
        self.kind = kind
        self.detail = detail


class SipConnection:
    """One open client connection; ``send`` is fire-and-forget, replies arrive by callback."""

    def __init__(self, transport: str, remote: tuple[str, int]) -> None:
        self.transport = transport
        self.remote = remote
        self.local: tuple[str, int] = ("0.0.0.0", 0)
        self.on_message: Callable[[SipMessage], None] = lambda _m: None
        self.on_error: Callable[[TransportError], None] = lambda _e: None
        self.closed = False

    @property
    def reliable(self) -> bool:
        """True for stream transports (no retransmission needed)."""
        return self.transport != "UDP"

    def send(self, data: bytes) -> None:
        """Send one encoded message."""
        raise NotImplementedError

    def close(self) -> None:
        """Close the connection (idempotent)."""
        self.closed = True

    def _deliver(self, msg: SipMessage) -> None:
        if wire.isEnabledFor(logging.DEBUG):
            _trace("<", self, msg.encode())
        try:
            self.on_message(msg)
        except Exception:  # a handler bug must not kill the reader
            log.exception("SIP message handler failed")


class _UdpProtocol(asyncio.DatagramProtocol):
    def __init__(self, conn: UdpConnection) -> None:
        self.conn = conn

    def datagram_received(self, data: bytes, addr: tuple[str, int]) -> None:
        try:
            msg = parse_message(data)
        except SipParseError as exc:
            log.debug("dropped unparsable datagram from %s: %s", addr, exc)
            return
        self.conn._deliver(msg)

    def error_received(self, exc: Exception) -> None:
        kind = "refused" if isinstance(exc, ConnectionRefusedError) else "unreachable"
        self.conn.on_error(TransportError(kind, f"UDP to {_fmt(self.conn.remote)}: {exc}"))


class UdpConnection(SipConnection):
    """A connected UDP socket (so ICMP errors are reported)."""

    _udp: asyncio.DatagramTransport

    def send(self, data: bytes) -> None:
        """Send one datagram."""
        if not self.closed:
            _trace(">", self, data)
            self._udp.sendto(data)

    def close(self) -> None:
        """Close the socket."""
        super().close()
        self._udp.close()


class StreamConnection(SipConnection):
    """A TCP or TLS connection framed by Content-Length."""

    _writer: asyncio.StreamWriter
    _reader_task: asyncio.Task[None]

    async def _read_loop(self, reader: asyncio.StreamReader) -> None:
        framer = StreamFramer()
        try:
            while True:
                data = await reader.read(65536)
                if not data:
                    break
                for msg in framer.feed(data):
                    self._deliver(msg)
        except SipParseError as exc:
            log.debug("unparsable stream from %s: %s", _fmt(self.remote), exc)
        except (OSError, ssl.SSLError) as exc:
            log.debug("stream from %s broke: %s", _fmt(self.remote), exc)
        if not self.closed:
            self.closed = True
            self.on_error(TransportError("closed", f"{_fmt(self.remote)} closed the connection"))

    def send(self, data: bytes) -> None:
        """Write one message to the stream."""
        if not self.closed:
            _trace(">", self, data)
            self._writer.write(data)

    def close(self) -> None:
        """Close the stream and stop reading."""
        super().close()
        self._reader_task.cancel()
        with contextlib.suppress(Exception):
            self._writer.close()


def _fmt(addr: tuple[str, int]) -> str:
    host, port = addr[0], addr[1]
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"


def classify_tls_error(exc: ssl.SSLError, server_name: str) -> TransportError:
    """Turn a TLS handshake failure into a TransportError that says why in plain words."""
    if isinstance(exc, ssl.SSLCertVerificationError):
        code = exc.verify_code
        if code == 62:  # X509_V_ERR_HOSTNAME_MISMATCH
            return TransportError(
                "tls-mismatch", f"the certificate does not match the name dialled ({server_name})"
            )
        if code == 64:  # X509_V_ERR_IP_ADDRESS_MISMATCH
            return TransportError(
                "tls-mismatch",
                f"the certificate does not match the address dialled ({server_name})",
            )
        if code == 10:
            return TransportError("tls-expired", "the server certificate has expired")
        reason = exc.verify_message or "verification failed"
        return TransportError("tls-untrusted", f"the server certificate is not trusted ({reason})")
    return TransportError("tls-failure", f"TLS handshake failed ({exc.reason or exc})")


async def connect(
    transport: str,
    address: str,
    port: int,
    *,
    timeout: float,
    server_name: str | None = None,
    ssl_context: ssl.SSLContext | None = None,
) -> SipConnection:
    """Open a connection; TransportError when it cannot be made within ``timeout`` seconds."""
    transport = transport.upper()
    loop = asyncio.get_running_loop()
    remote = (address, port)
    if transport == "UDP":
        conn = UdpConnection("UDP", remote)
        udp, _ = await loop.create_datagram_endpoint(lambda: _UdpProtocol(conn), remote_addr=remote)
        conn._udp = udp
        conn.local = udp.get_extra_info("sockname")[:2]
        return conn
    if transport not in TRANSPORTS:
        raise TransportError("unsupported", f"unsupported transport {transport!r}")
    ctx = None
    if transport == "TLS":
        ctx = ssl_context or ssl.create_default_context()
    sconn = StreamConnection(transport, remote)
    try:
        reader, writer = await compat.wait_for(
            asyncio.open_connection(
                address, port, ssl=ctx, server_hostname=(server_name or address) if ctx else None
            ),
            timeout,
        )
    except TimeoutError:
        raise TransportError(
            "connect-timeout", f"no {transport} connection to {_fmt(remote)} within {timeout:.1f} s"
        ) from None
    except ssl.SSLError as exc:
        raise classify_tls_error(exc, server_name or address) from None
    except ConnectionRefusedError:
        raise TransportError(
            "refused", f"{_fmt(remote)} refused the {transport} connection"
        ) from None
    except OSError as exc:
        raise TransportError("unreachable", f"{transport} to {_fmt(remote)}: {exc}") from None
    sconn._writer = writer
    sconn.local = writer.get_extra_info("sockname")[:2]
    sconn._reader_task = loop.create_task(sconn._read_loop(reader))
    return sconn
