"""What has focus stays on screen: the screen every step builds on scrolls its body (and
any scrolling container between) so the focused widget, and the message under it, are
wholly shown after every focus change and every layout that moved them."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.screen import Screen, ScreenResultType
from textual.widget import Widget

if TYPE_CHECKING:
    from textual.dom import DOMNode


class InViewScreen(Screen[ScreenResultType]):
    """A screen whose focused widget is kept in view (``keep_focus_in_view``); the step
    screens (``StepScreen``) are these. The body is the widget ``#body``."""

    leaving: bool = False
    """Set once the screen is ending (``StepScreen.leave``): nothing is scrolled any more."""

    def set_focus(
        self, widget: Widget | None, scroll_visible: bool = True, from_app_focus: bool = False
    ) -> None:
        """Focus ``widget``; it is brought into view once laid out (``keep_focus_in_view``)
        instead of Textual's own scroll, which runs before a widget just mounted has a
        place and so leaves it below the screen."""
        super().set_focus(widget, scroll_visible=False, from_app_focus=from_app_focus)
        if scroll_visible and widget is not None:
            self.call_after_refresh(self.keep_focus_in_view)

    def keep_focus_in_view(self) -> None:
        """Scroll the step's body (and any scrolling container between) so the focused
        widget is wholly on screen. Runs on every focus change, and after every layout
        that moved what is focused (a form mounted above it, an error line shown, a
        resize): one mechanism for every step, whatever moved the widget. The message
        about the focused field, shown under it, is brought into view too (the field
        first, when both do not fit)."""
        focused = self.focused
        if focused is None or not focused.is_attached or self.leaving:
            return
        line = self._message_of(focused)
        if line is not None and not self._wholly_shown(line):
            self.scroll_to_widget(line, animate=False, immediate=True)
        if self._wholly_shown(focused):
            return
        self.scroll_to_widget(focused, animate=False, immediate=True)

    def _wholly_shown(self, widget: Widget) -> bool:
        """Whether ``widget`` lies inside the screen and inside every scrolling container
        around it (the screen alone would count a field scrolled above the body as
        shown, since the body does not start at the screen's top)."""
        region = widget.region
        if not region.area or not self.region.contains_region(region):
            return False
        for ancestor in widget.ancestors:
            if ancestor is self or not isinstance(ancestor, Widget):
                break
            if ancestor.styles.overlay == "screen":
                break  # drawn over the screen (a Select's list): only the screen clips it
            if ancestor.is_scrollable and not ancestor.scrollable_content_region.contains_region(
                region
            ):
                return False
        return True

    def _message_of(self, widget: Widget) -> Widget | None:
        """The shown message line about ``widget`` (its own ``#id-error``, else the one
        of the nearest container that has one, e.g. a rule form's), or None."""
        node: DOMNode | None = widget
        while isinstance(node, Widget) and node is not self:
            if node.id:
                found = self.query(f"#{node.id}-error.-shown")
                if found:
                    return found.first()
            node = node.parent
        return None

    def _watch_layout(self) -> None:
        """Re-check the focused widget whenever the body's content, size or scroll
        position changes (a key or the mouse wheel that scrolls the body away from the
        focused field scrolls it back: what is typed goes where it is seen)."""
        body = self.query("#body")
        if not body:
            return
        scroller = body.first()
        for attribute in ("virtual_size", "size", "scroll_y"):
            self.watch(scroller, attribute, self._layout_changed, init=False)

    def _layout_changed(self) -> None:
        self.call_after_refresh(self.keep_focus_in_view)
