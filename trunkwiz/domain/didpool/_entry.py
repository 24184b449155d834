"""Parsing single pool entries, and a fast path for runs of plainly written entries."""

from __future__ import annotations

import re
from itertools import accumulate
from operator import add

from trunkwiz.domain.didpool._types import MAX_DIGITS, Severity, entry_label, shorten

BLANK = " \t"
"""Characters tolerated around numbers, ``;`` and ``-``."""

RawIssue = tuple[int, int, str, str, Severity]
"""``(start, end, code, message, severity)`` with offsets relative to a block."""

_NUMBER = "[1-9][0-9]{0,14}+"
_PLAIN = re.compile(f"{_NUMBER}(?:-{_NUMBER})?+(?:;{_NUMBER}(?:-{_NUMBER})?+)*+")
"""Entries without blanks or issue; possessive, so a failed match never backtracks."""

Columns = tuple[list[int], list[int], list[int], list[int]]
"""``(firsts, lasts, starts, ends)`` of valid entries."""


def plain_block(text: str, segs: list[str]) -> Columns | None:
    """Entries of ``text`` (``segs`` joined by ``;``) when every one is written plainly
    and raises no issue at all; otherwise ``None`` (the caller parses entry by entry)."""
    if _PLAIN.fullmatch(text) is None:
        return None
    firsts: list[int] = []
    lasts: list[int] = []
    width = 0
    for token in text.replace("-", ";-").split(";"):
        if token[0] != "-":
            value = int(token)
            firsts.append(value)
            lasts.append(value)
            width = len(token)
        else:
            value = -int(token)
            if len(token) - 1 != width or value < firsts[-1]:
                return None
            lasts[-1] = value
    lengths = list(map(len, segs))
    starts = list(accumulate(map((1).__add__, lengths[:-1]), initial=0))
    return firsts, lasts, starts, list(map(add, starts, lengths))


def plain(seg: str) -> tuple[int, int] | None:
    """Fast path: ``a`` or ``a-b`` written plainly (no blanks, no issue at all)."""
    if seg.isdigit():
        if seg.isascii() and seg[0] != "0" and len(seg) <= MAX_DIGITS:
            value = int(seg)
            return value, value
        return None
    a, dash, b = seg.partition("-")
    if (
        dash
        and a.isdigit()
        and b.isdigit()
        and len(a) == len(b) <= MAX_DIGITS
        and a.isascii()
        and b.isascii()
        and a[0] != "0"
        and b[0] != "0"
    ):
        first, last = int(a), int(b)
        if first <= last:
            return first, last
    return None


def segment(
    seg: str,
    pos: int,
    out: tuple[list[int], list[int], list[int], list[int]],
    issues: list[RawIssue],
) -> None:
    """Parse one non-blank segment at relative offset ``pos``; append entry or issues."""
    firsts, lasts, starts, ends = out
    body = seg.strip(BLANK)
    s = pos + len(seg) - len(seg.lstrip(BLANK))
    e = s + len(body)
    dash = body.find("-")
    if dash < 0:
        value = number(body, s, issues)
        if value is not None:
            firsts.append(value)
            lasts.append(value)
            starts.append(s)
            ends.append(e)
        return
    if body.find("-", dash + 1) >= 0:
        issues.append((s, e, "bad-range", f"'{shorten(body)}' has more than one '-'", "error"))
        return
    left = body[:dash].rstrip(BLANK)
    tail = body[dash + 1 :]
    right = tail.lstrip(BLANK)
    if not left or not right:
        side = "before" if not left else "after"
        message = f"'{shorten(body)}' is missing a number {side} '-'"
        issues.append((s, e, "bad-range", message, "error"))
        return
    a = number(left, s, issues)
    b = number(right, s + dash + 1 + len(tail) - len(right), issues)
    if a is None or b is None:
        return
    if a > b:
        message = f"'{entry_label(a, b)}' runs backwards: {a} is greater than {b}"
        issues.append((s, e, "reversed-range", message, "error"))
        return
    if len(left) != len(right):
        message = (
            f"'{a}-{b}': the ends have {len(left)} and {len(right)} digits;"
            " check for a missing or extra digit"
        )
        issues.append((s, e, "length-mismatch", message, "warning"))
    firsts.append(a)
    lasts.append(b)
    starts.append(s)
    ends.append(e)


def number(token: str, s: int, issues: list[RawIssue]) -> int | None:
    """The value of one number token at offset ``s``, or ``None`` after adding an issue."""
    e = s + len(token)
    if token.isdigit() and token.isascii():
        if token[0] == "0":
            prefix = "00 (an international prefix)" if token.startswith("00") else "0"
            message = f"'{shorten(token)}' starts with {prefix}: pool numbers never do"
            issues.append((s, e, "leading-zero", message, "error"))
            return None
        if len(token) > MAX_DIGITS:
            message = (
                f"'{shorten(token)}' has {len(token)} digits; E.164 allows at most {MAX_DIGITS}"
            )
            issues.append((s, e, "too-long", message, "error"))
            return None
        return int(token)
    rest = token[1:]
    if token[0] == "+" and rest.isdigit() and rest.isascii():
        message = f"'{shorten(token)}' starts with '+': write it without ('{shorten(rest)}')"
        issues.append((s, e, "leading-plus", message, "error"))
        return None
    bad = next(ch for ch in token if not ("0" <= ch <= "9"))
    message = f"'{shorten(token)}' is not a number: {bad!r} is not a digit"
    issues.append((s, e, "not-digits", message, "error"))
    return None
