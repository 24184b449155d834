"""Outside text made safe to show: every control character visible, nothing interpreted.

Strings from the PBX, a trunk file, a SIP peer or an exception may carry terminal escapes
(``ESC ]52`` sets the clipboard, ``ESC ]0`` retitles the window, ``ESC [1A`` moves the
cursor), bell, carriage return, C1 controls (U+0080-U+009F: 8-bit ``CSI``), bidi overrides
(U+202E reorders what follows), line/paragraph separators or lone surrogates. ``visible``
turns each into a printable escape such as ``\\x1b`` or ``\\u202e``; everything else,
including ``[`` and ``]``, is returned unchanged. The module is pure: no I/O, no Textual.
"""

from __future__ import annotations

import re
import unicodedata

#: Unicode categories shown escaped: controls, format characters (bidi, zero-width),
#: surrogates, line and paragraph separators.
_HIDDEN_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Zl", "Zp"})

#: Format characters kept as they are: the zero-width joiner builds emoji sequences.
_KEPT = frozenset({"\u200d"})

#: Anything but printable ASCII is looked at (the fast path for plain ASCII text).
_CANDIDATE = re.compile(r"[^\x20-\x7e]")

_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def is_hidden(char: str) -> bool:
    """Whether ``char`` (one character) is a control or format character a terminal
    could act on or that changes how the text around it is shown."""
    if char in _KEPT:
        return False
    return unicodedata.category(char) in _HIDDEN_CATEGORIES


def _escape(char: str) -> str:
    if char in _NAMED:
        return _NAMED[char]
    code = ord(char)
    if code < 0x100:
        return f"\\x{code:02x}"
    if code < 0x10000:
        return f"\\u{code:04x}"
    return f"\\U{code:08x}"


def visible(text: object, *, multiline: bool = False) -> str:
    """``text`` (``str()`` of any object) with every control character made visible.

    ``multiline=True`` keeps ``\\n`` and ``\\t`` as they are (a message of several
    lines); otherwise they are shown as ``\\n``/``\\t`` too (a name, a table cell). Carriage
    return, escape, bell, DEL, C1 controls, bidi overrides and the like are always escaped.
    Text without such characters is returned unchanged.
    """
    s = text if isinstance(text, str) else str(text)
    if not _CANDIDATE.search(s):
        return s

    def replace(match: re.Match[str]) -> str:
        char = match.group()
        if multiline and char in "\n\t":
            return char
        return _escape(char) if is_hidden(char) else char

    return _CANDIDATE.sub(replace, s)


def same_length(text: str) -> str:
    """``text`` with each control/format character replaced by one printable symbol
    (C0 controls by their Control Pictures, e.g. ``\x1b`` by U+241B; any other by
    U+FFFD): the length stays, so a cursor position in the text stays right. For text
    being edited, where ``visible``'s longer escapes would move the cursor."""
    if not _CANDIDATE.search(text):
        return text

    def replace(match: re.Match[str]) -> str:
        char = match.group()
        if not is_hidden(char):
            return char
        code = ord(char)
        if code < 0x20:
            return chr(0x2400 + code)
        return "\u2421" if code == 0x7F else "\ufffd"

    return _CANDIDATE.sub(replace, text)


def control_chars(text: str) -> list[str]:
    """The distinct control/format characters in ``text``, each as its visible escape
    (e.g. ``["\\x1b", "\\n"]``), in order of first appearance; ``[]`` when it is plain."""
    found: list[str] = []
    for char in text:
        if (char < " " or char > "~") and is_hidden(char):
            shown = _escape(char)
            if shown not in found:
                found.append(shown)
    return found


def control_chars_problem(text: str) -> str | None:
    """A one-line reason to refuse ``text`` as a name, or None when it is plain text."""
    found = control_chars(text)
    if not found:
        return None
    return f"contains control characters ({', '.join(found)}): use plain text"


def error_line(error: BaseException, limit: int = 160) -> str:
    """``Type: message`` of an exception in one line, every control character visible,
    cut to ``limit`` characters (an empty message: the type alone)."""
    message = str(error).strip()
    text = visible(f"{type(error).__name__}: {message}" if message else type(error).__name__)
    return text if len(text) <= limit else text[: limit - 1] + "…"
