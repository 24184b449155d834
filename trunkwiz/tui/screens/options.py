"""Step 5, Options: max concurrent calls, then the advanced flags with the PBX's defaults."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.app import ComposeResult
from textual.widgets import Checkbox, Static

from trunkwiz.domain.labels import label_of
from trunkwiz.domain.options import TrunkOptions
from trunkwiz.tui.screens.base import StepScreen
from trunkwiz.tui.screens.form import field_row
from trunkwiz.tui.widgets.compact import CompactCheckbox, TextField

if TYPE_CHECKING:
    from trunkwiz.domain.fields import FieldValues
    from trunkwiz.service.draft import StepValues


def option_specs() -> list[tuple[str, object, str]]:
    """``(name, default, hint)`` of each flag, from the domain model: what it does, its
    default in the same words for every flag, and its API name as a detail."""
    specs = []
    for name, info in TrunkOptions.model_fields.items():
        default = info.default
        shown = ("on" if default else "off") if isinstance(default, bool) else str(default)
        hint = f"{info.description or ''} Default: {shown}. API: {name}".strip()
        specs.append((name, default, hint))
    return specs


class OptionsScreen(StepScreen):
    """Call cap and the advanced flags; every value is sent explicitly."""

    STEP = "options"
    INTRO = "Defaults are the PBX web UI's; change only what the carrier asks for."
    HELP = "Options: Space toggles a flag. Each flag is sent to the PBX explicitly."

    def compose_body(self) -> ComposeResult:
        f, chosen = self.draft.fields, self.draft.options
        yield from field_row(
            label_of("concurrency"),
            TextField(f.get("concurrency", 100000), id="concurrency", type="integer"),
        )
        for name, default, description in option_specs():
            value = chosen.get(name, default)
            if isinstance(default, bool):
                yield CompactCheckbox(label_of(name), bool(value), id=name, classes="flag")
                yield Static(description, classes="hint flag-hint", id=f"{name}-hint")
            else:
                yield from field_row(
                    label_of(name), TextField(value, id=name, type="integer"), hint=description
                )

    def on_mount(self) -> None:
        self.query_one("#concurrency").focus()

    def collect(self) -> StepValues:
        def number(widget_id: str) -> int | str:
            raw = self.query_one(f"#{widget_id}", TextField).value.strip()
            return int(raw) if raw.isdigit() else raw

        options: FieldValues = {}
        for name, default, _ in option_specs():
            if isinstance(default, bool):
                options[name] = self.query_one(f"#{name}", Checkbox).value
            else:
                options[name] = number(name)
        return {"concurrency": number("concurrency"), "options": options}

    def error_target(self, key: str) -> str | None:
        return key.removeprefix("options.")
