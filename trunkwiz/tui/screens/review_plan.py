"""The plan on the Review step: ``Plan.describe()``'s lines, readable at 80 columns."""

from __future__ import annotations

import re
import textwrap
from collections.abc import Iterable
from typing import Any

from textual.content import Content
from textual.geometry import Size
from textual.widgets import Static

from trunkwiz.domain.labels import label_of
from trunkwiz.domain.text import visible

_ENTRY = re.compile(r"^(\s+)([^:\s][^:]*): ")


class PlanView(Static):
    """The plan as ``Plan.describe()`` words it, one entry a line, never parsed as markup.

    Entries under a heading keep their indent. A long entry wraps under its value rather
    than at column 0; one that would need more than ``MAX_ROWS`` rows is cut with "…".
    ``marked`` names a field the PBX refused: its line is shown in the error colour.
    """

    MAX_ROWS = 4

    # Any: Textual's widget options, passed on as they are
    def __init__(self, text: str = "", **kwargs: Any) -> None:
        super().__init__(text, markup=False, **kwargs)
        self.lines = [visible(line) for line in text.splitlines()]
        self.keys: list[str | None] = [None] * len(self.lines)
        self.marked: str | None = None
        self._wrapped: tuple[int, Content] | None = None

    def show(self, lines: Iterable[str], marked: str | None = None) -> None:
        """Show ``lines`` (the plan names each field by its label); ``marked`` is the API
        name of a field the PBX refused: its entry is flagged."""
        raw = list(lines)
        self.keys = [self._key(line) for line in raw]
        # Names in the plan come from the PBX and the file: control characters visible.
        self.lines = [visible(line) for line in raw]
        marked = label_of(marked) if marked else None
        self.marked, self._wrapped = marked, None
        if marked:
            self.lines = [
                f"{line}   ← refused by the PBX" if key == marked else line
                for line, key in zip(self.lines, self.keys, strict=True)
            ]
        self.update(Content("\n".join(self.lines)))  # the exact words (what is read back)

    @staticmethod
    def _key(line: str) -> str | None:
        found = _ENTRY.match(line)
        return found.group(2) if found else None

    def wrap(self, width: int) -> Content:
        """The lines laid out for ``width`` columns (cached per width)."""
        if self._wrapped is not None and self._wrapped[0] == width:
            return self._wrapped[1]
        rows: list[Content] = []
        for line, key in zip(self.lines, self.keys, strict=True):
            style = "bold" if line and not line[0].isspace() else ""
            if self.marked and key == self.marked:
                style = "$error"
            rows += [Content.styled(row, style) for row in self._rows(line, max(width, 20))]
        content = Content("\n").join(rows)
        self._wrapped = (width, content)
        return content

    def _rows(self, line: str, width: int) -> list[str]:
        if len(line) <= width:
            return [line]
        found = _ENTRY.match(line)
        hang = len(found.group(0)) if found and len(found.group(0)) <= width // 2 else 4
        indent = line[: len(line) - len(line.lstrip())]
        rows = textwrap.wrap(
            line.lstrip(),
            width,
            initial_indent=indent,
            subsequent_indent=" " * hang,
            break_on_hyphens=False,
        ) or [line[:width]]
        if len(rows) > self.MAX_ROWS:
            rows = rows[: self.MAX_ROWS]
            rows[-1] = rows[-1][: width - 1].rstrip() + "…"
        return rows

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        """The rows the wrapped lines take at ``width``."""
        return len(self.wrap(width).plain.split("\n")) if self.lines else 1

    def render(self) -> Content:
        """The lines wrapped to the current width."""
        return self.wrap(self.size.width)
