"""The trunk names completion offers, kept between runs.

``status`` and ``export`` (of all trunks) remember the trunk names in
``<config dir>/completion-names`` (mode 0600; names only, never a secret), written
atomically (a fresh ``O_EXCL`` temporary file renamed over it, so a link planted there is
replaced, never followed). The format (:mod:`trunkwiz.cli.completion.records`) carries
any name exactly: NUL-terminated UTF-8 records, the first ``HEADER``, then the names, the
last ``TRAILER`` (bash reads it with ``mapfile -d ''``, zsh splits ``$(<file)`` with
``(0)``). A file of any other
shape (the older newline-separated one, a cut one, too many records, a link, not a
regular file) gives no trunk names and no message.
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path

from trunkwiz.cli.completion.records import NAMES_FILE, encode_names
from trunkwiz.store.paths import config_dir, ensure_private_dir, resolved_root


def remember_names(args: argparse.Namespace, names: list[str]) -> None:
    """Keep the trunk names of a full listing for completion (best effort, never fails)."""
    try:
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
    return config_dir(config) / NAMES_FILE
