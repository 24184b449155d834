"""Pasted DID lists become a ``;``-separated pool text."""

from __future__ import annotations

import pytest

from trunkwiz.domain.didpool import check_pool, is_list_paste, pasted_pool


@pytest.mark.parametrize(
    ("pasted", "pool"),
    [
        ("16468097065\n16468097066\n16468097070\n", "16468097065;16468097066;16468097070"),
        ("16468097065\r\n16468097066\r\n\r\n", "16468097065;16468097066"),
        ("16468097065, 16468097066,16468097070", "16468097065;16468097066;16468097070"),
        ("16468097065\t16468097066", "16468097065;16468097066"),
        (" 16468097070 - 16468097079 \n16468097090", "16468097070-16468097079;16468097090"),
        ("16468097065;16468097066\n16468097067", "16468097065;16468097066;16468097067"),
    ],
)
def test_lines_tabs_and_commas_become_semicolons(pasted: str, pool: str) -> None:
    assert pasted_pool(pasted) == pool
    assert check_pool(pool).ok


def test_only_lists_are_rewritten() -> None:
    assert is_list_paste("1\n2") and is_list_paste("1,2") and is_list_paste("1\t2")
    assert not is_list_paste("16468097065") and not is_list_paste("16468097065-16468097066\n")


def test_what_is_not_a_number_is_kept_for_the_checker_to_flag() -> None:
    pool = pasted_pool("16468097065\nabc\n")
    assert pool == "16468097065;abc"
    assert not check_pool(pool).ok
