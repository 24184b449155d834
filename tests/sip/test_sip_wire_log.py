"""The SIP wire log (``--debug``): every message sent and received, digest answers masked."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from typing import cast

import pytest
from pydantic import SecretStr

from trunkwiz.sip.probe import ProbeTarget, probe

CHALLENGE = 'WWW-Authenticate: Digest realm="wire.test", nonce="n0nce", algorithm=MD5'


def _answer(request: bytes, status: str, *extra: str) -> bytes:
    lines = request.decode("utf-8", "replace").split("\r\n")
    keep = [
        line
        for line in lines[1:]
        if line.split(":", 1)[0].strip().lower() in {"via", "from", "to", "call-id", "cseq"}
    ]
    out = [f"SIP/2.0 {status}", *keep, *extra, "Content-Length: 0"]
    return ("\r\n".join(out) + "\r\n\r\n").encode()


class _Challenger(asyncio.DatagramProtocol):
    """OPTIONS: 200; REGISTER without credentials: 401 with a challenge; with them: 403."""

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = cast(asyncio.DatagramTransport, transport)

    def datagram_received(self, data: bytes, addr: tuple[str, int]) -> None:
        if data.startswith(b"OPTIONS"):
            reply = _answer(data, "200 OK")
        elif b"\r\nAuthorization:" in data:
            reply = _answer(data, "403 Forbidden")
        else:
            reply = _answer(data, "401 Unauthorized", CHALLENGE)
        self.transport.sendto(reply, addr)


@contextlib.asynccontextmanager
async def challenger() -> AsyncIterator[int]:
    loop = asyncio.get_running_loop()
    transport, _ = await loop.create_datagram_endpoint(_Challenger, local_addr=("127.0.0.1", 0))
    try:
        yield transport.get_extra_info("sockname")[1]
    finally:
        transport.close()


async def test_wire_log_shows_messages_and_masks_authorization(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG, logger="trunkwiz.sip.wire")
    async with challenger() as port:
        target = ProbeTarget("127.0.0.1", port, "UDP", "wireuser", "", SecretStr("wire-pw-77"))
        await probe(target, timeout=3)
    text = caplog.text
    assert "> SIP UDP 127.0.0.1:" in text and "< SIP UDP 127.0.0.1:" in text
    assert "REGISTER sip:" in text and "SIP/2.0 401 Unauthorized" in text
    assert "Authorization: Digest ***" in text
    assert "response=" not in text and "wire-pw-77" not in text
