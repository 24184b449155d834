"""A hostile fake PBX: a raw-socket HTTP server on 127.0.0.1 that answers one path badly.

Sign-in, ``/auth/user`` and the lists behave like a tiny healthy PBX (no trunks, or one
IP trunk ``p1`` with ``with_trunk``; one UDP listener) except ``path``, which gets ``mode``:

- ``html200`` an HTML page with status 200; ``redirect302`` a redirect to a login page;
- ``truncated`` JSON cut in the middle; ``empty200`` a 200 with no body; ``bad_gzip`` a
  body that claims gzip and is not;
- ``list`` ``[1]`` where an object belongs; ``strings`` ``{"items": ["a", "b"]}``;
- ``no_items`` ``{"count": 3}``; ``huge`` an endless body (no length), stopped by the cap;
- ``trickle`` one byte every 2 s; ``hang`` the request is read, nothing ever comes back;
- ``deep`` a 200 whose JSON nests 200,000 lists deep; ``deep500`` a 500 whose error body
  does; ``word`` (not in ``MODES``) an HTML page holding one 200,000-letter word;
- ``401``, ``429``, ``500``, ``503`` that status with a PBX-style error body (a 401 also
  refuses the token refresh).

Every handler thread stops when the server stops (waits are on one ``Event``), so a test
leaves nothing behind.
"""

from __future__ import annotations

import contextlib
import json
import socket
import socketserver
import threading
from typing import Any

TOKENS = {
    "access_token": "hostile-access-token-1",
    "refresh_token": "hostile-refresh-token-1",
    "expires_in": 3600,
    "token_type": "Bearer",
}
DEEP = 200_000
"""Levels of nesting of the ``deep`` answers (Python's parser gives up after about 1,000)."""
HEALTHY: dict[str, Any] = {
    "POST /api/auth/sign_in": TOKENS,
    "POST /api/auth/refresh_token": TOKENS,
    "POST /api/auth/sign_out": {},
    "GET /api/auth/user": {"role": "SystemAdmin"},
    "GET /api/network": {"public_ipv4": "192.0.2.10"},
    "GET /api/transports": {"items": [{"protocol": "UDP", "port": 5060}], "count": 1},
}
TRUNK = {"id": "p1", "name": "Carrier IP", "auth_mode": "IP_AUTH", "hostname": "203.0.113.5"}
ONE_TRUNK: dict[str, Any] = {
    "GET /api/providers": {"items": [TRUNK], "count": 1},
    "GET /api/providers/p1": {**TRUNK, "brand": "Generic", "transport": "UDP", "port": 5060},
    "GET /api/providers/p1/status": {"status": "ONLINE"},
    "GET /api/providers/p1/assignees": {"items": [], "count": 0},
}
MODES = (
    "html200",
    "redirect302",
    "truncated",
    "empty200",
    "list",
    "strings",
    "no_items",
    "huge",
    "trickle",
    "hang",
    "deep",
    "deep500",
    "401",
    "429",
    "500",
    "503",
)


class HostilePbx:
    """``HostilePbx(path, mode).start()`` ... ``.stop()``; ``url`` is ``http://127.0.0.1:N``."""

    def __init__(self, path: str = "", mode: str = "", *, with_trunk: bool = False) -> None:
        self.path = path
        self.mode = mode
        self.answers = dict(HEALTHY)
        if with_trunk:
            self.answers.update(ONE_TRUNK)
        self.stopping = threading.Event()
        self.seen: list[str] = []
        self.errors: list[Any] = []
        owner = self

        class Handler(socketserver.StreamRequestHandler):
            def handle(self) -> None:
                # OSError/ValueError: the client gave up on this connection
                with contextlib.suppress(OSError, ValueError):
                    owner._handle(self.connection, self.rfile)

        class Server(socketserver.ThreadingTCPServer):
            daemon_threads = True
            allow_reuse_address = True
            block_on_close = True

            def handle_error(self, request: Any, client_address: Any) -> None:
                owner.errors.append(client_address)

        self._server = Server(("127.0.0.1", 0), Handler)
        # A short poll: ``shutdown`` waits for the loop to look (0.5 s by default, per test).
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.01}, daemon=True
        )

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def start(self) -> HostilePbx:
        self._thread.start()
        return self

    def stop(self) -> None:
        self.stopping.set()
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=10)

    def __enter__(self) -> HostilePbx:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- one connection ---------------------------------------------------------------
    def _handle(self, conn: socket.socket, rfile: Any) -> None:
        conn.settimeout(10)
        while not self.stopping.is_set():
            line = rfile.readline(65536)
            if not line:
                return
            method, target = line.decode("latin-1").split()[:2]
            length = 0
            while True:
                header = rfile.readline(65536)
                if header in (b"\r\n", b"\n", b""):
                    break
                name, _, value = header.decode("latin-1").partition(":")
                if name.strip().lower() == "content-length":
                    length = int(value.strip())
            if length:
                rfile.read(length)
            path = target.split("?")[0]
            key = f"{method} {path}"
            self.seen.append(key)
            if path == self.path or (self.path.endswith("*") and path.startswith(self.path[:-1])):
                if not self._hostile(conn, method, path):
                    return
            else:
                self._send(conn, 200, json.dumps(self._healthy(key)).encode())

    def _healthy(self, key: str) -> Any:
        if key in self.answers:
            return self.answers[key]
        if key.startswith("GET "):
            return {"items": [], "count": 0}
        return {}

    def _send(
        self,
        conn: socket.socket,
        status: int,
        body: bytes,
        *,
        ctype: str = "application/json",
        extra: str = "",
    ) -> None:
        head = (
            f"HTTP/1.1 {status} X\r\nContent-Type: {ctype}\r\n"
            f"Content-Length: {len(body)}\r\n{extra}\r\n"
        )
        conn.sendall(head.encode() + body)

    def _hostile(self, conn: socket.socket, method: str, path: str) -> bool:
        """Answer badly; False when the connection is finished."""
        mode = self.mode
        if mode == "html200":
            page = b"<!DOCTYPE html><html><body>Please log in</body></html>"
            self._send(conn, 200, page, ctype="text/html")
        elif mode == "redirect302":
            self._send(conn, 302, b"", ctype="text/html", extra="Location: /login\r\n")
        elif mode == "truncated":
            self._send(conn, 200, b'{"items": [{"id": "1", "name": "Acme')
        elif mode == "bad_gzip":
            self._send(conn, 200, b"not gzip at all", extra="Content-Encoding: gzip\r\n")
        elif mode == "empty200":
            self._send(conn, 200, b"")
        elif mode == "list":
            self._send(conn, 200, b"[1]")
        elif mode == "strings":
            self._send(conn, 200, b'{"items": ["a", "b"], "count": 2}')
        elif mode == "no_items":
            self._send(conn, 200, b'{"count": 3}')
        elif mode == "huge":
            conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n\r\n[")
            chunk = b"1," * 32768
            try:
                while not self.stopping.is_set():
                    conn.sendall(chunk)
            except OSError:
                pass
            return False
        elif mode == "trickle":
            conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n")
            conn.sendall(b"Content-Length: 1000\r\n\r\n")
            try:
                while not self.stopping.wait(2):
                    conn.sendall(b" ")
            except OSError:
                pass
            return False
        elif mode == "deep":
            self._send(conn, 200, b"[" * DEEP + b"]" * DEEP)
        elif mode == "deep500":
            self._send(conn, 500, b'{"errors": ' + b"[" * DEEP + b"]" * DEEP + b"}")
        elif mode == "word":
            page = b"<!DOCTYPE html><p>" + b"a" * DEEP + b"</p>"
            self._send(conn, 200, page, ctype="text/html")
        elif mode == "hang":
            self.stopping.wait(60)
            return False
        else:
            status = int(mode)
            body = {"errors": [{"code": "X", "message": f"hostile {status}"}]}
            self._send(conn, status, json.dumps(body).encode())
        return True
