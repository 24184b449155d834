"""The DID pool input: checks the pool on every keystroke and underlines the entry at fault.

The checks are the domain's (``check_pool``, ``PoolIndex``, ``find_collisions``); this
widget only shows them. Collisions are checked against a prebuilt ``PoolIndex`` (pools the
PBX already holds, loaded once) and a small map of sibling pools (other tenants on the
same screen), so a keystroke costs a local check, never a network call.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from rich.highlighter import Highlighter
from rich.text import Text
from textual import events
from textual.message import Message
from textual.widgets import Input

from trunkwiz.domain.didpool import check_pool, find_collisions, is_list_paste, pasted_pool
from trunkwiz.tui.widgets.compact import TextField

if TYPE_CHECKING:
    from trunkwiz.domain.didpool import DidPool, PoolCheck, PoolIndex, PoolIssue

ERROR_STYLE = "underline bold red"
WARNING_STYLE = "underline yellow"


class IssueHighlighter(Highlighter):
    """Styles the character spans of the current issues."""

    def __init__(self) -> None:
        self.spans: list[tuple[int, int, str]] = []

    def highlight(self, text: Text) -> None:
        """Apply the styles of ``spans`` to ``text``."""
        for start, end, style in self.spans:
            text.stylize(style, start, max(end, start + 1))


class DidPoolInput(TextField):
    """An input for ``;``-separated numbers and ``a-b`` ranges, checked as you type."""

    class Checked(Message):
        """The pool was checked (after every change): ``ok`` when no error remains."""

        def __init__(
            self, pool_input: DidPoolInput, ok: bool, issues: tuple[PoolIssue, ...], pool: DidPool
        ) -> None:
            super().__init__()
            self.pool_input = pool_input
            self.ok = ok
            self.issues = issues
            self.pool = pool

        @property
        def control(self) -> DidPoolInput:
            """The input that was checked."""
            return self.pool_input

        @property
        def first_error(self) -> PoolIssue | None:
            """The first error in source order, if any."""
            return next((i for i in self.issues if i.severity == "error"), None)

    # Any: Textual's Input options, passed on as they are
    def __init__(self, value: object = "", *, allow_empty: bool = False, **kwargs: Any) -> None:
        self._marks = IssueHighlighter()
        kwargs.setdefault("placeholder", "16468097065-16468097066;16468097070")
        super().__init__(value, highlighter=self._marks, **kwargs)
        self.allow_empty = allow_empty
        self._index: PoolIndex | None = None
        self._siblings: Mapping[str, DidPool] = {}
        self._last: PoolCheck | None = None
        self.issues: tuple[PoolIssue, ...] = ()
        self.pool: DidPool | None = None
        self.ok = True

    def on_mount(self) -> None:
        self.recheck()

    def on_paste(self, event: events.Paste) -> None:
        """A pasted list (a spreadsheet column, ``a, b, c``) goes in as a ``;``-separated
        pool, shown and checked in the field before it is used; a single entry is
        pasted as is."""
        if not is_list_paste(event.text):
            return  # Input's own paste: one line at the cursor
        event.prevent_default()
        event.stop()
        text = pasted_pool(event.text)
        selection = self.selection
        if selection.is_empty:
            before = self.value[: self.cursor_position]
            if before and not before.endswith(";"):
                text = ";" + text
            self.insert_text_at_cursor(text)
        else:
            self.replace(text, *selection)

    def set_context(
        self, index: PoolIndex | None = None, siblings: Mapping[str, DidPool] | None = None
    ) -> None:
        """Set the other pools to check against, then check again."""
        if index is not None:
            self._index = index
        if siblings is not None:
            self._siblings = siblings
        self.recheck()

    def on_input_changed(self, event: Input.Changed) -> None:
        """Every keystroke: check locally and post ``Checked``."""
        if event.input is self:
            self.recheck()

    def recheck(self) -> None:
        """Check the current text and mark what is wrong."""
        last = self._last
        same_text = last is not None and last.pool.text == self.value
        result = last if last is not None and same_text else check_pool(self.value, previous=last)
        issues = [i for i in result.issues if not (self.allow_empty and i.code == "empty")]
        pool = result.pool
        self._last = result
        if pool.is_empty:
            pass  # nothing can collide
        elif self._index is not None:
            issues.extend(c.as_issue() for c in self._index.collisions(pool))
        if self._siblings and not pool.is_empty:
            issues.extend(c.as_issue() for c in find_collisions(pool, self._siblings))
        issues.sort(key=lambda i: (i.start, i.severity != "error"))
        self.issues = tuple(issues)
        self.pool = pool
        self.ok = not any(i.severity == "error" for i in issues)
        self._marks.spans = [
            (i.start, i.end, ERROR_STYLE if i.severity == "error" else WARNING_STYLE)
            for i in issues
        ]
        self.set_class(not self.ok, "-invalid-pool")
        self.refresh()
        self.post_message(self.Checked(self, self.ok, self.issues, pool))

    def describe(self) -> str:
        """The message line: every error (else every warning), in the order of the text,
        so a pool with several bad entries is fixed in one go."""
        shown = [i for i in self.issues if i.severity == "error"] or list(self.issues)
        return "; ".join(i.message for i in shown)
