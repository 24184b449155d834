"""Where trunkwiz keeps its files, how the directories are made private, and which are
trusted.

The configuration directory is, in order of precedence: the ``--config DIR`` argument,
the ``TRUNKWIZ_CONFIG_DIR`` environment variable, then platformdirs' user config dir
(``~/.config/trunkwiz`` on Linux). Nothing here touches the disk until asked to.

Trust: the files there decide which PBX is signed in to, which certificate is accepted
and whether TLS is verified at all, so a directory or file that another user owns, or that
group or others may write, is refused (``UntrustedPath``, with the command that fixes it),
never used and never chmodded. Symbolic links are not followed inside the configuration
directory (the directory itself may be a link: the user chose it).
"""

from __future__ import annotations

import errno
import os
import shlex
import stat
from pathlib import Path

import platformdirs

ENV_VAR = "TRUNKWIZ_CONFIG_DIR"
"""Environment variable that overrides the configuration directory."""

APP_NAME = "trunkwiz"
DIR_MODE = 0o700
FILE_MODE = 0o600


def config_dir(override: str | Path | None = None) -> Path:
    """Return the configuration directory (not created).

    ``override`` (the ``--config`` argument) wins, then ``$TRUNKWIZ_CONFIG_DIR``, then
    the platform's user config dir. An empty override or variable counts as unset; a
    leading ``~`` is expanded.
    """
    if override is not None and str(override) != "":
        return Path(override).expanduser()
    from_env = os.environ.get(ENV_VAR, "")
    if from_env:
        return Path(from_env).expanduser()
    return Path(platformdirs.user_config_dir(APP_NAME))


class ConfigFileError(Exception):
    """A configuration file could not be read: names the file and, when known, the line."""

    def __init__(
        self,
        path: Path,
        line: int | None,
        message: str,
        *,
        column: int | None = None,
        backup: Path | None = None,
    ) -> None:
        self.path = path
        self.line = line
        self.column = column
        self.message = message
        self.backup = backup
        where = str(path)
        if line is not None:
            where += f", line {line}" + (f", column {column}" if column is not None else "")
        text = f"{where}: {message}"
        if backup is not None:
            text += f" (a copy of the file was kept as {backup})"
        super().__init__(text)


class UntrustedPath(ConfigFileError, PermissionError):
    """A configuration directory or file trunkwiz refuses to use (a ``ConfigFileError``,
    so every reader that handles a broken file handles this too); ``fix`` is the one
    command that makes it usable."""

    def __init__(self, path: Path, problem: str, fix: str) -> None:
        self.problem, self.fix = problem, fix
        super().__init__(path, None, f"{problem}: not used. Fix: {fix}")


def check_trusted(path: Path, info: os.stat_result, *, directory: bool) -> None:
    """Refuse ``path`` (whose ``lstat``/``fstat`` is ``info``) when it is a symbolic link,
    owned by another user, or writable by group or others."""
    if stat.S_ISLNK(info.st_mode):
        raise UntrustedPath(
            path, "is a symbolic link (links are not followed here)", f"rm {_quoted(path)}"
        )
    if info.st_uid != os.geteuid():
        raise UntrustedPath(
            path,
            f"is owned by another user (uid {info.st_uid})",
            f"move it away and let trunkwiz create its own: mv {_quoted(path)} "
            f"{_quoted(path)}.untrusted",
        )
    if stat.S_IMODE(info.st_mode) & (stat.S_IWGRP | stat.S_IWOTH):
        mode = "700" if directory else "600"
        raise UntrustedPath(path, "is writable by other users", f"chmod {mode} {_quoted(path)}")


def _quoted(path: Path) -> str:
    return shlex.quote(str(path))


def ensure_private_dir(path: Path) -> Path:
    """Create ``path`` (and parents) if needed and make it mode 0700; return it.

    An existing directory with group or other read/search bits is tightened to 0700,
    because it holds the PBX address, user names and pinned certificates. One that is a
    symbolic link, owned by another user, or writable by group or others raises
    ``UntrustedPath`` and is left as it is (a configuration directory that is a link is
    resolved first by :func:`resolved_root`).
    """
    path.mkdir(mode=DIR_MODE, parents=True, exist_ok=True)
    info = os.lstat(path)
    check_trusted(path, info, directory=True)
    if stat.S_IMODE(info.st_mode) != DIR_MODE:
        os.chmod(path, DIR_MODE, follow_symlinks=False)
    return path


def check_trusted_dir(path: Path) -> None:
    """``UntrustedPath`` when the existing directory ``path`` is a link, another user's or
    writable by others (nothing when it does not exist yet)."""
    if os.path.lexists(path):
        check_trusted(path, os.lstat(path), directory=True)


def resolved_root(path: Path) -> Path:
    """The configuration directory with a symbolic link at ``path`` itself resolved (the
    user may keep it elsewhere); links below it are never followed."""
    return Path(os.path.realpath(path)) if os.path.islink(path) else path


def open_trusted(path: Path) -> int:
    """Open ``path`` for reading without following a symbolic link and check that it and
    its directory are trusted (``UntrustedPath``); ``FileNotFoundError`` when missing.
    Returns the file descriptor (the caller closes it)."""
    check_trusted_dir(path.parent)
    try:
        # O_NONBLOCK: a FIFO put there does not hang the open (the reader refuses it)
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_CLOEXEC | os.O_NONBLOCK)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise UntrustedPath(
                path, "is a symbolic link (links are not followed here)", f"rm {_quoted(path)}"
            ) from None
        raise
    try:
        check_trusted(path, os.fstat(fd), directory=False)
    except BaseException:
        os.close(fd)
        raise
    return fd
