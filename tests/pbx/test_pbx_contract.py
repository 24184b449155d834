"""Contract: every request the client sends, and every answer it reads, validates against
the v22 spec (path, query, body, security and response body), checked with openapi-core
on the exchanges recorded at the transport during a full flow against the sandbox."""

from __future__ import annotations

import copy
import json
from functools import cache
from pathlib import Path
from typing import Any

import httpx
import jsonschema
import pytest
from openapi_core import OpenAPI
from openapi_core.testing import MockRequest, MockResponse
from pydantic import SecretStr

from trunkwiz.domain.trunk import parse_trunk
from trunkwiz.pbx.client import PbxClient
from trunkwiz.pbx.inventory import load_inventory
from trunkwiz.pbx.plan import apply, plan
from trunkwiz.sandbox.server import DEFAULT_ADMIN_PASSWORD, SandboxServer

SPEC_FILE = Path(__file__).resolve().parents[2] / "trunkwiz" / "sandbox" / "data"


@cache
def spec_dict() -> dict[str, Any]:
    candidates = [
        *SPEC_FILE.glob("openapi*.json"),
        Path("/work/shared/portsip/openapi-v22-trunks.json"),
    ]
    for path in candidates:
        if path.exists():
            return json.loads(path.read_text())
    pytest.skip("the v22 OpenAPI spec is not available")


class Recorder(httpx.AsyncBaseTransport):
    """Passes requests to the real transport and keeps each exchange."""

    def __init__(self) -> None:
        self.inner = httpx.AsyncHTTPTransport()
        self.exchanges: list[tuple[httpx.Request, int, dict[str, str], bytes]] = []

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        response = await self.inner.handle_async_request(request)
        body = await response.aread()
        self.exchanges.append((request, response.status_code, dict(response.headers), body))
        return httpx.Response(response.status_code, headers=response.headers, content=body)

    async def aclose(self) -> None:
        await self.inner.aclose()


def openapi_for(base_url: str) -> OpenAPI:
    spec = copy.deepcopy(spec_dict())
    spec["servers"] = [{"url": f"{base_url}/api"}]
    return OpenAPI.from_dict(spec)


def as_mock(request: httpx.Request) -> MockRequest:
    url = request.url
    return MockRequest(
        host_url=f"{url.scheme}://{url.netloc.decode()}",
        method=request.method,
        path=url.path,
        args=dict(url.params),
        headers=dict(request.headers),
        data=request.content or None,
        content_type=request.headers.get("content-type", "application/json"),
    )


def check_sign_in_answer(body: dict[str, Any]) -> None:
    """The spec's ``oneOf`` for the sign-in answer cannot pass for any object: neither
    branch has required properties, so every object matches both. Check the token branch
    directly, and that the answer is not the two-factor one."""
    schema = spec_dict()["paths"]["/auth/sign_in"]["post"]["responses"]["200"]["content"]
    token_branch = schema["application/json"]["schema"]["oneOf"][1]
    jsonschema.validate(body, token_branch)
    assert set(body) == set(token_branch["properties"])


async def full_flow(server: SandboxServer, transport: Recorder) -> None:
    async with PbxClient(server.url, transport=transport) as pbx:
        await pbx.sign_in("admin", SecretStr(DEFAULT_ADMIN_PASSWORD))
        tenants = await pbx.tenants()
        await pbx.admin_status()
        inventory = await load_inventory(pbx, with_status=True)
        assert inventory.has_transport("UDP")
        want = parse_trunk(
            {
                "kind": "register",
                "name": "Contract",
                "hostname": "sip.contract.example",
                "auth_id": "acct",
                "password": "pw-123456",
                "additional_ips": ["203.0.113.0/24"],
                "tenants": [
                    {"tenant_id": t.id, "did_numbers": f"{100 + i}", "concurrency": 2}
                    for i, t in enumerate(tenants[:3])
                ],
            }
        )
        result = await apply(pbx, plan(want, None))
        pid = result.trunk_id
        assert pid
        await pbx.update_provider(pid, {"concurrency": 9, "keep_alive": True})
        assert await pbx.assignee(pid, tenants[0].id)
        assert await pbx.assignee(pid, tenants[10].id) is None  # 404
        await pbx.status(pid)
        await pbx.unassign(pid, tenants[0].id)
        server.faults.expire_tokens()
        await pbx.providers()  # 401, refresh, retry
        await pbx.destroy_provider(pid)
        await pbx.sign_out()


async def test_every_exchange_matches_the_spec(sandbox: SandboxServer) -> None:
    recorder = Recorder()
    await full_flow(sandbox, recorder)
    api = openapi_for(sandbox.url)
    seen: set[tuple[str, str]] = set()
    problems: list[str] = []
    for request, status, headers, body in recorder.exchanges:
        mock = as_mock(request)
        try:
            api.validate_request(mock)
        except Exception as exc:  # collect them all for one clear failure
            problems.append(f"request {request.method} {request.url}: {exc!r}")
            continue
        if status == 401 or status == 404:
            seen.add((request.method, f"{status}"))
            continue  # answers whose spec entry carries no body schema
        if request.url.path.endswith("/auth/sign_in"):
            check_sign_in_answer(json.loads(body))
            seen.add(("POST", "auth"))
            continue
        response = MockResponse(
            body, status_code=status, headers=headers,
            content_type=headers.get("content-type", "application/json") if body else "",
        )  # fmt: skip
        try:
            api.validate_response(mock, response)
        except Exception as exc:
            problems.append(f"response {status} to {request.method} {request.url}: {exc!r}")
        seen.add((request.method, request.url.path.split("/")[2]))
    assert problems == []
    assert len(recorder.exchanges) >= 20
    assert {("POST", "auth"), ("GET", "tenants"), ("POST", "providers"), ("GET", "network")} <= seen
    assert ("GET", "404") in seen and ("GET", "401") in seen


def test_the_validator_rejects_a_bad_request() -> None:
    api = openapi_for("http://127.0.0.1:1")
    bad_page = MockRequest(
        "http://127.0.0.1:1",
        "GET",
        "/api/tenants",
        args={"top": "500"},
        headers={"Authorization": "Bearer x"},
    )
    with pytest.raises(Exception, match=r"top|maximum|Parameter"):
        api.validate_request(bad_page)
    bad_body = MockRequest(
        "http://127.0.0.1:1",
        "POST",
        "/api/providers",
        headers={"Authorization": "Bearer x"},
        data=json.dumps({"name": "x", "port": "not-a-port"}).encode(),
    )
    with pytest.raises(Exception):  # noqa: B017 - any validation error will do
        api.validate_request(bad_body)
