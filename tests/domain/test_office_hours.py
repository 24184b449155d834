"""Office hours of a rule: the three spellings, the API's explicit form, and back."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from trunkwiz.domain.office_hours import ALWAYS, DAYS, GLOBAL, OfficeHours


def test_always_is_every_day_all_day_and_global_is_the_tenants() -> None:
    sent = ALWAYS.to_api()
    assert sent["mode"] == "CUSTOM"
    assert all(sent[d] == {"enabled": True, "ranges": [{"from": "00:00", "to": "23:59"}]}
               for d in DAYS)  # fmt: skip
    assert OfficeHours.from_api(sent) == ALWAYS
    assert GLOBAL.to_api() == {"mode": "GLOBAL"}
    assert OfficeHours.from_api({"mode": "GLOBAL"}) == GLOBAL
    assert OfficeHours.parse(" Always ") == ALWAYS and OfficeHours.parse("global") == GLOBAL


def test_a_weekly_schedule_in_both_spellings() -> None:
    table = OfficeHours.parse({"monday": "13:00-17:00;9:00-12:00", "Sat": "closed", "fri": ""})
    line = OfficeHours.parse("mon 09:00-12:00;13:00-17:00")
    assert table == line
    assert line.text == "monday 09:00-12:00;13:00-17:00"
    assert line.to_file() == {"monday": "09:00-12:00;13:00-17:00"}
    sent = line.to_api()
    assert sent["monday"]["ranges"] == [
        {"from": "09:00", "to": "12:00"},
        {"from": "13:00", "to": "17:00"},
    ]
    assert sent["tuesday"] == {"enabled": False, "ranges": []}
    assert OfficeHours.from_api(sent) == line
    full = OfficeHours.parse(dict.fromkeys(DAYS, "00:00-23:59"))
    assert full == ALWAYS


@pytest.mark.parametrize(
    ("value", "says"),
    [
        ({"monday": "25:99-26:00"}, "not a time of day"),
        ({"monday": "17:00-09:00"}, "earlier than the end"),
        ({"monday": "09:00-12:00;11:00-13:00"}, "overlap"),
        ({"moonday": "09:00-12:00"}, "not a weekday"),
        ({"monday": 9}, "in quotes"),
        ({"monday": ""}, "never apply"),
        ("sometimes", "not a weekday"),
        ("", "always"),
        (7, "always"),
    ],
)
def test_bad_hours_say_why(value: Any, says: str) -> None:
    with pytest.raises(ValueError, match=says):
        OfficeHours.parse(value)


def test_pbx_forms() -> None:
    assert OfficeHours.from_api(None) is None
    assert OfficeHours.from_api({"mode": "SOMETIMES"}) is None
    assert (
        OfficeHours.from_api({"mode": "CUSTOM", "monday": {"enabled": True, "ranges": "x"}}) is None
    )
    # the spec: "When enabled, all day is working time"
    only_monday = OfficeHours.from_api({"mode": "CUSTOM", "monday": {"enabled": True}})
    assert only_monday is not None and only_monday.text == "monday 00:00-23:59"


RANGE = st.tuples(st.integers(0, 23), st.integers(0, 59)).map(lambda t: f"{t[0]:02}:{t[1]:02}")


@given(st.dictionaries(st.sampled_from(DAYS), st.tuples(RANGE, RANGE), min_size=1))
def test_weekly_round_trips(days: dict[str, tuple[str, str]]) -> None:
    table = {d: f"{min(a, b)}-{max(a, b)}" for d, (a, b) in days.items() if a != b}
    if not table:
        return
    hours = OfficeHours.parse(table)
    assert OfficeHours.parse(hours.text) == hours
    assert OfficeHours.parse(hours.to_file()) == hours
    assert OfficeHours.from_api(hours.to_api()) == hours
