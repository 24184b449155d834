"""Private crash logs: the traceback of an unexpected error, for the user to send along.

An unexpected exception never puts a traceback on the terminal (it could show what was
typed, and one line is what a user can act on). Its traceback, without local variables,
is written to a new file ``<config_dir>/logs/crash-<UTC time>-<pid>.log`` instead: the
directory is made private (0700, trusted as the configuration directory is), the file is
created with ``O_CREAT|O_EXCL|O_NOFOLLOW`` and mode 0600, so nothing that was already there
(a symbolic link planted by someone else) is followed or overwritten. When that directory
cannot be used (read-only, untrusted), a new 0600 file in the system's temporary
directory is used (``tempfile.mkstemp``: also exclusive, never a link). Every control
character of the text is made visible first: ``cat`` of the log cannot drive the terminal.

Standard library and ``trunkwiz.domain.text`` only (the command line's last resort uses it
before anything else may have loaded).
"""

from __future__ import annotations

import logging
import os
import tempfile
import traceback
from datetime import datetime
from pathlib import Path

from trunkwiz.compat import UTC
from trunkwiz.domain.text import error_line, visible
from trunkwiz.store.paths import FILE_MODE, ensure_private_dir, resolved_root

log = logging.getLogger(__name__)

LOGS_DIR = "logs"
#: At most this many characters of the exception's message go into the one line.
SUMMARY_CHARS = 160


def traceback_text(error: BaseException) -> str:
    """The traceback of ``error`` (with its causes), never a local variable's value."""
    lines = traceback.format_exception(type(error), error, error.__traceback__)
    return "".join(lines)


def summary(error: BaseException) -> str:
    """``Type: message`` in one line, every control character visible, cut to
    ``SUMMARY_CHARS`` (an empty message: the type alone)."""
    return error_line(error, SUMMARY_CHARS)


def write_crash_log(config_dir: Path | None, error: BaseException, context: str = "") -> Path:
    """Write the traceback of ``error`` (after ``context``, a few lines saying what ran) to
    a new private file and return its path. Raises ``OSError`` only when neither the
    configuration directory nor the temporary directory can take a new file."""
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    header = f"trunkwiz crash at {stamp} (pid {os.getpid()})\n{context}".rstrip("\n")
    body = visible(f"{header}\n\n{traceback_text(error)}", multiline=True).encode("utf-8")
    name = f"crash-{stamp}-{os.getpid()}"
    if config_dir is not None:
        try:
            root = ensure_private_dir(resolved_root(Path(config_dir)))
            return _write_new(root / LOGS_DIR, name, body)
        except Exception:  # untrusted, read-only, full: the temp dir then
            log.debug("no crash log in %s", config_dir, exc_info=True)
    fd, path = tempfile.mkstemp(prefix=f"trunkwiz-{name}-", suffix=".log")
    with os.fdopen(fd, "wb") as handle:
        os.fchmod(handle.fileno(), FILE_MODE)
        handle.write(body)
    return Path(path)


def _write_new(directory: Path, name: str, body: bytes) -> Path:
    """``body`` in a new file ``<name>[-n].log`` of the private ``directory``."""
    ensure_private_dir(directory)
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC
    for attempt in range(100):
        path = directory / (f"{name}.log" if attempt == 0 else f"{name}-{attempt}.log")
        try:
            fd = os.open(path, flags, FILE_MODE)
        except FileExistsError:
            continue
        with os.fdopen(fd, "wb") as handle:
            os.fchmod(handle.fileno(), FILE_MODE)  # whatever the umask
            handle.write(body)
        return path
    raise FileExistsError(directory / f"{name}.log")
