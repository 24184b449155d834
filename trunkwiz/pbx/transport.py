"""The HTTP transport of the PBX client (``ApiCore``): one ``httpx.AsyncClient``, TLS,
tokens, sending, retries.

- Bearer tokens are renewed shortly before they expire, and once after a 401 (the request
  is then sent again once).
- Idempotent GETs are retried with bounded exponential backoff and jitter on network
  errors, timeouts, 5xx and 429. POSTs are never re-sent after a failure: if the
  connection dropped after the request went out, ``UnavailableError(outcome_unknown=True)``
  tells the caller to re-read the PBX's state.
- Bounded I/O: each request (connect, send, the whole body) has an overall time limit
  (``request_timeout``), the whole client an optional deadline (``set_deadline``), and a
  body is read as a stream and abandoned past ``max_body`` bytes.
- Answers are checked for shape by ``trunkwiz.pbx.shapes``; lists are paged by
  ``trunkwiz.pbx.paging`` (``ApiCore`` is a ``PagedLists``).
- The logger ``trunkwiz.pbx.http`` logs every exchange at DEBUG (method, URL, status,
  time, body) with passwords and tokens redacted (``trunkwiz.pbx.redact``).
"""

from __future__ import annotations

import asyncio
import logging
import random
import ssl
import time
from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import urlsplit

import httpx
from pydantic import SecretStr

from trunkwiz import compat
from trunkwiz.pbx.errors import (
    AuthError,
    BadAnswer,
    BadTarget,
    DeadlineExceeded,
    PbxError,
    TlsError,
    UnavailableError,
    UntrustedCertificate,
    error_from_response,
)
from trunkwiz.pbx.paging import PagedLists
from trunkwiz.pbx.redact import redact_body
from trunkwiz.pbx.session import RequestStats, RetryPolicy, Tokens
from trunkwiz.pbx.shapes import decode, error_json, expect_object, not_api
from trunkwiz.pbx.tls import TlsPolicy, build_transport, fetch_fingerprint, pin_error, tls_failure

log = logging.getLogger(__name__)
http_log = logging.getLogger("trunkwiz.pbx.http")

Sleep = Callable[[float], Awaitable[None]]
DEFAULT_REQUEST_TIMEOUT = 30.0
"""Seconds one request may take in all (connect, send, the whole answer)."""
DEFAULT_MAX_BODY = 16 * 1024 * 1024
"""Bytes of one answer read at most; a larger answer is an error."""


def check_url(url: str) -> str:
    """``url`` if it can name a PBX (http/https, a host, a port 1-65535, no whitespace or
    control characters); ``BadTarget`` otherwise."""
    shown = url.encode("unicode_escape").decode("ascii")
    if any(ch.isspace() or ord(ch) < 32 or ord(ch) == 127 for ch in url):
        raise BadTarget(f"the PBX URL '{shown}' contains whitespace or control characters")
    parts = urlsplit(url)
    if parts.scheme.lower() not in ("http", "https"):
        scheme = f"{parts.scheme}://" if parts.scheme else "no scheme"
        raise BadTarget(f"the PBX URL '{shown}' must start with https:// (not {scheme})")
    try:
        port = parts.port
    except ValueError:
        port = 0
    if port == 0 or not parts.hostname:
        raise BadTarget(
            f"the PBX URL '{shown}' needs a host and a port from 1 to 65535 "
            "(e.g. https://pbx.example.com:8887)"
        )
    return url


def api_base(url: str) -> str:
    """``https://pbx:8887`` → ``https://pbx:8887/api`` (an ``/api`` suffix is kept)."""
    base = url.rstrip("/")
    return base if base.endswith("/api") else f"{base}/api"


def make_timeout(timeout: float | httpx.Timeout) -> httpx.Timeout:
    """Explicit connect/read/write/pool timeouts (connect and pool capped at 10 s)."""
    if isinstance(timeout, httpx.Timeout):
        return timeout
    return httpx.Timeout(
        connect=min(timeout, 10.0), read=timeout, write=timeout, pool=min(timeout, 10.0)
    )


class ApiCore(PagedLists):
    """Authenticated, retrying JSON requests against ``<pbx>/api``."""

    def __init__(
        self,
        base_url: str,
        *,
        tls: TlsPolicy | None = None,
        timeout: float | httpx.Timeout = 10.0,
        transport: httpx.AsyncBaseTransport | None = None,
        retry: RetryPolicy | None = None,
        sleep: Sleep = asyncio.sleep,
        rng: random.Random | None = None,
        clock: Callable[[], float] = time.monotonic,
        request_timeout: float = DEFAULT_REQUEST_TIMEOUT,
        max_body: int = DEFAULT_MAX_BODY,
    ) -> None:
        self.url = check_url(base_url.rstrip("/"))
        self.tls = tls or TlsPolicy()
        self.request_timeout = request_timeout
        """Seconds one request may take in all (connect, send, the whole answer)."""
        self.max_body = max_body
        """Bytes of one answer read at most."""
        self._deadline: float | None = None
        self._deadline_span = 0.0
        self.retry = retry or RetryPolicy()
        self.stats = RequestStats()
        self._sleep = sleep
        self._rng = rng or random.Random()
        self._clock = clock
        self._tokens: Tokens | None = None
        self._token_gen = 0
        self._refresh_lock = asyncio.Lock()
        try:
            transport = transport or build_transport(self.tls)
        except (OSError, ValueError) as exc:  # ssl.SSLError is an OSError
            raise BadTarget(f"cannot use the TLS settings for {self.url}: {exc}") from None
        self.skip_base: int | None = None
        """0 or 1 once detected (see ``list_all``); None before."""
        self._http = httpx.AsyncClient(
            base_url=api_base(self.url),
            timeout=make_timeout(timeout),
            transport=transport,
            headers={"Accept": "application/json"},
            follow_redirects=False,
        )

    def __repr__(self) -> str:
        return f"{type(self).__name__}(url={self.url!r}, signed_in={self._tokens is not None})"

    async def aclose(self) -> None:
        """Close the connection pool."""
        await self._http.aclose()

    def set_deadline(self, seconds: float | None) -> None:
        """No request may run past ``seconds`` from now (None: no overall deadline)."""
        if seconds is None:
            self._deadline = None
            return
        self._deadline, self._deadline_span = self._clock() + seconds, seconds

    def _budget(self, where: str) -> tuple[float, bool]:
        """Seconds the next request may take, and whether the command's deadline (not the
        per-request limit) sets them (``DeadlineExceeded`` when none are left)."""
        budget = self.request_timeout
        if self._deadline is not None:
            left = self._deadline - self._clock()
            if left <= 0:
                raise DeadlineExceeded(
                    f"gave up before {where}: the command's time limit of "
                    f"{self._deadline_span:g} s is over (see --deadline)"
                )
            if left < budget:
                return left, True
        return budget, False

    # -- tokens ---------------------------------------------------------------------

    def _store_tokens(self, body: dict[str, Any]) -> float:
        try:
            access, refresh = str(body["access_token"]), str(body["refresh_token"])
            lifetime = float(body.get("expires_in") or 3600)
        except (KeyError, TypeError, ValueError) as exc:
            raise AuthError("the PBX answered sign-in without a usable token") from exc
        self._tokens = Tokens(
            access=SecretStr(access),
            refresh=SecretStr(refresh),
            expires_at=self._clock() + lifetime,
            lifetime=lifetime,
        )
        self._token_gen += 1
        return lifetime

    def _forget_tokens(self) -> None:
        self._tokens = None
        self._token_gen += 1

    async def _refresh(self, seen_gen: int) -> None:
        """Trade the refresh token for a new pair (once, even with concurrent callers)."""
        async with self._refresh_lock:
            if self._token_gen != seen_gen:
                return  # another request renewed the tokens meanwhile
            if self._tokens is None:
                raise AuthError("not signed in: sign in first")
            body = {"refresh_token": self._tokens.refresh.get_secret_value()}
            resp = await self._send("POST", "/auth/refresh_token", json=body, headers={})
            self.stats.refreshes += 1
            if resp.status_code != 200:
                self._forget_tokens()
                raise AuthError(
                    "the session expired and could not be renewed: sign in again",
                    status=resp.status_code,
                )
            self._on_refreshed(self._store_tokens(error_json(resp)))  # AuthError if unusable

    def _on_refreshed(self, lifetime: float) -> None:
        """Hook: the session learns the new expiry."""

    # -- sending --------------------------------------------------------------------

    async def _send(
        self,
        method: str,
        path: str,
        *,
        json: Any = None,
        params: dict[str, Any] | None = None,
        headers: dict[str, str],
    ) -> httpx.Response:
        """One HTTP exchange within the time limit, the body read up to ``max_body``;
        transport failures, time-outs and oversized answers become typed errors."""
        where = f"{method} {path} at {self.url}"
        budget, by_deadline = self._budget(where)
        self.stats.count(method, path)
        started = self._clock()
        request = self._http.build_request(method, path, json=json, params=params, headers=headers)
        if http_log.isEnabledFor(logging.DEBUG):
            http_log.debug("> %s %s %s", method, request.url, redact_body(request.content))
        try:
            async with compat.timeout(budget):
                streamed = await self._http.send(request, stream=True)
                try:
                    content = await self._read_capped(streamed, where)
                finally:
                    await streamed.aclose()
        except TimeoutError:
            limit = (
                f"the command's time limit of {self._deadline_span:g} s (see --deadline)"
                if by_deadline
                else f"{budget:g} s"
            )
            raise self._timed_out(method, where, limit) from None
        except httpx.TransportError as exc:
            raise await self._transport_error(exc, method, path) from exc
        except httpx.DecodingError as exc:
            raise BadAnswer(f"{where}: the answer could not be decoded ({exc})") from None
        elapsed = (self._clock() - started) * 1000
        log.debug("%s %s -> %s (%.0f ms)", method, path, streamed.status_code, elapsed)
        resp = httpx.Response(
            streamed.status_code, headers=streamed.headers, content=content, request=request
        )
        if http_log.isEnabledFor(logging.DEBUG):
            http_log.debug(
                "< %s %s %s (%.0f ms) %s",
                resp.status_code,
                method,
                request.url,
                elapsed,
                redact_body(content),
            )
        return resp

    async def _read_capped(self, resp: httpx.Response, where: str) -> bytes:
        declared = resp.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > self.max_body:
            raise BadAnswer(f"{where}: the answer is {int(declared)} bytes, {self._cap_text()}")
        chunks: list[bytes] = []
        size = 0
        async for chunk in resp.aiter_bytes():
            size += len(chunk)
            if size > self.max_body:
                raise BadAnswer(f"{where}: the answer is larger than {self._cap_text()}")
            chunks.append(chunk)
        return b"".join(chunks)

    def _cap_text(self) -> str:
        return f"over the limit of {self.max_body} bytes; stopped reading"

    def _timed_out(self, method: str, where: str, limit: str) -> DeadlineExceeded:
        if method == "GET" or where.startswith("POST /auth/"):
            return DeadlineExceeded(f"the PBX did not answer {where} within {limit}")
        return DeadlineExceeded(
            f"the PBX did not answer {where} within {limit}; the outcome is unknown: "
            "re-read the PBX's state before trying again",
            outcome_unknown=True,
        )

    async def _transport_error(self, exc: httpx.TransportError, method: str, path: str) -> PbxError:
        failure = tls_failure(exc)
        if failure is not None:
            return await self._tls_error(failure)
        where = f"{method} {path} at {self.url}"
        if isinstance(exc, httpx.UnsupportedProtocol):
            return UnavailableError(f"cannot send {where}: {exc}")
        if isinstance(exc, httpx.ConnectError | httpx.ConnectTimeout | httpx.PoolTimeout):
            return UnavailableError(f"could not connect to the PBX ({where}): {exc or 'timeout'}")
        if method == "GET":
            return UnavailableError(f"the PBX did not answer {where}: {exc or 'timeout'}")
        return UnavailableError(
            f"the connection dropped before the PBX answered {where}; the outcome is "
            "unknown: re-read the PBX's state before trying again",
            outcome_unknown=True,
        )

    async def _tls_error(self, failure: ssl.SSLError) -> TlsError:
        pinned = pin_error(failure)
        if pinned is not None:
            return pinned
        if isinstance(failure, ssl.SSLCertVerificationError):
            try:
                fingerprint: str | None = await fetch_fingerprint(self.url, timeout=5.0)
            except TlsError:
                fingerprint = None
            return UntrustedCertificate(fingerprint, failure.verify_message or "")
        return TlsError(f"the TLS handshake with {self.url} failed: {failure}")

    async def request(
        self,
        method: str,
        path: str,
        *,
        json: Any = None,
        params: dict[str, Any] | None = None,
        auth: bool = True,
    ) -> httpx.Response:
        """Send a request; raise a typed ``PbxError`` for anything but a 2xx answer."""
        idempotent = method == "GET"
        attempt, slept, renewed = 0, 0.0, False
        while True:
            headers: dict[str, str] = {}
            gen = self._token_gen
            if auth:
                if self._tokens is None:
                    raise AuthError("not signed in: sign in first")
                if self._tokens.refresh_due(self._clock()):
                    await self._refresh(gen)
                    gen = self._token_gen
                headers = self._bearer()
            try:
                resp = await self._send(method, path, json=json, params=params, headers=headers)
            except UnavailableError as exc:
                if not idempotent:
                    raise
                err: PbxError = exc
            else:
                if resp.status_code == 401 and auth and not renewed:
                    renewed = True
                    await self._refresh(gen)
                    self.stats.retries += 1
                    continue
                if 200 <= resp.status_code < 300:
                    return resp
                if resp.status_code < 400:
                    raise not_api(resp, method, path)
                err = error_from_response(
                    resp.status_code,
                    error_json(resp),
                    method=method,
                    path=path,
                    sent_change=not idempotent,
                )
            if not (idempotent and isinstance(err, UnavailableError)) or self._over():
                raise err
            delay = self.retry.delay(attempt, self._rng)
            attempt += 1
            if attempt >= self.retry.tries or slept + delay > self.retry.max_total:
                raise err
            slept += delay
            self.stats.retries += 1
            log.debug("retrying %s %s in %.2f s (%s)", method, path, delay, err)
            await self._sleep(delay)

    def _over(self) -> bool:
        return self._deadline is not None and self._clock() >= self._deadline

    def _bearer(self) -> dict[str, str]:
        assert self._tokens is not None
        return {"Authorization": f"Bearer {self._tokens.access.get_secret_value()}"}

    async def get_json(self, path: str, params: dict[str, Any] | None = None) -> Any:
        """GET ``path`` and return the decoded JSON body (``BadAnswer`` if there is none)."""
        return decode(await self.request("GET", path, params=params), "GET", path)

    async def get_object(self, path: str, params: dict[str, Any] | None = None) -> dict[str, Any]:
        """GET ``path``; the body must be a JSON object (``BadAnswer`` otherwise)."""
        return expect_object(await self.get_json(path, params), f"GET {path}")

    async def post_json(self, path: str, body: Any = None) -> Any:
        """POST ``body`` to ``path``; return the decoded JSON body (None when empty)."""
        return decode(await self.request("POST", path, json=body), "POST", path, empty_ok=True)
