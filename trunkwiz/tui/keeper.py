"""``DraftKeeper``: writes the wizard's draft, newest wins, never after a submit; and the
signal handlers that save it when the session ends (no Textual here).

Step changes save in a thread worker; a hang-up (SIGHUP), Ctrl+C, Abandon or a crash saves
at once from the event loop. Each save takes a ticket when it is requested; a write whose ticket
is older than the last one written is skipped, so a slow background save can never
overwrite the values saved at the moment the session dropped.
"""

from __future__ import annotations

import asyncio
import itertools
import logging
import signal
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from trunkwiz.domain.jsondata import JsonMapping
    from trunkwiz.service.services import Services

log = logging.getLogger(__name__)


class DraftKeeper:
    """Serialises draft writes for one App (thread-safe)."""

    def __init__(self, services: Services) -> None:
        self.services = services
        self._lock = threading.Lock()
        self._tickets = itertools.count(1)
        self._written = 0
        self.closed = False
        """True after a successful submit until the user goes on: no draft is written."""
        self.owned = False
        """True once the saved draft is this session's (written here, or resumed): when
        what is on screen no longer holds anything worth resuming, it is removed rather
        than offered again. A draft an earlier session left and this one put off stays."""

    def ticket(self) -> int:
        """A number ordering this save after every earlier one (take it on the loop)."""
        return next(self._tickets)

    def write(self, data: JsonMapping, ticket: int) -> bool:
        """Write ``data`` unless a newer save already happened; whether it was written.

        Never raises: a draft that cannot be written is logged (the wizard goes on).
        """
        with self._lock:
            if self.closed or ticket < self._written:
                return False
            try:
                self.services.save_draft(data)
            except Exception as exc:  # disk full, read-only config, refused key: keep going
                log.warning("the draft was not saved: %s", exc)
                return False
            self._written = ticket
            self.owned = True
            return True

    def discard(self, ticket: int = 0) -> None:
        """Forget the draft (after a successful submit); a save requested before
        ``ticket`` is skipped even if the keeper is opened again (``closed = False``)."""
        with self._lock:
            self._written = max(self._written, ticket)
            try:
                self.services.discard_draft()
            except OSError as exc:
                log.warning("the draft was not removed: %s", exc)
            else:
                self.owned = False


#: Signals that end the wizard after saving the draft, with the exit code (128 + n).
EXIT_SIGNALS = {"SIGHUP": 129, "SIGINT": 130, "SIGQUIT": 131, "SIGTERM": 143}


def install_exit_signals(leave: Callable[[int], None]) -> list[int]:
    """Call ``leave(exit_code)`` on the running loop for each of ``EXIT_SIGNALS``.

    Returns the signal numbers handled (none when not on the main thread's loop).
    """
    loop = asyncio.get_running_loop()
    handled = []
    for name, code in EXIT_SIGNALS.items():
        number = getattr(signal, name, None)
        if number is None:
            continue
        try:
            loop.add_signal_handler(number, leave, code)
        except (NotImplementedError, RuntimeError, ValueError):  # not the main thread
            continue
        handled.append(number)
    return handled


def remove_exit_signals(numbers: list[int]) -> None:
    """Give the signals of ``install_exit_signals`` back to their defaults."""
    loop = asyncio.get_running_loop()
    for number in numbers:
        loop.remove_signal_handler(number)
    numbers.clear()
