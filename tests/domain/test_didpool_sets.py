"""DID pool set operations, canonical text, and collisions between owners."""

from __future__ import annotations

import pytest

from trunkwiz.domain.didpool import (
    DidPool,
    DidPoolError,
    PoolIndex,
    check_pool,
    find_collisions,
)


def test_format_sorts_and_merges() -> None:
    pool = DidPool.parse("20-30;1;2;3;31-40;100")
    assert pool.intervals == ((1, 3), (20, 40), (100, 100))
    assert pool.format() == "1-3;20-40;100"


def test_set_operations() -> None:
    a = DidPool.parse("1-10;20-30")
    b = DidPool.parse("5-25;40")
    assert a.union(b).format() == "1-30;40"
    assert a.intersection(b).format() == "5-10;20-25"
    assert a.overlaps(b) and b.overlaps(a)
    assert not a.overlaps(DidPool.parse("11-19"))
    assert a.contains(10) and not a.contains(11) and 25 in a
    assert a.size == 21
    assert a.intersection(DidPool.parse("11-19")).is_empty


def test_empty_pool() -> None:
    empty = DidPool.empty()
    assert empty.is_empty and empty.size == 0 and empty.format() == ""
    assert list(empty.entries) == [] and empty.intervals == ()
    assert DidPool.parse("5").union(empty) == DidPool.parse("5")
    assert not check_pool("").ok


def test_equality_is_by_numbers() -> None:
    assert DidPool.parse("1;2;3") == DidPool.parse("1-3")
    assert hash(DidPool.parse("3;1-2")) == hash(DidPool.parse("1-3"))
    assert DidPool.parse("1") != DidPool.parse("2")


def test_pool_is_immutable() -> None:
    pool = DidPool.parse("1")
    with pytest.raises(AttributeError):
        pool._text = "2"  # type: ignore[misc]


def test_from_intervals_rejects_invalid_numbers() -> None:
    assert DidPool.from_intervals([(5, 9), (1, 4)]).format() == "1-9"
    with pytest.raises(DidPoolError):
        DidPool.from_intervals([(0, 5)])


def test_entries_sequence() -> None:
    pool = DidPool.parse("5;1-2;9")
    entries = pool.entries
    assert len(entries) == 3
    assert entries[-1].first == 9 and entries[0].text == "5"
    assert [e.first for e in entries[1:]] == [1, 9]
    with pytest.raises(IndexError):
        entries[3]


def test_collision_names_both_entries_and_the_owner() -> None:
    pool = DidPool.parse("16468097065-16468097066;16468097070-16468097080")
    others = {"tenant Acme": DidPool.parse("16468097075"), "tenant Bee": DidPool.parse("1")}
    (collision,) = find_collisions(pool, others)
    assert collision.owner == "tenant Acme"
    assert collision.entry.text == "16468097070-16468097080"
    assert collision.other_entry.text == "16468097075"
    assert (collision.first, collision.last) == (16468097075, 16468097075)
    issue = collision.as_issue()
    assert issue.code == "collision" and issue.severity == "error"
    assert (issue.start, issue.end) == (24, 47)
    assert issue.message == "16468097070-16468097080 overlaps 16468097075 of tenant Acme"


def test_index_finds_every_overlapping_entry_and_honours_exclude() -> None:
    others = {
        "tenant A": DidPool.parse("1-100;500"),
        "tenant B": DidPool.parse("50-60;70;400-600"),
        "trunk C": DidPool.parse("1000"),
    }
    index = PoolIndex(others)
    pool = DidPool.parse("55-75;450;999-1001;2000")
    found = {
        (c.entry.text, c.owner, c.other_entry.text, c.first, c.last) for c in index.collisions(pool)
    }
    assert found == {
        ("55-75", "tenant A", "1-100", 55, 75),
        ("55-75", "tenant B", "50-60", 55, 60),
        ("55-75", "tenant B", "70", 70, 70),
        ("450", "tenant B", "400-600", 450, 450),
        ("999-1001", "trunk C", "1000", 1000, 1000),
    }
    kept = {c.owner for c in index.collisions(pool, exclude=["tenant B"])}
    assert kept == {"tenant A", "trunk C"}
    assert index.collisions(DidPool.parse("3000")) == []


def test_index_cache_follows_edits() -> None:
    index = PoolIndex({"tenant A": DidPool.parse("500")})
    before = check_pool("1;2;3")
    assert index.collisions(before.pool) == []
    after = check_pool("1;2;500", previous=before)
    (hit,) = index.collisions(after.pool)
    assert (hit.entry.start, hit.entry.end, hit.owner) == (4, 7, "tenant A")


def test_an_edit_parses_only_the_blocks_it_touched() -> None:
    text = ";".join(str(16468000000 + 20 * i) for i in range(1000))
    before = check_pool(text)
    old = set(map(id, before.pool._blocks))
    assert len(old) > 3
    appended = check_pool(text + ";1646", previous=before)
    assert old <= set(map(id, appended.pool._blocks))
    assert appended == check_pool(text + ";1646")
    middle = text.index(";", len(text) // 2)
    changed = text[: middle - 1] + "7" + text[middle:]
    edited = check_pool(changed, previous=before)
    assert len(old & set(map(id, edited.pool._blocks))) == len(old) - 1
    assert edited.issues == check_pool(changed).issues
