"""``trunkwiz.domain.jsonbounds``: JSON from outside decoded within size and depth limits."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from trunkwiz.domain.jsonbounds import (
    MAX_DEPTH,
    JsonRefused,
    loads,
    value_deeper_than,
)

VALUES = st.recursive(
    st.none() | st.integers() | st.text(alphabet='ab[]{}"\\\n', max_size=6),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=3), inner),
    max_leaves=40,
)


def depth(value: Any) -> int:
    if isinstance(value, dict):
        return 1 + max(map(depth, value.values()), default=0)
    if isinstance(value, list):
        return 1 + max(map(depth, value), default=0)
    return 0


@given(VALUES, st.integers(min_value=0, max_value=12))
def test_depth_counts_nested_objects_and_lists_only(value: Any, levels: int) -> None:
    text = json.dumps(value, ensure_ascii=False)
    assert value_deeper_than(value, levels) == (depth(value) > levels)
    if depth(value) <= MAX_DEPTH:
        assert loads(text) == value
        assert loads(text.encode("utf-16")) == value


@pytest.mark.parametrize("levels", [MAX_DEPTH + 1, 1_000, 200_000])
@pytest.mark.parametrize("kind", ["[]", "{}", "mixed"])
def test_deep_nesting_is_refused_never_a_recursion_error(levels: int, kind: str) -> None:
    if kind == "mixed":
        text = '{"a": [' * (levels // 2 + 1) + "]}" * (levels // 2 + 1)
    elif kind == "{}":
        text = '{"a": ' * levels + "1" + "}" * levels  # objects: keys and a value inside
    else:
        text = kind[0] * levels + kind[1] * levels
    with pytest.raises(JsonRefused) as caught:
        loads(text)
    assert caught.value.kind == "depth"
    assert str(caught.value) == f"nested deeper than {MAX_DEPTH} levels"


def test_exactly_the_limit_is_accepted() -> None:
    assert depth(loads("[" * MAX_DEPTH + "]" * MAX_DEPTH)) == MAX_DEPTH


def test_a_parser_limit_below_the_scan_is_still_a_refusal() -> None:
    """With the depth scan switched off (a huge limit), the parser's own RecursionError
    still comes out as a refusal."""
    with pytest.raises(JsonRefused) as caught:
        loads("[" * 200_000 + "]" * 200_000, max_depth=10**9)
    assert caught.value.kind == "depth"


def test_size_limit() -> None:
    with pytest.raises(JsonRefused, match="larger than 10 bytes") as caught:
        loads(b'"' + b"x" * 10 + b'"', max_bytes=10)
    assert caught.value.kind == "size"
    assert loads(b'"xxxxxxxx"', max_bytes=10) == "xxxxxxxx"


@pytest.mark.parametrize(
    "text", ['"\\"[[[' + "[" * 100, '"' + '\\"' * 100_000, "[" * 40 + '"', "\\", '"\\']
)
def test_broken_strings_are_not_json_or_too_deep(text: str) -> None:
    """Unterminated strings and stray escapes end in a refusal, in one pass."""
    with pytest.raises(JsonRefused) as caught:
        loads(text)
    assert caught.value.kind in {"syntax", "depth"}


def test_not_json_is_a_value_error() -> None:
    with pytest.raises(ValueError, match="not JSON"):
        loads(b"<html>")
    with pytest.raises(JsonRefused, match="not JSON"):
        loads(b"\xff\xfe\xfd")
