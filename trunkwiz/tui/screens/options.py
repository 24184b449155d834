"""Step 5, Options: max concurrent calls, then the advanced flags with the PBX's defaults."""

from __future__ import annotations

from typing import Any

from textual.app import ComposeResult
from textual.widgets import Checkbox, Static

from trunkwiz.tui.screens.base import StepScreen, field_row
from trunkwiz.tui.widgets.compact import CompactCheckbox, TextField


def option_specs() -> list[tuple[str, Any, str]]:
    """``(name, default, one-line description)`` of each flag, from the domain model."""
    from trunkwiz.domain.options import TrunkOptions

    return [
        (name, info.default, info.description or "")
        for name, info in TrunkOptions.model_fields.items()
    ]


class OptionsScreen(StepScreen):
    """Call cap and the advanced flags; every value is sent explicitly."""

    STEP = "options"
    INTRO = "Defaults are the PBX web UI's; change only what the carrier asks for."
    HELP = "Options: Space toggles a flag. Each flag is sent to the PBX explicitly."

    def compose_body(self) -> ComposeResult:
        f, chosen = self.draft.fields, self.draft.options
        yield from field_row(
            "Max concurrent calls",
            TextField(f.get("concurrency", 100000), id="concurrency", type="integer"),
        )
        for name, default, description in option_specs():
            value = chosen.get(name, default)
            if isinstance(default, bool):
                yield CompactCheckbox(name, bool(value), id=name, classes="flag")
                yield Static(description, classes="hint flag-hint", id=f"{name}-hint")
            else:
                yield from field_row(
                    name, TextField(value, id=name, type="integer"), hint=description
                )

    def on_mount(self) -> None:
        self.query_one("#concurrency").focus()

    def collect(self) -> dict[str, Any]:
        def number(widget_id: str) -> Any:
            raw = self.query_one(f"#{widget_id}", TextField).value.strip()
            return int(raw) if raw.isdigit() else raw

        options: dict[str, Any] = {}
        for name, default, _ in option_specs():
            if isinstance(default, bool):
                options[name] = self.query_one(f"#{name}", Checkbox).value
            else:
                options[name] = number(name)
        return {"concurrency": number("concurrency"), "options": options}

    def error_target(self, key: str) -> str | None:
        return key.removeprefix("options.")
