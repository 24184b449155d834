"""The key hints line: the keys that work here, on the bottom line, as one widget.

Textual's ``Footer`` builds a widget per key and rebuilds them all whenever the focus
moves; on a slow link and at start-up that costs more than the line is worth. This line
shows the same bindings (those with ``show=True``, the command palette on the right) as
one piece of text, repainted only when it changes.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.content import Content
from textual.widget import Widget

if TYPE_CHECKING:
    from textual.screen import Screen


def describe_keys(screen: Screen[object]) -> tuple[Content, Content]:
    """(the keys shown on ``screen``, the command palette hint) as styled text."""
    app = screen.app
    seen: set[str] = set()
    parts: list[Content] = []
    palette = Content("")
    for _node, binding, enabled, _tooltip in screen.active_bindings.values():
        if app.ENABLE_COMMAND_PALETTE and binding.key == app.COMMAND_PALETTE_BINDING:
            palette = Content.assemble(
                (f" {app.get_key_display(binding)} ", "bold $footer-key-foreground"),
                binding.description.lower() or "palette",
            )
            continue
        if not binding.show or binding.action in seen:
            continue
        seen.add(binding.action)
        style = "bold $footer-key-foreground" if enabled else "dim"
        parts.append(
            Content.assemble(
                (f" {app.get_key_display(binding)} ", style),
                (binding.description, "" if enabled else "dim"),
                " ",
            )
        )
    return Content("").join(parts), palette


class KeyHints(Widget):
    """One line: ``^n Next  ^r Back  esc Quit  ? Help`` and ``^p palette`` on the right."""

    DEFAULT_CSS = """
    KeyHints {
        dock: bottom;
        height: 1;
        width: 1fr;
        background: $footer-background;
        color: $footer-foreground;
    }
    """

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self._keys: Content | None = None  # worked out when first painted
        self._palette = Content("")

    def on_mount(self) -> None:
        """Follow the screen's bindings (they change with the focus)."""
        self.screen.bindings_updated_signal.subscribe(self, self._bindings_changed)

    def _bindings_changed(self, screen: Screen[object]) -> None:
        if screen is not self.screen or self._keys is None:
            return
        keys, palette = describe_keys(screen)
        if (keys.plain, palette.plain) != (self._keys.plain, self._palette.plain):
            self._keys, self._palette = keys, palette
            self.refresh()

    @property
    def text(self) -> str:
        """The line as plain text (tests, screen readers)."""
        if self._keys is None:
            self._keys, self._palette = describe_keys(self.screen)
        return f"{self._keys.plain}{self._palette.plain}"

    def render(self) -> Content:
        """The keys on the left, the palette hint on the right."""
        if self._keys is None:  # the screen is on top now: the app's keys count too
            self._keys, self._palette = describe_keys(self.screen)
        gap = max(1, self.size.width - self._keys.cell_length - self._palette.cell_length)
        return Content.assemble(self._keys, " " * gap, self._palette)
