"""A carrier that answers only ``100 Trying`` is not described as a firewall dropping packets."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from typing import cast

from trunkwiz.sip.probe import ProbeTarget, probe
from trunkwiz.sip.result import Outcome


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
