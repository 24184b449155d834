"""DID pool text: what parses, what is flagged, and exactly where."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from trunkwiz.domain.didpool import DidPool, DidPoolError, PoolEntry, check_pool

SHARED = Path("/work/shared/portsip")

VALID = [
    "3000;12000-18000",
    "16468097065",
    "16468097065-16468097066",
    "16468097065-16468097066;16468097069",
    "16468097065-16468097066;16468097070",
    "16468097065-16468097066;16468097070-16468097080",
    "442012345600-442012345800",
    "101-110;199",
    "123;88",
]


@pytest.mark.parametrize("text", VALID)
def test_vendor_examples_parse(text: str) -> None:
    check = check_pool(text)
    assert check.issues == ()
    pool = DidPool.parse(text)
    assert len(pool.entries) == text.count(";") + 1
    for entry in pool.entries:
        assert text[entry.start : entry.end] == entry.text


def test_every_pool_example_in_the_notes_parses() -> None:
    """Each `…` example of digits, ranges and `;` in the vendor notes is a valid pool."""
    notes = [SHARED / "api-notes.md", SHARED / "routing-notes.md"]
    if not all(p.exists() for p in notes):
        pytest.skip("vendor notes not present")
    found = set()
    for path in notes:
        for example in re.findall(r"`([0-9][0-9;-]*[0-9])`", path.read_text()):
            if not example.startswith("0"):
                found.add(example)
    assert {"16468097065-16468097066;16468097070-16468097080", "101-110;199"} <= found
    for example in sorted(found):
        assert check_pool(example).ok, example


def test_entries_keep_spans_and_values() -> None:
    pool = DidPool.parse(" 3000 ;12000 - 18000")
    assert list(pool.entries) == [
        PoolEntry(3000, 3000, 1, 5, "3000"),
        PoolEntry(12000, 18000, 7, 20, "12000 - 18000"),
    ]
    assert pool.intervals == ((3000, 3000), (12000, 18000))


def spans(text: str) -> list[tuple[int, int, str, str]]:
    return [(i.start, i.end, i.code, i.severity) for i in check_pool(text).issues]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("+16468097065", [(0, 12, "leading-plus", "error")]),
        ("016468097065", [(0, 12, "leading-zero", "error")]),
        ("0016468097065", [(0, 13, "leading-zero", "error")]),
        ("5-3", [(0, 3, "reversed-range", "error")]),
        ("1;1", [(2, 3, "duplicate", "error")]),
        ("100-200;150", [(8, 11, "overlap", "error")]),
        ("12a4", [(0, 4, "not-digits", "error")]),
        (";;", [(0, 2, "empty-entry", "error")]),
        ("", [(0, 0, "empty", "error")]),
        ("   ", [(0, 3, "empty", "error")]),
        ("1" * 20, [(0, 20, "too-long", "error")]),
        ("1" * 15, []),
        ("1;;2", [(1, 3, "empty-entry", "error")]),
        ("1;", [(1, 2, "empty-entry", "error")]),
        (";1", [(0, 1, "empty-entry", "error")]),
        ("1; ;2", [(1, 4, "empty-entry", "error")]),
        ("9-10", [(0, 4, "length-mismatch", "warning")]),
        ("5-", [(0, 2, "bad-range", "error")]),
        ("-5", [(0, 2, "bad-range", "error")]),
        ("1-2-3", [(0, 5, "bad-range", "error")]),
        ("7;+12-0013", [(2, 5, "leading-plus", "error"), (6, 10, "leading-zero", "error")]),
        ("3000; 12x00 ;5", [(6, 11, "not-digits", "error")]),
        ("100-200 ; 300 - 2", [(10, 17, "reversed-range", "error")]),
    ],
)
def test_flagged_with_exact_span(text: str, expected: list[tuple[int, int, str, str]]) -> None:
    assert spans(text) == expected


def test_overlap_names_the_earlier_entry() -> None:
    (issue,) = check_pool("100-200;150").issues
    assert "150" in issue.message and "100-200" in issue.message
    (dup,) = check_pool("16468097065;16468097065").issues
    assert dup.code == "duplicate" and dup.start == 12 and "16468097065" in dup.message


def test_overlap_later_in_source_is_flagged_even_when_it_sorts_first() -> None:
    (issue,) = check_pool("150-160;100-200").issues
    assert (issue.start, issue.end, issue.code) == (8, 15, "overlap")
    assert "150-160" in issue.message


def test_invalid_entries_stay_out_of_the_best_effort_pool() -> None:
    check = check_pool("3000;+4000;5-3;6000")
    assert not check.ok
    assert check.pool.intervals == ((3000, 3000), (6000, 6000))
    assert [e.code for e in check.errors] == ["leading-plus", "reversed-range"]


def test_warnings_do_not_fail_parse() -> None:
    check = check_pool("9-10")
    assert check.ok and check.errors == () and len(check.warnings) == 1
    assert DidPool.parse("9-10").intervals == ((9, 10),)


def test_parse_raises_did_pool_error_with_issues() -> None:
    with pytest.raises(DidPoolError) as caught:
        DidPool.parse("1;+2")
    assert isinstance(caught.value, ValueError)
    assert [i.code for i in caught.value.issues] == ["leading-plus"]
    assert "+2" in str(caught.value)


def test_messages_of_huge_garbage_stay_short() -> None:
    (issue,) = check_pool("x" * 5000).issues
    assert issue.code == "not-digits" and (issue.start, issue.end) == (0, 5000)
    assert len(issue.message) < 120


def test_unicode_digits_are_not_digits() -> None:
    assert spans("１２３") == [(0, 3, "not-digits", "error")]
    assert spans("12²") == [(0, 3, "not-digits", "error")]


def test_a_huge_range_is_not_expanded() -> None:
    pool = DidPool.parse("1-999999999999999")
    assert pool.size == 999_999_999_999_999
    assert pool.contains(123_456_789_012_345) and not pool.contains(10**15)
    assert pool.intervals == ((1, 999_999_999_999_999),)
