"""Run the real ``trunkwiz`` command in a pseudo-terminal (80x24) and read its screen."""

from __future__ import annotations

import fcntl
import os
import re
import signal
import struct
import subprocess
import sys
import termios
import threading
import time
from collections.abc import Sequence
from pathlib import Path

_ANSI = re.compile(
    r"\x1b(?:\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(?:\x07|\x1b\\)|[PX^_][^\x1b]*\x1b\\|.)"
)

#: What a full-screen program writes as it gives the terminal back (the normal screen).
ALT_SCREEN_OFF = b"\x1b[?1049l"

KEYS = {
    "ctrl+n": "\x0e",
    "ctrl+r": "\x12",
    "ctrl+c": "\x03",
    "tab": "\t",
    "enter": "\r",
    "escape": "\x1b",
    "f1": "\x1bOP",
}


class PtyApp:
    """``python -m MODULE ARGS`` on a pty (``trunkwiz``, or a test's wrapper of its command
    line); its output is collected by a reader thread."""

    def __init__(
        self, args: Sequence[str], env: dict[str, str], cwd: Path, module: str = "trunkwiz"
    ) -> None:
        master, slave = os.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
        self.proc = subprocess.Popen(
            [sys.executable, "-m", module, *args],
            stdin=slave,
            stdout=slave,
            stderr=slave,
            env=env,
            cwd=cwd,
            start_new_session=True,
            close_fds=True,
        )
        os.close(slave)
        self.master: int | None = master
        self._data = bytearray()
        self._changed = threading.Condition()
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        while self.master is not None:
            try:
                chunk = os.read(self.master, 65536)
            except OSError:
                chunk = b""
            with self._changed:
                if not chunk:
                    self._changed.notify_all()
                    return
                self._data += chunk
                self._changed.notify_all()

    def raw(self) -> bytes:
        """Everything written to the terminal so far, as it came."""
        with self._changed:
            return bytes(self._data)

    def all_output(self, timeout: float = 10.0) -> bytes:
        """Once the process has ended: everything it wrote, read to the end."""
        self._reader.join(timeout)
        assert not self._reader.is_alive(), "the terminal was not read to its end"
        return self.raw()

    def text(self) -> str:
        """Everything shown so far, escape sequences removed."""
        with self._changed:
            raw = bytes(self._data)
        return _ANSI.sub("", raw.decode("utf-8", "replace"))

    def wait_for(self, needle: str, timeout: float = 20.0) -> None:
        """Block until ``needle`` has been shown (``AssertionError`` after ``timeout``)."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while needle not in _ANSI.sub("", bytes(self._data).decode("utf-8", "replace")):
                left = deadline - time.monotonic()
                if left <= 0 or self.proc.poll() is not None:
                    tail = self.text()[-600:]
                    raise AssertionError(f"{needle!r} not shown within {timeout} s: …{tail!r}")
                self._changed.wait(min(left, 0.5))

    def mark(self) -> None:
        """Forget what was shown so far (``wait_for`` then looks at new output only)."""
        with self._changed:
            self._data.clear()

    def send(self, *keys: str) -> None:
        """Type text or named keys (``ctrl+n``, ``tab``, …)."""
        assert self.master is not None
        for key in keys:
            os.write(self.master, KEYS.get(key, key).encode())

    def tab(self, redrawn: str) -> None:
        """Move to the next field and wait until the move took effect.

        Keys typed right after Tab can still reach the field that had the focus (the App
        hands each key to the focused widget before the Tab is handled), so this opens the
        help after the Tab (it opens after the move), waits for it, closes it and waits
        until ``redrawn`` (a text the help covered) is painted again.
        """
        self.mark()
        self.send("tab", "f1")
        self.wait_for("Close")
        self.mark()
        self.send("escape")
        self.wait_for(redrawn)

    def signal(self, number: int) -> None:
        """Send a signal to the wizard."""
        self.proc.send_signal(number)

    def hang_up(self) -> None:
        """What a dropped SSH session does: the terminal goes away, then SIGHUP."""
        master, self.master = self.master, None
        if master is not None:
            os.close(master)
        self.proc.send_signal(signal.SIGHUP)

    def wait(self, timeout: float = 15.0) -> int:
        """The exit code (``subprocess.TimeoutExpired`` if it does not end in time)."""
        return self.proc.wait(timeout)

    def close(self) -> None:
        """Stop the process if still running and release the terminal."""
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(10)
        master, self.master = self.master, None
        if master is not None:
            os.close(master)
        self._reader.join(5)


def user_env() -> dict[str, str]:
    """An admin's shell: no PYTHONUNBUFFERED, no keyring, nothing of the tests' own."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("TRUNKWIZ_", "TEXTUAL")) and k != "PYTHONUNBUFFERED"
    }
    env.update(TERM="xterm-256color", PYTHON_KEYRING_BACKEND="keyring.backends.fail.Keyring")
    return env


def after_the_wizard(raw: bytes) -> list[str]:
    """The lines written once the wizard gave the terminal back (escapes removed)."""
    tail = raw.rsplit(ALT_SCREEN_OFF, 1)[-1].decode("utf-8", "replace")
    return [line for line in _ANSI.sub("", tail).replace("\r", "").split("\n") if line.strip()]
