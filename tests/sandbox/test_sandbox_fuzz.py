"""Property-based run: schemathesis generates valid and invalid requests for every spec
operation against a running sandbox; no reply may be a 5xx or fall outside the spec.

Bounded: a few examples per operation and mode (about a minute on 2 cores).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from urllib.parse import quote

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)
from schemathesis.openapi import from_dict

from tests.sandbox.conftest import SpecChecker, checker_spec, client_for, sign_in, trunk_body
from trunkwiz.sandbox.server import SandboxServer
from trunkwiz.sandbox.spec import load_spec, operations

OPERATIONS = sorted(operations(load_spec()).values(), key=lambda op: op.operation_id)
EXAMPLES = {GenerationMode.POSITIVE: 12, GenerationMode.NEGATIVE: 8}
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


def _path(template: str, params: dict[str, Any] | None) -> str:
    """``template`` with every path parameter as one percent-encoded segment.

    schemathesis percent-encodes generated *string* values, but a negative case may put a
    list or number there, which it inserts as ``str(value)``: a ``?`` or ``/`` inside then
    ends the path early, and the request reaches another operation than the one checked
    (``POST /providers/[['i?h']]/destroy`` is an update of trunk ``[['i``).
    """
    out = template
    for name, value in (params or {}).items():
        text = value if isinstance(value, str) else quote(str(value), safe="")
        out = out.replace("{" + name + "}", text)
    return out


@pytest.fixture(scope="module")
def fuzz_env() -> Iterator[dict[str, Any]]:
    """One sandbox for the whole run, with a trunk, an assignment and known ids."""
    server = SandboxServer(tenants=120).start()
    try:
        with client_for(server) as client:
            auth = sign_in(client)
            trunk = client.post("/providers", json=trunk_body(), headers=auth).json()["id"]
            tenant = next(iter(server.state.tenants))
            client.post(
                f"/providers/{trunk}/assignees/{tenant}",
                json={"did_numbers": "100-199"},
                headers=auth,
            )
            client.post(f"/tenants/switch?id={tenant}", headers=auth)
            rule = server.state.add_inbound_rule(tenant, trunk, "150")
        transport = next(iter(server.state.transports))
        client = client_for(server)
        yield {
            "server": server,
            "client": client,
            "auth": auth,
            "schema": from_dict(checker_spec()),
            "ids": {"id": [trunk, tenant, transport, rule], "tenant_id": [tenant]},
        }
        client.close()
    finally:
        server.stop()


@pytest.mark.slow
@pytest.mark.timeout(300)
@pytest.mark.parametrize("mode", list(EXAMPLES), ids=lambda m: m.value)
@pytest.mark.parametrize("operation", OPERATIONS, ids=lambda op: op.operation_id)
def test_no_server_error_and_every_reply_in_spec(
    fuzz_env: dict[str, Any], spec_checker: SpecChecker, operation: Any, mode: GenerationMode
) -> None:
    server: SandboxServer = fuzz_env["server"]
    api_op = fuzz_env["schema"][operation.path][operation.method]
    known = {k: v for k, v in fuzz_env["ids"].items() if "{" + k + "}" in operation.path}
    strategy = api_op.as_strategy(mode)
    if known:  # half the cases address real objects, the others random ids
        fixed = st.fixed_dictionaries({k: st.sampled_from(v) for k, v in known.items()})
        strategy = st.one_of(
            strategy, fixed.flatmap(lambda p: api_op.as_strategy(mode, path_parameters=p))
        )
    seen: list[int] = []

    @settings(
        max_examples=EXAMPLES[mode],
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(case=strategy)
    def run(case: Any) -> None:
        headers = {} if operation.operation_id == "signOut" else dict(fuzz_env["auth"])
        if operation.operation_id == "signOut":  # never end the run's own session
            with client_for(server) as fresh:
                headers = sign_in(fresh)
        kwargs = case.as_transport_kwargs(base_url=server.api_url, headers=headers)
        kwargs["url"] = server.api_url + _path(operation.path, case.path_parameters)
        kwargs.pop("cookies", None)
        body = kwargs.pop("json", None)
        response = fuzz_env["client"].request(
            kwargs["method"],
            kwargs["url"],
            params=kwargs.get("params"),
            headers=kwargs["headers"],
            json=body,
            content=kwargs.get("data"),
        )
        seen.append(response.status_code)
        assert response.status_code < 500, response.text
        assert spec_checker.problems(response) == []
        checks = CHECKS
        if response.status_code == 401 and operation.secured:  # allowed, see conftest
            checks = [c for c in CHECKS if c is not status_code_conformance]
        case.validate_response(response, checks=checks)

    run()
    assert seen, "no request was made"
