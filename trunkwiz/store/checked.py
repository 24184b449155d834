"""Reading back a file trunkwiz wrote: one typed loader per kind of file, and what happens
to a file that does not fit.

``load_checked(path, build, what=...)`` reads ``path`` (trusted, regular, at most
``tomlfile.MAX_BYTES``, UTF-8 TOML) and hands the table to ``build``, the file kind's one
typed loader (a pydantic model of the whole file, ``trunkwiz.store.schemas``), which
raises ``ValueError`` (pydantic's ``ValidationError`` is one) or ``TypeError`` for a wrong
shape. A file that does not parse or has the wrong shape -- a syntax error, wrong types,
missing or unknown keys, binary bytes, a directory or FIFO in its place, a huge file -- is
moved aside to ``<name>.bad-<UTC time>`` beside it (mode 0600, 0700 for a directory),
ONE line on stderr says where (``report``), and the caller goes on as if there were no
file (``None``). Only a file that is not ours to judge raises: ``UntrustedPath`` (a link,
another user's, writable by others) is refused and left where it is.

The lines are also kept in ``NOTICES``: the wizard prints those written while Textual
had the terminal (its capture swallows them) once it has given the terminal back.
"""

from __future__ import annotations

import contextlib
import os
import stat
import sys
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import TypeVar

from trunkwiz.compat import UTC
from trunkwiz.domain.jsondata import JsonObject
from trunkwiz.domain.text import visible
from trunkwiz.store.paths import ConfigFileError, UntrustedPath, open_trusted
from trunkwiz.store.tomlfile import parse_toml, read_regular

T = TypeVar("T")

NOTICES: list[str] = []
"""Every line ``report`` wrote in this process, in order."""

_REASON_CHARS = 160


def load_checked(path: Path, build: Callable[[JsonObject], T], *, what: str) -> T | None:
    """The file at ``path`` as ``build`` makes it, or ``None`` when there is none or it
    was unusable (then moved aside and reported). Raises ``UntrustedPath``."""
    try:
        fd = open_trusted(path)
    except FileNotFoundError:
        return None
    except UntrustedPath:
        raise
    except OSError as exc:  # e.g. mode 000: say so, never a traceback
        raise ConfigFileError(path, None, exc.strerror or str(exc)) from None
    try:
        info = os.fstat(fd)
        try:
            return build(parse_toml(path, read_regular(path, fd)))
        except UntrustedPath:
            raise
        except (ConfigFileError, ValueError, TypeError, OSError) as exc:
            reason = _reason(exc)
        moved = _move_aside(path, fd, info)
    finally:
        os.close(fd)
    if moved is None:
        return None  # another run moved or replaced it meanwhile: nothing to say
    if isinstance(moved, OSError):
        report(
            f"{what} {path} cannot be used ({reason}) nor moved aside "
            f"({moved.strerror or moved}); going on without it"
        )
    else:
        report(f"{what} {path} cannot be used ({reason}); moved it to {moved}, going on without it")
    return None


def _reason(exc: BaseException) -> str:
    """What is wrong, short and on one line."""
    pydantic = sys.modules.get("pydantic")  # loaded when a model raised, not otherwise
    if pydantic is not None and isinstance(exc, pydantic.ValidationError):
        first = exc.errors()[0]
        where = _dotted(first.get("loc", ()))
        count = exc.error_count()
        more = f" (and {count - 1} more)" if count > 1 else ""
        text = f"{where}: {first['msg']}{more}" if where else f"{first['msg']}{more}"
    elif isinstance(exc, ConfigFileError):
        text = exc.message
        if exc.line is not None:
            text = f"line {exc.line}: {text}"
    elif isinstance(exc, OSError):
        text = exc.strerror or type(exc).__name__
    else:
        text = str(exc) or type(exc).__name__
    return text if len(text) <= _REASON_CHARS else text[: _REASON_CHARS - 1] + "…"


_UNION_TAGS = frozenset({"str", "bool", "int", "float"})


def _dotted(loc: tuple[str | int, ...]) -> str:
    """``('tenants', 0, 'tenant_id')`` -> ``tenants[0].tenant_id`` (without the member
    names pydantic adds inside a union, ``str``, ``list[...]``)."""
    out = ""
    for part in loc:
        if isinstance(part, str) and (part in _UNION_TAGS or part.startswith("list[")):
            continue
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def _move_aside(path: Path, fd: int, info: os.stat_result) -> Path | OSError | None:
    """Rename ``path`` (still the file read through ``fd``) to ``<name>.bad-<time>``;
    ``None`` when it is gone or was replaced meanwhile, the ``OSError`` when it cannot be
    renamed."""
    directory = stat.S_ISDIR(info.st_mode)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    try:
        os.fchmod(fd, 0o700 if directory else 0o600)  # ours (checked): keep it private
        for attempt in range(1000):
            target = path.with_name(f"{path.name}.bad-{stamp}" + (f"-{attempt}" if attempt else ""))
            if os.path.lexists(target):
                continue
            try:
                now = os.lstat(path)
            except FileNotFoundError:
                return None
            if (now.st_dev, now.st_ino) != (info.st_dev, info.st_ino):
                return None
            os.rename(path, target)
            return target
        raise FileExistsError(f"{path.name}.bad-{stamp}-*")
    except OSError as exc:
        return exc


def report(line: str) -> None:
    """Write ``trunkwiz: LINE`` (control characters made visible) on stderr, keep it in
    ``NOTICES``; a stderr that cannot be written is not an error here."""
    text = f"trunkwiz: {visible(line)}"
    NOTICES.append(text)
    with contextlib.suppress(OSError, ValueError):  # stderr gone or closed
        print(text, file=sys.stderr, flush=True)
