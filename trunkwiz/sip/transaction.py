"""Non-INVITE client transactions (RFC 3261 17.1.2) over one `SipConnection`.

Over UDP a request is retransmitted with timer E (T1, doubling, capped at T2; T2 after a
provisional response) until a final response or timer F (64*T1, further capped by the
caller's deadline). Responses are matched to their transaction by the top Via branch and
the CSeq method.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field

from trunkwiz import compat
from trunkwiz.sip.headers import parse_cseq, top_via
from trunkwiz.sip.message import SipMessage, SipParseError
from trunkwiz.sip.transport import SipConnection, TransportError

log = logging.getLogger(__name__)

T1 = 0.5
T2 = 4.0


class TransactionTimeout(Exception):
    """No final response arrived before timer F or the deadline."""

    def __init__(
        self, method: str, waited: float, sent: int, provisional: str | None = None
    ) -> None:
        only = f"; only '{provisional}' came back" if provisional else ""
        super().__init__(f"no final response to {method} after {waited:.1f} s ({sent} sent){only}")
        self.method = method
        self.waited = waited
        self.sent = sent
        self.provisional = provisional
        """The last provisional response (``100 Trying``) if one arrived, else None."""


@dataclass
class _Pending:
    future: asyncio.Future[SipMessage]
    provisional: bool = False
    responses: list[SipMessage] = field(default_factory=list)


class TransactionLayer:
    """Runs client transactions on a connection and routes responses to them."""

    def __init__(self, conn: SipConnection, *, t1: float = T1, t2: float = T2) -> None:
        self.conn = conn
        self.t1 = t1
        self.t2 = t2
        self._pending: dict[tuple[str, str], _Pending] = {}
        conn.on_message = self._on_message
        conn.on_error = self._on_error

    def _on_message(self, msg: SipMessage) -> None:
        if msg.is_request:
            log.debug("ignored incoming %s request", msg.method)
            return
        try:
            key = (top_via(msg).branch, parse_cseq(msg.get("CSeq"))[1])
        except SipParseError as exc:
            log.debug("ignored response without usable Via/CSeq: %s", exc)
            return
        pending = self._pending.get(key)
        if pending is None or pending.future.done():
            return
        status = msg.status or 0
        if status < 200:
            pending.provisional = True
            pending.responses.append(msg)
        else:
            pending.future.set_result(msg)

    def _on_error(self, error: TransportError) -> None:
        for pending in self._pending.values():
            if not pending.future.done():
                pending.future.set_exception(error)

    async def request(self, msg: SipMessage, *, timeout: float) -> SipMessage:
        """Send ``msg`` and return its final response.

        Raises TransactionTimeout when none arrives within min(64*T1, timeout) seconds and
        TransportError when the connection fails (e.g. ICMP port unreachable on UDP).
        """
        key = (top_via(msg).branch, parse_cseq(msg.get("CSeq"))[1])
        loop = asyncio.get_running_loop()
        pending = _Pending(loop.create_future())
        self._pending[key] = pending
        data = msg.encode()
        start = loop.time()
        deadline = start + max(0.0, min(timeout, 64 * self.t1))
        interval = self.t1
        sent = 0
        try:
            if self.conn.closed:
                raise TransportError("closed", "the connection is closed")
            self.conn.send(data)
            sent = 1
            while True:
                remaining = deadline - loop.time()
                if remaining <= 0:
                    last = pending.responses[-1] if pending.responses else None
                    said = f"{last.status} {last.reason}".strip() if last else None
                    raise TransactionTimeout(msg.method or "?", loop.time() - start, sent, said)
                wait = remaining if self.conn.reliable else min(interval, remaining)
                try:
                    return await compat.wait_for(asyncio.shield(pending.future), wait)
                except TimeoutError:
                    if pending.future.done():
                        return pending.future.result()
                if not self.conn.reliable and deadline - loop.time() > 0:
                    self.conn.send(data)
                    sent += 1
                    interval = self.t2 if pending.provisional else min(interval * 2, self.t2)
        finally:
            self._pending.pop(key, None)
            if not pending.future.done():
                pending.future.cancel()
            elif not pending.future.cancelled():
                pending.future.exception()  # mark retrieved
