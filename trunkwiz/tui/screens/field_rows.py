"""Rows of a step built from the trunk's field table (``trunkwiz.domain.fields``)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from textual.widget import Widget

from trunkwiz.domain.fields import TrunkField
from trunkwiz.tui.screens.form import field_row
from trunkwiz.tui.widgets.compact import TextField


def input_row(
    field: TrunkField,
    values: Mapping[str, object],
    *,
    label: str | None = None,
    hint: str | None = None,
    **extra: Any,  # Any: the input's options (max_length, password), passed on
) -> Iterable[Widget]:
    """A labelled text or number input for ``field``, showing the draft's value or the
    field's default; ``label``/``hint`` replace the table's words, ``extra`` goes to the
    input (``max_length``, ``password``)."""
    if field.widget == "int":
        extra.setdefault("type", "integer")
    if field.placeholder:
        extra.setdefault("placeholder", field.placeholder)
    widget = TextField(values.get(field.name, field.default), id=field.name, **extra)
    yield from field_row(label or field.label, widget, hint=field.hint if hint is None else hint)
