"""The wizard's one-line controls: text fields, buttons, check boxes and radio buttons.

Textual's ``Input``, ``Button`` and ``Checkbox`` carry CSS for every look they offer
(bordered and compact, ANSI themes, every variant: about 11 KB of rules for the three),
parsed and matched when the first of each is shown, which is a good part of the cost
of the first frame. Every control of the wizard is compact (one line, no border), so
these classes are those widgets in all they do (keys, focus, messages, ``value``,
``disabled``, variants) and bring only the rules of that look (``inherit_css=False``).

Textual collects component classes along the same CSS bases, so each class names its
own again.
"""

from __future__ import annotations

from typing import Any, ClassVar

from rich.highlighter import Highlighter
from rich.segment import Segment
from rich.text import Text
from textual.binding import Binding, BindingType
from textual.content import Content
from textual.strip import Strip
from textual.widgets import Button, Checkbox, Input, OptionList, RadioButton, SelectionList

from trunkwiz.domain.text import same_length

#: State marks readable without colour (monochrome, ``NO_COLOR``, screen readers, logs).
CHECKED, UNCHECKED = "[x]", "[ ]"
CHOSEN, NOT_CHOSEN = "(•)", "( )"


def marked(button: Checkbox | RadioButton, mark: str) -> Content:
    """A toggle's look with ``mark`` (three cells, as Textual's ``▐X▌``) before its label."""
    label = button.label.pad(1, 1).stylize_before(button.get_visual_style("toggle--label"))
    return Content.assemble(Content.styled(mark, button.get_visual_style("toggle--button")), label)


class ControlPictures(Highlighter):
    """Shows a field's control characters (pasted, or prefilled from the PBX) as symbols
    of the same length (``\x1b`` as U+241B) instead of sending them to the terminal."""

    def highlight(self, text: Text) -> None:
        shown = same_length(text.plain)
        if shown != text.plain:
            text.plain = shown


class TextField(Input, inherit_css=False):
    """A one-line input for slow links: compact, no blinking cursor."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "input--cursor",
        "input--placeholder",
        "input--suggestion",
        "input--selection",
    }

    DEFAULT_CSS = """
    TextField {
        background: $surface;
        color: $foreground;
        width: 100%;
        height: 1;
        scrollbar-size-horizontal: 0;
        pointer: text;

        &:focus {
            background-tint: $foreground 5%;
        }
        &.-invalid {
            background-tint: $error 20%;
        }
        & > .input--cursor {
            background: $input-cursor-background;
            color: $input-cursor-foreground;
            text-style: $input-cursor-text-style;
        }
        & > .input--selection {
            background: $input-selection-background;
            color: $input-selection-foreground;
        }
        & > .input--placeholder, & > .input--suggestion {
            color: $text-disabled;
        }
    }
    """

    # Any: Textual's widget options, passed on as they are
    def __init__(self, value: object = "", **kwargs: Any) -> None:
        kwargs.setdefault("compact", True)
        kwargs.setdefault("highlighter", ControlPictures())
        super().__init__("" if value is None else str(value), **kwargs)
        self.cursor_blink = False

    def type_character(self, character: str) -> None:
        """Type one character at the cursor (over the selection), as a key press does.

        The App applies keys in arrival order (``trunkwiz.tui.keyorder``) and calls this
        for a printable key while the field has focus."""
        selection = self.selection
        if selection.is_empty:
            self.insert_text_at_cursor(character)
        else:
            self.replace(character, *selection)


class CompactButton(Button, inherit_css=False):
    """A compact ``Button`` (variants: default, primary, success, warning, error)."""

    DEFAULT_CSS = """
    CompactButton {
        width: auto;
        min-width: 16;
        height: 1;
        line-pad: 1;
        text-align: center;
        content-align: center middle;
        text-style: bold;
        color: $button-foreground;
        background: $surface;
        pointer: pointer;

        &:focus {
            text-style: $button-focus-text-style;
            background-tint: $foreground 5%;
        }
        &:hover {
            background: $surface-darken-1;
        }
        &.-active {
            tint: $background 30%;
        }
        &:disabled {
            text-opacity: 0.6;
            pointer: not-allowed;
        }
        &.-primary {
            color: $button-color-foreground;
            background: $primary;
            &:hover { background: $primary-darken-2; }
        }
        &.-success {
            color: $button-color-foreground;
            background: $success;
            &:hover { background: $success-darken-2; }
        }
        &.-warning {
            color: $button-color-foreground;
            background: $warning;
            &:hover { background: $warning-darken-2; }
        }
        &.-error {
            color: $button-color-foreground;
            background: $error;
            &:hover { background: $error-darken-1; }
        }
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter,space", "press", "Press button", show=False)
    ]
    """Enter or Space presses the focused button (Textual's ``Button`` takes only Enter)."""

    # Any: Textual's widget options, passed on as they are
    def __init__(self, label: str, **kwargs: Any) -> None:
        kwargs.setdefault("compact", True)
        super().__init__(label, **kwargs)


class CompactCheckbox(Checkbox, inherit_css=False):
    """A compact ``Checkbox``."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {"toggle--button", "toggle--label"}

    DEFAULT_CSS = """
    CompactCheckbox {
        width: auto;
        height: 1;
        background: $surface;
        text-wrap: nowrap;
        text-overflow: ellipsis;
        pointer: pointer;

        & > .toggle--button {
            color: $text-muted;
            background: $panel;
        }
        &.-on > .toggle--button {
            color: $text-success;
            background: $panel;
        }
        &:focus {
            background-tint: $foreground 5%;
            & > .toggle--label {
                color: $block-cursor-foreground;
                background: $block-cursor-background;
                text-style: $block-cursor-text-style;
            }
        }
        &:blur:hover {
            & > .toggle--label {
                background: $block-hover-background;
            }
        }
    }
    """

    # Any: Textual's widget options, passed on as they are
    def __init__(self, label: str, value: bool = False, **kwargs: Any) -> None:
        kwargs.setdefault("compact", True)
        super().__init__(label, value, **kwargs)

    def render(self) -> Content:
        """``[x] label`` or ``[ ] label``: the state is in the characters, not only colour."""
        return marked(self, CHECKED if self.value else UNCHECKED)


class MarkedRadioButton(RadioButton):
    """A ``RadioButton`` drawn ``(•) label`` / ``( ) label`` (readable without colour)."""

    def render(self) -> Content:
        return marked(self, CHOSEN if self.value else NOT_CHOSEN)


class MarkedSelectionList(SelectionList[str]):
    """A ``SelectionList`` whose boxes read ``[x]`` / ``[ ]`` (readable without colour).

    Its options can be replaced (a filter) while a highlight message for the old ones is
    still queued (several keys in one read): that late message names an option that is
    gone and is dropped here, where ``SelectionList`` would look it up and fail."""

    def _on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        """Runs before ``SelectionList``'s own handler (Textual calls each class's in
        turn); a stale message stops here."""
        index = event.option_index
        current = 0 <= index < self.option_count and self.options[index] is event.option
        if not current:
            event.stop()
            event.prevent_default()

    def render_line(self, y: int) -> Strip:
        line = super().render_line(y)
        segments = list(line)
        button = [s.text for s in segments[:3]]
        if button != [Checkbox.BUTTON_LEFT, Checkbox.BUTTON_INNER, Checkbox.BUTTON_RIGHT]:
            return line
        _, scroll_y = self.scroll_offset
        option = self.get_option_at_index(scroll_y + y)
        mark = CHECKED if option.value in self.selected else UNCHECKED
        style = segments[1].style
        return Strip([Segment(mark, style), *segments[3:]], line.cell_length)
