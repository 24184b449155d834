"""Natural order for names people read: ``Acme Dental 121`` before ``Acme Dental 1081``."""

from __future__ import annotations

import re

_RUNS = re.compile(r"(\d+)")


def natural_key(text: str) -> tuple[tuple[int, int, str], ...]:
    """A sort key that compares digit runs as numbers and the rest case-insensitively.

    Each run becomes ``(0, number, digits)`` or ``(1, 0, text)``, so keys of any two texts
    compare without type errors, numbers sort before letters, and ``007`` ties with ``7``
    on the number before the digits as written decide.
    """
    key: list[tuple[int, int, str]] = []
    for i, part in enumerate(_RUNS.split(text.strip())):
        if i % 2:
            key.append((0, int(part), part))
        elif part:
            key.append((1, 0, part.casefold()))
    return tuple(key)
