"""List query options: ``filter`` (an OData subset), ``search``, ``orderby``, ``skip``, ``top``.

``filter``: comparisons ``field eq|ne|gt|ge|lt|le literal``, functions
``startswith|endswith|contains(field,'text')``, ``not``, ``and``, ``or`` and parentheses;
literals are ``'text'`` (``''`` escapes a quote), integers, ``true``, ``false``, ``null``.
``search`` is a case-insensitive substring match over the list's search fields.
``orderby`` is ``field [asc|desc]`` separated by commas. ``skip`` is 0-based (the
parameter schema's reading); ``top`` is 1..100. Anything malformed is a 400.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import Any

from trunkwiz.sandbox.errors import invalid

Item = dict[str, Any]
Pred = Callable[[Item], bool]

_TOKEN = re.compile(
    r"\s*(?:(?P<str>'(?:[^']|'')*')|(?P<num>-?\d+)|(?P<word>[A-Za-z_]\w*)|(?P<sym>[(),]))"
)
_OPS: dict[str, Callable[[Any, Any], bool]] = {
    "eq": lambda a, b: a == b,
    "ne": lambda a, b: a != b,
    "gt": lambda a, b: a is not None and b is not None and a > b,
    "ge": lambda a, b: a is not None and b is not None and a >= b,
    "lt": lambda a, b: a is not None and b is not None and a < b,
    "le": lambda a, b: a is not None and b is not None and a <= b,
}
_FUNCS: dict[str, Callable[[str, str], bool]] = {
    "startswith": str.startswith,
    "endswith": str.endswith,
    "contains": lambda a, b: b in a,
}
_LITERALS = {"true": True, "false": False, "null": None}


def _tokens(text: str) -> list[tuple[str, Any]]:
    out: list[tuple[str, Any]] = []
    pos = 0
    while pos < len(text):
        if text[pos:].strip() == "":
            break
        m = _TOKEN.match(text, pos)
        if not m:
            raise invalid(f"filter: cannot read the expression at {text[pos:]!r}", "filter")
        pos = m.end()
        if m["str"] is not None:
            out.append(("lit", m["str"][1:-1].replace("''", "'")))
        elif m["num"] is not None:
            out.append(("lit", int(m["num"])))
        elif m["word"] is not None:
            word = m["word"]
            out.append(("lit", _LITERALS[word]) if word in _LITERALS else ("word", word))
        else:
            out.append(("sym", m["sym"]))
    return out


class _Parser:
    def __init__(self, text: str, fields: set[str]) -> None:
        self.toks = _tokens(text)
        self.i = 0
        self.fields = fields

    def peek(self) -> tuple[str, Any] | None:
        return self.toks[self.i] if self.i < len(self.toks) else None

    def take(self, kind: str, value: Any = None) -> Any:
        tok = self.peek()
        if tok is None or tok[0] != kind or (value is not None and tok[1] != value):
            raise invalid(f"filter: expected {value or kind}", "filter")
        self.i += 1
        return tok[1]

    def field(self) -> str:
        name: str = self.take("word")
        if name not in self.fields:
            raise invalid(f"filter: unknown field {name!r}", "filter")
        return name

    def parse(self) -> Pred:
        pred = self.disjunction()
        if self.peek() is not None:
            raise invalid("filter: unexpected text after the expression", "filter")
        return pred

    def disjunction(self) -> Pred:
        parts = [self.conjunction()]
        while self.peek() == ("word", "or"):
            self.i += 1
            parts.append(self.conjunction())
        return parts[0] if len(parts) == 1 else lambda it: any(p(it) for p in parts)

    def conjunction(self) -> Pred:
        parts = [self.unary()]
        while self.peek() == ("word", "and"):
            self.i += 1
            parts.append(self.unary())
        return parts[0] if len(parts) == 1 else lambda it: all(p(it) for p in parts)

    def unary(self) -> Pred:
        tok = self.peek()
        if tok == ("word", "not"):
            self.i += 1
            inner = self.unary()
            return lambda it: not inner(it)
        if tok == ("sym", "("):
            self.i += 1
            inner = self.disjunction()
            self.take("sym", ")")
            return inner
        if tok is not None and tok[0] == "word" and tok[1] in _FUNCS:
            func = _FUNCS[self.take("word")]
            self.take("sym", "(")
            name = self.field()
            self.take("sym", ",")
            text = self.take("lit")
            self.take("sym", ")")
            if not isinstance(text, str):
                raise invalid("filter: string functions need a quoted text", "filter")
            return lambda it: isinstance(it.get(name), str) and func(it[name], text)
        name = self.field()
        op = self.take("word")
        if op not in _OPS:
            raise invalid(f"filter: unknown operator {op!r}", "filter")
        value = self.take("lit")
        compare = _OPS[op]

        def pred(it: Item) -> bool:
            try:
                return compare(it.get(name), value)
            except TypeError:
                return False

        return pred


def apply_query(
    items: Sequence[Item], query: dict[str, Any], fields: set[str], search_fields: Sequence[str]
) -> tuple[int, list[Item]]:
    """Filter, search, order and page ``items``; returns ``(count, page)``."""
    selected = list(items)
    if query.get("filter"):
        pred = _Parser(query["filter"], fields).parse()
        selected = [it for it in selected if pred(it)]
    if query.get("search"):
        needle = query["search"].lower()
        selected = [
            it
            for it in selected
            if any(needle in str(it.get(f, "")).lower() for f in search_fields)
        ]
    if query.get("orderby"):
        for name, desc in reversed(_order(query["orderby"], fields)):
            selected.sort(key=_key_for(name), reverse=desc)
    skip, top = query.get("skip", 0), query.get("top", 100)
    return len(selected), selected[skip : skip + top]


def _order(text: str, fields: set[str]) -> list[tuple[str, bool]]:
    out = []
    for part in text.split(","):
        words = part.split()
        if not words or len(words) > 2 or words[0] not in fields:
            raise invalid(f"orderby: cannot order by {part.strip()!r}", "orderby")
        direction = words[1].lower() if len(words) == 2 else "asc"
        if direction not in {"asc", "desc"}:
            raise invalid(f"orderby: direction must be asc or desc, not {words[1]!r}", "orderby")
        out.append((words[0], direction == "desc"))
    return out


def _key_for(name: str) -> Callable[[Item], tuple[int, Any]]:
    return lambda item: _sort_key(item.get(name))


def _sort_key(value: Any) -> tuple[int, Any]:
    if value is None:
        return (0, 0)
    if isinstance(value, bool | int | float):
        return (1, value)
    return (2, str(value).lower())
