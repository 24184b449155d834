"""``--debug`` / ``--debug-file FILE``: every HTTP exchange and SIP message, secrets redacted.

The PBX client logs each request and answer on the logger ``trunkwiz.pbx.http`` (method,
URL, status, time, body with passwords and tokens masked by ``trunkwiz.pbx.redact``); the
SIP transport logs each message sent and received on ``trunkwiz.sip.wire`` (the
``Authorization``/``Proxy-Authorization`` header values masked). This module routes those
loggers to stderr or a file, every line with its control characters made visible.

Control characters are made visible by ``trunkwiz.domain.text.visible`` (tab and newline
included), each line of a record on its own.

The log names tenants, DID pools, hosts and auth IDs, so ``--debug-file`` is private
(``open_private_log``): a new file is created mode 0600 (``O_EXCL``); an existing one is
appended to only when it is this user's own regular file that group and others cannot
access. A symbolic link at the path is never followed (``O_NOFOLLOW``): one planted by
another user cannot redirect the log. Anything else is refused in one line (exit 2).
"""

from __future__ import annotations

import argparse
import errno
import logging
import os
import shlex
import stat
import sys
from typing import TextIO

from trunkwiz.domain.text import visible

LOGGERS = ("trunkwiz.pbx.http", "trunkwiz.sip.wire")


class _VisibleFormatter(logging.Formatter):
    """Control characters made visible; the line breaks a record was built with (a SIP
    message's lines) are kept, each line being escaped on its own."""

    def format(self, record: logging.LogRecord) -> str:
        return "\n".join(visible(line) for line in super().format(record).split("\n"))


def setup(args: argparse.Namespace, *, interactive: bool = False) -> str | None:
    """Route the debug loggers to ``--debug-file`` or stderr; returns an error message
    (bad input) or None. An interactive command draws on the terminal, so it needs a file."""
    path = getattr(args, "debug_file", None)
    if not (getattr(args, "debug", False) or path):
        return None
    stream: TextIO
    if path:
        try:
            stream = open_private_log(path)
        except LogRefused as exc:
            return f"--debug-file {visible(path)}: {exc}"
    elif interactive:
        return "the wizard draws on this terminal: give --debug-file FILE with --debug"
    else:
        stream = sys.stderr
    handler = logging.StreamHandler(stream)
    handler.setFormatter(_VisibleFormatter("%(asctime)s %(name)s %(message)s"))
    for name in LOGGERS:
        logger = logging.getLogger(name)
        _installed.append((logger, handler, logger.level, logger.propagate))
        logger.setLevel(logging.DEBUG)
        logger.addHandler(handler)
        logger.propagate = False
    return None


class LogRefused(Exception):
    """The debug file cannot be used; the message says why (and the fix)."""


_CREATE = os.O_WRONLY | os.O_APPEND | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC
_APPEND = os.O_WRONLY | os.O_APPEND | os.O_NOFOLLOW | os.O_CLOEXEC | os.O_NONBLOCK


def open_private_log(path: str) -> TextIO:
    """``path`` opened for appending, private to this user; ``LogRefused`` otherwise.

    A new file is made with mode 0600. An existing one must be this user's regular file
    with no group or other permission bits. A symbolic link is never followed (nor one
    that appears between the two opens: both use ``O_NOFOLLOW``)."""
    try:
        fd = os.open(path, _CREATE, 0o600)
    except FileExistsError:
        fd = _open_existing(path)
    except OSError as exc:
        raise LogRefused(exc.strerror or str(exc)) from None
    else:
        os.fchmod(fd, 0o600)  # whatever the umask
    try:
        os.set_blocking(fd, True)
        return os.fdopen(fd, "a", encoding="utf-8")
    except OSError as exc:  # pragma: no cover - fdopen of a checked descriptor
        os.close(fd)
        raise LogRefused(exc.strerror or str(exc)) from None


def _open_existing(path: str) -> int:
    try:
        fd = os.open(path, _APPEND)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise LogRefused(
                "is a symbolic link; not followed (give the name of a new file)"
            ) from None
        if exc.errno in (errno.EISDIR, errno.ENXIO):  # a directory, a FIFO nobody reads
            raise LogRefused("is not a regular file (give the name of a new file)") from None
        raise LogRefused(exc.strerror or str(exc)) from None
    try:
        _check_private(path, os.fstat(fd))
    except BaseException:
        os.close(fd)
        raise
    return fd


def _check_private(path: str, info: os.stat_result) -> None:
    if not stat.S_ISREG(info.st_mode):
        raise LogRefused("is not a regular file (give the name of a new file)")
    if info.st_uid != os.geteuid():
        raise LogRefused(
            f"belongs to another user (uid {info.st_uid}); not appended to "
            "(give the name of a new file)"
        )
    mode = stat.S_IMODE(info.st_mode)
    if mode & 0o077:
        raise LogRefused(
            f"other users may access it (mode {mode:04o}) and the log names tenants, "
            f"DIDs and hosts; not appended to. Fix: chmod 600 {visible(shlex.quote(path))}"
        )


_installed: list[tuple[logging.Logger, logging.StreamHandler[TextIO], int, bool]] = []


def teardown() -> None:
    """Undo ``setup`` (the command ended): loggers as before, the file closed."""
    while _installed:
        logger, handler, level, propagate = _installed.pop()
        logger.removeHandler(handler)
        logger.setLevel(level)
        logger.propagate = propagate
        if handler.stream is not sys.stderr and not handler.stream.closed:
            handler.stream.close()
