"""A carrier that answers only ``100 Trying`` is not described as a firewall dropping packets,
and a flood of large provisional answers is counted, not kept."""

from __future__ import annotations

import asyncio
import contextlib
import tracemalloc
from collections.abc import AsyncIterator
from typing import cast

import pytest

from trunkwiz.sip.client import Account, UserAgent
from trunkwiz.sip.message import SipMessage
from trunkwiz.sip.probe import ProbeTarget, probe
from trunkwiz.sip.result import Outcome
from trunkwiz.sip.transaction import TransactionTimeout
from trunkwiz.sip.transport import SipConnection, connect


def _trying(request: bytes) -> bytes:
    """``SIP/2.0 100 Trying`` echoing the request's Via, From, To, Call-ID and CSeq."""
    lines = request.decode("utf-8", "replace").split("\r\n")
    keep = [
        line
        for line in lines[1:]
        if line.split(":", 1)[0].strip().lower() in {"via", "from", "to", "call-id", "cseq"}
    ]
    return ("\r\n".join(["SIP/2.0 100 Trying", *keep, "Content-Length: 0"]) + "\r\n\r\n").encode()


class _OnlyTrying(asyncio.DatagramProtocol):
    def __init__(self) -> None:
        self.transport: asyncio.DatagramTransport | None = None
        self.answered = 0

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = cast(asyncio.DatagramTransport, transport)

    def datagram_received(self, data: bytes, addr: tuple[str, int]) -> None:
        assert self.transport is not None
        self.transport.sendto(_trying(data), addr)
        self.answered += 1


@contextlib.asynccontextmanager
async def only_trying() -> AsyncIterator[tuple[int, _OnlyTrying]]:
    loop = asyncio.get_running_loop()
    proto = _OnlyTrying()
    transport, _ = await loop.create_datagram_endpoint(lambda: proto, local_addr=("127.0.0.1", 0))
    try:
        yield transport.get_extra_info("sockname")[1], proto
    finally:
        transport.close()


async def test_endless_100_trying_is_not_called_a_firewall() -> None:
    async with only_trying() as (port, server):
        result = await probe(ProbeTarget("127.0.0.1", port, "UDP", "u"), timeout=1.5)
    assert server.answered >= 1
    assert result.outcome is Outcome.TIMEOUT, result.diagnosis
    udp = " ".join(n for n in result.notes if n.startswith("UDP:"))
    assert "100 Trying" in udp, result.notes
    assert "firewall drops" not in udp
    assert "never finished" in udp


# -- a peer that streams large provisional answers -----------------------------------------

PADDING = 60_000
"""Bytes of filler in each provisional answer (a UDP datagram holds at most 65,507)."""


def _answer(request: bytes, status: str, filler: int = 0) -> bytes:
    """A response to ``request`` with ``filler`` bytes in an extra header."""
    head = _trying(request).split(b"\r\n\r\n")[0].split(b"\r\n")[1:]
    lines = [f"SIP/2.0 {status}".encode(), *head]
    if filler:
        lines.append(b"X-Filler: " + b"x" * filler)
    return b"\r\n".join([*lines, b"Content-Length: 0"]) + b"\r\n\r\n"


class _Streamer(asyncio.DatagramProtocol):
    """Records the requests it gets; the test decides what to send back and when."""

    def __init__(self) -> None:
        self.transport: asyncio.DatagramTransport | None = None
        self.requests: list[tuple[bytes, tuple[str, int]]] = []
        self.arrived = asyncio.Event()

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = cast(asyncio.DatagramTransport, transport)

    def datagram_received(self, data: bytes, addr: tuple[str, int]) -> None:
        self.requests.append((data, addr))
        self.arrived.set()

    def answer(self, data: bytes) -> None:
        assert self.transport is not None and self.requests
        self.transport.sendto(data, self.requests[0][1])


@contextlib.asynccontextmanager
async def streamer() -> AsyncIterator[tuple[int, _Streamer]]:
    loop = asyncio.get_running_loop()
    proto = _Streamer()
    transport, _ = await loop.create_datagram_endpoint(lambda: proto, local_addr=("127.0.0.1", 0))
    try:
        yield transport.get_extra_info("sockname")[1], proto
    finally:
        transport.close()


class _Counted:
    """Counts the messages a connection delivered (after its own handler ran)."""

    def __init__(self, conn: SipConnection) -> None:
        self.seen = 0
        self.changed = asyncio.Event()
        self._handler = conn.on_message
        conn.on_message = self._on_message

    def _on_message(self, msg: SipMessage) -> None:
        self._handler(msg)
        self.seen += 1
        self.changed.set()

    async def reach(self, count: int, within: float = 10.0) -> None:
        async with asyncio.timeout(within):
            while self.seen < count:
                self.changed.clear()
                await self.changed.wait()


async def _stream_trying(peer: _Streamer, counted: _Counted, count: int, filler: int) -> None:
    """Send ``count`` large ``100 Trying``, each once the previous one was taken in (UDP has
    no flow control: a burst would overflow the socket buffer and drop datagrams)."""
    request = peer.requests[0][0]
    start = counted.seen
    for n in range(1, count + 1):
        peer.answer(_answer(request, "100 Trying", filler))
        await counted.reach(start + n)


async def test_streamed_provisional_answers_are_counted_not_kept() -> None:
    """120 answers of 60 KB each (7 MB) leave the transaction's memory where it was."""
    count = 120
    async with streamer() as (port, peer):
        conn = await connect("UDP", "127.0.0.1", port, timeout=2.0)
        ua = UserAgent(conn, Account("127.0.0.1"), t1=5.0)  # no retransmission meanwhile
        counted = _Counted(conn)
        tracemalloc.start()
        try:
            task = asyncio.create_task(ua.options(timeout=60.0))
            async with asyncio.timeout(10):
                await peer.arrived.wait()
            await _stream_trying(peer, counted, 1, PADDING)  # warm up: caches, first parse
            before = tracemalloc.get_traced_memory()[0]
            await _stream_trying(peer, counted, count - 1, PADDING)
            grown = tracemalloc.get_traced_memory()[0] - before
            peer.answer(_answer(peer.requests[0][0], "200 OK"))
            async with asyncio.timeout(10):
                final = await task
        finally:
            tracemalloc.stop()
            conn.close()
    assert final.status == 200
    assert grown < 1_000_000, f"{grown} bytes kept after {count} provisional answers"


async def test_timeout_after_provisional_answers_counts_them() -> None:
    """Timer F after five ``100 Trying``: the error names the last one and how many came."""
    async with streamer() as (port, peer):
        conn = await connect("UDP", "127.0.0.1", port, timeout=2.0)
        ua = UserAgent(conn, Account("127.0.0.1"), t1=0.02)  # timer F after 1.28 s
        counted = _Counted(conn)
        try:
            task = asyncio.create_task(ua.options(timeout=60.0))
            async with asyncio.timeout(10):
                await peer.arrived.wait()
            await _stream_trying(peer, counted, 5, 100)
            with pytest.raises(TransactionTimeout) as caught:
                async with asyncio.timeout(10):
                    await task
        finally:
            conn.close()
    assert caught.value.provisional == "100 Trying"
    assert caught.value.provisionals == 5
    assert "'100 Trying' (5 provisional answers)" in str(caught.value)


async def test_a_long_provisional_reason_is_cut_in_the_diagnosis() -> None:
    """A 60 KB reason phrase does not travel into the timeout's text whole."""
    async with streamer() as (port, peer):
        conn = await connect("UDP", "127.0.0.1", port, timeout=2.0)
        ua = UserAgent(conn, Account("127.0.0.1"), t1=0.02)
        counted = _Counted(conn)
        try:
            task = asyncio.create_task(ua.options(timeout=60.0))
            async with asyncio.timeout(10):
                await peer.arrived.wait()
            peer.answer(_answer(peer.requests[0][0], "180 " + "R" * PADDING))
            await counted.reach(1)
            with pytest.raises(TransactionTimeout) as caught:
                async with asyncio.timeout(10):
                    await task
        finally:
            conn.close()
    assert caught.value.provisional is not None
    assert caught.value.provisional.startswith("180 RRR")
    assert len(str(caught.value)) < 300
