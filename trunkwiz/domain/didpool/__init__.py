"""DID pools: parse, check, compare and format ``;``-separated numbers and ``a-b`` ranges.

A pool such as ``16468097065-16468097066;16468097070`` is held as integer intervals that
are never expanded (``1-999999999999999`` costs what ``1-2`` costs), and every entry keeps
its span in the source text so a widget can underline exactly the entry at fault.

Text rules (from the vendor): digits only, no leading ``+``, ``0`` or ``00``, ``a <= b``,
at most 15 digits (E.164); spaces and tabs around numbers, ``;`` and ``-`` are tolerated.
A range whose ends differ in length is a warning. An empty entry — ``;;``, a leading or a
trailing ``;`` — is an error spanning the separator(s). Blank text is the ``empty`` error;
:meth:`DidPool.empty` stands for "no pool". Issue codes: see
:mod:`trunkwiz.domain.didpool._types`.

The per-keystroke path is ``check = check_pool(text, previous=check)`` followed by
``index.collisions(check.pool)`` against a :class:`PoolIndex` built once from the other
pools: only the part of the text an edit touched is parsed again.

The package keeps its parts in private modules, from the bottom up: ``_types`` (issues,
entries, the exception), ``_intervals`` (set operations), ``_entry`` and ``_block``
(parsing), ``_reuse`` (incremental re-checks), ``_pool`` (the pool and
:func:`check_pool`), ``_index`` (collisions with other owners' pools, built on pools) and
``_paste`` (pasted lists made into pool text). Import the names below from here.
"""

from trunkwiz.domain.didpool._index import Collision, PoolIndex, find_collisions
from trunkwiz.domain.didpool._paste import is_list_paste, pasted_pool
from trunkwiz.domain.didpool._pool import DidPool, PoolCheck, check_pool
from trunkwiz.domain.didpool._types import DidPoolError, PoolEntry, PoolIssue

__all__ = [
    "Collision",
    "DidPool",
    "DidPoolError",
    "PoolCheck",
    "PoolEntry",
    "PoolIndex",
    "PoolIssue",
    "check_pool",
    "find_collisions",
    "is_list_paste",
    "pasted_pool",
]
