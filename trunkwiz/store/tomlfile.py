"""TOML files that are written atomically, privately and never hold a secret.

``write_toml`` writes a temporary file in the same directory, fsyncs it and renames it
over the target (``os.replace``), so a reader sees the old or the new file, never half of
one. Files are mode 0600 in a 0700 directory. Any key (at any depth) named like a
password, passphrase, secret or token is refused before anything is written.

``read_toml`` turns a syntax error into ``ConfigFileError`` naming the file and line and
keeps a copy of the broken file as ``<file>.bak`` so the user's text survives when the
caller starts afresh.
"""

from __future__ import annotations

import os
import re
import stat
import tempfile
from collections.abc import Mapping
from pathlib import Path

from trunkwiz import compat
from trunkwiz.domain.jsondata import JsonMapping, JsonObject
from trunkwiz.store.paths import FILE_MODE, ConfigFileError, ensure_private_dir, open_trusted

__all__ = ["ConfigFileError", "SecretKeyRefused", "read_toml", "write_toml"]

SECRET_KEY_PATTERN = re.compile(r"pass(?:word|wd|phrase)|secret|token", re.IGNORECASE)
"""Keys matching this (anywhere in the name) are never written to a file."""

_POSITION = re.compile(r"\s*\(at line (\d+), column (\d+)\)\s*$")
_END = re.compile(r"\s*\(at end of document\)\s*$")


class SecretKeyRefused(ValueError):
    """Data meant for a file holds a key that looks like a secret; nothing was written."""

    def __init__(self, path: Path, key_path: str) -> None:
        self.path = path
        self.key_path = key_path
        super().__init__(
            f"refusing to write {path}: key {key_path!r} looks like a password or other "
            "secret; secrets belong in the keyring, never in a file"
        )


def find_secret_keys(data: JsonMapping, prefix: str = "") -> list[str]:
    """Return the dotted paths of every key in ``data`` (any depth) that looks secret."""
    found: list[str] = []
    for key, value in data.items():
        dotted = f"{prefix}.{key}" if prefix else str(key)
        if SECRET_KEY_PATTERN.search(str(key)):
            found.append(dotted)
        found.extend(_secret_keys_in(value, dotted))
    return found


def _secret_keys_in(value: object, prefix: str) -> list[str]:
    if isinstance(value, Mapping):
        return find_secret_keys(value, prefix)
    if isinstance(value, list | tuple):
        found: list[str] = []
        for index, item in enumerate(value):
            found.extend(_secret_keys_in(item, f"{prefix}[{index}]"))
        return found
    return []


def write_toml(path: Path, data: JsonMapping) -> None:
    """Write ``data`` as TOML to ``path`` atomically with mode 0600.

    Raises ``SecretKeyRefused`` (nothing written) when any key looks like a secret, and
    ``TypeError`` for a value TOML cannot hold (the old file is left untouched).
    """
    refused = find_secret_keys(data)
    if refused:
        raise SecretKeyRefused(path, refused[0])
    import tomli_w  # lazy: the store loads no tomli_w on import

    payload = tomli_w.dumps(dict(data)).encode("utf-8")
    write_bytes_atomic(path, payload)


def write_bytes_atomic(path: Path, payload: bytes) -> None:
    """Replace ``path`` with ``payload``: temp file in the same dir, fsync, rename, 0600.

    The directory must be trusted (``UntrustedPath`` otherwise, nothing written); a
    symbolic link at ``path`` is replaced by the file, never written through."""
    directory = ensure_private_dir(path.parent)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=directory)
    try:
        with os.fdopen(fd, "wb") as handle:
            os.fchmod(handle.fileno(), FILE_MODE)
            handle.write(payload)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp_name, path)
    except BaseException:
        Path(tmp_name).unlink(missing_ok=True)
        raise
    _fsync_dir(directory)


def _fsync_dir(directory: Path) -> None:
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def backup_path(path: Path) -> Path:
    """Return where a broken ``path`` is kept: ``<file>.bak`` beside it."""
    return path.with_name(path.name + ".bak")


def keep_backup(path: Path, raw: bytes | None = None) -> Path:
    """Copy ``path`` (or the given bytes) to ``<file>.bak`` (mode 0600); return that path."""
    target = backup_path(path)
    if raw is None:
        with os.fdopen(open_trusted(path), "rb") as handle:
            raw = handle.read()
    write_bytes_atomic(target, raw)
    return target


MAX_BYTES = 1 << 20
"""The largest configuration file read (1 MiB): a draft of 120 tenants is about 20 KiB."""


def read_toml(path: Path) -> JsonObject:
    """Parse the TOML file at ``path``.

    Raises ``FileNotFoundError`` when it does not exist, ``UntrustedPath`` (nothing read)
    when it or its directory is a symbolic link, another user's or writable by others,
    and ``ConfigFileError`` (file, line, column, tomllib's message) when it is not a
    regular file of at most ``MAX_BYTES`` of valid UTF-8 TOML; in that case the file is
    first copied to ``<file>.bak``.
    """
    with os.fdopen(open_trusted(path), "rb") as handle:
        raw = read_regular(path, handle.fileno())
    try:
        return parse_toml(path, raw)
    except ConfigFileError as exc:
        backup = keep_backup(path, raw)
        raise ConfigFileError(
            path, exc.line, exc.message, column=exc.column, backup=backup
        ) from None


def read_regular(path: Path, fd: int) -> bytes:
    """The bytes of the open file ``fd``; ``ConfigFileError`` when it is not a regular
    file or holds more than ``MAX_BYTES``."""
    if not stat.S_ISREG(os.fstat(fd).st_mode):
        raise ConfigFileError(path, None, "not a regular file")
    chunks: list[bytes] = []
    size = 0
    while size <= MAX_BYTES:
        chunk = os.read(fd, MAX_BYTES + 1 - size)
        if not chunk:
            break
        chunks.append(chunk)
        size += len(chunk)
    if size > MAX_BYTES:
        raise ConfigFileError(path, None, f"larger than {MAX_BYTES // 1024} KiB")
    return b"".join(chunks)


def parse_toml(path: Path, raw: bytes) -> JsonObject:
    """``raw`` as TOML; ``ConfigFileError`` (line, column, message) when it is not valid
    UTF-8 TOML."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        bad_line = raw[: exc.start].count(b"\n") + 1
        raise ConfigFileError(path, bad_line, "not valid UTF-8 text") from None
    try:
        return compat.tomllib.loads(text)  # the parser loads here: not for a missing file
    except compat.tomllib.TOMLDecodeError as exc:
        message, line, column = _split_position(str(exc), text)
        raise ConfigFileError(path, line, message, column=column) from None


def _split_position(message: str, text: str) -> tuple[str, int | None, int | None]:
    position = _POSITION.search(message)
    if position:
        return message[: position.start()], int(position.group(1)), int(position.group(2))
    if _END.search(message):
        line = text.count("\n") + (0 if text.endswith("\n") else 1)
        return _END.sub("", message), max(line, 1), None
    return message, None, None
