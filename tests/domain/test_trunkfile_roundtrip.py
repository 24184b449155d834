"""Property: a valid trunk file survives parse -> emit -> parse unchanged, and emitting
is stable (emit(parse(emit(parse(x)))) == emit(parse(x)))."""

from __future__ import annotations

from typing import Any

import tomli_w
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from trunkwiz.compat import tomllib
from trunkwiz.domain.options import OPTION_FIELDS
from trunkwiz.domain.trunkfile import emit_file, parse

SAFE = st.text(alphabet="abcdefghijklmnopqrstuvwxyzABC0123456789 ._-", min_size=1, max_size=20)
NAMES = SAFE.map(str.strip).filter(bool)
HOSTS = st.sampled_from(["sip.example.com", "10.0.0.1", "2001:db8::1", "carrier-1.example.net"])
NETS = st.sampled_from(["203.0.113.7", "198.51.100.0/24", "192.0.2.0/28", "2001:db8::/64"])
INT32 = st.integers(min_value=0, max_value=2**31 - 1)


def pool(base: int) -> st.SearchStrategy[str]:
    """A DID pool inside [base, base + 999] (so pools of different bases never overlap)."""
    entry = st.tuples(st.integers(0, 999), st.integers(0, 999)).map(
        lambda ab: f"{base + min(ab)}-{base + max(ab)}" if ab[0] != ab[1] else str(base + ab[0])
    )
    return st.lists(entry, min_size=1, max_size=1).map(";".join)


@st.composite
def options(draw: st.DrawFn) -> dict[str, Any]:
    keys = draw(st.lists(st.sampled_from(OPTION_FIELDS), unique=True, max_size=5))
    return {
        k: draw(st.integers(0, 10_000) if k == "keep_alive_interval" else st.booleans())
        for k in keys
    }


@st.composite
def trunk(draw: st.DrawFn, name: str) -> dict[str, Any]:
    kind = draw(st.sampled_from(["register", "ip", "accept_register"]))
    data: dict[str, Any] = {"name": name, "kind": kind, "hostname": draw(HOSTS)}
    if draw(st.booleans()):
        data.update(
            port=draw(st.integers(0, 65535)), transport=draw(st.sampled_from(["UDP", "TCP", "TLS"]))
        )
    if draw(st.booleans()):
        data.update(outbound_server=draw(HOSTS), outbound_server_port=draw(st.integers(0, 65535)))
    if draw(st.booleans()):
        data["additional_ips"] = draw(st.lists(NETS, unique=True, max_size=3))
    if kind != "ip":
        data["auth_id"] = draw(NAMES)
        if draw(st.booleans()):
            data.update(
                username=draw(NAMES),
                registration=draw(st.booleans()),
                register_interval=draw(INT32),
            )
    if draw(st.booleans()):
        data["concurrency"] = draw(INT32)
    if draw(st.booleans()):
        data["options"] = draw(options())
    if kind != "ip" and draw(st.booleans()):
        data["did_numbers"] = draw(pool(10_000_000))
    else:
        refs = draw(st.lists(NAMES, unique_by=str.casefold, max_size=3))
        data["tenants"] = [
            {
                "tenant": ref,
                "did_numbers": draw(pool(20_000_000 + 1000 * j)),
                "concurrency": draw(INT32),
            }
            for j, ref in enumerate(refs)
        ]
    return data


@st.composite
def files(draw: st.DrawFn) -> str:
    names = draw(st.lists(NAMES, min_size=1, max_size=3, unique_by=str.casefold))
    return tomli_w.dumps({"trunk": [draw(trunk(n)) for n in names]})


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(files())
def test_emit_parse_round_trip(text: str) -> None:
    first = parse(text)
    emitted = emit_file(first)
    second = parse(emitted)
    assert [t.model_dump() for t in second.trunks] == [t.model_dump() for t in first.trunks]
    assert emit_file(second) == emitted
    assert not [k for k in _keys(tomllib.loads(emitted)) if "password" in k.lower()]


def _keys(value: Any) -> list[str]:
    """Every key at any depth (values may be anything, a tenant named "password" too)."""
    if isinstance(value, dict):
        return [k for k, v in value.items() for k in (k, *_keys(v))]
    if isinstance(value, list):
        return [k for v in value for k in _keys(v)]
    return []
