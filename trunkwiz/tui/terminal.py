"""The wizard's terminal driver: a terminal that goes away is a hang-up.

Textual draws through a writer thread onto ``sys.__stderr__`` and reads keys in an input
thread. When the terminal goes away (the SSH session dropped; with or without the SIGHUP
that usually follows), the writer's next write fails with EIO -- the thread would die and
the App would block once its queue is full -- and the input thread's read fails too. This
driver puts a ``trunkwiz.streams.GuardedStream`` in front of the terminal: the first
failure detaches it (the fd now points at ``/dev/null``, so nothing blocks and the final
flush cannot fail) and calls the App's ``leave_now(129)`` on its loop, exactly what a
SIGHUP does: a running Submit is stopped and rolled back, the draft is saved, the exit
code is 129. A failing read of the keys is the same event.
"""

from __future__ import annotations

import asyncio
import contextlib
import sys
from typing import TYPE_CHECKING, Any

from trunkwiz.streams import GuardedStream, Loss, Watch

if TYPE_CHECKING:
    from textual.driver import Driver


def driver_class() -> type[Driver] | None:
    """The guarded driver on POSIX terminals; None elsewhere (Textual picks its own)."""
    if sys.platform == "win32":
        return None
    from textual.drivers.linux_driver import LinuxDriver  # lazy: POSIX only (termios)

    class GuardedLinuxDriver(LinuxDriver):
        """Textual's Linux driver; a lost terminal leaves the App as a hang-up does."""

        # Any: Textual's App and driver options, passed on as they are
        def __init__(self, app: Any, **kwargs: Any) -> None:
            super().__init__(app, **kwargs)
            loop = asyncio.get_running_loop()
            self.watch = Watch()

            def lost(loss: Loss) -> None:
                with contextlib.suppress(RuntimeError):  # a closed loop: the App is gone
                    loop.call_soon_threadsafe(self._terminal_lost, loss.code)

            self.watch.on_loss(lost)
            self._file = GuardedStream(self._file, "stderr", self.watch)  # type: ignore[arg-type,assignment]

        def _terminal_lost(self, code: int) -> None:
            leave = getattr(self._app, "leave_now", None)
            if leave is not None:
                leave(code)
            else:
                self._app.exit(return_code=code)

        def run_input_thread(self) -> None:
            try:
                super().run_input_thread()
            except OSError as exc:  # the terminal hung up under the reader
                self.watch.report(Loss("stdin", exc))

    return GuardedLinuxDriver
