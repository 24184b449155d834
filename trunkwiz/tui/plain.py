"""Outside text (the PBX's, a trunk file's, an exception's) as Textual ``Content``:
literal, never parsed as markup, with every control character made visible."""

from __future__ import annotations

from textual.content import Content

from trunkwiz.domain.text import visible


def plain(text: object, *, multiline: bool = True) -> Content:
    """``text`` shown as it is: ``[b]`` stays ``[b]``, ``\\x1b`` is shown as ``\\x1b``.

    ``multiline=False`` also shows newlines and tabs escaped (a name in a list row).
    A ``Content`` passed in is returned unchanged (it is already literal).
    """
    if isinstance(text, Content):
        return text
    return Content(visible(text, multiline=multiline))


def plain_styled(text: object, style: str) -> Content:
    """One line of outside text in ``style`` (e.g. a bold tenant name)."""
    return Content.styled(visible(text), style)
