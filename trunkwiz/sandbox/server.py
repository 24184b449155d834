"""``SandboxServer``: the sandbox PBX served by uvicorn on a background thread.

``.url`` is the PBX base URL **without** ``/api`` (e.g. ``http://127.0.0.1:41234``), the
form the client and the profile take; ``.api_url`` adds ``/api``. The server binds its
socket in :meth:`start` (port 0 picks a free port), runs its own event loop on a daemon
thread and :meth:`start` returns once uvicorn accepts requests. :meth:`stop` is bounded.

Register trunks get an honest status by default: :class:`SipRegistrationStatus` REGISTERs
them with their carriers from the sandbox's loop (pass ``status_source=NoRegistration()``
for a sandbox that never sends SIP). ``switch_scopes_trunks=True`` starts it in the mode
where a System Admin session switched to a tenant creates, shares and deletes trunks
inside that tenant (see :mod:`trunkwiz.sandbox.faults`). The listening socket is created with
``IPPROTO_TCP`` so asyncio sets ``TCP_NODELAY`` on every accepted connection: a reply
written in two parts is never held back by Nagle's algorithm waiting for a delayed ACK.
"""

from __future__ import annotations

import asyncio
import contextlib
import inspect
import logging
import shutil
import socket
import tempfile
import threading
from collections.abc import Callable, Mapping
from pathlib import Path
from types import TracebackType
from typing import Any

import uvicorn
from pydantic import SecretStr

from trunkwiz import compat
from trunkwiz.sandbox.api_trunks import detail
from trunkwiz.sandbox.app import create_app
from trunkwiz.sandbox.auth import Accounts, Tokens
from trunkwiz.sandbox.context import Services
from trunkwiz.sandbox.faults import Faults
from trunkwiz.sandbox.registrations import SipRegistrationStatus
from trunkwiz.sandbox.spec import load_spec
from trunkwiz.sandbox.state import SandboxState
from trunkwiz.sandbox.status import StatusHub, StatusSource
from trunkwiz.sandbox.tlscert import generate

log = logging.getLogger("trunkwiz.sandbox")

DEFAULT_ADMIN_PASSWORD = "sandbox-admin"
DEFAULT_TENANT_PASSWORD = "tenant-admin"


class _Uvicorn(uvicorn.Server):
    def __init__(self, config: uvicorn.Config, ready: threading.Event) -> None:
        super().__init__(config)
        self._ready = ready

        self._wake: asyncio.Event | None = None
        self._loop: asyncio.AbstractEventLoop | None = None

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        self._loop = asyncio.get_running_loop()
        self._wake = asyncio.Event()
        await super().startup(sockets)
        self._ready.set()

    async def main_loop(self) -> None:
        """uvicorn's tick loop, but woken at once by :meth:`request_exit`."""
        assert self._wake is not None
        counter = 0
        while not self.should_exit:
            counter = (counter + 1) % 864000
            with contextlib.suppress(TimeoutError):
                await compat.wait_for(self._wake.wait(), 0.1)
            if await self.on_tick(counter):
                break

    def request_exit(self) -> None:
        """Ask the server to stop (thread-safe)."""
        self.should_exit = True
        if self._loop is not None and self._wake is not None:
            with contextlib.suppress(RuntimeError):  # the loop already ended
                self._loop.call_soon_threadsafe(self._wake.set)


class SandboxServer:
    """A PortSIP-compatible PBX on loopback for the demo and the tests."""

    def __init__(
        self,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        tls: bool = False,
        admin_user: str = "admin",
        admin_password: str | SecretStr = DEFAULT_ADMIN_PASSWORD,
        tenant_password: str | SecretStr = DEFAULT_TENANT_PASSWORD,
        state_file: str | Path | None = None,
        tenants: int = 120,
        status_source: StatusSource | Callable[[Mapping[str, Any]], tuple[str, str]] | None = None,
        token_ttl: int = 3600,
        switch_scopes_trunks: bool = False,
    ) -> None:
        self.host = host
        self._port = port
        self.tls = tls
        self.state_file = Path(state_file) if state_file else None
        if self.state_file is not None and self.state_file.exists():
            self.state = SandboxState.load(self.state_file)
        else:
            self.state = SandboxState.seeded(tenants)
        self.accounts = Accounts(
            admin_user=admin_user,
            admin_password=_secret(admin_password),
            tenant_password=_secret(tenant_password),
        )
        self.tokens = Tokens(ttl=token_ttl)
        self.faults = Faults(
            expire_hook=lambda refresh: self.tokens.expire_all(refresh=refresh),
            switch_scopes_trunks=switch_scopes_trunks,
        )
        self.status = StatusHub(
            status_source if status_source is not None else SipRegistrationStatus()
        )
        self.fingerprint: str | None = None
        self._sock: socket.socket | None = None
        self._thread: threading.Thread | None = None
        self._server: _Uvicorn | None = None
        self._tmpdir: Path | None = None
        self._error: BaseException | None = None
        self._bound_port = 0

    # -- addresses ---------------------------------------------------------------------

    @property
    def port(self) -> int:
        """The bound port (after :meth:`start`)."""
        return self._bound_port or self._port

    @property
    def url(self) -> str:
        """Base URL without ``/api``, e.g. ``https://127.0.0.1:8887``."""
        host = "127.0.0.1" if self.host in {"0.0.0.0", ""} else self.host
        host = f"[{host}]" if ":" in host else host
        return f"{'https' if self.tls else 'http'}://{host}:{self.port}"

    @property
    def api_url(self) -> str:
        """The API base: ``url + "/api"``."""
        return f"{self.url}/api"

    # -- life cycle --------------------------------------------------------------------

    def start(self, timeout: float = 10.0) -> SandboxServer:
        """Bind, serve on a background thread and return once requests are accepted."""
        if self._thread is not None:
            raise RuntimeError("the sandbox is already running")
        self._sock = listen_socket(self.host, self._port)
        self._bound_port = self._sock.getsockname()[1]
        services = Services(
            self.state, self.accounts, self.tokens, self.faults, self.status, self._persist
        )
        config = self._config(create_app(services, load_spec()))
        if self.state_file is not None:
            self._persist()
        ready = threading.Event()
        self._server = _Uvicorn(config, ready)
        self._thread = threading.Thread(target=self._run, name="trunkwiz-sandbox", daemon=True)
        self._thread.start()
        if not ready.wait(timeout) or self._error is not None:
            error = self._error
            self.stop()
            raise RuntimeError(f"the sandbox did not start: {error or 'timed out'}")
        log.info("sandbox PBX listening on %s", self.url)
        return self

    def _config(self, app: Any) -> uvicorn.Config:
        kwargs: dict[str, Any] = {}
        if self.tls:
            self._tmpdir = Path(tempfile.mkdtemp(prefix="trunkwiz-sandbox-tls-"))
            files = generate(self._tmpdir)
            self.fingerprint = files.fingerprint
            kwargs = {"ssl_certfile": str(files.cert), "ssl_keyfile": str(files.key)}
        return uvicorn.Config(
            app=app,
            log_config=None,
            log_level="warning",
            access_log=False,
            lifespan="off",
            timeout_graceful_shutdown=2,
            server_header=False,
            **kwargs,
        )

    def _run(self) -> None:
        try:
            asyncio.run(self._serve())
        except BaseException as exc:  # reported by start()
            self._error = exc
            log.exception("sandbox server stopped with an error")

    async def _serve(self) -> None:
        assert self._server is not None and self._sock is not None
        with self.state.lock:
            trunks = [(detail(t), t.password) for t in self.state.trunks.values()]
        for view, password in trunks:
            self.status.changed(view, password)
        try:
            await self._server.serve(sockets=[self._sock])
        finally:
            await self._close_source()

    async def _close_source(self) -> None:
        for name in ("aclose", "close"):
            closer = getattr(self.status.source, name, None)
            if callable(closer):
                try:
                    result = closer()
                    if inspect.isawaitable(result):
                        await result
                except Exception as exc:
                    log.warning("status source %s failed: %s", name, exc)
                return

    def stop(self, timeout: float = 5.0) -> None:
        """Stop serving (bounded by ``timeout``) and release the port and temp files."""
        if self._server is not None:
            self._server.request_exit()
        if self._thread is not None:
            self._thread.join(timeout)
            if self._thread.is_alive() and self._server is not None:
                self._server.force_exit = True
                self._thread.join(1.0)
        if self._sock is not None:
            self._sock.close()
            self._sock = None
        if self._tmpdir is not None:
            shutil.rmtree(self._tmpdir, ignore_errors=True)
        self._thread = self._server = self._tmpdir = None

    def _persist(self) -> None:
        if self.state_file is not None:
            self.state.save(self.state_file)

    def __enter__(self) -> SandboxServer:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    async def __aenter__(self) -> SandboxServer:
        return await asyncio.to_thread(self.start)

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await asyncio.to_thread(self.stop)


def listen_socket(host: str, port: int) -> socket.socket:
    """A listening TCP socket whose accepted connections get ``TCP_NODELAY`` from asyncio.

    ``socket.create_server`` leaves ``proto`` at 0, and asyncio only sets ``TCP_NODELAY``
    on sockets whose ``proto`` is ``IPPROTO_TCP``: without it every reply written as
    headers then body waits ~40 ms for the client's delayed ACK.
    """
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        if family == socket.AF_INET6:
            sock.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
        sock.bind((host, port))
        sock.listen()
    except BaseException:
        sock.close()
        raise
    return sock


def _secret(value: str | SecretStr) -> SecretStr:
    return value if isinstance(value, SecretStr) else SecretStr(value)
