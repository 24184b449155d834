"""The ASGI app: routes built from the spec, auth, typed request checks, fault switches.

Every spec operation is served under ``/api`` (the PBX's base path). For each call:
bearer token (unless the operation is open), query options, then the JSON body against
the operation's schema (typed, open objects, see :mod:`trunkwiz.sandbox.spec`; fields the
schema does not name are dropped), then the handler. The
non-spec path ``/_sandbox/faults`` (GET/POST, no token) reads and sets the fault switches.

A request body is read up to `MAX_REQUEST_BODY` bytes and decoded by
``trunkwiz.domain.jsonbounds.loads``: a larger body, or one nested deeper than its
``MAX_DEPTH``, is a 400 ``VALIDATE_FAILED`` like any other unusable body.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from typing import Any
from urllib.parse import unquote

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp, Receive, Scope, Send

from trunkwiz.domain.jsonbounds import JsonRefused
from trunkwiz.domain.jsonbounds import loads as json_loads
from trunkwiz.sandbox import api_assignees, api_rules, api_system, api_trunks
from trunkwiz.sandbox.context import Ctx, Raw, Services, parse_query
from trunkwiz.sandbox.errors import ApiError, entry, from_problems, invalid
from trunkwiz.sandbox.faults import Faults
from trunkwiz.sandbox.spec import Operation, known_only, operations, validate

log = logging.getLogger("trunkwiz.sandbox")

Handler = Callable[[Ctx], tuple[int, Any]]

MAX_REQUEST_BODY = 1024 * 1024
"""Bytes of a request body read at most (nginx's default ``client_max_body_size``)."""

HANDLERS: dict[str, Handler] = {
    "signInWithCredentials": api_system.sign_in,
    "refreshToken": api_system.refresh_token,
    "signOut": api_system.sign_out,
    "getUserAuthInfo": api_system.user_info,
    "retrieveCurrentSystemStatus": api_system.admin_status,
    "retrieveNetworkConfigurations": api_system.network,
    "listTransports": api_system.list_transports,
    "showTransport": api_system.show_transport,
    "listTenants": api_system.list_tenants,
    "showTenant": api_system.show_tenant,
    "switchTenants": api_system.switch_tenant,
    "createProvider": api_trunks.create_provider,
    "listProviders": api_trunks.list_providers,
    "getProvider": api_trunks.get_provider,
    "updateProvider": api_trunks.update_provider,
    "getProviderStatus": api_trunks.provider_status,
    "deleteProvider": api_trunks.destroy_provider,
    "exportProviders": api_trunks.export_providers,
    "listProviderAssignees": api_assignees.list_assignees,
    "assignProvider": api_assignees.assign,
    "checkProviderAssignee": api_assignees.check_assignee,
    "destroyProviderAssignee": api_assignees.unassign,
    **api_rules.HANDLERS,
}

#: Checks that run before the schema, for a clearer message than "not a known field".
PRECHECKS: dict[str, Callable[[Any], None]] = {"updateProvider": api_trunks.immutable_fields}


def create_app(services: Services, spec: dict[str, Any]) -> ASGIApp:
    """The sandbox PBX as an ASGI app."""
    by_path: dict[str, dict[str, Operation]] = {}
    for op in operations(spec).values():
        by_path.setdefault(op.path, {})[op.method] = op
    # literal segments before parameters, so /providers/export is not taken as an id
    paths = sorted(by_path, key=lambda p: [s.startswith("{") for s in p.split("/")])
    routes = [
        Route(f"/api{p}", _endpoint(services, by_path[p]), methods=list(by_path[p])) for p in paths
    ]
    routes.append(
        Route("/_sandbox/faults", _faults_endpoint(services.faults), methods=["GET", "POST"])
    )
    return FaultMiddleware(SegmentPaths(Starlette(routes=routes)), services.faults)


def _endpoint(services: Services, ops: dict[str, Operation]) -> Callable[..., Any]:
    async def endpoint(request: Request) -> Response:
        op = ops[request.method]
        try:
            session = None
            if op.secured:
                session = services.tokens.check(request.headers.get("authorization"))
            params = {k: unquote(v) for k, v in request.path_params.items()}
            ctx = Ctx(services, op, session, params)
            ctx.query = parse_query(op, request.query_params)
            if services.faults.one_based_paging and "skip" in ctx.query:
                ctx.query["skip"] = max(int(ctx.query["skip"]) - 1, 0)
            ctx.body = await _read_body(request, op)
            status, payload = HANDLERS[op.operation_id](ctx)
        except ApiError as exc:
            return JSONResponse(exc.body(), status_code=_spec_status(op, exc.status))
        except Exception:
            log.exception("sandbox handler %s failed", op.operation_id)
            body = {"errors": [entry("UNKNOWN", "unknown error")]}
            return JSONResponse(body, status_code=500)
        if isinstance(payload, Raw):
            return Response(payload.content, status, payload.headers, payload.media_type)
        if payload is None:
            return Response(status_code=status)
        return JSONResponse(payload, status_code=status)

    return endpoint


async def _read_capped(request: Request) -> bytes:
    """The request body; ``JsonRefused`` (size) as soon as it passes `MAX_REQUEST_BODY`."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > MAX_REQUEST_BODY:
        raise JsonRefused("size", f"larger than {MAX_REQUEST_BODY} bytes")
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > MAX_REQUEST_BODY:
            raise JsonRefused("size", f"larger than {MAX_REQUEST_BODY} bytes")
        chunks.append(chunk)
    return b"".join(chunks)


async def json_body(request: Request) -> Any:
    """The request's JSON body (None when empty); ``JsonRefused`` when it is larger than
    `MAX_REQUEST_BODY`, nested too deeply or not JSON."""
    raw = await _read_capped(request)
    if not raw.strip():
        return None
    return json_loads(raw, max_bytes=MAX_REQUEST_BODY)


async def _read_body(request: Request, op: Operation) -> Any:
    if op.body_schema is None:
        return None
    try:
        body = await json_body(request)
    except JsonRefused as exc:
        if exc.kind == "syntax":
            raise invalid("The request body is not valid JSON.") from None
        raise invalid(f"The request body is {exc}.") from None
    if body is None:
        if op.body_required:
            raise invalid("A JSON request body is required.")
        body = {}  # an optional body left out: still checked for required fields
    precheck = PRECHECKS.get(op.operation_id)
    if precheck is not None:
        precheck(body)
    problems = validate(body, op.body_schema)
    if problems:
        raise from_problems(problems)
    return known_only(body, op.body_schema)


def _spec_status(op: Operation, status: int) -> int:
    """``status``, or the 4xx the spec lists when it lists no 4XX class (401 always passes)."""
    if op.allows(status) or status == 401 or status >= 500:
        return status
    listed = sorted(int(s) for s in op.statuses if s.isdigit() and s.startswith("4"))
    return listed[0] if listed else status


def _faults_endpoint(faults: Faults) -> Callable[..., Any]:
    async def endpoint(request: Request) -> Response:
        if request.method == "POST":
            try:
                body = await json_body(request)
                body = {} if body is None else body
                if not isinstance(body, dict):
                    raise ValueError("the body must be a JSON object")
                faults.apply(body)
            except ValueError as exc:
                return JSONResponse({"errors": [entry("VALIDATE_FAILED", str(exc))]}, 400)
        return JSONResponse(faults.describe())

    return endpoint


class SegmentPaths:
    """Route on the path as sent: an encoded ``/`` (``%2F``) stays inside its segment.

    The server hands over ``path`` fully decoded, so ``/providers/X%2Fdestroy`` (an
    update of trunk ``X/destroy``) would be routed as a destroy of trunk ``X``. Per RFC
    3986 a percent-encoded slash is data, not a separator: each segment of ``raw_path`` is
    decoded on its own and its ``%`` and ``/`` kept encoded for the router; the endpoint
    decodes its path parameters once more.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        raw = scope.get("raw_path") if scope["type"] == "http" else None
        if raw and b"%" in raw:
            segments = (
                unquote(part).replace("%", "%25").replace("/", "%2F")
                for part in raw.decode("ascii", "replace").split("/")
            )
            scope = {**scope, "path": "/".join(segments)}
        await self.app(scope, receive, send)


class FaultMiddleware:
    """Applies the fault switches to calls under ``/api``."""

    def __init__(self, app: ASGIApp, faults: Faults) -> None:
        self.app = app
        self.faults = faults

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not scope["path"].startswith("/api/"):
            await self.app(scope, receive, send)
            return
        action = self.faults.next_call()
        gate = self.faults.gate_for(str(scope.get("method", "")))
        if gate is not None:
            await self.faults.hold(gate)
        if action.delay_s:
            await asyncio.sleep(action.delay_s)
        if action.kind == "drop":
            await _drop_connection(receive)
            return
        if action.kind == "fail":
            message = f"injected fault: this call fails with HTTP {action.status}"
            body = {"errors": [entry("UNKNOWN", message)]}
            await JSONResponse(body, status_code=action.status)(scope, receive, send)
            return
        await self.app(scope, receive, send)


async def _drop_connection(receive: Receive) -> None:
    """Close the client's connection without a reply (uvicorn's cycle exposes its transport)."""
    cycle = getattr(receive, "__self__", None)
    transport = getattr(cycle, "transport", None)
    if transport is None:
        raise RuntimeError("cannot drop the connection: the server hides its transport")
    transport.abort()
    for _ in range(3):  # let connection_lost run so the server sends nothing more
        await asyncio.sleep(0)
