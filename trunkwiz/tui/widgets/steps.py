"""The step indicator: where the user is in the procedure, on one line."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

from trunkwiz.tui.flow import STEP_SHORT, Flow


class StepIndicator(Static):
    """``1 Connect › 2 Kind › [3 Basic info] › …`` with the current step highlighted."""

    DEFAULT_CSS = """
    StepIndicator { height: 1; width: 100%; background: $panel; color: $text-muted; }
    """

    def __init__(self, flow: Flow, step: str, **kwargs: object) -> None:
        super().__init__(self.describe(flow, step), **kwargs)  # type: ignore[arg-type]

    @staticmethod
    def describe(flow: Flow, step: str) -> Text:
        """The indicator line as styled text (also used by tests and the help screen)."""
        text = Text(no_wrap=True, overflow="ellipsis")
        steps = flow.steps()
        number, _total = flow.position(step)
        for i, name in enumerate(steps, start=1):
            if i > 1:
                text.append(" › ", style="dim")
            label = f"{i} {STEP_SHORT[name]}"
            if name == step:
                text.append(label, style="bold reverse")
            elif i < number:
                text.append(label, style="green")
            else:
                text.append(label)
        return text
