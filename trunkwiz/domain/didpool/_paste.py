"""Pasted DID lists made into a pool text: a spreadsheet column, a comma list.

A column copied from a spreadsheet arrives as one number per line (a row as one per
tab); people also paste ``a, b, c``. The pool text separates entries with ``;``. This turns
any of those into that form, and nothing more: the pool checker then judges every entry.
"""

from __future__ import annotations

import re

_SEPARATORS = re.compile(r"[\r\n\t,;]+")
_RANGE_DASH = re.compile(r"\s*-\s*")


def pasted_pool(text: str) -> str:
    """``text`` with its lines, tabs, commas and semicolons as ``;`` between entries.

    Blank entries are dropped and spaces around each entry and around a range's ``-``
    removed: ``"16468097065\\n16468097066, 16468097070 - 16468097079\\n"`` becomes
    ``"16468097065;16468097066;16468097070-16468097079"``.
    """
    entries = (_RANGE_DASH.sub("-", part.strip()) for part in _SEPARATORS.split(text))
    return ";".join(entry for entry in entries if entry)


def is_list_paste(text: str) -> bool:
    """Whether ``text`` holds several entries (a line break, tab or comma in it)."""
    return bool(re.search(r"[\r\n\t,]", text.strip()))
