"""Natural order of names."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from trunkwiz.domain.ordering import natural_key


def test_numbers_inside_names_sort_by_value() -> None:
    names = ["Acme Dental 1081", "Acme Dental 121", "acme dental 2", "Acme Dental", "Zed", "9 Elms"]
    assert sorted(names, key=natural_key) == [
        "9 Elms",
        "Acme Dental",
        "acme dental 2",
        "Acme Dental 121",
        "Acme Dental 1081",
        "Zed",
    ]


@given(st.lists(st.text(alphabet="ab 0123456789", max_size=8), max_size=8))
def test_any_names_can_be_sorted(names: list[str]) -> None:
    ordered = sorted(names, key=natural_key)
    assert sorted(ordered, key=natural_key) == ordered
