"""The step indicator: where the user is in the procedure, on one line."""

from __future__ import annotations

from textual.content import Content
from textual.widgets import Static

from trunkwiz.tui.flow import STEP_SHORT, Flow

MAX_WIDTH = 80
"""The terminal width the indicator must fit in (the smallest supported)."""


class StepIndicator(Static):
    """``1 Connect › 2 Kind › [3 Basic info] › …`` with the current step highlighted."""

    DEFAULT_CSS = """
    StepIndicator {
        height: 1;
        width: 100%;
        background: $panel;
        color: $text-muted;
        text-wrap: nowrap;
        text-overflow: ellipsis;
    }
    """

    def __init__(self, flow: Flow, step: str, **kwargs: object) -> None:
        super().__init__(self.describe(flow, step), **kwargs)  # type: ignore[arg-type]

    @staticmethod
    def describe(flow: Flow, step: str) -> Content:
        """The indicator line as styled text (Textual's own, no markup to parse)."""
        parts: list[str | tuple[str, str]] = []
        number, _total = flow.position(step)
        steps = flow.steps()
        labels = sum(len(f"{i} {STEP_SHORT[n]}") for i, n in enumerate(steps, start=1))
        # Eight steps with spaced separators exceed 80 columns: then the separators close up.
        sep = " › " if labels + 3 * (len(steps) - 1) <= MAX_WIDTH else "›"
        for i, name in enumerate(steps, start=1):
            if i > 1:
                parts.append((sep, "dim"))
            label = f"{i} {STEP_SHORT[name]}"
            if name == step:
                parts.append((label, "bold reverse"))
            elif i < number:
                parts.append((label, "green"))
            else:
                parts.append(label)
        return Content.assemble(*parts)
