"""JSON from outside decoded within bounds: the one decoder for text trunkwiz did not write.

A PBX answer, a request body the sandbox accepts, a state file: `loads` refuses text over
``max_bytes`` and nesting deeper than ``max_depth`` *before* the parser sees it (Python's
parser recurses once per level and raises ``RecursionError``, which is not a
``ValueError``, on a few hundred levels), and text that is not JSON. Every refusal is a
`JsonRefused`, a ``ValueError`` whose message completes "the answer is …". A decoded value
is never nested deeper than ``max_depth``, so code that walks it recursively (redaction,
validation) is safe too.

The depth check runs at C speed, whatever the text: one regular-expression pass keeps the
brackets outside strings (an unterminated string or a run of escaped quotes cannot make it
quadratic), then ``max_depth`` rounds each remove every innermost ``[]`` pair; a pair left
after them was nested deeper. The module is pure.
"""

from __future__ import annotations

import json
import re
from typing import Any

MAX_DEPTH = 32
"""Levels of nesting accepted (an object or list is one level; PBX answers use < 8)."""
MAX_BYTES = 16 * 1024 * 1024
"""Bytes (or characters, for text) accepted."""

#: A string (closed, or running to the end of the text) or a run of anything that is not a
#: bracket or a quote. A string match cannot fail once started, so the scan is linear.
_NOT_A_BRACKET = re.compile(r'"[^"\\]*(?:\\[\s\S][^"\\]*)*(?:"|\\?\Z)|[^\[\]{}"]+')
_ONE_KIND = str.maketrans("{}", "[]")


class JsonRefused(ValueError):
    """The text is not JSON, too large, or nested too deeply (``kind``: ``syntax``,
    ``size``, ``depth``); the message completes "the answer is …"."""

    def __init__(self, kind: str, message: str) -> None:
        super().__init__(message)
        self.kind = kind


def deeper_than(text: str, levels: int) -> bool:
    """Whether brackets outside strings in ``text`` nest more than ``levels`` deep."""
    if text.count("[") + text.count("{") <= levels:
        return False
    brackets = _NOT_A_BRACKET.sub("", text).translate(_ONE_KIND)
    for _ in range(levels):
        if "[]" not in brackets:
            return False
        brackets = brackets.replace("[]", "")  # every innermost pair: one level less
    return "[]" in brackets


def loads(
    data: bytes | bytearray | str, *, max_bytes: int = MAX_BYTES, max_depth: int = MAX_DEPTH
) -> Any:
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
    if deeper_than(text, max_depth):
        raise JsonRefused("depth", f"nested deeper than {max_depth} levels")
    try:
        return json.loads(text)
    except RecursionError:  # not reached with a sane max_depth; never let it escape
        raise JsonRefused("depth", "nested too deeply for the parser") from None
    except ValueError as exc:
        raise JsonRefused("syntax", f"not JSON ({exc})") from None
