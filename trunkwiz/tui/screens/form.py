"""The pieces a step's form is built from: labelled rows, the two-column grid, and the
error and note lines under them (shown literally: they carry outside text)."""

from __future__ import annotations

from collections.abc import Iterable

from textual.containers import Grid, Horizontal
from textual.content import Content
from textual.geometry import Size
from textual.widget import Widget
from textual.widgets import Static

from trunkwiz.tui.plain import plain


def set_line(widget: Static, text: str | Content) -> None:
    """Show ``text`` on an error line (repainted only when the text changes). A string
    is shown literally (never markup; control characters made visible): messages carry
    the PBX's and the user's text."""
    if getattr(widget, "_shown_text", None) != text:
        widget._shown_text = text  # type: ignore[attr-defined]
        widget.update(plain(text))
        widget.set_class(bool(text), "-shown")


def show_note(widget: Static, text: str | Content) -> None:
    """Show ``text`` (literally, as ``set_line``) in a note line, hidden while empty."""
    widget.update(plain(text))
    widget.display = bool(text)


def field_row(label: str, widget: Widget, *, hint: str = "") -> Iterable[Widget]:
    """A labelled row, an optional hint line and the (hidden until used) error line."""
    name = widget.id or ""
    yield Horizontal(Static(label, classes="label"), widget, classes="row", id=f"row-{name}")
    if hint:
        yield Static(hint, classes="hint", id=f"{name}-hint")
    yield Static("", classes="field-error", id=f"{name}-error")


class FieldError(Static):
    """An error line made under a field when needed. In a ``form_grid`` it spans both
    columns; Textual sizes an auto grid row by each column's own width, so the line
    measures its height against the whole row instead (else a long message would get a
    row too tall for it)."""

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        parent = self.parent
        if isinstance(parent, Widget) and parent.has_class("form"):
            width = max(width, container.width - self.styles.gutter.width)
        return super().get_content_height(container, viewport, width)


def form_grid(*fields: tuple[str, Widget], id: str) -> Grid:
    """Labelled fields as one two-column grid (label, field): one container for all the
    rows instead of one per row, for a step that must open fast. Error lines are created
    under a field when needed (``StepScreen.error_line``) and span both columns."""
    cells: list[Widget] = []
    for label, widget in fields:
        cells += [Static(label, classes="label"), widget]
    return Grid(*cells, classes="form", id=id)
