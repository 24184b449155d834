"""The trunk names completion offers, kept between runs.

``status`` and ``export`` (of all trunks) remember the trunk names in
``<config dir>/completion-names`` (mode 0600; names only, never a secret), written
atomically (a fresh ``O_EXCL`` temporary file renamed over it, so a link planted there is
replaced, never followed). The format carries any name exactly: NUL-terminated UTF-8
records, the first :data:`HEADER`, then the names, the last :data:`TRAILER` (bash reads
it with ``mapfile -d ''``, zsh splits ``$(<file)`` with ``(0)``). A file of any other
shape (the older newline-separated one, a cut one, too many records, a link, not a
regular file) gives no trunk names and no message.
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path

NAMES_FILE = "completion-names"
HEADER = "trunkwiz-completion-names/1"
TRAILER = "trunkwiz-completion-names/end"
MAX_NAMES = 2000
MAX_NAME_CHARS = 200


def encode_names(names: list[str]) -> bytes:
    """The file's bytes for ``names``: every name as given (spaces, quotes, newlines and
    all), sorted, once; names that are empty, longer than :data:`MAX_NAME_CHARS`, hold a
    NUL (no shell word can) or cannot be written as UTF-8 are left out."""
    kept: set[str] = set()
    for name in names:
        if not name or "\x00" in name or len(name) > MAX_NAME_CHARS:
            continue
        try:
            name.encode("utf-8")
        except UnicodeEncodeError:
            continue
        kept.add(name)
    records = [HEADER, *sorted(kept)[:MAX_NAMES], TRAILER]
    return b"".join(r.encode("utf-8") + b"\x00" for r in records)


def decode_names(data: bytes) -> list[str] | None:
    """The names in a file's bytes, or None when it is not of :func:`encode_names`' shape.
    The scripts check the same header, trailer and number of records (bash's ``mapfile``
    cannot tell a missing final NUL, and neither shell checks UTF-8)."""
    if not data.endswith(b"\x00"):
        return None
    records = data[:-1].split(b"\x00")
    if len(records) < 2 or len(records) > MAX_NAMES + 2:
        return None
    if records[0] != HEADER.encode() or records[-1] != TRAILER.encode():
        return None
    try:
        return [r.decode("utf-8") for r in records[1:-1]]
    except UnicodeDecodeError:
        return None


def remember_names(args: argparse.Namespace, names: list[str]) -> None:
    """Keep the trunk names of a full listing for completion (best effort, never fails)."""
    try:
        from trunkwiz.store.paths import (  # lazy: keeps --help light
            config_dir,
            ensure_private_dir,
            resolved_root,
        )

        folder = ensure_private_dir(resolved_root(config_dir(getattr(args, "config", None))))
        data = encode_names(names)
        path = folder / NAMES_FILE
        tmp = folder / f".{NAMES_FILE}.{os.getpid()}.{os.urandom(6).hex()}"
        flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC
        fd = os.open(tmp, flags, 0o600)
        try:
            with os.fdopen(fd, "wb") as f:
                f.write(data)
            os.replace(tmp, path)  # replaces a link planted at path, never follows it
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise
    except (OSError, ValueError):
        pass


def names_file(config: str | Path | None = None) -> Path:
    """Where the trunk names for completion are kept."""
    from trunkwiz.store.paths import config_dir  # lazy: keeps --help light

    return config_dir(config) / NAMES_FILE
