"""Non-INVITE client transactions (RFC 3261 17.1.2) over one `SipConnection`.

Over UDP a request is retransmitted with timer E (T1, doubling, capped at T2; T2 after a
provisional response) until a final response or timer F (64*T1, further capped by the
caller's deadline). Responses are matched to their transaction by the top Via branch and
the CSeq method.

Provisional (``1xx``) responses are counted, not kept: a transaction holds only their number
and the status line of the last one (cut to `MAX_SHOWN_STATUS` characters), so a peer that
streams large ``100 Trying`` answers until timer F costs no memory.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass

from trunkwiz import compat
from trunkwiz.sip.headers import parse_cseq, top_via
from trunkwiz.sip.message import SipMessage, SipParseError
from trunkwiz.sip.transport import SipConnection, TransportError

log = logging.getLogger(__name__)

T1 = 0.5
T2 = 4.0
MAX_SHOWN_STATUS = 80
"""Characters of a provisional answer's status line kept for the diagnosis."""


class TransactionTimeout(Exception):
    """No final response arrived before timer F or the deadline."""

    def __init__(
        self,
        method: str,
        waited: float,
        sent: int,
        provisional: str | None = None,
        provisionals: int = 0,
    ) -> None:
        only = ""
        if provisional:
            times = f" ({provisionals} provisional answers)" if provisionals > 1 else ""
            only = f"; only '{provisional}'{times} came back"
        super().__init__(f"no final response to {method} after {waited:.1f} s ({sent} sent){only}")
        self.method = method
        self.waited = waited
        self.sent = sent
        self.provisional = provisional
        """Status line of the last provisional response (``100 Trying``) if one arrived,
        cut to `MAX_SHOWN_STATUS` characters; else None."""
        self.provisionals = provisionals
        """How many provisional responses arrived."""


def status_line(msg: SipMessage) -> str:
    """``100 Trying``: a response's status and reason, cut to `MAX_SHOWN_STATUS` characters."""
    line = f"{msg.status} {msg.reason}".strip()
    return line if len(line) <= MAX_SHOWN_STATUS else line[: MAX_SHOWN_STATUS - 1] + "…"


@dataclass
class _Pending:
    future: asyncio.Future[SipMessage]
    provisionals: int = 0
    """Provisional responses counted so far (the responses themselves are not kept)."""
    last_provisional: str | None = None
    """`status_line` of the last provisional response."""


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
            pending.provisionals += 1
            pending.last_provisional = status_line(msg)
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
                    raise TransactionTimeout(
                        msg.method or "?",
                        loop.time() - start,
                        sent,
                        pending.last_provisional,
                        pending.provisionals,
                    )
                wait = remaining if self.conn.reliable else min(interval, remaining)
                try:
                    return await compat.wait_for(asyncio.shield(pending.future), wait)
                except TimeoutError:
                    if pending.future.done():
                        return pending.future.result()
                if not self.conn.reliable and deadline - loop.time() > 0:
                    self.conn.send(data)
                    sent += 1
                    interval = self.t2 if pending.provisionals else min(interval * 2, self.t2)
        finally:
            self._pending.pop(key, None)
            if not pending.future.done():
                pending.future.cancel()
            elif not pending.future.cancelled():
                pending.future.exception()  # mark retrieved
