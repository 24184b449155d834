"""``--debug`` / ``--debug-file FILE``: every HTTP exchange and SIP message, secrets redacted.

The PBX client logs each request and answer on the logger ``trunkwiz.pbx.http`` (method,
URL, status, time, body with passwords and tokens masked by ``trunkwiz.pbx.redact``); the
SIP transport logs each message sent and received on ``trunkwiz.sip.wire`` (the
``Authorization``/``Proxy-Authorization`` header values masked). This module routes those
loggers to stderr or a file, every line with its control characters made visible.

Control characters are made visible by ``trunkwiz.domain.text.visible`` (tab and newline
included), each line of a record on its own.
"""

from __future__ import annotations

import argparse
import logging
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
            stream = open(path, "a", encoding="utf-8")  # noqa: SIM115 - lives until exit
        except OSError as exc:
            return f"--debug-file {path}: {exc.strerror or exc}"
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
