"""JSON from outside decoded within bounds: the one decoder for text trunkwiz did not write.

A PBX answer, a request body the sandbox accepts, a state file: `loads` refuses text over
``max_bytes`` and nesting deeper than ``max_depth`` *before* the parser sees it (Python's
parser recurses once per level and raises ``RecursionError``, which is not a
``ValueError``, on a few hundred levels), and text that is not JSON. Every refusal is a
`JsonRefused`, a ``ValueError`` whose message completes "the answer is …". A decoded value
is never nested deeper than ``max_depth``, so code that walks it recursively (redaction,
validation) is safe too.

The text is parsed by Python's C parser first; nesting deep enough to reach the parser's
own recursion limit ends there as a `JsonRefused` (``RecursionError`` never escapes), and
the decoded value is then measured without recursion (`value_deeper_than`), so a PBX
answer of ordinary shape costs one parse and one walk over its containers, not a second
pass over its text. The module is pure.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

MAX_DEPTH = 32
"""Levels of nesting accepted (an object or list is one level; PBX answers use < 8)."""
MAX_BYTES = 16 * 1024 * 1024
"""Bytes (or characters, for text) accepted."""
PARSER_DEPTH = 500
"""Nesting the C parser is sure to reach before its recursion limit stops it (the
interpreter's limit is 1,000 by default): a ``max_depth`` below it is what a parser
refusal means."""


class JsonRefused(ValueError):
    """The text is not JSON, too large, or nested too deeply (``kind``: ``syntax``,
    ``size``, ``depth``); the message completes "the answer is …"."""

    def __init__(self, kind: str, message: str) -> None:
        super().__init__(message)
        self.kind = kind


def value_deeper_than(value: object, levels: int) -> bool:
    """Whether ``value`` (decoded JSON) nests objects and lists more than ``levels`` deep
    (an object or list is one level); iterative, so any depth is measured safely."""
    stack: list[tuple[object, int]] = [(value, 1)]
    while stack:
        node, depth = stack.pop()
        if isinstance(node, dict):
            children: Iterable[object] = node.values()
        elif isinstance(node, list):
            children = node
        else:
            continue
        if depth > levels:
            return True
        stack.extend((child, depth + 1) for child in children if isinstance(child, dict | list))
    return False


def loads(
    data: bytes | bytearray | str, *, max_bytes: int = MAX_BYTES, max_depth: int = MAX_DEPTH
) -> Any:  # Any: decoded JSON of any shape; each caller checks it
    """The value ``data`` holds; `JsonRefused` if it is larger than ``max_bytes``, nested
    deeper than ``max_depth`` or not JSON. Bytes are decoded as ``json.loads`` does
    (UTF-8, -16 or -32)."""
    if len(data) > max_bytes:
        unit = "characters" if isinstance(data, str) else "bytes"
        raise JsonRefused("size", f"larger than {max_bytes} {unit}")
    if isinstance(data, str):
        text = data
    else:
        try:
            text = bytes(data).decode(json.detect_encoding(data), "surrogatepass")
        except UnicodeDecodeError as exc:
            raise JsonRefused("syntax", f"not JSON ({exc.reason})") from None
    try:
        value = json.loads(text)
    except RecursionError:  # the parser's own limit, far above any sane max_depth
        if max_depth < PARSER_DEPTH:
            raise JsonRefused("depth", f"nested deeper than {max_depth} levels") from None
        raise JsonRefused("depth", "nested too deeply for the parser") from None
    except ValueError as exc:
        raise JsonRefused("syntax", f"not JSON ({exc})") from None
    if value_deeper_than(value, max_depth):
        raise JsonRefused("depth", f"nested deeper than {max_depth} levels")
    return value
