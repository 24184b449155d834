"""A resolver whose A/AAAA lookups never hold up the sandbox's shutdown.

``SystemResolver`` runs ``getaddrinfo`` on the event loop's default executor, and
``asyncio.run`` waits for that executor's threads when the loop ends: one lookup stuck on
a dead name server would stall the sandbox's bounded stop. Here each lookup gets its own
daemon thread whose late result is simply dropped. SRV lookups (dnspython, fully async)
are delegated unchanged.
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
import threading
from typing import Any

from trunkwiz import compat
from trunkwiz.sip.resolve import DnsFailure, SrvRecord, SystemResolver


class DaemonThreadResolver:
    """``SystemResolver`` with ``getaddrinfo`` on a daemon thread per lookup."""

    def __init__(self) -> None:
        self._system = SystemResolver()

    async def srv(self, name: str, timeout: float) -> list[SrvRecord]:
        """SRV records for ``name`` (as :class:`SystemResolver`)."""
        return await self._system.srv(name, timeout)

    async def addresses(self, host: str, timeout: float) -> list[str]:
        """IPv4/IPv6 addresses of ``host``; DnsFailure when it does not resolve in time."""
        loop = asyncio.get_running_loop()
        done: asyncio.Future[list[Any]] = loop.create_future()

        def settle(result: list[Any] | None, error: BaseException | None) -> None:
            if done.done():
                return
            if error is not None:
                done.set_exception(error)
            else:
                done.set_result(result or [])

        def lookup() -> None:
            try:
                infos: list[Any] = socket.getaddrinfo(host, None, type=socket.SOCK_DGRAM)
                outcome: tuple[list[Any] | None, BaseException | None] = (infos, None)
            except Exception as exc:
                outcome = (None, exc)
            with contextlib.suppress(RuntimeError):  # the loop has ended meanwhile
                loop.call_soon_threadsafe(settle, *outcome)

        threading.Thread(target=lookup, name="trunkwiz-sandbox-dns", daemon=True).start()
        try:
            infos = await compat.wait_for(done, timeout)
        except TimeoutError:
            raise DnsFailure(f"looking up {host} timed out after {timeout:.1f} s") from None
        except Exception as exc:  # gaierror, UnicodeError, ...: the name does not resolve
            raise DnsFailure(f"{host} does not resolve ({exc})") from None
        seen: list[str] = []
        for info in infos:
            addr = str(info[4][0])
            if addr not in seen:
                seen.append(addr)
        return seen
