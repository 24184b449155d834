"""Keys applied in the order they were typed, even when they arrive together.

Over a slow link several keys often reach the app in one read. Textual inserts an
``Input``'s printable keys as soon as the field gets them, but runs bindings (the field's
own Ctrl+K, Backspace, arrows; the screen's Tab and Ctrl+N) only once the key has bubbled
back up to the App, so the characters typed after a binding key overtake it: ``Ctrl+A
Ctrl+K 10.0.0.1`` left the field empty, ``Tab 5060`` typed into the previous field.

``KeyOrder`` takes every key from the terminal in the App and applies it at once, in
order, with Textual's own rules of precedence: a priority binding; a printable character
into the focused text field; the nearest binding of the focused widget, its containers,
the screen and the App. A key none of them takes goes the usual way (to the focused
widget). A key that changes the screen (Ctrl+N, Back, a dialog) closes a gate: the keys
after it wait until the new screen has taken focus, then they are applied there.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from textual import events
from textual.widgets import Input

from trunkwiz.tui.widgets.compact import TextField

if TYPE_CHECKING:
    from textual.app import App
    from textual.screen import Screen
    from textual.widget import Widget


class KeyOrder:
    """The App's keys, one at a time, in arrival order (see the module docstring).

    ``fallback`` hands a key to Textual's usual dispatch (``App.on_event``).
    """

    def __init__(self, app: App[Any], fallback: Callable[[events.Key], Awaitable[None]]) -> None:
        self.app = app
        self.fallback = fallback
        self.held: deque[events.Key] = deque()
        self.open = False
        """Keys are applied as they come; closed until a screen has been shown, and while
        a screen or the focus is being changed."""
        self.waits = 0

    def start(self) -> None:
        """Follow screen changes (call once the App is running, before the first push)."""
        self.app.screen_change_signal.subscribe(self.app, self._screen_changed, immediate=True)

    def _screen_changed(self, screen: Screen[Any]) -> None:
        # The new screen handles its ScreenResume (focus) first, then this callback.
        self._wait_for(screen, lambda: screen is self.app.screen and len(self.app.screen_stack) > 1)

    def _focus_changed(self, widget: Widget) -> None:
        # The field handles its Focus event first (it selects its text), then this callback.
        self._wait_for(widget, lambda: True)

    def _wait_for(self, node: Widget, ready: Callable[[], bool]) -> None:
        """Hold the keys until ``node`` has handled the messages posted to it so far."""
        self.open = False
        self.waits += 1

        async def reopen() -> None:
            self.waits -= 1
            if self.waits == 0 and ready():  # else a later change reopens
                self.open = True
                await self._drain()

        if not node.call_later(self.app.call_later, reopen):
            self.waits -= 1  # gone already (closing): the change that removed it reopens

    async def take(self, event: events.Key) -> None:
        """A key from the terminal: apply it now, or after the keys held before it."""
        self.held.append(event)
        if self.open and len(self.held) == 1:
            await self._drain()

    async def _drain(self) -> None:
        while self.open and self.held:
            await self._apply(self.held[0])
            self.held.popleft()

    async def _apply(self, event: events.Key) -> None:
        app = self.app
        focused = app.focused
        if isinstance(focused, Input) and not isinstance(focused, TextField):
            await self.fallback(event)  # Textual's own fields (the command palette)
            return
        active = app.active_bindings.get(event.key)
        if active is None or not active.enabled:
            active = None
        typed = isinstance(focused, TextField) and event.is_printable and event.character
        if typed and (active is None or not active.binding.priority):
            assert isinstance(focused, TextField) and event.character
            focused.type_character(event.character)
            return
        if active is None:
            await self.fallback(event)
            return
        await app.run_action(active.binding.action, active.node)
        now = app.focused
        if now is not focused and now is not None and now.screen is app.screen:
            self._focus_changed(now)
