"""``TrunkList``: the Kind step's list of existing trunks, one line per trunk.

Columns (name, kind, brand, host, tenants, status) are sized to the list's width: each
starts at the width of its longest cell; when they do not fit, the widest is narrowed
first, and a cell that is cut ends with "…". A line never wraps, so the list shows as many
trunks as it has rows (it scrolls beyond). The first trunk is highlighted as soon as the
list has trunks, so Enter opens the highlighted one and Down moves to the second.

Every cell is the PBX's text: shown literally (never markup), control characters escaped.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from rich.cells import cell_len, set_cell_size
from textual import events
from textual.content import Content
from textual.message import Message
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from trunkwiz.domain.text import visible

if TYPE_CHECKING:
    from trunkwiz.service.trunk_rows import TrunkRow

#: The kind column's words (10 characters at most).
KIND_SHORT = {"register": "register", "ip": "ip", "accept_register": "accept-reg"}

#: Column titles, in order, and the narrowest each may become.
COLUMNS: tuple[tuple[str, int], ...] = (
    ("Name", 8),
    ("Kind", 4),
    ("Brand", 5),
    ("Host", 8),
    ("Tenants", 7),
    ("Status", 20),
)
GAP = 1
"""Spaces between two columns."""


def cut(text: str, width: int) -> str:
    """``text`` in exactly ``width`` cells: padded, or cut with a final "…"."""
    if width <= 0:
        return ""
    if cell_len(text) <= width:
        return set_cell_size(text, width)
    return set_cell_size(text, width - 1) + "…"


def cells(row: TrunkRow) -> tuple[str, ...]:
    """The row's cells as shown (control characters escaped, one line each)."""
    kind = KIND_SHORT.get(row.kind, row.kind)
    values = (row.name, kind, row.brand, row.host, row.tenants_text, row.status_text)
    return tuple(visible(v) for v in values)


def column_widths(rows: Sequence[tuple[str, ...]], width: int) -> list[int]:
    """Widths of the columns for lines of ``width`` cells: each as wide as its longest
    cell (or title); when they do not fit, the widest column loses a cell at a time (down
    to its minimum); the last column takes what is left."""
    widths = [
        max([cell_len(title), *(cell_len(r[i]) for r in rows)])
        for i, (title, _) in enumerate(COLUMNS)
    ]
    room = width - GAP * (len(COLUMNS) - 1)
    while sum(widths) > room:
        narrowable = [i for i, (_, least) in enumerate(COLUMNS) if widths[i] > least]
        if not narrowable:
            break
        widest = max(narrowable, key=lambda i: (widths[i], i))
        widths[widest] -= 1
    widths[-1] = max(widths[-1], room - sum(widths[:-1]))
    return widths


def status_style(row: TrunkRow) -> str:
    """Green when online, red when offline, the warning colour when unknown."""
    if row.problems:
        return "$warning"
    return "green" if row.status == "ONLINE" else "red"


def trunk_line(row: TrunkRow, widths: Sequence[int]) -> Content:
    """One list line: the row's cells cut to ``widths`` (literal text, never markup)."""
    parts = [cut(cell, w) for cell, w in zip(cells(row), widths, strict=True)]
    head = (" " * GAP).join(parts[:-1]) + " " * GAP
    return Content.assemble(head, (parts[-1].rstrip(), status_style(row)))


def header_line(widths: Sequence[int]) -> str:
    """The column titles, aligned with ``trunk_line``."""
    parts = [cut(title, w) for (title, _), w in zip(COLUMNS, widths, strict=True)]
    return (" " * GAP).join(parts).rstrip()


class TrunkList(OptionList):
    """The trunk list: ``show_rows`` fills it; it lays its columns out to its width."""

    DEFAULT_CSS = """
    TrunkList {
        scrollbar-gutter: stable;
        scrollbar-size-vertical: 1;
    }
    """

    class Columns(Message):
        """The column titles, laid out for the list's current width."""

        def __init__(self, trunk_list: TrunkList, header: str) -> None:
            super().__init__()
            self.trunk_list = trunk_list
            self.header = header

        @property
        def control(self) -> TrunkList:
            """The list whose columns these are."""
            return self.trunk_list

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(Option("Loading the trunks…", disabled=True), id=id)
        self.rows: list[TrunkRow] = []
        self._laid_for = -1

    def line_width(self) -> int:
        """Cells one line may use (the list's width inside its border, padding, scrollbar)."""
        padding = self.get_component_styles("option-list--option").padding
        width = self.scrollable_content_region.width
        if width <= 0:  # not laid out yet: the screen's width less the step's margins
            width = self.app.size.width - 6
        return max(width - padding.width, 20)

    def show_note(self, text: Content | str) -> None:
        """One line instead of trunks (loading, not connected, no trunks, an error)."""
        self.rows = []
        self.clear_options().add_option(Option(text, disabled=True))

    def show_rows(self, rows: Sequence[TrunkRow]) -> None:
        """List ``rows``; the highlighted trunk stays highlighted (else the first)."""
        self.rows = list(rows)
        self._layout(force=True)

    def _layout(self, *, force: bool = False) -> None:
        if not self.rows:
            return
        width = self.line_width()
        if width == self._laid_for and not force:
            return
        self._laid_for = width
        kept = self.highlighted_id()
        widths = column_widths([cells(r) for r in self.rows], width)
        self.clear_options()
        self.add_options(Option(trunk_line(r, widths), id=r.id) for r in self.rows)
        ids = [r.id for r in self.rows]
        self.highlighted = ids.index(kept) if kept in ids else 0
        self.post_message(self.Columns(self, header_line(widths)))

    def highlighted_id(self) -> str | None:
        """The id of the highlighted trunk, if any."""
        index = self.highlighted
        if index is None or not 0 <= index < self.option_count:
            return None
        return self.get_option_at_index(index).id

    def on_resize(self) -> None:
        """Lay the columns out again for the new width (Textual also runs OptionList's)."""
        self._layout()

    def on_focus(self, event: events.Focus) -> None:
        """The first trunk is highlighted when the list gets focus with none highlighted."""
        if self.highlighted is None and self.rows:
            self.highlighted = 0
