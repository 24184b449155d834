"""Property tests of DID pools against brute-force models."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from trunkwiz.domain.didpool import DidPool, DidPoolError, _block, check_pool, find_collisions

SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])

small = st.integers(min_value=1, max_value=60)
big = st.integers(min_value=1, max_value=10**15 - 1)


@st.composite
def entry(draw: st.DrawFn, numbers: st.SearchStrategy[int] = small) -> str:
    first = draw(numbers)
    if draw(st.booleans()):
        return str(first)
    last = draw(numbers)
    a, b = sorted((first, last))
    gap = draw(st.sampled_from(["", " ", "\t"]))
    return f"{a}{gap}-{gap}{b}"


def pool_text(numbers: st.SearchStrategy[int] = small) -> st.SearchStrategy[str]:
    sep = st.sampled_from([";", " ;", "; ", ";"])
    return st.builds(
        lambda entries, s: s.join(entries),
        st.lists(entry(numbers), min_size=1, max_size=12),
        sep,
    )


def valid_pool(numbers: st.SearchStrategy[int] = small) -> st.SearchStrategy[DidPool]:
    """Pools of arbitrary (possibly overlapping) entries, via their union."""
    return st.lists(st.tuples(numbers, numbers).map(lambda t: (min(t), max(t))), max_size=8).map(
        DidPool.from_intervals
    )


def model(pool: DidPool) -> set[int]:
    return {n for first, last in pool.intervals for n in range(first, last + 1)}


noisy_text = st.text(alphabet="0123456789;- +\t0x9", max_size=60) | st.text(max_size=60)


@SETTINGS
@given(pool_text(big))
def test_format_round_trips(text: str) -> None:
    check = check_pool(text)
    if check.pool.is_empty:
        return
    canonical = check.pool.format()
    again = DidPool.parse(canonical)
    assert again.intervals == check.pool.intervals
    assert again.format() == canonical


@SETTINGS
@given(valid_pool(), valid_pool())
def test_set_operations_match_a_set_model(a: DidPool, b: DidPool) -> None:
    assert model(a.union(b)) == model(a) | model(b)
    assert model(a.intersection(b)) == model(a) & model(b)
    assert a.overlaps(b) == b.overlaps(a) == bool(model(a) & model(b))
    assert a.size == len(model(a))
    for n in range(0, 62):
        assert a.contains(n) == (n in model(a))


@SETTINGS
@given(valid_pool(big), valid_pool(big))
def test_collisions_are_symmetric(a: DidPool, b: DidPool) -> None:
    ab = {(c.first, c.last) for c in find_collisions(a, {"b": b})}
    ba = {(c.first, c.last) for c in find_collisions(b, {"a": a})}
    assert ab == ba
    assert bool(ab) == a.overlaps(b)
    for c in find_collisions(a, {"b": b}):
        assert max(c.entry.first, c.other_entry.first) == c.first
        assert min(c.entry.last, c.other_entry.last) == c.last


@SETTINGS
@given(pool_text())
def test_overlap_issues_match_a_pairwise_model(text: str) -> None:
    check = check_pool(text)
    entries = list(check.pool.entries)
    pairwise = any(
        a.first <= b.last and b.first <= a.last
        for i, a in enumerate(entries)
        for b in entries[i + 1 :]
    )
    flagged = [i for i in check.issues if i.code in ("overlap", "duplicate")]
    assert bool(flagged) == pairwise
    starts = {e.start for e in entries}
    assert all(i.start in starts for i in flagged)


@settings(max_examples=60, deadline=None)
@given(st.text(max_size=10_000) | st.text(alphabet="0123456789;- +", max_size=10_000))
def test_check_pool_never_raises(text: str) -> None:
    check = check_pool(text)
    for issue in check.issues:
        assert 0 <= issue.start <= issue.end <= len(text)
    for e in check.pool.entries:
        assert text[e.start : e.end] == e.text


@SETTINGS
@given(noisy_text)
def test_parse_raises_only_did_pool_error(text: str) -> None:
    try:
        pool = DidPool.parse(text)
    except DidPoolError as error:
        assert any(i.severity == "error" for i in error.issues)
    else:
        assert not pool.is_empty


@st.composite
def edit(draw: st.DrawFn) -> tuple[str, str]:
    text = draw(pool_text() | noisy_text)
    start = draw(st.integers(0, len(text)))
    end = draw(st.integers(start, len(text)))
    insert = draw(st.text(alphabet="0123456789;- x", max_size=4))
    return text, text[:start] + insert + text[end:]


@pytest.mark.parametrize("block", [1, 2, 3])
@SETTINGS
@given(edits=st.lists(edit(), min_size=1, max_size=3))
def test_incremental_check_equals_a_fresh_one(block: int, edits: list[tuple[str, str]]) -> None:
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(_block, "BLOCK_SEGMENTS", block)
        _replay(edits)


def _replay(edits: list[tuple[str, str]]) -> None:
    previous = None
    for old, new in edits:
        previous = check_pool(old, previous=previous)
        assert previous == check_pool(old)
        after = check_pool(new, previous=previous)
        fresh = check_pool(new)
        assert after.issues == fresh.issues
        assert list(after.pool.entries) == list(fresh.pool.entries)
        assert after.pool.intervals == fresh.pool.intervals
        previous = after
