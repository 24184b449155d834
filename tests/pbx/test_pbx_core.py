"""The HTTP core over ``httpx.MockTransport``: sign-in, refresh, paging, retries, errors."""

from __future__ import annotations

import asyncio
import json
import logging
import random
from collections.abc import Callable
from typing import Any

import httpx
import pytest
from pydantic import SecretStr

from trunkwiz.pbx.client import PbxClient
from trunkwiz.pbx.errors import (
    AuthError,
    ConflictError,
    NotFoundError,
    PbxValidationError,
    TwoFactorRequired,
    UnavailableError,
)
from trunkwiz.pbx.session import RetryPolicy

PASSWORD = "s3cret-Pa55"
Handler = Callable[[httpx.Request], httpx.Response]


class FakePbx:
    """A tiny scripted PBX: auth endpoints plus per-path handlers."""

    def __init__(self, *, expires_in: int = 3600) -> None:
        self.expires_in = expires_in
        self.generation = 0
        self.valid: set[str] = set()
        self.log: list[httpx.Request] = []
        self.routes: dict[tuple[str, str], Handler] = {}
        self.role = "SystemAdmin"
        self.refresh_ok = True

    def _tokens(self) -> dict[str, Any]:
        self.generation += 1
        access = f"acc-{self.generation}"
        self.valid = {access}
        return {
            "token_type": "Bearer",
            "access_token": access,
            "refresh_token": f"ref-{self.generation}",
            "expires_in": self.expires_in,
        }

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.log.append(request)
        path = request.url.path.removeprefix("/api")
        if path == "/auth/sign_in":
            body = json.loads(request.content)
            if body["password"] != PASSWORD:
                return httpx.Response(401, json={"errors": [{"message": "wrong credentials"}]})
            return httpx.Response(200, json=self._tokens())
        if path == "/auth/refresh_token":
            body = json.loads(request.content)
            if not self.refresh_ok or body["refresh_token"] != f"ref-{self.generation}":
                return httpx.Response(401, json={"errors": [{"message": "bad refresh"}]})
            return httpx.Response(200, json=self._tokens())
        auth = request.headers.get("authorization", "")
        if auth.removeprefix("Bearer ") not in self.valid:
            return httpx.Response(401, json={"errors": [{"code": "UNAUTHORIZED"}]})
        if path == "/auth/user":
            return httpx.Response(200, json={"role": self.role})
        handler = self.routes.get((request.method, path))
        if handler is None:
            return httpx.Response(404, json={"errors": [{"message": f"no route {path}"}]})
        return handler(request)

    def calls(self, path: str) -> list[httpx.Request]:
        return [r for r in self.log if r.url.path == f"/api{path}"]


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def fake() -> FakePbx:
    return FakePbx()


@pytest.fixture
def sleeps() -> list[float]:
    return []


@pytest.fixture
def make_client(fake: FakePbx, sleeps: list[float]):
    async def record_sleep(delay: float) -> None:
        sleeps.append(delay)

    def build(**kw: Any) -> PbxClient:
        client = PbxClient(
            "https://pbx.test:8887",
            transport=httpx.MockTransport(fake),
            sleep=record_sleep,
            rng=random.Random(7),
            **kw,
        )
        return client

    return build


async def test_sign_in_as_system_admin(fake: FakePbx, make_client) -> None:
    async with make_client() as pbx:
        session = await pbx.sign_in("admin", SecretStr(PASSWORD))
    assert session.role == "SystemAdmin" and session.is_system_admin
    assert session.domain is None
    sign_in = json.loads(fake.calls("/auth/sign_in")[0].content)
    assert "domain" not in sign_in
    assert fake.calls("/auth/user")[0].headers["authorization"] == "Bearer acc-1"


async def test_sign_in_as_tenant_admin_sends_domain(fake: FakePbx, make_client) -> None:
    fake.role = "Admin"
    async with make_client() as pbx:
        session = await pbx.sign_in("alice", SecretStr(PASSWORD), domain="acme.example.com")
    assert session.role == "Admin" and not session.is_system_admin
    assert session.domain == "acme.example.com"
    assert json.loads(fake.calls("/auth/sign_in")[0].content)["domain"] == "acme.example.com"


async def test_two_factor_answer_raises(fake: FakePbx, make_client) -> None:
    fake.routes = {}

    def two_factor(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json={"two_factor_enabled": True, "token": "t"})

    transport = httpx.MockTransport(two_factor)
    async with PbxClient("https://pbx.test", transport=transport) as pbx:
        with pytest.raises(TwoFactorRequired, match="two-factor sign-in is not supported yet"):
            await pbx.sign_in("admin", SecretStr(PASSWORD))


async def test_wrong_password_is_auth_error_with_pbx_message(make_client) -> None:
    async with make_client() as pbx:
        with pytest.raises(AuthError, match="wrong credentials") as info:
            await pbx.sign_in("admin", SecretStr("nope"))
    assert "nope" not in str(info.value)


async def test_token_refreshed_shortly_before_expiry(fake: FakePbx, make_client) -> None:
    fake.expires_in = 100
    fake.routes[("GET", "/network")] = lambda r: httpx.Response(200, json={"public_ipv4": "x"})
    clock = Clock()
    async with make_client(clock=clock) as pbx:
        await pbx.sign_in("admin", SecretStr(PASSWORD))
        await pbx.network()
        assert fake.calls("/auth/refresh_token") == []
        clock.now += 95  # within the margin (10 s for a 100 s token)
        await pbx.network()
        assert len(fake.calls("/auth/refresh_token")) == 1
        assert fake.calls("/network")[-1].headers["authorization"] == "Bearer acc-2"
        assert pbx.stats.refreshes == 1


async def test_401_refreshes_once_and_retries(fake: FakePbx, make_client) -> None:
    fake.routes[("GET", "/network")] = lambda r: httpx.Response(200, json={"web_domain": "w"})
    async with make_client() as pbx:
        await pbx.sign_in("admin", SecretStr(PASSWORD))
        fake.valid = set()  # the PBX forgets every token
        assert (await pbx.network()).web_domain == "w"
    assert len(fake.calls("/auth/refresh_token")) == 1
    assert len(fake.calls("/network")) == 2


async def test_failed_refresh_raises_auth_error(fake: FakePbx, make_client) -> None:
    fake.routes[("GET", "/network")] = lambda r: httpx.Response(200, json={})
    async with make_client() as pbx:
        await pbx.sign_in("admin", SecretStr(PASSWORD))
        fake.valid = set()
        fake.refresh_ok = False
        with pytest.raises(AuthError, match="sign in again"):
            await pbx.network()


async def test_persistent_401_after_refresh_is_auth_error(fake: FakePbx, make_client) -> None:
    fake.routes[("GET", "/network")] = lambda r: httpx.Response(401, json={"errors": []})
    async with make_client() as pbx:
        await pbx.sign_in("admin", SecretStr(PASSWORD))
        with pytest.raises(AuthError):
            await pbx.network()
    assert len(fake.calls("/network")) == 2  # once, then once more after the refresh


async def test_concurrent_401s_share_one_refresh(fake: FakePbx, make_client) -> None:
    fake.routes[("GET", "/network")] = lambda r: httpx.Response(200, json={})
    async with make_client() as pbx:
        await pbx.sign_in("admin", SecretStr(PASSWORD))
        fake.valid = set()
        await asyncio.gather(*(pbx.network() for _ in range(8)))
    assert len(fake.calls("/auth/refresh_token")) == 1


def paged(total: int, *, ignore_skip: bool = False, lie: int = 0) -> Handler:
    def handler(request: httpx.Request) -> httpx.Response:
        skip = int(request.url.params.get("skip", 0))
        top = int(request.url.params.get("top", 100))
        assert 1 <= top <= 100
        start = 0 if ignore_skip else skip
        items = [{"id": str(i)} for i in range(start, min(start + top, total))]
        return httpx.Response(200, json={"count": total + lie, "items": items})

    return handler


async def test_paging_walks_every_page(fake: FakePbx, make_client) -> None:
    fake.routes[("GET", "/tenants")] = paged(250)
    async with make_client() as pbx:
        await pbx.sign_in("admin", SecretStr(PASSWORD))
        tenants = await pbx.tenants()
        assert pbx.skip_base == 0
    assert [t.id for t in tenants] == [str(i) for i in range(250)]
    skips = [int(r.url.params["skip"]) for r in fake.calls("/tenants")]
    assert skips == [0, 1, 100, 200]  # skip=1 once: which convention the PBX uses


async def test_one_page_needs_no_detection(fake: FakePbx, make_client) -> None:
    fake.routes[("GET", "/tenants")] = paged(100)
    async with make_client() as pbx:
        await pbx.sign_in("admin", SecretStr(PASSWORD))
        assert len(await pbx.tenants()) == 100
        assert pbx.skip_base is None
    assert len(fake.calls("/tenants")) == 1


async def test_a_short_page_before_count_is_an_error(fake, make_client) -> None:
    fake.routes[("GET", "/tenants")] = paged(150, lie=1000)  # count claims 1150
    async with make_client() as pbx:
        await pbx.sign_in("admin", SecretStr(PASSWORD))
        with pytest.raises(UnavailableError, match="said 1150 items but returned only 150"):
            await pbx.tenants()


async def test_an_empty_first_page_with_a_count_is_an_error(fake, make_client) -> None:
    fake.routes[("GET", "/tenants")] = lambda r: httpx.Response(200, json={"count": 3, "items": []})
    async with make_client() as pbx:
        await pbx.sign_in("admin", SecretStr(PASSWORD))
        with pytest.raises(UnavailableError, match="incomplete"):
            await pbx.tenants()


async def test_paging_is_bounded_when_server_never_finishes(fake, make_client) -> None:
    def endless(request: httpx.Request) -> httpx.Response:
        skip = int(request.url.params["skip"])
        top = int(request.url.params["top"])
        items = [{"id": str(skip + i)} for i in range(top)]
        return httpx.Response(200, json={"count": 10**9, "items": items})

    fake.routes[("GET", "/providers")] = endless
    async with make_client() as pbx:
        await pbx.sign_in("admin", SecretStr(PASSWORD))
        with pytest.raises(UnavailableError, match="more than 20 pages; stopped"):
            await pbx.list_all("/providers", max_pages=20)
    assert len(fake.calls("/providers")) == 1  # the first page's count is enough to stop


class Concurrent:
    """``FakePbx`` behind an async transport that counts the requests in flight."""

    def __init__(self, fake: FakePbx) -> None:
        self.fake, self.in_flight, self.peak = fake, 0, 0

    async def __call__(self, request: httpx.Request) -> httpx.Response:
        self.in_flight += 1
        self.peak = max(self.peak, self.in_flight)
        try:
            for _ in range(3):  # let the client start whatever else it would
                await asyncio.sleep(0)
            return self.fake(request)
        finally:
            self.in_flight -= 1


def numbered(count: int, short_at: int | None = None) -> Handler:
    """A collection of ``count`` items; the page at ``short_at`` comes back short."""

    def page(request: httpx.Request) -> httpx.Response:
        skip, top = int(request.url.params["skip"]), int(request.url.params["top"])
        items = [{"id": str(i)} for i in range(skip, min(skip + top, count))]
        if skip == short_at:
            items = items[:10]
        return httpx.Response(200, json={"count": count, "items": items})

    return page


async def test_pages_after_the_first_come_in_parallel_and_in_order(fake: FakePbx) -> None:
    fake.routes[("GET", "/tenants")] = numbered(10_000)
    transport = Concurrent(fake)
    async with PbxClient("https://pbx.test", transport=httpx.MockTransport(transport)) as pbx:
        await pbx.sign_in("admin", SecretStr(PASSWORD))
        items = await pbx.list_all("/tenants", concurrency=8)
    assert [i["id"] for i in items] == [str(i) for i in range(10_000)]
    assert len(fake.calls("/tenants")) == 1 + 1 + 99  # the first page, the probe, the rest
    assert transport.peak == 8  # the bound, reached


async def test_a_short_page_among_parallel_ones_fails_clearly(fake: FakePbx) -> None:
    fake.routes[("GET", "/tenants")] = numbered(1_000, short_at=500)
    transport = Concurrent(fake)
    async with PbxClient("https://pbx.test", transport=httpx.MockTransport(transport)) as pbx:
        await pbx.sign_in("admin", SecretStr(PASSWORD))
        with pytest.raises(UnavailableError, match="said 1000 items but returned only 510"):
            await pbx.list_all("/tenants", concurrency=4)
    assert transport.in_flight == 0  # nothing left running


def answer(status: int, body: Any = None) -> Handler:
    return lambda request: httpx.Response(status, json=body)


@pytest.mark.parametrize(
    ("status", "kind"),
    [(404, NotFoundError), (409, ConflictError), (403, AuthError)],
)
async def test_status_maps_to_typed_error(fake, make_client, status, kind) -> None:
    fake.routes[("GET", "/providers/p1")] = answer(status, {"errors": [{"message": "nope"}]})
    async with make_client() as pbx:
        await pbx.sign_in("admin", SecretStr(PASSWORD))
        with pytest.raises(kind, match="nope"):
            await pbx.provider("p1")
    assert len(fake.calls("/providers/p1")) == 1


async def test_validation_error_carries_messages_and_field(fake, make_client) -> None:
    errors = {
        "errors": [
            {"code": "VALIDATE_FAILED", "message": "did_numbers overlaps tenant Acme"},
            {"code": "VALIDATE_FAILED", "message": "second reason"},
        ]
    }
    fake.routes[("POST", "/providers/p1/assignees/t1")] = answer(400, errors)
    async with make_client() as pbx:
        await pbx.sign_in("admin", SecretStr(PASSWORD))
        with pytest.raises(PbxValidationError) as info:
            await pbx.assign("p1", "t1", "100-200", 5)
    assert info.value.messages == ("did_numbers overlaps tenant Acme", "second reason")
    assert info.value.codes == ("VALIDATE_FAILED", "VALIDATE_FAILED")
    assert info.value.field == "did_numbers"
    assert "overlaps tenant Acme" in str(info.value)


async def test_get_retries_5xx_with_bounded_backoff(fake, make_client, sleeps) -> None:
    replies = iter([answer(503), answer(500), answer(200, {"public_ipv4": "1.2.3.4"})])
    fake.routes[("GET", "/network")] = lambda r: next(replies)(r)
    async with make_client() as pbx:
        await pbx.sign_in("admin", SecretStr(PASSWORD))
        assert (await pbx.network()).public_ipv4 == "1.2.3.4"
    assert len(sleeps) == 2 and sleeps[0] < sleeps[1] * 2
    assert 0.05 <= sleeps[0] <= 0.1 and 0.1 <= sleeps[1] <= 0.2


async def test_get_gives_up_after_the_bounded_tries(fake, make_client, sleeps) -> None:
    fake.routes[("GET", "/network")] = answer(429, {"errors": [{"message": "slow down"}]})
    async with make_client(retry=RetryPolicy(tries=3, max_total=2.0)) as pbx:
        await pbx.sign_in("admin", SecretStr(PASSWORD))
        with pytest.raises(UnavailableError, match="slow down"):
            await pbx.network()
    assert len(fake.calls("/network")) == 3
    assert sum(sleeps) <= 2.0


async def test_get_retries_network_errors(fake, make_client, sleeps) -> None:
    attempts = []

    def flaky(request: httpx.Request) -> httpx.Response:
        attempts.append(1)
        if len(attempts) == 1:
            raise httpx.ReadTimeout("slow", request=request)
        return httpx.Response(200, json={"status": "ONLINE"})

    fake.routes[("GET", "/providers/p1/status")] = flaky
    async with make_client() as pbx:
        await pbx.sign_in("admin", SecretStr(PASSWORD))
        assert await pbx.status("p1") == "ONLINE"
    assert len(attempts) == 2 and len(sleeps) == 1


async def test_post_5xx_is_never_resent(fake, make_client, sleeps) -> None:
    fake.routes[("POST", "/providers")] = answer(500, {"errors": [{"message": "boom"}]})
    async with make_client() as pbx:
        await pbx.sign_in("admin", SecretStr(PASSWORD))
        with pytest.raises(UnavailableError) as info:
            await pbx.create_provider({"name": "x"})
    assert len(fake.calls("/providers")) == 1 and sleeps == []
    assert info.value.outcome_unknown


async def test_post_connection_drop_reports_unknown_outcome(fake, make_client, sleeps) -> None:
    def drop(request: httpx.Request) -> httpx.Response:
        raise httpx.RemoteProtocolError("Server disconnected", request=request)

    fake.routes[("POST", "/providers/p1/assignees/t1")] = drop
    async with make_client() as pbx:
        await pbx.sign_in("admin", SecretStr(PASSWORD))
        with pytest.raises(UnavailableError, match="outcome is unknown") as info:
            await pbx.assign("p1", "t1", "1", 1)
    assert info.value.outcome_unknown
    assert len(fake.calls("/providers/p1/assignees/t1")) == 1 and sleeps == []


async def test_post_connect_error_says_nothing_was_sent(fake, make_client) -> None:
    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("connection refused", request=request)

    fake.routes[("POST", "/providers/p1/destroy")] = refuse
    async with make_client() as pbx:
        await pbx.sign_in("admin", SecretStr(PASSWORD))
        with pytest.raises(UnavailableError, match="could not connect") as info:
            await pbx.destroy_provider("p1")
    assert not info.value.outcome_unknown


async def test_secrets_never_in_repr_or_debug_log(fake, make_client, caplog) -> None:
    fake.routes[("GET", "/network")] = answer(200, {})
    caplog.set_level(logging.DEBUG)
    async with make_client() as pbx:
        session = await pbx.sign_in("admin", SecretStr(PASSWORD))
        await pbx.network()
        shown = repr(pbx) + repr(session) + repr(pbx._tokens)
    text = caplog.text + shown
    assert "GET /network -> 200" in caplog.text
    for secret in (PASSWORD, "acc-1", "ref-1"):
        assert secret not in text


async def test_unsigned_request_is_refused_locally(fake, make_client) -> None:
    async with make_client() as pbx:
        with pytest.raises(AuthError, match="sign in first"):
            await pbx.network()
    assert fake.log == []
