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
after it wait until the new screen has taken focus, then they are applied there. A key
that presses a button (Enter or Space) closes it too, until the button's ``Pressed`` has
been handled by the button and every container up to the App: ``Enter zz`` on "Add
outbound rule" types ``zz`` into the form the press added, not into the button.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from textual import events
from textual.widgets import Button, Input

from trunkwiz.tui.widgets.compact import TextField

if TYPE_CHECKING:
    from textual.app import App
    from textual.dom import DOMNode
    from textual.screen import Screen
    from textual.widget import Widget


class KeyOrder:
    """The App's keys, one at a time, in arrival order (see the module docstring).

    ``fallback`` hands a key to Textual's usual dispatch (``App.on_event``).
    """

    def __init__(self, app: App[int], fallback: Callable[[events.Key], Awaitable[None]]) -> None:
        self.app = app
        self.fallback = fallback
        self.held: deque[events.Key] = deque()
        self.open = False
        """Keys are applied as they come; closed until a screen has been shown, and while
        a screen or the focus is being changed."""
        self.started = False
        self.waits = 0
        """Screens and fields still to handle what was posted to them before keys go on."""
        self.settled: Widget | None = None
        """The focused widget once it had handled its Focus event."""
        self.presses: dict[object, DOMNode] = {}
        """Button presses whose ``Pressed`` is still on its way up (``_hold_for_press``)."""

    def start(self) -> None:
        """Follow screen changes (call once the App is running, before the first push;
        the first key starts it otherwise)."""
        if not self.started:
            self.started = True
            self.app.screen_change_signal.subscribe(self.app, self._screen_changed, immediate=True)

    # Any: Textual's screens are generic over any result
    def _screen_changed(self, screen: Screen[Any]) -> None:
        self._release_presses()  # a dialog a press opened takes the keys now
        self._hold(screen)

    def _hold_for_press(self, button: Widget) -> None:
        """Hold the keys until the ``Pressed`` the button just posted has been handled
        all the way up: a callback follows it from the button to each container, queued
        behind the message at each (a handler that stops it ends nothing early: the
        callback still climbs). A screen change releases the hold (``_release_presses``),
        and so does the removal of the node the callback waits at (its queue is gone:
        ``_release_detached`` on the next key)."""
        self.open = False
        self.waits += 1
        token = object()
        self.presses[token] = button

        def climb(node: DOMNode) -> None:
            if token not in self.presses:
                return  # released meanwhile
            parent = node.parent
            if parent is not None:
                self.presses[token] = parent
            if parent is None or not parent.call_later(climb, parent):
                self._release(token)

        if not button.call_later(climb, button):
            self._release(token)

    def _release(self, token: object) -> None:
        if token in self.presses:
            del self.presses[token]
            self.waits -= 1
            self.app.call_later(self._maybe_open)

    def _release_presses(self) -> None:
        self.waits -= len(self.presses)
        self.presses.clear()

    def _release_detached(self) -> None:
        """Release the presses whose callback waits at a node no longer in the DOM."""
        for token, node in list(self.presses.items()):
            if node is not self.app and not node.is_attached:
                self._release(token)

    def _hold(self, node: Widget) -> None:
        """Hold the keys until ``node`` has handled the messages posted to it so far (a
        new screen its ScreenResume and mount, a field its Focus: it selects its text)."""
        self.open = False
        self.waits += 1

        async def handled() -> None:
            self.waits -= 1
            await self._maybe_open()

        if not node.call_later(self.app.call_later, handled):  # closing: nothing to wait for
            self.waits -= 1
            self.app.call_later(self._maybe_open)

    def _hold_for_focus(self) -> bool:
        """Whether keys must wait for a newly focused widget (no focus: nothing to wait for)."""
        focused = self.app.focused
        self.settled = focused
        if focused is None:
            return False
        self._hold(focused)
        return True

    async def _maybe_open(self) -> None:
        """Apply the held keys once every change has been handled, a screen is shown (not
        between two steps) and the field now focused has handled its Focus."""
        app = self.app
        if self.waits or self.open or len(app.screen_stack) < 2:
            return
        if app.focused is not self.settled and self._hold_for_focus():
            return
        self.open = True
        await self._drain()

    async def take(self, event: events.Key) -> None:
        """A key from the terminal: apply it now, or after the keys held before it."""
        self.held.append(event)
        if self.presses:
            self._release_detached()
        if not self.started:  # the screens shown so far were not followed
            self.start()
            await self._maybe_open()
        elif self.open and len(self.held) == 1:
            await self._drain()

    async def _drain(self) -> None:
        while self.open and self.held:
            # The focus moved (a key, a worker, a dialog): the new field handles its Focus.
            if self.app.focused is not self.settled and self._hold_for_focus():
                return
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
        if isinstance(active.node, Button) and active.binding.action == "press":
            self._hold_for_press(active.node)
