"""Output that may go away: a terminal that hung up, a pipe whose reader left, a closed fd.

Output is never part of what a command does. ``Watch`` puts a ``GuardedStream`` in place
of ``sys.stdout`` and ``sys.stderr``: when a write or flush to one of them fails
(``EIO`` from a terminal that is gone, ``EPIPE`` from ``| head``, ``EBADF``), that stream is
*detached* -- its file descriptor is pointed at ``/dev/null`` with ``os.dup2``, so later
writes, handlers that hold the raw stream and the interpreter's final flush cannot fail --
and the watch's listeners are told once, with the exit code the loss stands for. A
command that listens treats it as an interruption (``trunkwiz apply`` rolls back as on a
signal) and says what it has to say on the stream that still works; when nobody listens,
the failing write raises ``OutputLost`` (a ``BaseException``, so no ``except Exception``
turns it into an error line): the command stops there, as a process killed by SIGPIPE
would, and ``trunkwiz.cli.main`` exits with the loss's code.

Exit codes of a lost output, as a shell reports a process ended by the matching signal:
``LOST_PIPE`` = 141 (128 + SIGPIPE) when the reader of a pipe left, ``LOST_TERMINAL`` =
129 (128 + SIGHUP) for any other failure (the terminal went away, the fd was closed).

``settle()`` is for the end of a run whatever happened: it flushes the standard streams
and detaches the ones that cannot take their last bytes, so the interpreter exits with
the command's code, never 120 (Python's code when its final flush fails).

Standard library only (the command line and the wizard both use it).
"""

from __future__ import annotations

import contextlib
import errno
import io
import os
import signal
import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import BinaryIO, TextIO

LOST_PIPE = 128 + signal.SIGPIPE
LOST_TERMINAL = 128 + signal.SIGHUP


@dataclass(frozen=True)
class Loss:
    """One standard stream that failed: which, why, and the exit code it stands for."""

    name: str
    """``stdout`` or ``stderr``."""
    error: BaseException

    @property
    def code(self) -> int:
        """141 for a pipe whose reader left, else 129."""
        return LOST_PIPE if _errno(self.error) == errno.EPIPE else LOST_TERMINAL

    @property
    def reason(self) -> str:
        """``stdout is gone (Broken pipe)``: for a message on the other stream."""
        number = _errno(self.error)
        why = os.strerror(number) if number else (str(self.error) or type(self.error).__name__)
        return f"{self.name} is gone ({why})"


class OutputLost(BaseException):
    """A standard stream failed and no listener handles it: the command ends here."""

    def __init__(self, loss: Loss) -> None:
        super().__init__(loss.reason)
        self.loss = loss


def _errno(error: BaseException) -> int | None:
    return getattr(error, "errno", None) if isinstance(error, OSError) else None


def detach(stream: TextIO) -> None:
    """Point ``stream``'s file descriptor at ``/dev/null`` and drop what it still buffers
    there (nothing when it has no descriptor: a test's in-memory stream)."""
    try:
        fd = stream.fileno()
    except (OSError, ValueError, AttributeError):  # io.UnsupportedOperation is both
        return
    try:
        null = os.open(os.devnull, os.O_WRONLY)
    except OSError:
        return
    try:
        os.dup2(null, fd)
    except OSError:
        return
    finally:
        os.close(null)
    with contextlib.suppress(OSError, ValueError):
        stream.flush()  # the bytes the dead stream still held go to /dev/null now


class GuardedStream(io.TextIOBase):
    """A text stream in front of a real one: a failing write or flush detaches the real
    one and reports it to the ``Watch``; nothing raises to the writer."""

    def __init__(self, stream: TextIO, name: str, watch: Watch) -> None:
        super().__init__()
        self.stream = stream
        self.name_ = name
        self._watch = watch
        self.lost = False
        self.fallback: GuardedStream | None = None
        """Where the text goes once this stream is lost (``Watch.fall_back``); while it is
        set, every write is flushed at once, so the text that failed is known."""

    def write(self, text: str) -> int:
        if self.lost:
            if self.fallback is not None:
                self.fallback.write(text)
            return len(text)
        try:
            self.stream.write(text)
            if self.fallback is not None:
                self.stream.flush()
        except (OSError, ValueError) as exc:
            self._fail(exc)
            if self.fallback is not None:
                self.fallback.write(text)
        return len(text)

    def flush(self) -> None:
        if self.lost:
            if self.fallback is not None:
                self.fallback.flush()
            return
        try:
            self.stream.flush()
        except (OSError, ValueError) as exc:
            self._fail(exc)

    def _fail(self, exc: BaseException) -> None:
        self.lost = True
        detach(self.stream)
        loss = Loss(self.name_, exc)
        if not self._watch.report(loss):
            raise OutputLost(loss) from exc

    # -- the rest of a text stream, as the real one has it -------------------------------
    def fileno(self) -> int:
        return self.stream.fileno()

    def isatty(self) -> bool:
        try:
            return not self.lost and self.stream.isatty()
        except (OSError, ValueError):
            return False

    def writable(self) -> bool:
        return True

    @property
    def encoding(self) -> str:  # type: ignore[override]
        return str(getattr(self.stream, "encoding", None) or "utf-8")

    @property
    def errors(self) -> str | None:  # type: ignore[override]
        return getattr(self.stream, "errors", None)

    @property
    def buffer(self) -> BinaryIO:
        return self.stream.buffer


class Watch:
    """Guards ``sys.stdout`` and ``sys.stderr`` between ``install()`` and ``uninstall()``.

    ``losses`` lists the streams lost so far; each listener added with ``on_loss`` is
    called once per lost stream, on the thread that wrote (schedule work on your loop).
    """

    def __init__(self) -> None:
        self.losses: list[Loss] = []
        self._listeners: list[Callable[[Loss], None]] = []
        self._lock = threading.Lock()
        self._saved: tuple[TextIO, TextIO] | None = None
        self.guards: dict[str, GuardedStream] = {}
        """The guarded ``stdout`` and ``stderr`` while installed."""

    @property
    def code(self) -> int | None:
        """The exit code of the first loss (None while every output works)."""
        return self.losses[0].code if self.losses else None

    def install(self) -> Watch:
        if self._saved is None:
            self._saved = (sys.stdout, sys.stderr)
            self.guards = {
                "stdout": GuardedStream(sys.stdout, "stdout", self),
                "stderr": GuardedStream(sys.stderr, "stderr", self),
            }
            sys.stdout, sys.stderr = self.guards["stdout"], self.guards["stderr"]
        return self

    def fall_back(self, lost: str, to: str) -> None:
        """Once stream ``lost`` is gone, write its text to stream ``to`` (e.g. the last
        lines of an interrupted run on stdout when stderr is gone)."""
        if lost in self.guards and to in self.guards and lost != to:
            self.guards[lost].fallback = self.guards[to]

    def uninstall(self) -> None:
        if self._saved is not None:
            sys.stdout, sys.stderr = self._saved
            self._saved = None
            self.guards = {}

    def on_loss(self, listener: Callable[[Loss], None]) -> Callable[[], None]:
        """Call ``listener`` for each stream lost from now on; returns the remover."""
        with self._lock:
            self._listeners.append(listener)

        def remove() -> None:
            with self._lock:
                if listener in self._listeners:
                    self._listeners.remove(listener)

        return remove

    def report(self, loss: Loss) -> bool:
        """Note ``loss`` and tell the listeners; whether there was any."""
        with self._lock:
            self.losses.append(loss)
            listeners = list(self._listeners)
        for listener in listeners:
            listener(loss)
        return bool(listeners)


#: The watch of the running command (``trunkwiz.cli.main`` installs it), if any.
current: Watch | None = None


def settle() -> int | None:
    """Flush the standard streams; detach each one that fails. Returns the exit code of
    an output lost now or before (None when all of it was delivered)."""
    code = current.code if current is not None else None
    seen: set[int] = set()
    for name in ("stdout", "stderr"):
        for stream in (getattr(sys, name, None), getattr(sys, f"__{name}__", None)):
            if stream is None or id(stream) in seen:
                continue
            seen.add(id(stream))
            try:
                stream.flush()
            except (OSError, ValueError) as exc:
                detach(stream)
                code = code or Loss(name, exc).code
    return code
