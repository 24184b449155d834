"""Hostile outside text for the tests: escape and markup names planted in a real sandbox
PBX, and a check that output holds no raw control character."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

import httpx
import pytest

from trunkwiz.domain.text import is_hidden
from trunkwiz.sandbox import server as server_module
from trunkwiz.sandbox.server import DEFAULT_ADMIN_PASSWORD, SandboxServer

#: Trunk names a Tenant Admin could give: terminal escapes (OSC 52 clipboard, window
#: title, cursor moves), a bidi override, C1 CSI, and Textual markup.
ESCAPE_NAMES = (
    "T\x1b]52;c;ZWNobyBwd25lZAo=\x07\x1b[8m",
    "Evil\x1b]0;PWNED\x07\x1b[2K\x1b[1A",
    "Bidi \u202eevil\u202c \x9b2J",
)
MARKUP_NAMES = ("Carrier [/old]", "Twilio [EU]", "Bold [b]x[/b] [@click=app.quit]q[/]")
#: Tenant names: markup, and an escape sequence.
TENANT_NAMES = ("Acme Dental [/EU] 001", "Bell\x07 \x1b]0;TENANT\x07 Ltd")
HOSTILE_STATUS = "ON\x1b]0;STATUS\x07LINE [/b]"
HOSTILE_401 = "Password expired [/b] contact admin \x1b]0;ERR\x07"


def raw_controls(text: str) -> list[str]:
    """The control/format characters in ``text`` other than newline and tab."""
    return [c for c in text if c not in "\n\t" and is_hidden(c)]


def hostile_sandbox(
    tenants: int = 6, answers: Mapping[str, tuple[int, Any]] | None = None
) -> SandboxServer:
    """A started sandbox whose first tenants have ``TENANT_NAMES`` and which holds one
    register trunk per name of ``ESCAPE_NAMES + MARKUP_NAMES`` (created over the API, as an
    admin of the PBX could; none when sign-in is overridden), each shared with the first
    tenant. Its HTTP answers to paths
    ending in a key of ``answers`` are replaced by ``(status, JSON body)`` (default: every
    trunk's status is ``HOSTILE_STATUS``)."""
    server = SandboxServer(tenants=tenants)
    for tenant, name in zip(server.state.tenants.values(), TENANT_NAMES, strict=False):
        tenant["name"] = name
    chosen = {"/status": (200, {"status": HOSTILE_STATUS})} if answers is None else answers
    with pytest.MonkeyPatch.context() as patch:
        real = server_module.create_app  # type: ignore[attr-defined]
        patch.setattr(server_module, "create_app", lambda *a, **k: override(real(*a, **k), chosen))
        server.start()
    if "/auth/sign_in" not in chosen:
        _plant_trunks(server)
    return server


def _plant_trunks(server: SandboxServer) -> None:
    first = next(iter(server.state.tenants))
    with httpx.Client(base_url=server.api_url, timeout=10) as client:
        reply = client.post(
            "/auth/sign_in", json={"username": "admin", "password": DEFAULT_ADMIN_PASSWORD}
        )
        headers = {"Authorization": f"Bearer {reply.json()['access_token']}"}
        for n, name in enumerate(ESCAPE_NAMES + MARKUP_NAMES):
            body = {
                "name": name,
                "brand": "Generic",
                "auth_mode": "REGISTER_AUTH",
                "auth_id": f"user{n}",
                "password": "hostile-test-pw",
                "transport": "UDP",
                "hostname": f"203.0.113.{n + 10}",
                "port": 5060,
                "outbound_server": "",
                "outbound_server_port": 0,
                "concurrency": 100,
            }
            created = client.post("/providers", json=body, headers=headers)
            assert created.status_code == 201, created.text
            pid = created.json()["id"]
            shared = client.post(
                f"/providers/{pid}/assignees/{first}",
                json={"did_numbers": f"1555000{n:04d}", "concurrency": 5},
                headers=headers,
            )
            assert shared.status_code in (200, 201, 204), shared.text


#: Answers of a PBX refusing every sign-in with ``HOSTILE_401``.
REFUSE_SIGN_IN = {
    "/auth/sign_in": (401, {"errors": [{"code": "UNAUTHORIZED", "message": HOSTILE_401}]})
}


def override(app: Any, answers: Mapping[str, tuple[int, Any]]) -> Any:
    """The sandbox's ASGI ``app`` with the answers to paths ending in a key of
    ``answers`` replaced by ``(status, JSON body)``."""

    async def wrapped(scope: Any, receive: Any, send: Any) -> None:
        path = scope.get("path", "") if scope["type"] == "http" else ""
        for suffix, (status, body) in answers.items():
            if path.endswith(suffix):
                await send(
                    {
                        "type": "http.response.start",
                        "status": status,
                        "headers": [(b"content-type", b"application/json")],
                    }
                )
                await send({"type": "http.response.body", "body": json.dumps(body).encode()})
                return
        await app(scope, receive, send)

    return wrapped
